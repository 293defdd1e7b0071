"""The diff report writes numbers as its reader does."""

from __future__ import annotations

from lss_sol_rules.compare import _number_text


def test_numbers_in_the_report_follow_the_language() -> None:
    assert _number_text("38.5", "sv") == "38,5"
    assert _number_text("38.5", "en") == "38.5"
    assert _number_text("100000", "sv") == "100 000"
    assert _number_text("kommun", "sv") == "kommun"
    assert _number_text("2026-01-01", "sv") == "2026-01-01"
