"""Big questions of ordinary rules read as ranges of one fact (``partition.py``).

The sorted proof must refuse exactly the rulebooks the pairwise proof refuses, and the
index must give the answers that evaluating every rule gives — checked on random
rulebooks of 32 to 90 interval rules, some with a second condition, against an engine
with partitions switched off.
"""

from __future__ import annotations

import contextlib
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import lss_sol_rules as lsr
from lss_sol_rules import rulebook
from lss_sol_rules.expr import parse
from lss_sol_rules.partition import discriminating_fact, pair_bound, rule_cell

ON = date(2026, 1, 1)
HEAD = """
[rulebook]
id = "t.partition"
[facts.varde]
type = "number"
min = -1000
max = 1000
label = { sv = "Värde", en = "Value" }
[facts.flagga]
type = "bool"
label = { sv = "Flagga", en = "Flag" }
[questions."t.q"]
type = "int"
label = { sv = "Rad", en = "Row" }
"""


def _rule(
    rid: str,
    when: str | None,
    value: int,
    default: bool = False,
    valid: tuple[str | None, str | None] = (None, None),
) -> str:
    lines = [f'[[rules]]\nid = "{rid}"\nquestion = "t.q"']
    if when is not None:
        lines.append(f'when = "{when}"')
    if valid[0] is not None:
        lines.append(f"valid_from = {valid[0]}")
    if valid[1] is not None:
        lines.append(f"valid_to = {valid[1]}")
    if default:
        lines.append("default = true")
    lines.append(f"value = {value}")
    lines.append('citations = ["LSS 1 §"]\nexplain = { sv = "s", en = "e" }\n')
    return "\n".join(lines)


@st.composite
def rulebooks(draw: st.DrawFn) -> str:
    n = draw(st.integers(min_value=32, max_value=90))
    cuts = sorted(
        draw(
            st.lists(
                st.decimals(min_value=-500, max_value=500, places=1),
                min_size=n + 1,
                max_size=n + 1,
                unique=True,
            )
        )
    )
    overlap = draw(st.booleans())  # widen one rule's range into its neighbour's
    wide = draw(st.integers(min_value=0, max_value=n - 2))
    parts = [HEAD]
    for i in range(n):
        lo, hi = cuts[i], cuts[i + 1]
        if overlap and i == wide:
            hi = cuts[i + 2]
        low_op = draw(st.sampled_from([">", ">="])) if i == 0 else ">"
        when = f"varde {low_op} {lo} and varde <= {hi}"
        if draw(st.integers(0, 4)) == 0:
            when += " and flagga" if draw(st.booleans()) else " and not flagga"
        if draw(st.integers(0, 9)) == 0:
            when = f"{hi} >= varde and {lo} < varde"  # constants on the left
        versions = draw(st.integers(0, 6))
        if versions == 0:  # two versions of the rule: until 2020, then from 2021 (or 2020-06)
            seam = "2020-06-01" if draw(st.integers(0, 3)) == 0 else "2021-01-01"
            parts.append(_rule(f"t.r{i}", when, i, valid=(None, "2020-12-31")))
            parts.append(_rule(f"t.r{i}.ny", when, 1000 + i, valid=(seam, None)))
        else:
            parts.append(_rule(f"t.r{i}", when, i))
    if draw(st.booleans()):
        parts.append(_rule("t.standard", None, -1, default=True))
    return "".join(parts)


def _load(text: str, partitions: bool) -> lsr.Engine | str:
    folder = Path(tempfile.mkdtemp())
    path = folder / "p.toml"
    path.write_text(text, encoding="utf-8")
    old = rulebook.PARTITION_MIN_RULES, rulebook.SORTED_PROOF_MIN_RULES
    if not partitions:
        rulebook.PARTITION_MIN_RULES = rulebook.SORTED_PROOF_MIN_RULES = 10**9
    try:
        engine = lsr.load(plugins=False, paths=[path])
        # Build the indexes now, under this setting (no rule in force on ON: at the first
        # answer then).
        with contextlib.suppress(lsr.EvaluationError):
            engine.answer("t.q", {}, on=ON)
        return engine
    except lsr.RuleFileError:
        return "refused"
    finally:
        rulebook.PARTITION_MIN_RULES, rulebook.SORTED_PROOF_MIN_RULES = old


