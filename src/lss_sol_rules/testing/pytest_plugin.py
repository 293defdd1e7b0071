"""pytest plugin (entry point ``pytest11``): golden case files and fixtures for lss-sol-rules.

Golden case files are collected by themselves: every ``[[cases]]`` entry of a case file
(the format: ``docs/rule-format.md``, "Golden cases") becomes one pytest item, named
``<index>:<case name>``, whose failure says what was expected and what was got. A TOML
file is a case file when

- its name ends in ``.cases.toml``, wherever it is; or
- it lies under a folder named ``cases`` (``tests/cases/lss.toml``), unless the ini option
  ``lss_sol_rules_cases`` names the folders that hold case files, in which case it must
  lie under one of those.

A file chosen so that is not a valid case file is a collection error naming the problem,
never silently skipped. The cases run against national law and every installed plugin
(as ``lss-sol-rules test`` does); ini options change that:

- ``lss_sol_rules_cases``: folders (or files) of case files, relative to the ini file;
- ``lss_sol_rules_rules``: extra rule files or folders loaded on top (``--rules``);
- ``lss_sol_rules_plugins``: ``false`` for national law only (``--no-plugins``);
- ``lss_sol_rules_collect_cases``: ``false`` to collect no case files at all;
- ``lss_sol_rules_lang``: ``sv`` or ``en`` (the default), the language of failure reports.
  A collection error (a broken case file) shows the library's message in both languages,
  this one first.

Each item carries the marker ``golden_case`` (``pytest -m golden_case`` runs only them).

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

import json
import re
from collections.abc import Callable, Iterator, Mapping
from datetime import date
from pathlib import Path
from typing import Any

import pytest

import lss_sol_rules as lsr
from lss_sol_rules.casefile import Case, CaseResult, load_cases, run_case
from lss_sol_rules.errors import LssSolRulesError, is_swedish

_ENGINES: dict[tuple[tuple[str, ...], bool], lsr.Engine] = {}
_CASES_INI = "lss_sol_rules_cases"
_RULES_INI = "lss_sol_rules_rules"
_PLUGINS_INI = "lss_sol_rules_plugins"
_COLLECT_INI = "lss_sol_rules_collect_cases"
_LANG_INI = "lss_sol_rules_lang"
_MARKER = "golden_case"
_CASE_HEADER = re.compile(r"\s*\[\[\s*(cases|\"cases\"|'cases')\s*\]\]")
#: How many lines of the decision's explanation a failure report shows.
_EXPLANATION_LINES = 30


def _engine_for(rules: tuple[str, ...] = (), plugins: bool = True) -> lsr.Engine:
    """The engine for these extra rule paths and plugin setting, loaded once per session."""
    key = (rules, plugins)
    if key not in _ENGINES:
        _ENGINES[key] = lsr.load(paths=list(rules) or None, plugins=plugins)
    return _ENGINES[key]


def _shared(kind: str) -> lsr.Engine:
    return _engine_for((), kind == "all")


# -- options ---------------------------------------------------------------------------------
def pytest_addoption(parser: pytest.Parser) -> None:
    """The ini options of golden case collection."""
    parser.addini(
        _CASES_INI,
        "folders (or files) holding lss-sol-rules golden case files; default: any folder "
        "named 'cases'",
        type="paths",
        default=[],
    )
    parser.addini(
        _RULES_INI,
        "extra rule files or folders the golden cases run against (like --rules)",
        type="paths",
        default=[],
    )
    parser.addini(
        _PLUGINS_INI,
        "load installed lss-sol-rules plugins for the golden cases (default true)",
        type="bool",
        default=True,
    )
    parser.addini(
        _COLLECT_INI,
        "collect lss-sol-rules golden case files as tests (default true)",
        type="bool",
        default=True,
    )
    parser.addini(
        _LANG_INI,
        "language of lss-sol-rules golden case reports: sv or en (default en); collection "
        "errors show both",
        default="en",
    )


def pytest_configure(config: pytest.Config) -> None:
    """Register the marker every golden case item carries; check ``lss_sol_rules_lang``."""
    config.addinivalue_line("markers", f"{_MARKER}: an lss-sol-rules golden case (TOML)")
    _lang(config)


def _lang(config: pytest.Config) -> str:
    """``"sv"`` or ``"en"``, from the ini option; a usage error in both languages else."""
    value = str(config.getini(_LANG_INI)).strip()
    if value.lower() in ("sv", "en"):
        return value.lower()
    raise pytest.UsageError(
        _both(
            "en",
            f"{_LANG_INI} must be 'sv' or 'en', got {value!r}",
            f"{_LANG_INI} ska vara 'sv' eller 'en', men är {value!r}",
        )
    )


def _both(lang: str, en: str, sv: str) -> str:
    """*en* and *sv*, the one in *lang* first, separated by a blank line."""
    return f"{sv}\n\n{en}" if is_swedish(lang) else f"{en}\n\n{sv}"


# The words of the failure report, in each language.
_WORDS = {
    "en": {
        "failed": "golden case failed",
        "at": "at:",
        "case": "case",
        "question": "question:",
        "on": "on:",
        "jurisdiction": "jurisdiction:",
        "facts": "facts:",
        "got": "the decision it got:",
        "more": "more",
        "item": "golden case",
    },
    "sv": {
        "failed": "testfallet gav fel svar",
        "at": "var:",
        "case": "fall",
        "question": "fråga:",
        "on": "datum:",
        "jurisdiction": "jurisdiktion:",
        "facts": "uppgifter:",
        "got": "beslutet det fick:",
        "more": "rader till",
        "item": "testfall",
    },
}


def _is_case_file(config: pytest.Config, path: Path) -> bool:
    if path.suffix != ".toml" or not config.getini(_COLLECT_INI):
        return False
    if path.name.endswith(".cases.toml"):
        return True
    folders: list[Path] = config.getini(_CASES_INI)
    if folders:
        resolved = path.resolve()
        return any(resolved == f.resolve() or f.resolve() in resolved.parents for f in folders)
    try:
        inside = path.resolve().relative_to(config.rootpath.resolve()).parts[:-1]
    except ValueError:  # outside the rootdir: look at the whole path
        inside = path.resolve().parts[:-1]
    return "cases" in inside


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> CaseFile | None:
    """Collect a golden case file (see the module docstring for which files are)."""
    if _is_case_file(parent.config, file_path):
        found: CaseFile = CaseFile.from_parent(parent, path=file_path)
        return found
    return None


# -- collection ------------------------------------------------------------------------------
def _header_lines(path: Path) -> list[int]:
    """The 1-based line of each ``[[cases]]`` header, in order (for failure locations)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return []
    return [i for i, line in enumerate(text.splitlines(), start=1) if _CASE_HEADER.match(line)]


