"""Evaluation: decided and undetermined answers, bad facts, dates, jurisdictions."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

import lss_sol_rules as lsr
from lss_sol_rules.errors import (
    EvaluationError,
    FactError,
    NoApplicableRuleError,
    NoRuleInForceError,
    QuestionError,
)

Q = "personlig_assistans.huvudman"
H = "grundlaggande_behov_timmar_per_vecka"
ON = date(2026, 1, 1)


def test_contract_example(engine: lsr.Engine) -> None:
    d = engine.evaluate(Q, {H: 25}, on=ON)
    assert d.value == "forsakringskassan"
    assert d.status == "decided"
    assert d.missing == ()
    assert [r.rule_id for r in d.reasons] == ["sfb.51.3.forsakringskassan"]
    assert d.reasons[0].citations
    (p,) = d.parameters_used
    assert (p.name, p.value, p.valid_from) == ("pa_timgrans", 20, date(2011, 1, 1))
    assert d.reasons[0].inputs == (lsr.Input(H, 25),)


def test_module_level_evaluate_uses_a_default_engine() -> None:
    assert lsr.evaluate(Q, {H: 5}, on=ON).value == "kommun"


@pytest.mark.parametrize(
    ("hours", "want"),
    [
        (0, "kommun"),
        (20, "kommun"),
        (20.0, "kommun"),
        ("20.00", None),
        (Decimal("20.00"), "kommun"),
        (20.01, "forsakringskassan"),
        (Decimal("20.001"), "forsakringskassan"),
        (168, "forsakringskassan"),
    ],
)
def test_the_20_hour_line_is_exact(engine: lsr.Engine, hours: object, want: str | None) -> None:
    if want is None:
        with pytest.raises(FactError, match="must be a number"):
            engine.evaluate(Q, {H: hours}, on=ON)
    else:
        assert engine.evaluate(Q, {H: hours}, on=ON).value == want


def test_missing_fact_gives_undetermined_with_exactly_that_fact(engine: lsr.Engine) -> None:
    d = engine.evaluate(Q, {}, on=ON)
    assert d.status == "undetermined"
    assert d.value is None
    assert d.missing == (H,)
    assert d.reasons == ()
    # The two sides of the 20-hour line wait for the hours; the exclusions (age limit, group
    # home) read only what is given and do not apply.
    outcomes = {r.rule_id: r.outcome for r in d.considered}
    assert outcomes["sfb.51.3.forsakringskassan"] == "undetermined"
    assert outcomes["lss.9.2.kommun"] == "undetermined"
    assert outcomes["sfb.106.24.gruppbostad"] == "not_fired"
    assert engine.evaluate(Q, {H: None}, on=ON).missing == (H,)


@pytest.mark.parametrize(
    ("facts", "fragment"),
    [
        ({"grundlaggande_behov_timmar": 25}, "did you mean 'grundlaggande_behov_timmar_per_vecka'"),
        ({H: -1}, "at least 0"),
        ({H: 169}, "at most 168"),
        ({H: float("nan")}, "NaN"),
        ({H: float("inf")}, "finite"),
        ({H: True}, "must be a number"),
        ({H: "25"}, "must be a number"),
        ({"skolungdom": 1}, "true or false"),
        ({"fodelsedatum": "2030-01-01"}, "after the evaluation date"),
        ({"fodelsedatum": "1990-02-30"}, "not a real date"),
        ({"fodelsedatum": datetime(1990, 1, 1)}, "without a time"),
        ({"fodelsedatum": 19900101}, "must be a date"),
        ({"alder": 30, "fodelsedatum": "1990-06-01"}, "does not match the date of birth"),
        ({"alder": 35.5}, "whole number"),
        ({"insats": "hemtjnst"}, "did you mean 'hemtjanst'"),
        ({"diagnoser": ["autism", "ADHD"]}, "not one of"),
        ({"diagnoser": "autism"}, "must be a list"),
        ({"lag": "x" * 5000}, "longer than"),
    ],
)
def test_bad_facts_raise_fact_error(
    engine: lsr.Engine, facts: dict[str, object], fragment: str
) -> None:
    with pytest.raises(FactError) as info:
        engine.evaluate(Q, facts, on=ON)
    assert fragment in str(info.value)
    assert info.value.fact


def test_fact_error_is_a_value_error_with_pieces(engine: lsr.Engine) -> None:
    with pytest.raises(ValueError) as info:  # noqa: PT011 - checking the built-in base
        engine.evaluate(Q, {H: -3}, on=ON)
    err = info.value
    assert isinstance(err, FactError)
    assert (err.fact, err.value) == (H, -3)


def test_consistent_age_and_birth_date_are_accepted(engine: lsr.Engine) -> None:
    engine.evaluate(Q, {"alder": 35, "fodelsedatum": "1990-06-01", H: 3}, on=ON)
    # the birthday itself counts: 36 on 2026-06-01
    engine.evaluate(Q, {"alder": 36, "fodelsedatum": "1990-06-01", H: 3}, on=date(2026, 6, 1))


def test_non_mapping_facts(engine: lsr.Engine) -> None:
    with pytest.raises(FactError, match="mapping"):
        engine.evaluate(Q, [(H, 3)], on=ON)  # type: ignore[arg-type]


def test_unknown_question(engine: lsr.Engine) -> None:
    with pytest.raises(QuestionError, match=r"did you mean 'personlig_assistans\.huvudman'"):
        engine.evaluate("personlig_assistans.huvudmann", {}, on=ON)


def test_on_must_be_a_date(engine: lsr.Engine) -> None:
    with pytest.raises(TypeError):
        engine.evaluate(Q, {}, on=datetime(2026, 1, 1))  # type: ignore[arg-type]


def test_no_rule_in_force(engine: lsr.Engine) -> None:
    with pytest.raises(NoRuleInForceError) as info:
        engine.evaluate("personlig_assistans.grundlaggande_behov", {}, on=date(1995, 1, 1))
    assert "1995-01-01" in str(info.value)


def test_unknown_jurisdiction(engine: lsr.Engine) -> None:
    with pytest.raises(EvaluationError, match="unknown jurisdiction 'se/stokholm'"):
        engine.evaluate(Q, {H: 3}, on=ON, jurisdiction="se/stokholm")


DATED = """
[rulebook]
id = "dated"
[parameters.test_grans]
type = "number"
label = { sv = "Gräns", en = "Line" }
[[parameters.test_grans.values]]
value = 20
valid_from = 2000-01-01
valid_to = 2024-06-30
citations = ["gammal"]
[[parameters.test_grans.values]]
value = 30
valid_from = 2024-07-01
citations = ["ny"]
[questions."test.over"]
type = "bool"
label = { sv = "Över", en = "Over" }
[[rules]]
id = "test.over.ja"
question = "test.over"
when = "hemtjanst_timmar_per_manad > test_grans"
value = true
citations = ["x"]
explain = { sv = "{hemtjanst_timmar_per_manad} > {test_grans}", en = "{hemtjanst_timmar_per_manad} > {test_grans}" }
[[rules]]
id = "test.over.nej"
question = "test.over"
default = true
value = false
citations = ["x"]
explain = { sv = "inte över", en = "not over" }
"""


def test_a_parameter_changed_on_a_date_changes_answers_from_that_date(
    rule_file: Callable[..., Path],
) -> None:
    engine = lsr.load(paths=[rule_file(DATED)], plugins=False)
    facts = {"hemtjanst_timmar_per_manad": 25}
    before = engine.evaluate("test.over", facts, on=date(2024, 6, 30))
    after = engine.evaluate("test.over", facts, on=date(2024, 7, 1))
    assert before.value is True
    assert after.value is False
    assert before.parameters_used[0].valid_from == date(2000, 1, 1)
    assert before.parameters_used[0].citations[0].text == "gammal"
    assert after.parameters_used[0].value == 30
    assert before.reasons[0].text.sv == "25 > 20"


def test_default_rule_and_explanation(rule_file: Callable[..., Path]) -> None:
    engine = lsr.load(paths=[rule_file(DATED)], plugins=False)
    d = engine.evaluate("test.over", {"hemtjanst_timmar_per_manad": 5}, on=ON)
    assert d.value is False
    assert d.reasons[0].rule_id == "test.over.nej"
    d = engine.evaluate("test.over", {}, on=ON)
    assert d.status == "undetermined"
    assert d.missing == ("hemtjanst_timmar_per_manad",)


def test_gap_in_a_rulebook_raises(rule_file: Callable[..., Path]) -> None:
    text = DATED.split('[[rules]]\nid = "test.over.nej"', maxsplit=1)[0]
    engine = lsr.load(paths=[rule_file(text)], plugins=False)
    with pytest.raises(NoApplicableRuleError, match="default = true"):
        engine.evaluate("test.over", {"hemtjanst_timmar_per_manad": 5}, on=ON)


def test_decision_round_trips_through_json(engine: lsr.Engine) -> None:
    for facts in ({H: Decimal("20.5")}, {}, {H: 3}):
        d = engine.evaluate(Q, facts, on=ON)
        again = lsr.Decision.from_dict(json.loads(json.dumps(d.to_dict())))
        assert again == d
        assert again.explain("en") == d.explain("en")


def test_explanations_in_both_languages(engine: lsr.Engine) -> None:
    d = engine.evaluate(Q, {H: Decimal("20.5")}, on=ON)
    sv, en = d.explain("sv"), d.explain("en")
    assert "20,5 timmar per vecka" in sv
    assert "Svar: Försäkringskassan" in sv
    assert "SFB 51 kap. 22 §" in sv
    assert "20.5 hours per week" in en
    assert "Answer: Försäkringskassan" in en
    assert "in force from 2011-01-01" in en
    with pytest.raises(ValueError, match="lang"):
        d.explain("de")
    undetermined = engine.evaluate(Q, {}, on=ON).explain("sv")
    assert "Kan inte avgöras" in undetermined
    assert H in undetermined


def test_evaluation_is_deterministic_and_thread_safe(engine: lsr.Engine) -> None:
    expected = {h: engine.evaluate(Q, {H: h}, on=ON) for h in range(40)}
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            for h in range(40):
                assert engine.evaluate(Q, {H: h}, on=ON) == expected[h]
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors


def test_facts_are_not_mutated(engine: lsr.Engine) -> None:
    facts = {H: 25, "diagnoser": ["autism"]}
    engine.evaluate(Q, facts, on=ON)
    assert facts == {H: 25, "diagnoser": ["autism"]}


def test_introspection(engine: lsr.Engine) -> None:
    names = [q.name for q in engine.questions()]
    assert Q in names
    assert names == sorted(names)
    facts = {f.name: f for f in engine.facts()}
    assert facts[H].max == 168
    assert facts["alder"].derive == "age(fodelsedatum, on)"
    assert "se" in engine.jurisdictions()
    assert any(p.name == "pa_timgrans" for p in engine.parameters())
