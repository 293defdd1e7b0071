"""Benchmark lss-sol-rules against peer rule engines on the same rules and cases.

Run:  python bench/peers.py            (a few minutes; writes bench/results.json)
      python bench/peers.py --quick    (smaller samples, for a smoke run)
      python bench/peers.py --only batch   (one part; the others stay as they are in the file)

Peers, each given rules equivalent to ours and measured in the same run:
  * hand-written numpy (batch only): the same rules written for the benchmark's columns,
    Arrow in and Arrow out — the floor a general engine can approach;
  * GoRules ZEN (``zen-engine``, Rust core, Python binding): a JDM decision table, evaluated
    with ``trace`` on (its form of "reasons");
  * ``durable-rules`` (C core): one ruleset per question, consequences record value and rule;
  * ``rule-engine`` (pure Python): one compiled ``Rule`` per rule, matching rules collected.

Three questions: the 20-hour line (SFB 51 kap. 3 §), personkrets 3's five-part conjunction
(LSS 1 § 3) and Stockholm's 99-hour delegation line. Ours answers the real questions from the
shipped rulebooks — exception rules, dated parameters, explanation texts and citations
included — the peers only the bare conditions.

Figures are ratios against ZEN measured in the same run (below 1.0: we are faster), so they
carry across machines better than absolute times. Nothing here is a pass/fail test.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

ON = date(2026, 1, 1)
HERE = Path(__file__).resolve().parent

# question, jurisdiction, the facts of one case, and the peers' bare rules:
# (rule id, condition over the case's fields in each peer's syntax, value)
HUVUDMAN = "personlig_assistans.huvudman"
PK3 = "lss.personkrets_3"
DELEG = "delegation.beslutsniva"
PK3_FACTS = (
    "funktionsnedsattning_varaktig",
    "beror_pa_normalt_aldrande",
    "funktionsnedsattning_stor",
    "betydande_svarigheter_i_daglig_livsforing",
    "omfattande_behov_av_stod_eller_service",
)


def case_for(question: str, i: int) -> dict[str, Any]:
    """The i-th synthetic case for *question* (deterministic)."""
    if question == HUVUDMAN:
        return {"grundlaggande_behov_timmar_per_vecka": (i * 7919) % 600 / 10, "alder": 18 + i % 47}
    if question == PK3:
        bits = (i * 2654435761) % 32
        facts: dict[str, Any] = {
            name: bool(bits >> k & 1) if k != 1 else not bits >> k & 1
            for k, name in enumerate(PK3_FACTS)
        }
        facts["diagnoser"] = ["psykisk_funktionsnedsattning"]
        return facts
    return {"insats": "hemtjanst", "hemtjanst_timmar_per_manad": (i * 7919) % 2000 / 10}


# The 20-hour line alone, as its own question (the national huvudman question also applies
# the age limit, SFB 51 kap. 8 and 10 §, with date arithmetic on the birth date).
THRESHOLD = "bench.troskel"
THRESHOLD_RULES = """
[rulebook]
id = "bench.troskel"
title = { sv = "Tröskel", en = "Threshold" }
jurisdiction = "se"

[questions."bench.troskel"]
type = "text"
values = ["kommun", "forsakringskassan"]
label = { sv = "Huvudman (20-timmarsgränsen)", en = "Who grants (the 20-hour line)" }

[[rules]]
id = "bench.troskel.fk"
question = "bench.troskel"
when = "grundlaggande_behov_timmar_per_vecka > 20"
value = "forsakringskassan"
valid_from = 2000-01-01
citations = ["SFB 51 kap. 3 §"]
explain = { sv = "Mer än 20 timmar.", en = "More than 20 hours." }

