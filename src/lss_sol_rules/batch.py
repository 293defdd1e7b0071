"""Whole caseloads: evaluate many cases, compare two settings, read cases from CSV.

``evaluate_many`` answers one question for many cases and returns columns (value, status,
missing, error) with explanations on demand for chosen rows. ``diff`` evaluates the same
caseload under two settings — two dates, two jurisdictions, or two engines (rulebooks) — and
groups the cases whose answer changes by old → new value, with an example decision from
each group. ``read_csv`` turns a CSV file into typed fact dicts using the fact schema.

This is the single-case evaluator applied row by row; a compiled, vectorised path is a
later addition and must give identical answers.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any

import attrs

from .engine import Engine
from .errors import FactError, did_you_mean
from .model import Decision
from .values import Value, to_decimal

__all__ = ["BatchResult", "Change", "DiffReport", "Setting", "diff", "evaluate_many", "read_csv"]

UNDETERMINED = "undetermined"
ERROR = "error"


@attrs.frozen
class BatchResult:
    """Columnar answers for a caseload, in the order of the cases."""

    question: str
    values: tuple[Value | None, ...]
    statuses: tuple[str, ...]  # "decided" | "undetermined" | "error"
    missing: tuple[tuple[str, ...], ...]
    errors: tuple[str | None, ...]
    _engine: Engine = attrs.field(repr=False, eq=False)
    _cases: tuple[Mapping[str, Any], ...] = attrs.field(repr=False, eq=False)
    _on: date | None = attrs.field(repr=False, eq=False)
    _jurisdiction: str = attrs.field(repr=False, eq=False)

    def __len__(self) -> int:
        return len(self.values)

    def decision(self, row: int) -> Decision:
        """The full decision (reasons, citations) for one row, computed on demand."""
        return self._engine.evaluate(
            self.question, self._cases[row], on=self._on, jurisdiction=self._jurisdiction
        )

    def counts(self) -> dict[str, int]:
        """How many rows got each value (``undetermined`` and ``error`` included)."""
        out: dict[str, int] = {}
        for key in (_key(v, s) for v, s in zip(self.values, self.statuses, strict=True)):
            out[key] = out.get(key, 0) + 1
        return dict(sorted(out.items()))


def _key(value: Value | None, status: str) -> str:
    if status != "decided":
        return status
    if isinstance(value, tuple):
        return "[" + ", ".join(str(v) for v in value) + "]"
    return str(value).lower() if isinstance(value, bool) else str(value)


def evaluate_many(
    engine: Engine,
    question: str,
    cases: Iterable[Mapping[str, Any]],
    on: date | None = None,
    jurisdiction: str = "se",
    errors: str = "raise",
    progress: Callable[[int], None] | None = None,
) -> BatchResult:
    """Answer *question* for every case.

    :param errors: ``"raise"`` stops at the first bad case (the error names its row);
        ``"collect"`` records the error in that row and goes on.
    :param progress: called with the number of cases done, every 1,000 cases and at the end.
    """
    if errors not in ("raise", "collect"):
        raise ValueError(f"errors must be 'raise' or 'collect', got {errors!r}")
    engine.question(question)
    rows = tuple(cases)
    values: list[Value | None] = []
    statuses: list[str] = []
    missing: list[tuple[str, ...]] = []
    problems: list[str | None] = []
    for i, facts in enumerate(rows):
        try:
            d = engine.evaluate(question, facts, on=on, jurisdiction=jurisdiction)
        except FactError as exc:
            if errors == "raise":
                raise FactError(
                    exc.fact, f"row {i + 1}: {exc.problem}", exc.value, exc.problem_sv
                ) from None
            values.append(None)
            statuses.append(ERROR)
            missing.append(())
            problems.append(f"{type(exc).__name__}: {exc}")
        else:
            values.append(d.value)
            statuses.append(d.status)
            missing.append(d.missing)
            problems.append(None)
        if progress is not None and (i + 1) % 1000 == 0:
            progress(i + 1)
    if progress is not None:
        progress(len(rows))
    return BatchResult(
        question,
        tuple(values),
        tuple(statuses),
        tuple(missing),
        tuple(problems),
        engine,
        rows,
        on,
        jurisdiction,
    )


@attrs.frozen
class Setting:
    """Where and when a caseload is evaluated: an engine, a date, a jurisdiction."""

    engine: Engine
    on: date | None = None
    jurisdiction: str = "se"


@attrs.frozen
class Change:
    """Cases whose answer moved from ``old`` to ``new``, with one example each way."""

    old: str
    new: str
    rows: tuple[int, ...]
    example_old: Decision | None
    example_new: Decision | None

    @property
    def count(self) -> int:
        """How many cases moved."""
        return len(self.rows)


@attrs.frozen
class DiffReport:
    """The cases that change answer between two settings, grouped by old → new."""

    question: str
    total: int
    changes: tuple[Change, ...]

    @property
    def changed(self) -> int:
        """How many cases changed answer."""
        return sum(c.count for c in self.changes)

    def render(self, lang: str = "sv") -> str:
        """A readable summary with one example explanation per group."""
        sv = lang == "sv"
        head = (
            f"{self.changed} av {self.total} ärenden får ett annat svar på {self.question}"
            if sv
            else f"{self.changed} of {self.total} cases get another answer to {self.question}"
        )
        lines = [head]
        for c in self.changes:
            lines.append(f"  {c.old} → {c.new}: {c.count}")
            if c.example_new is not None and c.example_new.reasons:
                lines.append("    " + c.example_new.reasons[0].text.get(lang))
        return "\n".join(lines)


def diff(
    question: str, cases: Iterable[Mapping[str, Any]], old: Setting, new: Setting
) -> DiffReport:
    """Evaluate *cases* under *old* and *new* and report every case whose answer changes.

    Bad cases count as ``error`` on the side that refuses them.
    """
    rows = tuple(cases)
    before = evaluate_many(
        old.engine, question, rows, on=old.on, jurisdiction=old.jurisdiction, errors="collect"
    )
    after = evaluate_many(
        new.engine, question, rows, on=new.on, jurisdiction=new.jurisdiction, errors="collect"
    )
    groups: dict[tuple[str, str], list[int]] = {}
    for i in range(len(rows)):
        a = _key(before.values[i], before.statuses[i])
        b = _key(after.values[i], after.statuses[i])
        if a != b:
            groups.setdefault((a, b), []).append(i)
    changes = []
    for (a, b), idx in sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        first = idx[0]
        changes.append(
            Change(
                a,
                b,
                tuple(idx),
                None if before.statuses[first] == ERROR else before.decision(first),
                None if after.statuses[first] == ERROR else after.decision(first),
            )
        )
    return DiffReport(question, len(rows), tuple(changes))


# -- CSV ----------------------------------------------------------------------------------------
_TRUE = {"true", "ja", "yes", "1"}
_FALSE = {"false", "nej", "no", "0"}


def _cell(engine: Engine, name: str, raw: str, row: int) -> Any:
    decl = engine.rulebook.facts[name]
    text = raw.strip()
    t = decl.of if decl.type == "list" else decl.type

    def one(item: str) -> Any:
        if t == "bool":
            if item.lower() in _TRUE:
                return True
            if item.lower() in _FALSE:
                return False
            raise FactError(name, f"row {row}: {item!r} is not true/false (or ja/nej)", item)
        if t == "int":
            if not item.lstrip("-").isdigit():
                raise FactError(name, f"row {row}: {item!r} is not a whole number", item)
            return int(item)
        if t == "number":
            try:
                return to_decimal(item.replace(",", "."))
            except ValueError:
                raise FactError(name, f"row {row}: {item!r} is not a number", item) from None
        return item  # dates and text are checked by the fact schema

    if decl.type == "list":
        return [one(p.strip()) for p in text.split(";") if p.strip()]
    return one(text)


def read_csv(engine: Engine, path: str | Path) -> list[dict[str, Any]]:
    """Read cases from a CSV file: one column per fact, an empty cell means "not given".

    Booleans are ``true``/``false`` (or ``ja``/``nej``), numbers may use a decimal comma,
    dates are ``YYYY-MM-DD``, lists are ``;``-separated. Unknown columns are an error.
    """
    with Path(path).open(newline="", encoding="utf-8-sig") as fh:
        reader = csv.DictReader(fh)
        columns: Sequence[str] = reader.fieldnames or ()
        for col in columns:
            if col not in engine.rulebook.facts:
                hint = did_you_mean(col, engine.rulebook.facts)
                raise FactError(col, f"unknown column in {path}{hint}", None)
        out: list[dict[str, Any]] = []
        for row_no, row in enumerate(reader, start=2):
            out.append(
                {
                    k: _cell(engine, k, v, row_no)
                    for k, v in row.items()
                    if k is not None and v is not None and v.strip() != ""
                }
            )
        return out
