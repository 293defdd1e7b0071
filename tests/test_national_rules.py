"""Properties of the national rulebook as a whole, beyond the golden cases."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

import lss_sol_rules as lsr

ON = date(2026, 1, 1)
KRETS3: dict[str, Any] = json.loads(
    (Path(__file__).resolve().parents[1] / "examples" / "personkrets3.json").read_text(
        encoding="utf-8"
    )
)


def test_every_rule_and_parameter_value_cites_a_source(engine: lsr.Engine) -> None:
    for rule in engine.rulebook.rules:
        assert rule.citations, rule.id
    for p in engine.parameters():
        for v in p.values:
            assert v.citations, p.name


def test_every_public_question_has_rules_in_force_today_or_is_dated(engine: lsr.Engine) -> None:
    view = engine.rulebook.view("se")
    for q in engine.questions(include_internal=True):
        assert view.rules.get(q.name), q.name


def test_personkrets_3_reads_like_a_motivation(engine: lsr.Engine) -> None:
    d = engine.evaluate("lss.personkrets", KRETS3, on=ON)
    assert d.value == (3,)
    sv = d.explain("sv")
    assert "Personen tillhör därför personkrets 3 enligt 1 § 3 LSS" in sv
    for held in (
        "funktionsnedsättningen är varaktig",
        "funktionsnedsättningen är stor",
        "funktionsnedsättningen beror uppenbart inte på normalt åldrande",
        "betydande svårigheter i den dagliga livsföringen",
        "omfattande behov av stöd eller service",
    ):
        assert f"✓ {held}" in sv or held in sv
    # no raw expressions or internal helper headings in the motivation
    assert " in diagnoser" not in sv
    assert "lss.personkrets_3" not in sv
    en = d.explain("en")
    assert "belongs to group 3 under LSS section 1 point 3" in en


def test_failed_circle_3_says_which_conditions_did_not_hold(engine: lsr.Engine) -> None:
    facts = dict(KRETS3, funktionsnedsattning_stor=False)
    d = engine.evaluate("lss.personkrets", facts, on=ON)
    assert d.value == ()
    sv = d.explain("sv")
    assert "✗ funktionsnedsättningen är stor (inte uppfyllt)" in sv
    assert "✓ funktionsnedsättningen är varaktig (uppfyllt)" in sv


def test_rules_for_other_insatser_are_not_listed(engine: lsr.Engine) -> None:
    d = engine.evaluate(
        "lss.ratt_till_insats",
        {
            "diagnoser": ["autism"],
            "insats": "ledsagarservice",
            "behov_tillgodoses_pa_annat_satt": True,
        },
        on=ON,
    )
    assert d.value is False
    ids = {r.rule_id for r in d.considered}
    assert "lss.9.3.ledsagarservice" in ids
    assert not any(i.startswith(("lss.9.7", "lss.9.10")) for i in ids)


def test_radgivning_says_it_is_the_regions(engine: lsr.Engine) -> None:
    d = engine.evaluate(
        "lss.ratt_till_insats",
        {"diagnoser": ["autism"], "insats": "radgivning", "behov_tillgodoses_pa_annat_satt": False},
        on=ON,
    )
    assert d.value is True
    assert "regionens ansvar" in d.explain("sv")
    assert "the region's responsibility" in d.explain("en")


def test_age_limit_decision_cites_the_transitional_provision(engine: lsr.Engine) -> None:
    d = engine.evaluate(
        "personlig_assistans.aldersgrans_datum", {"fodelsedatum": "1959-12-31"}, on=date(2026, 6, 1)
    )
    assert d.value == date(2025, 12, 31)
    assert any("2022:881" in str(c) for c in d.citations)
    uses = {(p.value, p.valid_from) for p in d.parameters_used if p.name == "pa_aldersgrans_ar"}
    # read by both transitional rules: as on 2022-12-31 (65) and as on 2025-12-31 (66)
    assert uses == {(65, date(2001, 1, 1)), (66, date(2023, 1, 1))}


@pytest.mark.parametrize("question", ["lss.personkrets", "lss.ratt_till_insats", "levnadsniva"])
def test_nested_decisions_round_trip(engine: lsr.Engine, question: str) -> None:
    facts = dict(
        KRETS3,
        insats="daglig_verksamhet",
        behov_tillgodoses_pa_annat_satt=False,
        alder=30,
        har_forvarvsarbete=False,
        utbildar_sig=False,
        lag="LSS",
    )
    d = engine.evaluate(question, facts, on=ON)
    again = lsr.Decision.from_dict(json.loads(json.dumps(d.to_dict())))
    assert again == d


def test_collect_question_missing_lists_only_undecided_circles(engine: lsr.Engine) -> None:
    facts = dict(KRETS3, diagnoser=["autism", "fysisk_funktionsnedsattning"])
    del facts["funktionsnedsattning_stor"]
    d = engine.evaluate("lss.personkrets", facts, on=ON)
    assert d.status == "undetermined"
    assert d.missing == ("funktionsnedsattning_stor",)
    facts["funktionsnedsattning_stor"] = True
    assert engine.evaluate("lss.personkrets", facts, on=ON).value == (1, 3)
