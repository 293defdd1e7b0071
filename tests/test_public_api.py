"""The public surface: __all__ lists exactly the public names, and they exist."""

from __future__ import annotations

import lss_sol_rules as lsr


def test_all_matches_the_public_names() -> None:
    public = {n for n in vars(lsr) if not n.startswith("_")} - {"annotations"}
    modules = {n for n in public if type(getattr(lsr, n)).__name__ == "module"}
    assert set(lsr.__all__) == (public - modules) | {"__version__"}


def test_every_exported_name_resolves() -> None:
    for name in lsr.__all__:
        assert getattr(lsr, name) is not None


def test_version_is_a_string() -> None:
    assert isinstance(lsr.__version__, str)


def test_errors_subclass_builtins() -> None:
    assert issubclass(lsr.FactError, ValueError)
    assert issubclass(lsr.RuleFileError, ValueError)
    assert issubclass(lsr.QuestionError, LookupError)
    assert issubclass(lsr.EvaluationError, RuntimeError)
    for name in lsr.__all__:
        obj = getattr(lsr, name)
        if isinstance(obj, type) and issubclass(obj, Exception):
            assert issubclass(obj, lsr.LssSolRulesError)
