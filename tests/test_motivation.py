"""Plain-language decision motivations (style="beslut"): golden texts, reviewed by a person.

Regenerate after a reviewed wording change with: LSR_UPDATE_GOLDEN=1 python -m pytest
tests/test_motivation.py — then read every changed file before committing it.
"""

from __future__ import annotations

import json
import os
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest

import lss_sol_rules as lsr

GOLDEN = Path(__file__).parent / "golden"
ON = date(2026, 1, 1)
KRETS3: dict[str, Any] = json.loads(
    (Path(__file__).resolve().parents[1] / "examples" / "personkrets3.json").read_text(
        encoding="utf-8"
    )
)
CASES: dict[str, tuple[str, dict[str, Any], date]] = {
    "bifall_ledsagarservice_krets3": (
        "lss.ratt_till_insats",
        {**KRETS3, "insats": "ledsagarservice", "behov_tillgodoses_pa_annat_satt": False},
        ON,
    ),
    "avslag_ingen_personkrets": (
        "lss.ratt_till_insats",
        {
            **KRETS3,
            "funktionsnedsattning_stor": False,
            "insats": "kontaktperson",
            "behov_tillgodoses_pa_annat_satt": False,
        },
        ON,
    ),
    "avslag_personlig_assistans_aldersgrans": (
        "lss.ratt_till_insats",
        {
            "diagnoser": ["autism"],
            "insats": "personlig_assistans",
            "behov_tillgodoses_pa_annat_satt": False,
            "fodelsedatum": "1959-12-31",
            "grundlaggande_behov_timmar_per_vecka": 30,
            "pa_beviljad_fore_aldersgrans": False,
            "pa_ansokan_datum": "2026-02-01",
        },
        date(2026, 3, 1),
    ),
    "huvudman_forsakringskassan": (
        "personlig_assistans.huvudman",
        {"grundlaggande_behov_timmar_per_vecka": 25},
        ON,
    ),
    "avslag_daglig_verksamhet_krets3": (
        "lss.ratt_till_insats",
        {**KRETS3, "insats": "daglig_verksamhet"},
        ON,
    ),
    "uppgifter_saknas": (
        "lss.ratt_till_insats",
        {"diagnoser": ["autism"], "insats": "korttidstillsyn"},
        ON,
    ),
}


@pytest.fixture(scope="module")
def engine() -> lsr.Engine:
    return lsr.load(plugins=False)


@pytest.mark.parametrize("lang", ["sv", "en"])
@pytest.mark.parametrize("name", sorted(CASES))
def test_golden_motivation(engine: lsr.Engine, name: str, lang: str) -> None:
    question, facts, on = CASES[name]
    text = engine.evaluate(question, facts, on=on).explain(lang, style="beslut") + "\n"
    path = GOLDEN / f"{name}.{lang}.txt"
    if os.environ.get("LSR_UPDATE_GOLDEN"):
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8")


@pytest.mark.parametrize("name", sorted(CASES))
def test_plain_language(engine: lsr.Engine, name: str) -> None:
    question, facts, on = CASES[name]
    for lang in ("sv", "en"):
        text = engine.evaluate(question, facts, on=on).explain(lang, style="beslut")
        assert not re.search(r"\b[a-z]+_[a-z_]+\b", text), "no internal names"
        assert not re.search(r"\b(lss|sfb|sthlm)\.[a-z0-9.]+", text), "no rule ids"
        for sentence in re.split(r"(?<=[.!?])\s+", text):
            assert len(sentence.split()) <= 40, sentence


def test_refusals_and_only_refusals_say_how_to_appeal(engine: lsr.Engine) -> None:
    for name, (question, facts, on) in CASES.items():
        d = engine.evaluate(question, facts, on=on)
        text = d.explain("sv", style="beslut")
        assert ("Hur du överklagar" in text) == d.refusal, name
        if d.refusal:
            assert "tre veckor" in text
            assert "FL 44 §" in text


def test_unknown_style_is_refused(engine: lsr.Engine) -> None:
    d = engine.evaluate(*CASES["huvudman_forsakringskassan"][:2], on=ON)
    with pytest.raises(ValueError, match="beslut"):
        d.explain("sv", style="brev")