class CaseFile(pytest.File):
    """A TOML file of golden cases: one :class:`CaseItem` per ``[[cases]]`` entry."""

    def collect(self) -> Iterator[CaseItem]:
        lang = _lang(self.config)
        try:
            cases = load_cases([self.path])
        except LssSolRulesError as exc:
            # The library's message in both languages (the one of lss_sol_rules_lang first),
            # with hints for a terminal: pytest shows this text as it is.
            raise self.CollectError(
                _both(
                    lang,
                    f"{exc.message('en', 'cli')}\n(lss-sol-rules reads this file as golden "
                    f"cases: a .toml file under a 'cases' folder or named *.cases.toml; set "
                    f"the ini option {_CASES_INI} to the folders that hold your case files "
                    f"to change which files are read)",
                    f"{exc.message('sv', 'cli')}\n(lss-sol-rules läser filen som testfall: "
                    f"en .toml-fil i en mapp som heter 'cases' eller med ett namn som slutar "
                    f"på .cases.toml; ange de mappar som har era testfallsfiler i "
                    f"ini-inställningen {_CASES_INI} för att ändra vilka filer som läses)",
                )
            ) from None
        if not cases:
            raise self.CollectError(
                _both(
                    lang,
                    f"{self.path}: a case file needs at least one [[cases]]",
                    f"{self.path}: en testfallsfil behöver minst ett [[cases]]",
                )
            )
        lines = _header_lines(self.path)
        for case in cases:
            line = lines[case.index - 1] if len(lines) == len(cases) else None
            name = f"{case.index}:{case.name}".replace("::", ": :")
            item: CaseItem = CaseItem.from_parent(self, name=name, case=case, line=line)
            item.add_marker(_MARKER)
            yield item


