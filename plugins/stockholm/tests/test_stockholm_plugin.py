"""The Stockholm plugin: discovered through its entry point, layered over national law.

The golden cases in cases/ are collected by lss-sol-rules' pytest plugin itself.
"""

from __future__ import annotations

from datetime import date

import pytest

import lss_sol_rules as lsr

ON = date(2026, 1, 1)


@pytest.fixture(scope="module")
def engine() -> lsr.Engine:
    return lsr.load()  # installed plugins, found through the entry point


def test_discovered_through_the_entry_point(engine: lsr.Engine) -> None:
    assert "se/stockholm" in engine.jurisdictions()
    assert any(layer == "stockholm" for _, layer in engine.rulebook.files)


def test_explicit_registration_gives_the_same_layer() -> None:
    import lss_sol_rules_stockholm

    engine = lsr.load(plugins=[lss_sol_rules_stockholm])
    assert "se/stockholm" in engine.jurisdictions()


def test_explanation_names_the_layer_and_the_seed(engine: lsr.Engine) -> None:
    d = engine.evaluate(
        "delegation.beslutsniva",
        {"insats": "hemtjanst", "hemtjanst_timmar_per_manad": 120},
        on=ON,
        jurisdiction="se/stockholm",
    )
    sv = d.explain("sv")
    assert "(nivå: stockholm)" in sv
    assert "004_c4bf04edb01a3f49.txt" in sv
    assert d.parameters_used[0].layer == "stockholm"


LEVELS = ["handlaggare", "sarskild_delegation", "bitradande_enhetschef"]


def test_more_home_care_hours_never_lower_the_delegation_level(engine: lsr.Engine) -> None:
    last = 0
    for tenths in range(0, 2000, 5):
        hours = tenths / 10
        d = engine.evaluate(
            "delegation.beslutsniva",
            {"insats": "hemtjanst", "hemtjanst_timmar_per_manad": hours},
            on=ON,
            jurisdiction="se/stockholm",
        )
        level = LEVELS.index(str(d.value))
        assert level >= last
        last = level