def _outcome(engine: lsr.Engine, facts: dict[str, Any], on: date = ON) -> object:
    try:
        d = engine.evaluate("t.q", facts, on=on)
    except lsr.LssSolRulesError as exc:
        return type(exc).__name__
    return d.value, d.status, d.missing, [r.rule_id for r in d.reasons]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=rulebooks(), data=st.data())
def test_partitioned_rules_load_and_decide_as_every_pair_would(
    text: str, data: st.DataObject
) -> None:
    fast = _load(text, partitions=True)
    slow = _load(text, partitions=False)
    assert (fast == "refused") == (slow == "refused")
    if isinstance(fast, str) or isinstance(slow, str):
        return
    assert fast.view_for("t.q", "se")._indexes["t.q"]  # the partition index is in use
    assert slow.view_for("t.q", "se")._indexes["t.q"] == ()
    values = data.draw(
        st.lists(
            st.one_of(
                st.none(),
                st.decimals(min_value=-600, max_value=600, places=1),
                st.integers(-600, 600),
            ),
            min_size=10,
            max_size=10,
        )
    )
    for v in values:
        for flag in (None, True, False):
            facts: dict[str, Any] = {}
            if v is not None:
                facts["varde"] = v
            if flag is not None:
                facts["flagga"] = flag
            for on in (date(2019, 6, 1), date(2020, 9, 1), ON):
                assert _outcome(fast, facts, on) == _outcome(slow, facts, on), (facts, on)


@settings(max_examples=30, deadline=None)
@given(
    n=st.integers(min_value=4, max_value=80),
    days=st.lists(st.integers(0, 60), min_size=80, max_size=80),
    length=st.integers(0, 3),
)
def test_rules_apart_in_time_load_and_decide_as_every_pair_would(
    n: int, days: list[int], length: int
) -> None:
    """Versions of one rule that differ only in the dates they are in force (all test
    `varde >= 0`): sorted by their dates, proved exclusive where the dates cannot meet."""
    from datetime import timedelta

    parts = [HEAD]
    start = date(2000, 1, 1)
    for i in range(n):
        first = start + timedelta(days=sum(days[:i]) + i)
        last = first + timedelta(days=length)
        parts.append(_rule(f"t.v{i}", "varde >= 0", i, valid=(str(first), str(last))))
    text = "".join(parts)
    fast = _load(text, partitions=True)
    slow = _load(text, partitions=False)
    assert (fast == "refused") == (slow == "refused")
    if isinstance(fast, str) or isinstance(slow, str):
        return
    for k in range(0, sum(days[:n]) + n + 5, 7):
        on = start + timedelta(days=k)
        assert _outcome(fast, {"varde": 1}, on) == _outcome(slow, {"varde": 1}, on), on


def test_a_rule_cell_is_the_intersection_of_its_tests() -> None:
    cell = rule_cell([parse("varde > 3 and varde <= 9"), parse("flagga and 5 > varde")], "varde")
    assert (cell.kind, cell.lo, cell.lo_closed, cell.hi, cell.hi_closed) == (
        "interval",
        3,
        False,
        5,
        False,
    )
    assert rule_cell([parse("varde > 3 or varde < 1")], "varde").kind == "any"  # an or: unknown
    assert rule_cell([parse("insats in ['a', 'b']")], "insats").values == frozenset({"a", "b"})
    assert rule_cell([parse("varde > p")], "varde").kind == "any"  # a parameter: not read


def test_the_fact_most_rules_test_is_chosen() -> None:
    rules = [[parse(f"varde > {i} and varde <= {i + 1} and flagga")] for i in range(40)]
    found = discriminating_fact(rules, ["varde", "flagga"])
    assert found is not None
    assert found[0] == "varde"


@pytest.mark.parametrize(
    ("whens", "at_least", "at_most"),
    [
        ([f"varde > {i} and varde <= {i + 1}" for i in range(1000)], 0, 1000),
        ([f"varde >= {i}" for i in range(1000)], 499_500, 499_500),
    ],
)
def test_the_pair_bound_is_counted_by_sorting(
    whens: list[str], at_least: int, at_most: int
) -> None:
    cells = [rule_cell([parse(w)], "varde") for w in whens]
    assert at_least <= pair_bound(cells) <= at_most


def test_dates_and_numbers_are_counted_apart() -> None:
    cells = [
        rule_cell([parse("d >= 2020-01-01")], "d"),
        rule_cell([parse("d >= 2021-01-01")], "d"),
        rule_cell([parse("varde >= 3")], "varde"),
    ]
    assert pair_bound(cells) == 1
