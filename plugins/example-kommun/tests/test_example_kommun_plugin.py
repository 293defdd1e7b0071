"""The example layer: same case, different answers under se/stockholm and the example.

The golden cases in cases/ are collected by lss-sol-rules' pytest plugin itself.
"""

from __future__ import annotations

from datetime import date

import pytest

import lss_sol_rules as lsr


@pytest.fixture(scope="module")
def engine() -> lsr.Engine:
    return lsr.load()


def test_same_case_two_answers_each_explained(engine: lsr.Engine) -> None:
    facts = {"insats": "hemtjanst", "hemtjanst_timmar_per_manad": 110}
    on = date(2026, 1, 1)
    sthlm = engine.evaluate("delegation.beslutsniva", facts, on=on, jurisdiction="se/stockholm")
    example = engine.evaluate(
        "delegation.beslutsniva", facts, on=on, jurisdiction="se/stockholm/exempel"
    )
    assert (sthlm.value, example.value) == ("sarskild_delegation", "handlaggare")
    p_sthlm = {p.name: p for p in sthlm.parameters_used}["hemtjanst_delegationsgrans_timmar"]
    assert (p_sthlm.value, p_sthlm.layer) == (99, "stockholm")
    used = {p.name: p for p in example.parameters_used}
    assert (
        used["hemtjanst_delegationsgrans_timmar"].value,
        used["hemtjanst_delegationsgrans_timmar"].layer,
    ) == (120, "example_kommun")
    assert "(nivå: example_kommun)" in example.explain("sv")
    assert "(layer: stockholm)" in sthlm.explain("en")
