"""Refused numbers are shown as numbers, not as Python's Decimal(...)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

import lss_sol_rules as lsr

ON = date(2026, 1, 1)
ENGINE = lsr.load(plugins=False)


@pytest.mark.parametrize(
    ("fact", "value", "shown"),
    [
        ("grundlaggande_behov_timmar_per_vecka", Decimal("1E+400"), "10^400"),
        ("grundlaggande_behov_timmar_per_vecka", 10**100, "an integer of about"),
        ("grundlaggande_behov_timmar_per_vecka", Decimal("5.0000000000000000000001"), "5.0000"),
        ("alder", Decimal("40.5"), "got 40.5"),
    ],
)
def test_a_refused_number_is_shown_as_a_number(fact: str, value: object, shown: str) -> None:
    with pytest.raises(lsr.FactError) as info:
        ENGINE.answer("personlig_assistans.huvudman", {fact: value}, on=ON)
    assert shown in str(info.value)
    assert "Decimal(" not in str(info.value)
    assert "Decimal(" not in info.value.message("sv")
