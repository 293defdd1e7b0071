"""Shared fixtures: the national engine, and a factory for throwaway rule files."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

import lss_sol_rules as lsr


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
