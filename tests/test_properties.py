"""Properties every question of every loaded rulebook must have (national and plugins)."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

import lss_sol_rules as lsr
import lss_sol_rules.testing as lst
from lss_sol_rules.errors import FactError, NotApplicableError
from lss_sol_rules.testing import _value_strategy

ENGINE = lsr.load()
NATIONAL = set(ENGINE.rulebook.view("se").rules)
# National questions are tried in "se"; a plugin's questions in every jurisdiction that has them.
PAIRS = [
    (q, j)
    for j in ENGINE.jurisdictions()
    for q in sorted(ENGINE.rulebook.view(j).rules)
    if j == "se" or q not in NATIONAL
]
IDS = [f"{j}:{q}" for q, j in PAIRS]
# Questions that read facts at all (the others are never undetermined).
READING = [(q, j) for q, j in PAIRS if lst.readable_facts(ENGINE, q, j)]
READING_IDS = [f"{j}:{q}" for q, j in READING]


def _outcome(case: lst.GeneratedCase) -> Any:
    """The decision, or for a question the law says does not apply, why (a comparable tuple)."""
    try:
        return case.evaluate()
    except NotApplicableError as exc:
        return ("not_applicable", exc.question, exc.reason_sv, exc.reason_en)


@pytest.mark.parametrize(("question", "jurisdiction"), PAIRS, ids=IDS)
@given(data=st.data())
def test_totality_determinism_citations_round_trip(
    question: str, jurisdiction: str, data: st.DataObject
) -> None:
    case = data.draw(lst.cases(question, ENGINE, jurisdiction))
    d = _outcome(case)
    if isinstance(d, tuple):  # not applicable: a typed, explained answer, deterministic
        assert d == _outcome(case)
        return
    qdecl = ENGINE.question(question)
    if d.status == "decided":
        assert lst.has_declared_type(d, qdecl), (d.value, qdecl.type)
        assert d.missing == ()
    else:
        assert d.value is None
        assert d.missing
        assert set(d.missing) <= set(lst.readable_facts(ENGINE, question, jurisdiction))
        labels = [ENGINE.rulebook.facts[m].label for m in d.missing]
        assert list(d.missing_labels) == labels  # aligned with missing, in the same order
    for reason in (*d.reasons, *d.considered):
        assert reason.citations, reason.rule_id
    assert d == case.evaluate()  # deterministic
    reordered = dict(reversed(list(case.facts.items())))
    assert d == case.with_facts(reordered).evaluate()  # fact order does not matter
    assert lsr.Decision.from_dict(json.loads(json.dumps(d.to_dict()))) == d
    assert d.explain("sv")
    assert d.explain("en")


@pytest.mark.parametrize(("question", "jurisdiction"), READING, ids=READING_IDS)
@given(data=st.data())
def test_supplying_the_missing_facts_decides(
    question: str, jurisdiction: str, data: st.DataObject
) -> None:
    case = data.draw(lst.cases(question, ENGINE, jurisdiction, presence=0.4))
    d = _outcome(case)
    assume(not isinstance(d, tuple) and d.status == "undetermined")
    extra = data.draw(lst.facts(question, case.on, ENGINE, jurisdiction, require=d.missing))
    completed = {**case.facts, **{m: extra[m] for m in d.missing}}
    try:
        ENGINE.check_facts(completed, case.on, jurisdiction)
    except FactError:
        assume(False)
    after = _outcome(case.with_facts(completed))
    assert isinstance(after, tuple) or after.status == "decided", (d.missing, after.missing)


@pytest.mark.parametrize(("question", "jurisdiction"), PAIRS, ids=IDS)
@given(data=st.data())
def test_facts_a_question_never_reads_change_nothing(
    question: str, jurisdiction: str, data: st.DataObject
) -> None:
    case = data.draw(lst.cases(question, ENGINE, jurisdiction))
    readable = set(lst.readable_facts(ENGINE, question, jurisdiction))
    others = sorted(set(ENGINE.rulebook.facts) - readable - set(case.facts))
    assume(others)
    name = data.draw(st.sampled_from(others))
    value = data.draw(_value_strategy(ENGINE.rulebook.facts[name], case.on, [], []))
    more = {**case.facts, name: value}
    try:
        ENGINE.check_facts(more, case.on, jurisdiction)
    except FactError:
        assume(False)
    assert _outcome(case.with_facts(more)) == _outcome(case)


HOURS = st.decimals(min_value=0, max_value=168, places=2)


@given(h1=HOURS, h2=HOURS, on=lst.evaluation_dates("personlig_assistans.huvudman", ENGINE))
def test_more_basic_need_hours_never_move_assistance_back_to_the_municipality(
    h1: Decimal, h2: Decimal, on: date
) -> None:
    lo, hi = sorted((h1, h2))
    q, key = "personlig_assistans.huvudman", "grundlaggande_behov_timmar_per_vecka"
    a = ENGINE.evaluate(q, {key: lo}, on=on).value
    b = ENGINE.evaluate(q, {key: hi}, on=on).value
    assert not (a == "forsakringskassan" and b == "kommun")


@given(h=HOURS, on=lst.evaluation_dates("personlig_assistans.huvudman", ENGINE))
def test_the_20_hour_boundary_lands_where_the_parameter_says(h: Decimal, on: date) -> None:
    (param,) = [p for p in ENGINE.parameters() if p.name == "pa_timgrans"]
    line = param.value_at(on)
    assert line is not None
    d = ENGINE.evaluate(
        "personlig_assistans.huvudman", {"grundlaggande_behov_timmar_per_vecka": h}, on=on
    )
    assert d.value == ("forsakringskassan" if h > line.value else "kommun")


LEVELS = ["handlaggare", "sarskild_delegation", "bitradande_enhetschef"]


@pytest.mark.parametrize("jurisdiction", ["se/stockholm", "se/stockholm/exempel"])
@given(
    h1=st.decimals(min_value=0, max_value=744, places=1),
    h2=st.decimals(min_value=0, max_value=744, places=1),
    on=st.dates(min_value=date(2021, 1, 1), max_value=date(2031, 12, 31)),
)
def test_more_home_care_hours_never_lower_the_delegation_level(
    jurisdiction: str, h1: Decimal, h2: Decimal, on: date
) -> None:
    lo, hi = sorted((h1, h2))

    def level(h: Decimal) -> int:
        d = ENGINE.evaluate(
            "delegation.beslutsniva",
            {"insats": "hemtjanst", "hemtjanst_timmar_per_manad": h},
            on=on,
            jurisdiction=jurisdiction,
        )
        return LEVELS.index(str(d.value))

    assert level(lo) <= level(hi)


DATED = """
[rulebook]
id = "prop"
[parameters.prop_grans]
type = "number"
label = {{ sv = "G", en = "G" }}
[[parameters.prop_grans.values]]
value = {old}
valid_from = 2000-01-01
valid_to = {day_before}
citations = ["x"]
[[parameters.prop_grans.values]]
value = {new}
valid_from = {change}
citations = ["x"]
[questions."prop.over"]
type = "bool"
label = {{ sv = "Ö", en = "O" }}
[[rules]]
id = "prop.over"
question = "prop.over"
when = "hemtjanst_timmar_per_manad > prop_grans"
value = true
citations = ["x"]
explain = {{ sv = "ö", en = "o" }}
[[rules]]
id = "prop.inte"
question = "prop.over"
default = true
value = false
citations = ["x"]
explain = {{ sv = "i", en = "n" }}
"""


@given(
    old=st.integers(0, 300),
    new=st.integers(0, 300),
    change=st.dates(min_value=date(2001, 1, 1), max_value=date(2040, 1, 1)),
    h=st.integers(0, 300),
    offset=st.integers(-400, 400),
)
def test_a_parameter_changed_on_a_date_changes_answers_only_from_that_date(
    tmp_path_factory: pytest.TempPathFactory, old: int, new: int, change: date, h: int, offset: int
) -> None:
    path = tmp_path_factory.mktemp("prop") / "prop.toml"
    path.write_text(
        DATED.format(
            old=old, new=new, change=change, day_before=date.fromordinal(change.toordinal() - 1)
        ),
        encoding="utf-8",
    )
    engine = lsr.load(paths=[path], plugins=False)
    on = date.fromordinal(change.toordinal() + offset)
    d = engine.evaluate("prop.over", {"hemtjanst_timmar_per_manad": h}, on=on)
    assert d.value is (h > (new if on >= change else old))


def _stockholm_plugins() -> list[Any]:
    import lss_sol_rules_example_kommun
    import lss_sol_rules_stockholm

    return [lss_sol_rules_stockholm, lss_sol_rules_example_kommun]


@given(data=st.data())
def test_plugin_registration_order_does_not_matter(data: st.DataObject) -> None:
    forward = lsr.load(plugins=_stockholm_plugins())
    backward = lsr.load(plugins=list(reversed(_stockholm_plugins())))
    question = data.draw(
        st.sampled_from(["delegation.beslutsniva", "uppfoljning.nasta", "handlaggning.enhet"])
    )
    case = data.draw(lst.cases(question, forward, "se/stockholm/exempel"))
    a = forward.evaluate(question, case.facts, on=case.on, jurisdiction=case.jurisdiction)
    b = backward.evaluate(question, case.facts, on=case.on, jurisdiction=case.jurisdiction)
    assert a == b


def test_every_question_is_covered() -> None:
    assert {q for q, _ in PAIRS} == {q.name for q in ENGINE.questions(include_internal=True)}


@pytest.mark.parametrize(("question", "jurisdiction"), PAIRS, ids=IDS)
@given(data=st.data())
def test_the_answer_first_and_the_explanation_on_demand_equal_evaluate(
    question: str, jurisdiction: str, data: st.DataObject
) -> None:
    case = data.draw(lst.cases(question, ENGINE, jurisdiction))
    try:
        d = case.evaluate()
    except NotApplicableError:
        with pytest.raises(NotApplicableError):
            ENGINE.answer(question, case.facts, case.on, jurisdiction)
        return
    a = ENGINE.answer(question, case.facts, case.on, jurisdiction)
    assert (a.value, a.status, a.missing) == (d.value, d.status, d.missing)
    assert a.decision() == d
    assert a.decision() is a.decision()  # built once
