"""The shipped testing API: strategies, their arguments, and the pytest fixtures."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given

import lss_sol_rules as lsr
import lss_sol_rules.testing as lst
from lss_sol_rules.testing import pytest_plugin


def test_all_lists_the_public_names() -> None:
    public = {
        n
        for n in vars(lst)
        if not n.startswith("_") and n not in {"annotations", "st", "attrs", "load"}
    }
    public -= {n for n in public if type(getattr(lst, n)).__name__ == "module"}
    imported = {
        "Any",
        "Decimal",
        "Decision",
        "Engine",
        "FactDecl",
        "FactError",
        "Iterable",
        "Mapping",
        "QuestionDecl",
        "Sequence",
        "Value",
        "add_months",
        "add_years",
        "date",
        "timedelta",
        "is_of_type",
        "BinOp",
        "BoolOp",
        "Call",
        "Compare",
        "ListExpr",
        "Literal",
        "Node",
        "Unary",
    }
    assert set(lst.__all__) == public - imported


@given(lst.cases("personlig_assistans.huvudman", omit=["grundlaggande_behov_timmar_per_vecka"]))
def test_partial_cases_leave_out_what_they_are_told(case: lst.GeneratedCase) -> None:
    assert "grundlaggande_behov_timmar_per_vecka" not in case.facts
    d = case.evaluate()
    if d.decided:  # an exclusion that does not need the hours (age limit, group home)
        assert d.value == "ingen"
    else:
        assert "grundlaggande_behov_timmar_per_vecka" in d.missing


@given(lst.facts("lss.personkrets", on=date(2026, 1, 1), require=["diagnoser"]))
def test_required_facts_are_always_there(facts: dict[str, object]) -> None:
    assert "diagnoser" in facts


@given(lst.cases("lss.ratt_till_insats", require=["alder", "fodelsedatum"]))
def test_derived_facts_agree_with_their_sources(case: lst.GeneratedCase) -> None:
    from lss_sol_rules.expr.functions import age

    born = case.facts["fodelsedatum"]
    assert isinstance(born, date)
    assert case.facts["alder"] == age(born, case.on)


def test_bad_arguments_are_refused() -> None:
    with pytest.raises(ValueError, match="presence"):
        lst.cases("lss.personkrets", presence=2)
    with pytest.raises(ValueError, match="never reads"):
        lst.cases("personlig_assistans.huvudman", require=["insats"])
    with pytest.raises(lsr.QuestionError):
        lst.cases("no.such.question")


def test_readable_facts_follow_questions_and_derivations() -> None:
    names = lst.readable_facts(None, "lss.ratt_till_insats")
    assert {"diagnoser", "insats", "alder", "fodelsedatum"} <= set(names)


def test_fixture_evaluates_in_each_jurisdiction(lsr_evaluate, lsr_jurisdiction: str) -> None:  # type: ignore[no-untyped-def]
    d = lsr_evaluate(
        "personlig_assistans.huvudman",
        {"grundlaggande_behov_timmar_per_vecka": 25},
        on=date(2026, 1, 1),
    )
    assert d.jurisdiction == lsr_jurisdiction
    assert d.value == "forsakringskassan"


def test_engine_fixtures(lsr_engine: lsr.Engine, lsr_national_engine: lsr.Engine) -> None:
    assert set(lsr_national_engine.jurisdictions()) <= set(lsr_engine.jurisdictions())
    assert lsr_national_engine.jurisdictions() == ("se",)


def test_plugin_is_registered_through_pytest11(pytestconfig: pytest.Config) -> None:
    assert pytestconfig.pluginmanager.is_registered(pytest_plugin)
