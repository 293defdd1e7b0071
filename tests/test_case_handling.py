"""Issue #14 behaviour that golden cases cannot express: assumptions, not-applicable answers."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

import lss_sol_rules as lsr
from lss_sol_rules.errors import NoApplicableRuleError, NotApplicableError

ON = date(2026, 6, 1)
GRANT = {"insats": "ledsagarservice", "diagnoser": ["autism"], "behov_tillgodoses_pa_annat_satt": False}


@pytest.fixture(scope="module")
def engine() -> lsr.Engine:
    return lsr.load()


def test_every_assumption_is_listed_in_to_dict_and_both_languages(engine: lsr.Engine) -> None:
    d = engine.evaluate("lss.ratt_till_insats", GRANT, on=ON)
    assert d.value is True
    facts = [a.fact for a in d.assumptions]
    assert facts == ["behov_av_hjalp_i_livsforingen", "tillfalligt_skydd"]
    raw = json.loads(json.dumps(d.to_dict()))
    assert [a["fact"] for a in raw["assumptions"]] == facts
    assert lsr.Decision.from_dict(raw) == d
    sv, en = d.explain("sv"), d.explain("en")
    assert "Antaganden" in sv
    assert "inte uppehållstillstånd med eller efter tillfälligt skydd" in sv
    assert "Assumptions" in en
    assert "temporary protection" in en
    assert "Vi har utgått från" in d.explain("sv", style="beslut")


def test_a_given_fact_is_no_assumption(engine: lsr.Engine) -> None:
    facts = {**GRANT, "tillfalligt_skydd": False, "behov_av_hjalp_i_livsforingen": True}
    assert engine.evaluate("lss.ratt_till_insats", facts, on=ON).assumptions == ()


def test_a_refusal_that_no_assumption_could_change_lists_none(engine: lsr.Engine) -> None:
    facts = {**GRANT, "behov_tillgodoses_pa_annat_satt": True}
    d = engine.evaluate("lss.ratt_till_insats", facts, on=ON)
    assert d.value is False
    assert d.assumptions == ()


def test_the_20_hour_line_without_an_age_says_what_it_assumed(engine: lsr.Engine) -> None:
    d = engine.evaluate(
        "personlig_assistans.huvudman", {"grundlaggande_behov_timmar_per_vecka": 25}, on=ON
    )
    assert d.value == "forsakringskassan"
    assert {a.fact for a in d.assumptions} == {"alder", "bor_i_gruppbostad"}
    known = engine.evaluate(
        "personlig_assistans.huvudman",
        {"grundlaggande_behov_timmar_per_vecka": 25, "fodelsedatum": date(1980, 1, 1)},
        on=ON,
    )
    assert "alder" not in {a.fact for a in known.assumptions}  # derived from the birth date


def test_delegation_lists_the_principle_assumption(engine: lsr.Engine) -> None:
    d = engine.evaluate(
        "delegation.arendegenomgang",
        {"insats": "hemtjanst", "hemtjanst_timmar_per_manad": 40},
        on=ON,
        jurisdiction="se/stockholm",
    )
    assert d.value is False
    assert [a.fact for a in d.assumptions] == ["principiellt_arende"]


@pytest.mark.parametrize(
    ("question", "facts", "jurisdiction"),
    [
        ("individuell_plan.omprovning_senast", {"lag": "SoL", "individuell_plan_upprattad": date(2025, 3, 1)}, "se"),
        ("individuell_plan.nasta_erbjudande", {"lag": "SoL", "beslutsdatum": date(2025, 3, 1)}, "se/stockholm"),
        ("handlaggning.avgorande_senast", {"arende_inlett": date(2026, 1, 15), "begaran_om_avgorande_inkom": date(2026, 3, 1)}, "se"),
    ],
)
def test_questions_that_do_not_apply_say_why_in_both_languages(
    engine: lsr.Engine, question: str, facts: dict[str, object], jurisdiction: str
) -> None:
    with pytest.raises(NotApplicableError) as info:
        engine.evaluate(question, facts, on=ON, jurisdiction=jurisdiction)
    err = info.value
    assert isinstance(err, NoApplicableRuleError)  # hosts catching the old error keep working
    assert err.question == question
    assert err.reason_sv
    assert err.reason_en
    assert "gap" not in str(err)  # not a hole in the rulebook: the law gives no answer


def test_the_appeal_explanation_names_the_moved_day_and_both_statutes(engine: lsr.Engine) -> None:
    d = engine.evaluate(
        "overklagande.sista_dag", {"del_av_beslutet_datum": date(2026, 12, 3)}, on=date(2027, 1, 1)
    )
    assert d.value == date(2026, 12, 28)
    text = d.explain("sv")
    assert "2026-12-24" in text
    assert "nästa vardag" in text
    cites = {c.text for c in d.citations}
    assert "FL 44 §" in cites
    assert any(c.startswith("Lag (1930:173)") for c in cites)


def test_a_refusal_is_never_ivo_reportable_whatever_the_dates(engine: lsr.Engine) -> None:
    for lag in ("LSS", "SoL"):
        for on in (date(2024, 6, 1), date(2026, 6, 1)):
            d = engine.evaluate(
                "ej_verkstallt.ska_rapporteras",
                {"lag": lag, "beslutsdatum": date(2023, 1, 2), "beslut_gynnande": False,
                 "verkstallighet_avbruten": date(2023, 2, 1)},
                on=on,
            )
            assert d.value is False


def _bool_layer(tmp_path: Path, jurisdiction: str, parameter: str, since: date) -> Path:
    """A rule file for *jurisdiction* that sets the bool *parameter* to true from *since*."""
    path = tmp_path / (jurisdiction.replace("/", "_") + ".toml")
    path.write_text(
        f"""