[[rules]]
id = "bench.troskel.kommun"
question = "bench.troskel"
when = "grundlaggande_behov_timmar_per_vecka <= 20"
value = "kommun"
valid_from = 2000-01-01
citations = ["LSS 9 § 2"]
explain = { sv = "Högst 20 timmar.", en = "At most 20 hours." }
"""
JURISDICTION = {HUVUDMAN: "se", PK3: "se", DELEG: "se/stockholm", THRESHOLD: "se"}


def _engine_for(question: str) -> Any:
    import lss_sol_rules as lsr

    if question != THRESHOLD:
        return lsr.load()
    path = Path(tempfile.mkdtemp()) / "troskel.toml"
    path.write_text(THRESHOLD_RULES, encoding="utf-8")
    return lsr.load([path])


# -- ours ----------------------------------------------------------------------------------
def ours_single(question: str) -> Callable[[dict[str, Any]], Any]:
    import lss_sol_rules as lsr

    engine = lsr.load()
    j = JURISDICTION[question]

    def run(case: dict[str, Any]) -> Any:
        d = engine.evaluate(question, case, on=ON, jurisdiction=j)
        return d.value, [r.rule_id for r in d.reasons], d.reasons[0].text.sv

    return run


def ours_answer(question: str) -> Callable[[dict[str, Any]], Any]:
    """Value, status and missing facts only (``Engine.answer``), no explanation built."""
    import lss_sol_rules as lsr

    engine = lsr.load()
    j = JURISDICTION[question]

    def run(case: dict[str, Any]) -> Any:
        a = engine.answer(question, case, on=ON, jurisdiction=j)
        return a.value, a.status, a.missing

    return run


# -- ZEN -----------------------------------------------------------------------------------
def _zen_table(inputs: list[str], rules: list[tuple[str, list[str], str]]) -> str:
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
                    "inputs": [
                        {"id": f"i{k}", "name": f, "field": f} for k, f in enumerate(inputs)
                    ],
                    "outputs": [{"id": "o", "name": "value", "field": "value"}],
                    "rules": [
                        {"_id": rid, **{f"i{k}": c for k, c in enumerate(conds)}, "o": value}
                        for rid, conds, value in rules
                    ],
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


ZEN_RULES = {
    HUVUDMAN: (
        ["grundlaggande_behov_timmar_per_vecka"],
        [("fk", ["> 20"], "'forsakringskassan'"), ("kommun", ["<= 20"], "'kommun'")],
    ),
    PK3: (
        list(PK3_FACTS),
        [
            ("lss.1.3", ["true", "false", "true", "true", "true"], "true"),
            ("lss.1.3.ej", ["", "", "", "", ""], "false"),
        ],
    ),
    DELEG: (
        ["insats", "hemtjanst_timmar_per_manad"],
        [
            ("sarskild", ["'hemtjanst'", "> 99"], "'sarskild_delegation'"),
            ("handlaggare", ["'hemtjanst'", "<= 99"], "'handlaggare'"),
        ],
    ),
}


def zen_single(question: str) -> Callable[[dict[str, Any]], Any]:
    import zen

    decision = zen.ZenEngine().create_decision(_zen_table(*ZEN_RULES[question]))

    def run(case: dict[str, Any]) -> Any:
        res = decision.evaluate(case, {"trace": True})
        return res["result"], res["trace"]["dt"]["traceData"]["rule"]["_id"]

    return run


# -- rule-engine ---------------------------------------------------------------------------
RE_RULES = {
    HUVUDMAN: [
        ("fk", "grundlaggande_behov_timmar_per_vecka > 20", "forsakringskassan"),
        ("kommun", "grundlaggande_behov_timmar_per_vecka <= 20", "kommun"),
    ],
    PK3: [
        (
            "lss.1.3",
            "funktionsnedsattning_varaktig and not beror_pa_normalt_aldrande and "
            "funktionsnedsattning_stor and betydande_svarigheter_i_daglig_livsforing and "
            "omfattande_behov_av_stod_eller_service",
            True,
        ),
    ],
    DELEG: [
        ("sarskild", "insats == 'hemtjanst' and hemtjanst_timmar_per_manad > 99", "sarskild"),
        ("handlaggare", "insats == 'hemtjanst' and hemtjanst_timmar_per_manad <= 99", "handl"),
    ],
}


def rule_engine_single(question: str) -> Callable[[dict[str, Any]], Any]:
    import rule_engine

    rules = [(rid, rule_engine.Rule(text), value) for rid, text, value in RE_RULES[question]]

    def run(case: dict[str, Any]) -> Any:
        return [(rid, value) for rid, rule, value in rules if rule.matches(case)]

    return run


# -- durable-rules -------------------------------------------------------------------------
_DR_COUNTER = [0]


def durable_single(question: str) -> Callable[[dict[str, Any]], Any]:
    from durable.engine import MessageNotHandledException
    from durable.lang import m, post, ruleset, when_all

    _DR_COUNTER[0] += 1
    name = f"bench_{_DR_COUNTER[0]}"
    out: dict[int, Any] = {}

    def record(value: Any, rid: str) -> Callable[[Any], None]:
        def consequence(c: Any) -> None:
            out[c.m.n] = (value, rid)

        return consequence

    with ruleset(name):
        if question == HUVUDMAN:
            when_all(m.grundlaggande_behov_timmar_per_vecka > 20)(record("fk", "fk"))
            when_all(m.grundlaggande_behov_timmar_per_vecka <= 20)(record("kommun", "kommun"))
        elif question == PK3:
            when_all(
                (m.funktionsnedsattning_varaktig == True)  # noqa: E712 - durable's DSL
                & (m.beror_pa_normalt_aldrande == False)  # noqa: E712
                & (m.funktionsnedsattning_stor == True)  # noqa: E712
                & (m.betydande_svarigheter_i_daglig_livsforing == True)  # noqa: E712
                & (m.omfattande_behov_av_stod_eller_service == True)  # noqa: E712
            )(record(True, "lss.1.3"))
        else:
            when_all((m.insats == "hemtjanst") & (m.hemtjanst_timmar_per_manad > 99))(
                record("sarskild", "sarskild")
            )
            when_all((m.insats == "hemtjanst") & (m.hemtjanst_timmar_per_manad <= 99))(
                record("handl", "handl")
            )
    counter = [0]

    def run(case: dict[str, Any]) -> Any:
        counter[0] += 1
        event = {k: v for k, v in case.items() if not isinstance(v, list)}
        event["n"] = counter[0]
        try:
            post(name, event)
        except MessageNotHandledException:
            return (False, None)  # no rule matched: the default answer
        return out.pop(counter[0], None)

    return run


# -- measuring -----------------------------------------------------------------------------
def per_call(
    fn: Callable[[dict[str, Any]], Any], cases: list[dict[str, Any]], repeat: int
) -> float:
    """Best-of-*repeat* seconds per call over *cases*."""
    for c in cases[:50]:
        fn(c)  # warm up
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        for c in cases:
            fn(c)
        best = min(best, (time.perf_counter() - t0) / len(cases))
    return best


def single(quick: bool) -> dict[str, Any]:
    n = 300 if quick else 3000
    out: dict[str, Any] = {}
    peers = {
        "lss-sol-rules": ours_single,
        "lss-sol-rules (answer only)": ours_answer,
        "zen-engine": zen_single,
        "durable-rules": durable_single,
        "rule-engine": rule_engine_single,
    }
    for q in (HUVUDMAN, PK3, DELEG):
        cases = [case_for(q, i) for i in range(n)]
        row = {name: per_call(make(q), cases, 3 if quick else 5) for name, make in peers.items()}
        out[q] = {
            name: {"us": s * 1e6, "ratio_vs_zen": s / row["zen-engine"]} for name, s in row.items()
        }
    return out


def _table(question: str, n: int) -> Any:
    import numpy as np
    import pyarrow as pa

    rng = np.random.default_rng(2026)
    if question == THRESHOLD:
        hours = rng.integers(0, 600, n) / 10
        return pa.table(
            {"grundlaggande_behov_timmar_per_vecka": pa.array(hours, mask=rng.random(n) < 0.05)}
        )
    if question == HUVUDMAN:
        hours = rng.integers(0, 600, n) / 10
        return pa.table(
            {
                "grundlaggande_behov_timmar_per_vecka": pa.array(hours, mask=rng.random(n) < 0.05),
                "alder": pa.array(rng.integers(18, 65, n)),  # under the age limit
            }
        )
    if question == PK3:
        cols = {f: pa.array(rng.random(n) < 0.7) for f in PK3_FACTS}
        diag = pa.array(np.where(rng.random(n) < 0.5, "psykisk_funktionsnedsattning", "autism"))
        if isinstance(diag, pa.ChunkedArray):
            diag = diag.combine_chunks()
        offsets = pa.array(np.arange(n + 1, dtype=np.int32))
        cols["diagnoser"] = pa.ListArray.from_arrays(offsets, diag)
        return pa.table(cols)
    return pa.table(
        {
            "insats": pa.array(np.full(n, "hemtjanst")).dictionary_encode(),
            "hemtjanst_timmar_per_manad": pa.array(rng.integers(0, 2000, n) / 10),
        }
    )


# -- the floor: the same rules written by hand in numpy, results as Arrow --------------------
_STATUS = ("decided", "undetermined", "error")


def numpy_floor(question: str, table: Any) -> Any:
    """The question's rules written by hand for this table's columns: read the Arrow columns,
    check the ranges the fact schema declares, apply the rule, and give the value and the
    status as Arrow dictionary columns (what ``BatchResult.to_arrow`` gives, without the
    missing-fact lists, ids and explanations). The floor: no generality, no checks beyond
    these."""
    import numpy as np
    import pyarrow as pa

    def col(name: str) -> tuple[Any, Any]:
        arr = table.column(name).combine_chunks()
        valid = ~np.asarray(arr.is_null().to_numpy(zero_copy_only=False), dtype=bool)
        filler = False if pa.types.is_boolean(arr.type) else 0
        return arr.fill_null(filler).to_numpy(zero_copy_only=False), valid

    if question == THRESHOLD:
        hours, known = col("grundlaggande_behov_timmar_per_vecka")
        bad = known & ((hours < 0) | (hours > 168))
        codes = (hours > 20).astype(np.int8)  # 0 kommun, 1 forsakringskassan
        decided = known & ~bad
        names = ["kommun", "forsakringskassan"]
    elif question == HUVUDMAN:
        hours, known = col("grundlaggande_behov_timmar_per_vecka")
        age, age_known = col("alder")
        bad = known & ((hours < 0) | (hours > 168)) | age_known & ((age < 0) | (age > 130))
        reached = age_known & (age >= 66)  # past the age limit: more facts would be needed
        codes = (hours > 20).astype(np.int8)  # 0 kommun, 1 forsakringskassan
        decided = known & ~reached & ~bad
        names = ["kommun", "forsakringskassan"]
    elif question == PK3:
        vals = [col(f) for f in PK3_FACTS]
        a, b, c, d, e = (v for v, _ in vals)
        decided = np.logical_and.reduce([k for _, k in vals])
        # LSS 1 § 3 also needs "another" impairment among the diagnoses (lss.1.3.ingen_annan).
        import pyarrow.compute as pc

        diag = table.column("diagnoser").combine_chunks()
        items = np.asarray(diag.flatten().to_numpy(zero_copy_only=False))
        owner = np.asarray(pc.list_parent_indices(diag).to_numpy(zero_copy_only=False))
        other = np.zeros(len(diag), dtype=bool)
        other[owner[items == "psykisk_funktionsnedsattning"]] = True
        codes = (a & ~b & c & d & e & other).astype(np.int8)  # 0 false, 1 true
        bad = np.zeros(len(codes), dtype=bool)
        names = ["false", "true"]
    else:
        insats = table.column("insats").combine_chunks()
        if pa.types.is_dictionary(insats.type):
            is_hemtjanst = np.asarray(
                insats.indices.to_numpy(zero_copy_only=False)
                == insats.dictionary.index("hemtjanst").as_py()
            )
        else:
            is_hemtjanst = np.asarray(insats.to_numpy(zero_copy_only=False) == "hemtjanst")
        hours, known = col("hemtjanst_timmar_per_manad")
        bad = known & ((hours < 0) | (hours > 744))
        codes = (hours > 99).astype(np.int8)  # 0 handlaggare, 1 sarskild_delegation
        decided = known & is_hemtjanst & ~bad
        names = ["handlaggare", "sarskild_delegation"]
    status = np.where(bad, 2, np.where(decided, 0, 1)).astype(np.int8)
    value = pa.DictionaryArray.from_arrays(pa.array(codes, mask=~decided), pa.array(names))
    return pa.table(
        {
            "value": value,
            "status": pa.DictionaryArray.from_arrays(pa.array(status), pa.array(_STATUS)),
        }
    )


SIZES = (1_000, 10_000, 100_000, 1_000_000)


def batch_child(question: str, sizes: list[int], who: str) -> None:
    """Run in a fresh process: *who* ("ours" or "numpy") answers tables of each size (best of
    several runs), results materialised as Arrow; print rates and peak memory as JSON."""
    engine = _engine_for(question)
    j = JURISDICTION[question]
    if who == "ours":

        def run(table: Any) -> Any:
            return engine.evaluate_many(question, table, on=ON, jurisdiction=j).to_arrow()
    else:

        def run(table: Any) -> Any:
            return numpy_floor(question, table)

    curve = []
    for n in sizes:
        table = _table(question, n)
        run(table.slice(0, min(n, 1000)))  # warm up
        repeat = 3 if n >= 100_000 else 20
        best = float("inf")
        for _ in range(repeat):
            # CPU time of this process: on a shared machine wall time also counts the other
            # work the cores were given to (numpy and Arrow run these on one thread).
            t0 = time.process_time()
            out = run(table)
            best = min(best, time.process_time() - t0)
        counts = {str(k): v for k, v in zip(*_value_counts(out), strict=True)}
        curve.append({"cases": n, "seconds": best, "per_second": n / best, "counts": counts})
        del table, out
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"curve": curve, "peak_rss_mib": peak_kib / 1024}))


def _value_counts(out: Any) -> tuple[list[Any], list[int]]:
    import pyarrow.compute as pc

    status = out.column("status").cast("string")
    value = out.column("value").cast("string")
    key = pc.if_else(pc.equal(status, "decided"), value, status)
    vc = pc.value_counts(key.combine_chunks()).to_pylist()
    vc.sort(key=lambda x: str(x["values"]))
    return [x["values"] for x in vc], [x["counts"] for x in vc]


def _child(question: str, sizes: tuple[int, ...], who: str) -> dict[str, Any]:
    proc = subprocess.run(
        [sys.executable, __file__, "--batch-child", question, who, ",".join(map(str, sizes))],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(proc.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def batch(quick: bool) -> dict[str, Any]:
    sizes = SIZES[:-1] if quick else SIZES
    out: dict[str, Any] = {}
    for q in (THRESHOLD, HUVUDMAN, PK3, DELEG):
        ours = _child(q, sizes, "ours")
        floor = _child(q, sizes, "numpy")
        top, top_floor = ours["curve"][-1], floor["curve"][-1]
        out[q] = {
            "lss-sol-rules": ours,
            "numpy (hand-written)": floor,
            "ratio_numpy_over_ours": top_floor["per_second"] / top["per_second"],
            "same_counts_as_numpy": top["counts"] == top_floor["counts"],
        }
        if q in ZEN_RULES:
            sample = [case_for(q, i) for i in range(2000 if quick else 20000)]
            for name, make in (
                ("zen-engine (loop, no trace)", _zen_plain),
                ("rule-engine (loop)", rule_engine_single),
            ):
                try:
                    out[q][name] = {"per_second": 1 / per_call(make(q), sample, 1)}
                except ImportError as exc:  # the bench extra is not installed
                    out[q][name] = {"not installed": str(exc)}
    return out


def _zen_plain(question: str) -> Callable[[dict[str, Any]], Any]:
    import zen

    decision = zen.ZenEngine().create_decision(_zen_table(*ZEN_RULES[question]))
    return lambda case: decision.evaluate(case)["result"]


# -- load and compile a generated 1,000-rule rulebook --------------------------------------
def generated_rulebook(n_rules: int, per_question: int = 10) -> str:
    """*n_rules* rules: threshold bands over one number fact per question (exclusive)."""
    lines = [
        "[rulebook]",
        'id = "bench.generated"',
        'title = { sv = "Genererad", en = "Generated" }',
        'jurisdiction = "se"',
        "",
    ]
    questions = n_rules // per_question
    for q in range(questions):
        lines += [
            f"[facts.bench_x{q}]",
            'type = "number"',
            f'label = {{ sv = "x{q}", en = "x{q}" }}',
            "",
            f'[questions."bench.q{q}"]',
            'type = "int"',
            f'label = {{ sv = "q{q}", en = "q{q}" }}',
            "",
        ]
        for b in range(per_question):
            lo, hi = b * 10, (b + 1) * 10
            cond = f"bench_x{q} >= {lo} and bench_x{q} < {hi}"
            if b == per_question - 1:
                cond = f"bench_x{q} >= {lo}"
            lines += [
                "[[rules]]",
                f'id = "bench.q{q}.b{b}"',
                f'question = "bench.q{q}"',
                f'title = {{ sv = "band {b}", en = "band {b}" }}',
                f'when = "{cond}"',
                f"value = {b}",
                "valid_from = 2000-01-01",
                'citations = ["bench"]',
                f'explain.sv = "x = {{bench_x{q}}} ligger i band {b}"',
                f'explain.en = "x = {{bench_x{q}}} is in band {b}"',
                "",
            ]
    return "\n".join(lines)


def load(quick: bool) -> dict[str, Any]:
    import lss_sol_rules as lsr

    n = 1000
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "generated.toml"
        path.write_text(generated_rulebook(n), encoding="utf-8")
        national = min(_timed(lambda: lsr.load(plugins=False)) for _ in range(3))
        total = min(_timed(lambda: lsr.load([path], plugins=False)) for _ in range(3))
    zen_content = _zen_table(["x"], [(f"r{i}", [f"[{i}..{i + 1})"], str(i)) for i in range(n)])
    import rule_engine
    import zen

    zen_s = min(_timed(lambda: zen.ZenEngine().create_decision(zen_content)) for _ in range(3))
    re_s = min(
        _timed(lambda: [rule_engine.Rule(f"x >= {i} and x < {i + 1}") for i in range(n)])
        for _ in range(3)
    )
    return {
        "rules": n,
        "lss-sol-rules_ms": total * 1000,
        "lss-sol-rules_national_only_ms": national * 1000,
        "lss-sol-rules_generated_only_ms": (total - national) * 1000,
        "zen-engine_ms": zen_s * 1000,
        "rule-engine_ms": re_s * 1000,
    }


def _timed(fn: Callable[[], Any]) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small samples (smoke run)")
    parser.add_argument(
        "--batch-child", nargs=3, metavar=("QUESTION", "WHO", "SIZES"), help=argparse.SUPPRESS
    )
    parser.add_argument("--only", choices=["single", "batch", "load"], help="one part only")
    parser.add_argument("--out", default=str(HERE / "results.json"))
    args = parser.parse_args()
    if args.batch_child:
        q, who, sizes = args.batch_child
        batch_child(q, [int(x) for x in sizes.split(",")], who)
        return
    path = Path(args.out)
    results: dict[str, Any] = json.loads(path.read_text("utf-8")) if path.exists() else {}
    results["machine"] = {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpu": platform.processor() or platform.machine(),
        "cores": os.cpu_count(),
    }
    results["on"] = ON.isoformat()
    results["load_average_at_start"] = os.getloadavg()  # a shared machine: say how busy
    parts = {"single": single, "batch": batch, "load": load}
    for name, fn in parts.items():
        if args.only in (None, name):
            results[name] = fn(args.quick)
    path.write_text(json.dumps(results, indent=2), encoding="utf-8")
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