class CaseFailed(Exception):
    """A golden case whose decision is not what the case expects: *result* holds what went
    wrong in both languages, *explanation* the decision it got in the report's language."""

    def __init__(self, result: CaseResult, explanation: str | None) -> None:
        super().__init__(result.message)
        self.result = result
        self.explanation = explanation


class CaseItem(pytest.Item):
    """One golden case: evaluate it and compare with what it expects."""

    def __init__(self, *, case: Case, line: int | None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.case = case
        self.line = line

    def _engine(self) -> lsr.Engine:
        rules = tuple(str(p) for p in self.config.getini(_RULES_INI))
        return _engine_for(rules, bool(self.config.getini(_PLUGINS_INI)))

    def runtest(self) -> None:
        engine = self._engine()
        result = run_case(engine, self.case)
        if not result.passed:
            raise CaseFailed(result, self._explanation(engine))

    def _explanation(self, engine: lsr.Engine) -> str | None:
        """The explanation of the decision the case got, if it got one, in the report's
        language."""
        c = self.case
        lang = _lang(self.config)
        try:
            decision = engine.evaluate(c.question, c.facts, on=c.on, jurisdiction=c.jurisdiction)
        except LssSolRulesError:
            return None
        lines = decision.explain(lang).splitlines()
        if len(lines) > _EXPLANATION_LINES:
            more = f"... ({len(lines) - _EXPLANATION_LINES} {_WORDS[lang]['more']})"
            lines = [*lines[:_EXPLANATION_LINES], more]
        return "\n".join(lines)

    def repr_failure(
        self,
        excinfo: pytest.ExceptionInfo[BaseException],
        style: Any = None,
    ) -> str:
        exc = excinfo.value
        c = self.case
        lang = _lang(self.config)
        w = _WORDS[lang]
        try:
            shown = self.path.relative_to(self.config.rootpath).as_posix()
        except ValueError:
            shown = str(self.path)
        where = f"{shown}:{self.line}" if self.line else f"{shown} ({w['case']} {c.index})"
        head = [
            f"{w['failed']}: {c.name}",
            f"  {w['at']:<14}{where}",
            f"  {w['question']:<14}{c.question}",
            f"  {w['on']:<14}{c.on.isoformat()}",
            f"  {w['jurisdiction']:<14}{c.jurisdiction}",
            f"  {w['facts']:<14}{_facts_text(c.facts)}",
        ]
        if isinstance(exc, CaseFailed):
            problems = [f"  {p}" for p in exc.result.text(lang).split("; ")]
            out = [*head, "", *problems]
            if exc.explanation:
                out += ["", w["got"]]
                out += [f"  {x}" for x in exc.explanation.split("\n")]
            return "\n".join(out)
        if isinstance(exc, LssSolRulesError):  # e.g. the rules failed to load
            return "\n".join([*head, "", f"  {type(exc).__name__}: {exc.message(lang, 'cli')}"])
        return str(super().repr_failure(excinfo))

    def reportinfo(self) -> tuple[Path, int | None, str]:
        line = self.line - 1 if self.line else None
        item = _WORDS[_lang(self.config)]["item"]
        return self.path, line, f"{item} {self.case.index}: {self.case.name}"


def _facts_text(facts: Mapping[str, Any]) -> str:
    def plain(v: Any) -> Any:
        if isinstance(v, date):
            return v.isoformat()
        if isinstance(v, (list, tuple)):
            return [plain(x) for x in v]
        if isinstance(v, Mapping):
            return {str(k): plain(x) for k, x in v.items()}
        if isinstance(v, (str, int, float, bool)) or v is None:
            return v
        return str(v)

    return json.dumps(plain(facts), ensure_ascii=False, sort_keys=True)


# -- fixtures --------------------------------------------------------------------------------
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
