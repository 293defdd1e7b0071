"""How decision tables scale: load and per-decision cost from 10 to 10,000 rows.

One question answered by a table of n interval rows (row i: ``(i..i+1]``), the shape of a
time-allocation guideline or a fee table. Measured in the same run, for each n:

- lss-sol-rules: load and compile the table (``lsr.load``, national rules excluded by
  loading the table alone and subtracting a load of nothing), then one decision with its
  full explanation (``evaluate``), as the median of repeated runs;
- GoRules ZEN (``zen-engine``): ``create_decision`` on the same table as a JDM decision
  table, and one ``evaluate`` with trace (the peer the issue names);
- plain Python: the same rows compiled into an if-chain with ``compile``/``exec`` in this
  script (a floor, not a rule engine: no explanation, no missing facts).

Ratios are against the peers in this run. Writes ``bench/tables.json``, the chart
``docs/img/tables-scaling.svg`` and prints a table.
Run: ``python bench/tables.py`` (``pip install -e '.[bench]'``); ``--sizes 10,100,1000``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

import lss_sol_rules as lsr

ON = date(2026, 1, 1)


def table_toml(n: int) -> str:
    rows = "\n".join(
        f'  {{ id = "r{i}", cells = ["({i}..{i + 1}]"], value = {i} }},' for i in range(n)
    )
    return f"""
[rulebook]
id = "bench.tabell"
[facts.varde]
type = "number"
min = 0
label = {{ sv = "Värde", en = "Value" }}
[questions."bench.tabell"]
type = "int"
label = {{ sv = "Rad", en = "Row" }}
[[tables]]
id = "bench.tabell"
question = "bench.tabell"
inputs = ["varde"]
citations = ["bench"]
explain = {{ sv = "Rad {{value}}.", en = "Row {{value}}." }}
rows = [
  {{ id = "noll", cells = ["[0..0]"], value = -1 }},
{rows}
  {{ id = "over", cells = ["> {n}"], value = -2 }},
]
"""


def rules_toml(n: int) -> str:
    """The same rows as *n* ordinary ``[[rules]]`` (``varde > i and varde <= i + 1``): the
    shape of the issue's first measurement, read as ranges of ``varde`` by the rulebook."""
    head, _, _ = table_toml(0).partition("[[tables]]")
    rows = [
        ("noll", "varde >= 0 and varde <= 0", -1),
        *((f"r{i}", f"varde > {i} and varde <= {i + 1}", i) for i in range(n)),
        ("over", f"varde > {n}", -2),
    ]
    rules = "".join(
        f'[[rules]]\nid = "bench.regel.{rid}"\nquestion = "bench.tabell"\nwhen = "{when}"\n'
        f'value = {value}\ncitations = ["bench"]\n'
        f'explain = {{ sv = "Rad {{value}}.", en = "Row {{value}}." }}\n\n'
        for rid, when, value in rows
    )
    return head + rules


def zen_table(n: int) -> str:
    rules = [{"_id": "noll", "i0": "[0..0]", "o": "-1"}]
    rules += [{"_id": f"r{i}", "i0": f"({i}..{i + 1}]", "o": str(i)} for i in range(n)]
    rules.append({"_id": "over", "i0": f"> {n}", "o": "-2"})
    content = {
        "nodes": [
            {"id": "in", "type": "inputNode", "name": "in", "position": {"x": 0, "y": 0}},
            {
                "id": "dt",
                "type": "decisionTableNode",
                "name": "dt",
                "position": {"x": 0, "y": 0},
                "content": {
                    "hitPolicy": "first",
                    "inputs": [{"id": "i0", "name": "varde", "field": "varde"}],
                    "outputs": [{"id": "o", "name": "value", "field": "value"}],
                    "rules": rules,
                },
            },
            {"id": "out", "type": "outputNode", "name": "out", "position": {"x": 0, "y": 0}},
        ],
        "edges": [
            {"id": "e1", "sourceId": "in", "targetId": "dt", "type": "edge"},
            {"id": "e2", "sourceId": "dt", "targetId": "out", "type": "edge"},
        ],
    }
    return json.dumps(content)


