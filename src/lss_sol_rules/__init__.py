"""lss-sol-rules: Swedish disability and elderly care rules (LSS, SoL, SFB 51 kap.) as code.

Ask a question about a case and get an answer with its reasons, the parameters used (with
their effective dates) and the legal citations::

    import lss_sol_rules as lsr
    from datetime import date

    d = lsr.evaluate("personlig_assistans.huvudman",
                     {"grundlaggande_behov_timmar_per_vecka": 25}, on=date(2026, 1, 1))
    d.value          # 'forsakringskassan'
    print(d.explain(lang="sv"))

:func:`load` builds an :class:`Engine` from the national rules, installed plugins and any
extra rule files; :func:`evaluate` uses a shared default engine.
"""

from __future__ import annotations

import gc as _gc
import threading as _threading
from collections.abc import Iterable as _Iterable
from collections.abc import Mapping as _Mapping
from datetime import date as _date
from importlib.metadata import PackageNotFoundError as _PackageNotFoundError
from importlib.metadata import version as _version
from pathlib import Path as _Path
from typing import cast as _cast

from .engine import Answer, Engine, Session
from .errors import (
    ArgumentError,
    EvaluationError,
    EventError,
    ExpressionError,
    FactError,
    LssSolRulesError,
    NoApplicableRuleError,
    NoRuleInForceError,
    NotApplicableError,
    ParameterNotInForceError,
    PluginError,
    QuestionError,
    RuleConflictError,
    RuleFileError,
)
from .expr import STANDARD_FUNCTIONS as _STANDARD_FUNCTIONS
from .expr import Function
from .hookspecs import RuleSource, hookimpl
from .loader import RuleFile as _RuleFile
from .loader import read_rule_file as _read_rule_file
from .model import (
    Assumption,
    Citation,
    ConditionResult,
    Decision,
    FactDecl,
    Input,
    Label,
    Parameter,
    ParameterUse,
    ParameterValue,
    QuestionDecl,
    Reason,
)
from .plugins import get_plugin_manager as _get_plugin_manager
from .rulebook import Rulebook as _Rulebook

__all__ = [
    "Answer",
    "ArgumentError",
    "Assumption",
    "Citation",
    "ConditionResult",
    "Decision",
    "Engine",
    "EvaluationError",
    "EventError",
    "ExpressionError",
    "FactDecl",
    "FactError",
    "Function",
    "Input",
    "Label",
    "LssSolRulesError",
    "NoApplicableRuleError",
    "NoRuleInForceError",
    "NotApplicableError",
    "Parameter",
    "ParameterNotInForceError",
    "ParameterUse",
    "ParameterValue",
    "PluginError",
    "QuestionDecl",
    "QuestionError",
    "Reason",
    "RuleConflictError",
    "RuleFileError",
    "RuleSource",
    "Session",
    "__version__",
    "evaluate",
    "hookimpl",
    "load",
]


def __getattr__(name: str) -> str:
    if name == "__version__":
        try:
            return _version("lss-sol-rules")
        except _PackageNotFoundError:  # pragma: no cover - running from an unpacked tree
            return "0+unknown"
    raise AttributeError(f"module 'lss_sol_rules' has no attribute {name!r}")


def _expand(paths: _Iterable[str | _Path]) -> list[_Path]:
    out: list[_Path] = []
    for p in paths:
        path = _Path(p)
        if path.is_dir():
            out.extend(sorted(path.rglob("*.toml")))
        else:
            out.append(path)
    return out


