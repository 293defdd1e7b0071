"""pytest plugin (entry point ``pytest11``): fixtures for testing with lss-sol-rules.

Fixtures:

- ``lsr_engine`` — national law and every installed plugin, loaded once per session.
- ``lsr_national_engine`` — national law only.
- ``lsr_jurisdiction`` — a test that takes it runs once per jurisdiction the engine knows.
- ``lsr_evaluate`` — ``lsr_evaluate(question, facts, on=None)``, bound to ``lsr_engine``
  and, when the test also takes ``lsr_jurisdiction``, to that jurisdiction.

Hypothesis is imported only by :mod:`lss_sol_rules.testing`, so this plugin costs nothing
in a project that never uses the strategies.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

import pytest

import lss_sol_rules as lsr

_ENGINES: dict[str, lsr.Engine] = {}


def _shared(kind: str) -> lsr.Engine:
    if kind not in _ENGINES:
        _ENGINES[kind] = lsr.load(plugins=kind == "all")
    return _ENGINES[kind]


@pytest.fixture(scope="session")
def lsr_engine() -> lsr.Engine:
    """National law and every installed plugin."""
    return _shared("all")


@pytest.fixture(scope="session")
def lsr_national_engine() -> lsr.Engine:
    """National law only."""
    return _shared("national")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Run tests that take ``lsr_jurisdiction`` once per known jurisdiction."""
    if "lsr_jurisdiction" in metafunc.fixturenames:
        metafunc.parametrize("lsr_jurisdiction", _shared("all").jurisdictions())


@pytest.fixture
def lsr_evaluate(
    request: pytest.FixtureRequest, lsr_engine: lsr.Engine
) -> Callable[..., lsr.Decision]:
    """Evaluate with the shared engine (in the test's jurisdiction, if it has one)."""
    jurisdiction = "se"
    if "lsr_jurisdiction" in request.fixturenames:
        jurisdiction = request.getfixturevalue("lsr_jurisdiction")

    def evaluate(
        question: str, facts: Mapping[str, Any], on: date | None = None, **kwargs: Any
    ) -> lsr.Decision:
        kwargs.setdefault("jurisdiction", jurisdiction)
        return lsr_engine.evaluate(question, facts, on=on, **kwargs)

    return evaluate