def if_chain(n: int) -> Any:
    lines = ["def f(v):", "    if 0 <= v <= 0: return -1"]
    lines += [f"    if {i} < v <= {i + 1}: return {i}" for i in range(n)]
    lines.append(f"    if v > {n}: return -2")
    namespace: dict[str, Any] = {}
    exec(compile("\n".join(lines), "<chain>", "exec"), namespace)  # noqa: S102 - the peer
    return namespace["f"]


def timed(fn: Any, repeat: int, best: bool = False) -> float:
    """Median (or, with *best*, the fastest) seconds of *repeat* calls of *fn*."""
    samples = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - t)
    return min(samples) if best else statistics.median(samples)


def measure(n: int, folder: Path) -> dict[str, Any]:
    path = folder / f"t{n}.toml"
    path.write_text(table_toml(n), encoding="utf-8")
    empty = folder / "empty.toml"
    empty.write_text('[rulebook]\nid = "bench.tom"\n', encoding="utf-8")
    loads = 5 if n <= 1000 else 2
    # Loads: the fastest of several, less the fastest load of the national rules alone (a
    # shared machine adds noise that a median of two noisy numbers would subtract badly).
    base = timed(lambda: lsr.load(plugins=False, paths=[empty]), loads + 2, best=True)
    load = max(0.0, timed(lambda: lsr.load(plugins=False, paths=[path]), loads, best=True) - base)
    engine = lsr.load(plugins=False, paths=[path])
    values = [(i * 7919) % n + 0.5 for i in range(200)]
    engine.evaluate("bench.tabell", {"varde": values[0]}, on=ON)  # builds the index
    k = iter(range(10**9))

    def one() -> None:
        v = values[next(k) % len(values)]
        d = engine.evaluate("bench.tabell", {"varde": v}, on=ON)
        d.explain("sv")

    decision = timed(one, 300)
    answer = timed(
        lambda: engine.answer("bench.tabell", {"varde": values[next(k) % len(values)]}, on=ON),
        300,
    )
    out: dict[str, Any] = {
        "rows": n,
        "lsr_load_s": load,
        "lsr_decision_s": decision,
        "lsr_answer_s": answer,
    }
    # The same rows as ordinary rules.
    rpath = folder / f"r{n}.toml"
    rpath.write_text(rules_toml(n), encoding="utf-8")
    rload = timed(lambda: lsr.load(plugins=False, paths=[rpath]), loads, best=True) - base
    rengine = lsr.load(plugins=False, paths=[rpath])
    rengine.evaluate("bench.tabell", {"varde": values[0]}, on=ON)  # builds the index

    def rone() -> None:
        v = values[next(k) % len(values)]
        rengine.evaluate("bench.tabell", {"varde": v}, on=ON).explain("sv")

    out["lsr_rules_load_s"] = max(0.0, rload)
    out["lsr_rules_decision_s"] = timed(rone, 300)
    chain_load = timed(lambda: if_chain(n), 3)
    f = if_chain(n)
    out["python_load_s"] = chain_load
    out["python_decision_s"] = timed(lambda: f(values[next(k) % len(values)]), 300)
    try:
        import zen
    except ImportError:
        return out
    content = zen_table(n)
    eng = zen.ZenEngine()
    out["zen_load_s"] = timed(lambda: eng.create_decision(content), 3)
    dec = eng.create_decision(content)
    out["zen_decision_s"] = timed(
        lambda: dec.evaluate({"varde": values[next(k) % len(values)]}, {"trace": True}), 300
    )
    return out


