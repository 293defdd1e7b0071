"""Check rule files as a rule author does: every problem of each file in one run, and the
dates on which a rule is in force but a parameter it reads has no value.

Used by ``lss-sol-rules check``. The files are checked on top of the installed rulebook
(national law and, unless left out, the installed plugins): a file that *is* one of the
installed files — the same path, or the same ``[rulebook] id`` and file name, as a checkout
next to a non-editable install or a copy of a plugin's folder — is checked in its place,
not beside it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs

from .engine import Engine
from .errors import LssSolRulesError, RuleFileError
from .expr.functions import Function
from .loader import RuleFile, check_rule_file
from .rulebook import CompiledRule, Rulebook
from .values import format_number

__all__ = [
    "FileReport",
    "ParameterGap",
    "RangeGap",
    "check_files",
    "parameter_gaps",
    "range_gaps",
    "warning_frame",
]

MAX_COMPILE_ROUNDS = 200  # rules left out one by one to find the next compile problem


@attrs.frozen
class ParameterGap:
    """A rule in force on dates where a parameter it reads has no value (a warning:
    evaluating on those dates raises ``ParameterNotInForceError``)."""

    file: str
    line: int | None
    rule_id: str
    parameter: str
    jurisdiction: str
    gaps: tuple[tuple[date | None, date | None], ...]  # None: open-ended
    fixed_date: date | None = None  # a read with at(parameter, date)

    def __str__(self) -> str:
        return self.message("en")

    def message(self, lang: str = "en") -> str:
        """The warning in ``"sv"`` (Swedish) or English, as ``file:line: rule 'id': ...``."""
        sv = lang == "sv"
        if self.fixed_date is not None:
            day = self.fixed_date.isoformat()
            problem = (
                f"läser parametern {self.parameter!r} den {day} (at()), då den saknar värde "
                f"i regelverket {self.jurisdiction!r}"
                if sv
                else f"reads parameter {self.parameter!r} on {day} (at()), when it has no "
                f"value in jurisdiction {self.jurisdiction!r}"
            )
        else:
            spans = ", ".join(_span(a, b, lang) for a, b in self.gaps)
            problem = (
                f"gäller dagar då parametern {self.parameter!r} saknar värde i regelverket "
                f"{self.jurisdiction!r}: {spans}; en bedömning då misslyckas — ge parametern "
                f"ett daterat värde eller begränsa regeln med valid_from/valid_to"
                if sv
                else f"is in force on dates where parameter {self.parameter!r} has no value "
                f"in jurisdiction {self.jurisdiction!r}: {spans}; evaluating then fails — add "
                f"a dated value to the parameter, or limit the rule with valid_from/valid_to"
            )
        return warning_frame(self.file, self.line, self.rule_id, lang) + problem


def warning_frame(file: str, line: int | None, rule_id: str, lang: str = "en") -> str:
    """What a warning of ``check`` starts with: ``file:line: rule 'id': warning: `` (in
    Swedish ``regel 'id': varning``)."""
    where = f"{file}:{line}" if line else file
    if lang == "sv":
        return f"{where}: regel {rule_id!r}: varning: "
    return f"{where}: rule {rule_id!r}: warning: "


@attrs.frozen
class RangeGap:
    """A big question of ordinary rules, each testing one fact against constants, without a
    ``default`` rule, and a value of that fact no rule's range covers (a warning: a case
    with it gets no answer, ``NoApplicableRuleError``)."""

    file: str
    line: int | None
    rule_id: str  # the question's first rule in the file
    question: str
    fact: str
    value: Any

    def __str__(self) -> str:
        return self.message("en")

    def message(self, lang: str = "en") -> str:
        """The warning in ``"sv"`` (Swedish) or English, as ``file:line: rule 'id': ...``."""
        shown = (
            format_number(self.value, lang)
            if isinstance(self.value, (int, Decimal)) and not isinstance(self.value, bool)
            else str(self.value)
        )
        problem = (
            f"ingen av reglerna som besvarar {self.question!r} gäller när {self.fact} = "
            f"{shown}; ett sådant ärende får inget svar — lägg till en regel för det, eller en "
            f"regel med `default = true`"
            if lang == "sv"
            else f"no rule answering {self.question!r} applies when {self.fact} = {shown}; "
            f"such a case gets no answer — add a rule for it, or a rule with `default = true`"
        )
        return warning_frame(self.file, self.line, self.rule_id, lang) + problem


def _span(start: date | None, end: date | None, lang: str = "en") -> str:
    sv = lang == "sv"
    if start is None and end is None:
        return "alla dagar" if sv else "every date"
    if start is None:
        assert end is not None  # noqa: S101
        return f"{'före' if sv else 'before'} {(end + timedelta(days=1)).isoformat()}"
    if end is None:
        return f"{'efter' if sv else 'after'} {(start - timedelta(days=1)).isoformat()}"
    return f"{start.isoformat()} – {end.isoformat()}"


@attrs.define
class FileReport:
    """The problems of one file: errors (it does not load) and warnings."""

    path: Path
    errors: list[RuleFileError] = attrs.Factory(list)
    warnings: list[ParameterGap | RangeGap] = attrs.Factory(list)


def _uncovered(
    start: date | None, end: date | None, spans: Iterable[tuple[date, date | None]]
) -> list[tuple[date | None, date | None]]:
    """The parts of [start, end] (None: open) that no span covers."""
    lo = date.min if start is None else start
    hi = date.max if end is None else end
    out: list[tuple[date, date]] = []
    cursor: date | None = lo  # the first date not yet covered; None: all covered
    for a, b in sorted((a, date.max if b is None else b) for a, b in spans):
        if cursor is None or a > hi:
            break
        if b < cursor:
            continue
        if a > cursor:
            out.append((cursor, a - timedelta(days=1)))
        cursor = None if b >= hi else b + timedelta(days=1)
    if cursor is not None and cursor <= hi:
        out.append((cursor, hi))
    return [(None if a == date.min else a, None if b == date.max else b) for a, b in out]


def parameter_gaps(engine: Engine, rules: Iterable[CompiledRule]) -> list[ParameterGap]:
    """For each of *rules*, the parameters it reads that have no value on some date the rule
    is in force, in the rule's own jurisdiction (its own values and those of the
    jurisdictions enclosing it; a municipality below may add values, but cannot be relied
    on)."""
    out: list[ParameterGap] = []
    for rule in rules:
        view = engine.rulebook.view(rule.jurisdiction)
        for name in sorted(set(rule.params)):
            spans = [
                (v.valid_from, v.valid_to) for p, _ in view.params.get(name, ()) for v in p.values
            ]
            gaps = _uncovered(rule.valid_from, rule.valid_to, spans)
            if gaps:
                out.append(
                    ParameterGap(
                        rule.file, rule.line, rule.id, name, rule.jurisdiction, tuple(gaps)
                    )
                )
        for name, when in sorted(set(rule.params_at)):
            if view.param_value(name, when) is None:
                out.append(
                    ParameterGap(rule.file, rule.line, rule.id, name, rule.jurisdiction, (), when)
                )
    return out


def range_gaps(engine: Engine, rules: Iterable[CompiledRule]) -> list[RangeGap]:
    """For each big question that *rules* answer (in their jurisdiction), a value of its
    splitting fact that no rule covers (:meth:`View.range_gap`), reported at the question's
    first rule among *rules*."""
    first: dict[tuple[str, str], CompiledRule] = {}
    for rule in rules:
        first.setdefault((rule.question, rule.jurisdiction), rule)
    out: list[RangeGap] = []
    for (question, jurisdiction), rule in sorted(first.items()):
        found = engine.rulebook.view(jurisdiction).range_gap(question)
        if found is not None:
            out.append(RangeGap(rule.file, rule.line, rule.id, question, found[0], found[1]))
    return out


def _expand(paths: Iterable[str | Path]) -> list[Path]:
    """The files at *paths* (folders: every ``.toml`` under them), each once."""
    files: dict[Path, Path] = {}
    for p in paths:
        path = Path(p)
        for f in sorted(path.rglob("*.toml")) if path.is_dir() else [path]:
            try:
                key = f.resolve()
            except (OSError, RuntimeError):  # a symlink loop: read (and refused) as given
                key = f
            files.setdefault(key, f)
    return list(files.values())


def _same_file(a: str | Path, b: str | Path) -> bool:
    try:
        return Path(a).resolve() == Path(b).resolve()
    except OSError:
        return False


def check_files(base: Engine, paths: Sequence[str | Path]) -> list[FileReport]:
    """Check the rule files at *paths* (folders: every ``.toml`` under them) on top of the
    rulebook of *base*: every shape problem of each file, then the compile problems (rules
    in error left out one by one, so each is reported), then the parameter gaps of the
    rules of the files that load."""
    installed = list(base.rulebook.files)
    functions = base.rulebook.functions
    reports: list[FileReport] = []
    replaced: dict[int, RuleFile] = {}  # index in installed -> the file checked in its place
    added: list[RuleFile] = []
    unchanged: set[str] = set()  # paths of installed files checked as they are
    by_path: dict[str, FileReport] = {}
    for path in _expand(paths):
        report = FileReport(path)
        reports.append(report)
        by_path[str(path)] = report
        rf, errors = check_rule_file(path)
        match = next(
            (i for i, (inst, _) in enumerate(installed) if _same_file(inst.path, path)), None
        )
        if match is None and rf is not None:
            match = next(
                (
                    i
                    for i, (inst, _) in enumerate(installed)
                    if inst.id == rf.id and Path(inst.path).name == path.name and i not in replaced
                ),
                None,
            )
        if match is not None and rf is not None:
            inst = installed[match][0]
            if inst.jurisdiction != rf.jurisdiction or inst.adopted_from is not None:
                # Read as the plugin provides it (its jurisdiction, adopted or not).
                rf, errors = check_rule_file(
                    path, jurisdiction=inst.jurisdiction, adopt=inst.adopted_from is not None
                )
        report.errors.extend(errors)
        if rf is None:
            continue
        if match is not None and _same_file(installed[match][0].path, path) and not errors:
            unchanged.add(installed[match][0].path)
            continue
        if match is not None:
            replaced[match] = rf
        else:
            added.append(rf)
    engine: Engine | None = base
    if replaced or added:
        engine = _compile(installed, replaced, added, functions, by_path)
    if engine is not None:
        checked = {str(r.path) for r in reports if not r.errors}
        checked |= unchanged
        mine = [r for r in engine.rulebook.rules if r.file in checked]
        warnings: list[ParameterGap | RangeGap] = [
            *parameter_gaps(engine, mine),
            *range_gaps(engine, mine),
        ]
        for gap in warnings:
            owner = by_path.get(gap.file) or next(
                (r for r in reports if _same_file(r.path, gap.file)), None
            )
            if owner is not None:
                owner.warnings.append(gap)
    for report in reports:
        report.errors.sort(key=lambda e: e.line or 0)
    return reports


def _compile(
    installed: list[tuple[RuleFile, str]],
    replaced: dict[int, RuleFile],
    added: list[RuleFile],
    functions: Mapping[str, Function],
    by_path: dict[str, FileReport],
) -> Engine | None:
    """Compile the installed files with the checked ones in place.

    A compile problem in a rule of a checked file is reported and the rule left out; any
    other problem of a checked file is reported and the file left out (the installed version
    used, if it replaces one); then the compile is tried again, so that every file's problems
    are found. ``None`` when the rules do not compile even so (a problem in an installed file
    that a checked one causes): every checked file is then told so.
    """
    current: dict[int, RuleFile | None] = {id(rf): rf for rf in [*replaced.values(), *added]}

    def report_of(file: str | None) -> FileReport | None:
        if not file:
            return None
        found = by_path.get(file)
        if found is None:
            found = next((r for p, r in by_path.items() if _same_file(p, file)), None)
        return found

    def give_up(problem: str, problem_sv: str, every: bool = False) -> None:
        for report in by_path.values():
            if every or not report.errors:
                report.errors.append(
                    RuleFileError(problem, file=str(report.path), problem_sv=problem_sv)
                )

    for _ in range(MAX_COMPILE_ROUNDS):
        files: list[tuple[RuleFile, str]] = []
        for i, (rf, layer) in enumerate(installed):
            mine = current.get(id(replaced[i])) if i in replaced else rf
            files.append((mine or rf, layer))
        extra = (current[id(rf)] for rf in added)
        files += [(new, "local") for new in extra if new is not None]
        try:
            return Engine(Rulebook(files, functions))
        except RuleFileError as exc:
            report = report_of(exc.file)
            key = next(
                (k for k, rf in current.items() if rf is not None and rf.path == exc.file), None
            )
            if report is None or key is None:
                give_up(
                    f"not compiled: with the files checked, the installed rules fail: {exc}",
                    f"reglerna kunde inte kompileras: med de kontrollerade filerna går de "
                    f"installerade reglerna inte att kompilera: {exc.message('sv')}",
                )
                return None
            report.errors.append(exc)
            failing = current[key]
            assert failing is not None  # noqa: S101 - found among the files in use
            whole = exc.whole_question
            if whole is not None:  # refused together: leaving out one rule would not help
                rules = tuple(r for r in failing.rules if r.question != whole)
            else:
                rules = tuple(
                    r for r in failing.rules if r.id != exc.rule_id or r.table is not None
                )
            if (exc.rule_id is not None or whole is not None) and len(rules) < len(failing.rules):
                current[key] = attrs.evolve(failing, rules=rules)
            else:
                current[key] = None  # not a rule of its own: the file is left out
        except LssSolRulesError as exc:  # a plugin function, a rulebook-wide problem
            give_up(f"not compiled: {exc}", f"reglerna kunde inte kompileras: {exc.message('sv')}")
            return None
    give_up(
        f"not compiled further: more than {MAX_COMPILE_ROUNDS} problems; fix those reported "
        f"and check again",
        f"kompileringen avbröts: fler än {MAX_COMPILE_ROUNDS} fel; rätta dem som visas och "
        f"kontrollera igen",
        every=True,
    )
    return None
