"""A failing golden case says what it expected and got as its reader writes values."""

from __future__ import annotations

from pathlib import Path

import lss_sol_rules as lsr
from lss_sol_rules.casefile import load_cases, run_case


def test_a_failing_case_shows_numbers_and_texts_as_written(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text(
        "[[cases]]\n"
        'name = "wrong number"\n'
        'question = "personlig_assistans.huvudman"\n'
        "on = 2026-01-01\n"
        "facts = { grundlaggande_behov_timmar_per_vecka = 30.5 }\n"
        'expect = "kommun"\n',
        encoding="utf-8",
    )
    result = run_case(lsr.load(plugins=False), load_cases([path])[0])
    assert not result.passed
    assert result.message.endswith("expected 'kommun', got 'forsakringskassan'")
    assert result.message_sv is not None
    assert "Decimal" not in result.message + result.message_sv


def test_a_number_is_written_with_the_languages_decimal_mark(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text(
        "[[cases]]\n"
        'name = "a number expected"\n'
        'question = "personlig_assistans.huvudman"\n'
        "on = 2026-01-01\n"
        "facts = { grundlaggande_behov_timmar_per_vecka = 10 }\n"
        "expect = 7.5\n",
        encoding="utf-8",
    )
    result = run_case(lsr.load(plugins=False), load_cases([path])[0])
    assert "expected 7.5, got 'kommun'" in result.message
    assert result.message_sv is not None
    assert "väntade 7,5, men fick 'kommun'" in result.message_sv