def plot_svg(results: list[dict[str, Any]]) -> str:
    """A log-log chart of load and per-decision time against rows (no plotting library)."""
    width, height, left, right, top, bottom = 700, 360, 70, 220, 20, 50
    series = [
        ("lss-sol-rules, decision", "lsr_decision_s", "#1f5fa8", ""),
        ("… as [[rules]], decision", "lsr_rules_decision_s", "#2e8b57", ""),
        ("… as [[rules]], load", "lsr_rules_load_s", "#2e8b57", "6 4"),
        ("ZEN, decision", "zen_decision_s", "#b04a00", ""),
        ("lss-sol-rules, load", "lsr_load_s", "#1f5fa8", "6 4"),
        ("ZEN, load", "zen_load_s", "#b04a00", "6 4"),
    ]
    import math

    xs = [r["rows"] for r in results]
    values = [r[k] for r in results for _, k, _, _ in series if r.get(k, 0) > 0]
    lo_y = math.floor(math.log10(min(values)))
    hi_y = math.ceil(math.log10(max(values)))
    lo_x, hi_x = math.log10(min(xs)), math.log10(max(xs))

    def px(x: float) -> float:
        return left + (math.log10(x) - lo_x) / (hi_x - lo_x) * (width - left - right)

    def py(y: float) -> float:
        return top + (hi_y - math.log10(y)) / (hi_y - lo_y) * (height - top - bottom)

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="12" role="img" '
        f'aria-label="Load and decision time against rows in the table, log scales">',
        f'<rect width="{width}" height="{height}" fill="white"/>',
    ]
    for e in range(lo_y, hi_y + 1):
        y = py(10.0**e)
        if e < -3:
            label = f"{10.0**e * 1e6:g} µs"
        else:
            label = f"{10.0**e * 1e3:g} ms" if e < 0 else f"{10.0**e:g} s"
        out.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" '
                   f'stroke="#ddd"/><text x="{left - 6}" y="{y + 4:.1f}" '
                   f'text-anchor="end">{label}</text>')
    for x in xs:
        out.append(f'<text x="{px(x):.1f}" y="{height - bottom + 18}" text-anchor="middle">'
                   f'{x:,}</text>')
    out.append(f'<text x="{(left + width - right) / 2:.1f}" y="{height - 10}" '
               f'text-anchor="middle">rows in the table</text>')
    for k, (name, key, colour, dash) in enumerate(series):
        pts = [(px(r["rows"]), py(r[key])) for r in results if r.get(key, 0) > 0]
        if not pts:
            continue
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in pts)
        out.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2" '
                   f'stroke-dasharray="{dash}"/>')
        ly = top + 16 + 20 * k
        out.append(f'<line x1="{width - right + 10}" y1="{ly}" x2="{width - right + 34}" '
                   f'y2="{ly}" stroke="{colour}" stroke-width="2" stroke-dasharray="{dash}"/>'
                   f'<text x="{width - right + 40}" y="{ly + 4}">{name}</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10,100,1000,10000")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    with tempfile.TemporaryDirectory() as tmp:
        results = [measure(n, Path(tmp)) for n in sizes]
    (Path(__file__).parent / "tables.json").write_text(
        json.dumps(results, indent=2) + "\n", encoding="utf-8"
    )
    (Path(__file__).parents[1] / "docs" / "img" / "tables-scaling.svg").write_text(
        plot_svg(results), encoding="utf-8"
    )
    print(f"{'rows':>6} {'load ms':>9} {'rules ms':>9} {'ZEN load':>9} {'py load':>8} "
          f"{'answer µs':>10} {'decision µs':>12} {'rules µs':>9} {'ZEN µs':>8} {'py µs':>6} "
          f"{'÷ZEN':>6}")
    for r in results:
        zl = r.get("zen_load_s", float("nan")) * 1e3
        zd = r.get("zen_decision_s", float("nan")) * 1e6
        print(
            f"{r['rows']:>6} {r['lsr_load_s'] * 1e3:>9.1f} {r['lsr_rules_load_s'] * 1e3:>9.1f} "
            f"{zl:>9.1f} {r['python_load_s'] * 1e3:>8.1f} {r['lsr_answer_s'] * 1e6:>10.1f} "
            f"{r['lsr_decision_s'] * 1e6:>12.1f} {r['lsr_rules_decision_s'] * 1e6:>9.1f} "
            f"{zd:>8.1f} {r['python_decision_s'] * 1e6:>6.2f} "
            f"{r['lsr_decision_s'] * 1e6 / zd:>6.2f}"
        )


if __name__ == "__main__":
    main()
