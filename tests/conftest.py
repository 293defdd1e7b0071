"""Shared fixtures: the national engine, and a factory for throwaway rule files."""

from __future__ import annotations

import os
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

import lss_sol_rules as lsr

# Hypothesis profiles: "ci" (default) keeps the suite fast; "deep" is the on-demand run,
# e.g. HYPOTHESIS_PROFILE=deep python -m pytest tests/test_properties.py tests/test_fuzz.py
_COMMON = {
    "deadline": None,
    "suppress_health_check": [HealthCheck.too_slow, HealthCheck.filter_too_much],
}
settings.register_profile("ci", max_examples=40, derandomize=True, **_COMMON)
settings.register_profile(
    "deep", max_examples=int(os.environ.get("LSR_DEEP_EXAMPLES", "2500")), **_COMMON
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture(scope="session")
def engine() -> lsr.Engine:
    """National law only, loaded once."""
    return lsr.load(plugins=False)


@pytest.fixture
def rule_file(tmp_path: Path) -> Callable[..., Path]:
    """Write a TOML rule file (dedented) and return its path."""
    counter = iter(range(1000))

    def write(text: str, name: str | None = None) -> Path:
        path = tmp_path / (name or f"rules_{next(counter)}.toml")
        path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
        return path

    return write