[rulebook]
id = "{jurisdiction.replace("/", ".")}"
jurisdiction = "{jurisdiction}"

[parameters.{parameter}]
type = "bool"
label = {{ sv = "Lokalt val", en = "Local choice" }}

[[parameters.{parameter}.values]]
value = true
valid_from = {since.isoformat()}
citations = ["Lokala riktlinjer (exempel)"]
""",
        encoding="utf-8",
    )
    return path


def test_a_district_can_choose_seed_002s_wide_reading_after_65(tmp_path: Path) -> None:
    path = _bool_layer(
        tmp_path, "se/stockholm/vid", "enhet_kvar_efter_65_hela_lss_personkretsen",
        date(2017, 1, 1),
    )
    engine = lsr.load(paths=[path])
    facts = {"alder": 70, "bor_i_lss_bostad": False, "har_personlig_assistans": False,
             "diagnoser": ["autism"]}
    narrow = engine.evaluate("handlaggning.enhet", facts, on=ON, jurisdiction="se/stockholm")
    wide = engine.evaluate("handlaggning.enhet", facts, on=ON, jurisdiction="se/stockholm/vid")
    assert narrow.value == "aldre"
    assert wide.value == "funktionsnedsattning_vuxna"
    assert "sthlm.enhet.kvar_efter_65_lss_personkrets" in {r.rule_id for r in wide.reasons}


def test_a_municipality_may_start_korttidstillsyn_from_the_autumn_term(tmp_path: Path) -> None:
    path = _bool_layer(
        tmp_path, "se/hosttermin", "korttidstillsyn_fran_hostterminen", date(2020, 1, 1)
    )
    engine = lsr.load(paths=[path])
    facts = {"insats": "korttidstillsyn", "diagnoser": ["autism"], "skolungdom": True,
             "behov_tillgodoses_pa_annat_satt": False, "fodelsedatum": date(2013, 12, 15)}
    national = engine.evaluate("lss.ratt_till_insats", facts, on=date(2026, 9, 1))
    local = engine.evaluate("lss.ratt_till_insats", facts, on=date(2026, 9, 1),
                            jurisdiction="se/hosttermin")
    before = engine.evaluate("lss.ratt_till_insats", facts, on=date(2026, 6, 30),
                             jurisdiction="se/hosttermin")
    assert (national.value, local.value, before.value) == (False, True, False)


def test_decisions_name_their_sources_without_the_machines_directories(engine: lsr.Engine) -> None:
    d = engine.evaluate("lss.ratt_till_insats", GRANT, on=ON)
    sources = [r.source for r in (*d.reasons, *d.considered)]
    assert sources
    for source in sources:
        assert not source.startswith("/"), source
        assert "/rules/" in source
    raw = json.dumps(d.to_dict())
    assert "site-packages" not in raw
    assert "/work/" not in raw