def load(
    paths: _Iterable[str | _Path] | None = None,
    plugins: bool | _Iterable[object] = True,
) -> Engine:
    """Load the national rules, plugins and extra rule files into a new :class:`Engine`.

    :param paths: extra rule files or folders of them (layer ``"local"``).
    :param plugins: ``True`` (default) loads installed plugins (entry-point group
        ``lss_sol_rules``); ``False`` gives national law only; a list registers exactly
        those plugin objects.
    :raises RuleFileError: a rule file is malformed (the message names file, line, rule).
    :raises PluginError: a plugin failed to import or to list its rules.
    """
    pm = _get_plugin_manager(plugins)
    files: list[tuple[_RuleFile, str]] = []
    impls = sorted(
        pm.hook.lss_sol_rules_rule_files.get_hookimpls(),
        key=lambda i: (i.plugin_name != "national", i.plugin_name),
    )
    for impl in impls:
        try:
            sources = _cast("_Iterable[object]", impl.function())
        except PluginError:
            raise  # says itself what failed, in both languages (the national rules missing)
        except Exception as exc:
            raise PluginError(
                impl.plugin_name,
                f"lss_sol_rules_rule_files failed: {exc}",
                f"lss_sol_rules_rule_files misslyckades ({type(exc).__name__}, på engelska: {exc})",
            ) from exc
        for src in sources:
            if not isinstance(src, RuleSource):
                raise PluginError(
                    impl.plugin_name,
                    "lss_sol_rules_rule_files must return "
                    f"RuleSource objects, got {type(src).__name__}",
                    "lss_sol_rules_rule_files ska lämna RuleSource-objekt, men lämnade "
                    f"{type(src).__name__}",
                )
            files.append(
                (
                    _read_rule_file(src.path, jurisdiction=src.jurisdiction, adopt=src.adopt),
                    src.layer,
                )
            )
    for path in _expand(paths or ()):
        files.append((_read_rule_file(path), "local"))
    functions = dict(_STANDARD_FUNCTIONS)
    owners = dict.fromkeys(functions, "built-in")
    for impl in pm.hook.lss_sol_rules_functions.get_hookimpls():
        try:
            extra = _cast("_Iterable[object]", impl.function())
        except Exception as exc:
            raise PluginError(
                impl.plugin_name,
                f"lss_sol_rules_functions failed: {exc}",
                f"lss_sol_rules_functions misslyckades ({type(exc).__name__}, på engelska: {exc})",
            ) from exc
        for f in extra:
            if not isinstance(f, Function):
                raise PluginError(
                    impl.plugin_name,
                    f"lss_sol_rules_functions must return Function objects, got {type(f).__name__}",
                    "lss_sol_rules_functions ska lämna Function-objekt, men lämnade "
                    f"{type(f).__name__}",
                )
            if f.name in functions or f.name == "at":
                raise PluginError(
                    impl.plugin_name,
                    f"function {f.name!r} is already provided by {owners.get(f.name, 'built-in')}",
                    f"funktionen {f.name!r} finns redan, från "
                    + (
                        "biblioteket självt"
                        if owners.get(f.name, "built-in") == "built-in"
                        else f"tillägget {owners[f.name]!r}"
                    ),
                )
            functions[f.name] = f
            owners[f.name] = impl.plugin_name
    # Compiling builds many long-lived objects; the cyclic garbage collector would rescan
    # them again and again (half the load time of a 10,000-row table). Reference counting
    # still frees everything; the collector is switched back on at once.
    was_enabled = _gc.isenabled()
    _gc.disable()
    try:
        return Engine(_Rulebook(files, functions), pm)
    finally:
        if was_enabled:
            _gc.enable()


_default_engine: Engine | None = None
_default_lock = _threading.Lock()


def _default() -> Engine:
    global _default_engine  # noqa: PLW0603 - one lazily built, immutable, shared engine
    if _default_engine is None:
        with _default_lock:
            if _default_engine is None:
                _default_engine = load()
    return _default_engine


def evaluate(
    question: str,
    facts: _Mapping[str, object],
    on: _date | None = None,
    jurisdiction: str = "se",
) -> Decision:
    """Answer *question* with the default engine (national rules and installed plugins).

    See :meth:`Engine.evaluate`.
    """
    return _default().evaluate(question, facts, on=on, jurisdiction=jurisdiction)
