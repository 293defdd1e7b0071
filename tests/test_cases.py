"""The golden case suite under tests/cases/, one pytest case per [[cases]] entry."""

from __future__ import annotations

from pathlib import Path

import pytest

import lss_sol_rules as lsr
from lss_sol_rules.casefile import Case, load_cases, run_case

CASES = load_cases([Path(__file__).parent / "cases"])


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_golden_case(engine: lsr.Engine, case: Case) -> None:
    result = run_case(engine, case)
    assert result.passed, result.message


def test_the_suite_is_not_empty() -> None:
    assert len(CASES) >= 1
