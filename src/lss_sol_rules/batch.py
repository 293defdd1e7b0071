"""Whole caseloads: evaluate many cases, compare two settings, read cases from CSV.

``evaluate_many`` answers one question for many cases and returns columns (value, status,
missing, error) with explanations on demand for chosen rows. ``diff`` evaluates the same
caseload under two settings — two dates, two jurisdictions, or two engines (rulebooks) — and
groups the cases whose answer changes by old → new value, with an example decision from
each group. ``read_csv`` turns a CSV file into typed fact dicts using the fact schema.

With numpy installed (the ``batch`` extra) ``evaluate_many`` compiles the rules to column
operations (:mod:`lss_sol_rules.columnar`); without it, or with ``method="row"``, it applies
the single-case evaluator row by row. The answers are identical either way.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any

import attrs

from .engine import Engine
from .errors import EvaluationError, FactError, did_you_mean
from .model import Decision
from .values import Value, to_decimal

__all__ = [
    "BatchResult",
    "Change",
    "DiffReport",
    "Setting",
    "diff",
    "evaluate_many",
    "read_csv",
    "read_parquet",
]

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
    _row: Callable[[int], Mapping[str, Any]] = attrs.field(repr=False, eq=False)
    _on: date | None = attrs.field(repr=False, eq=False)
    _jurisdiction: str = attrs.field(repr=False, eq=False)

    def __len__(self) -> int:
        return len(self.values)

    def facts(self, row: int) -> Mapping[str, Any]:
        """The facts of one row, as the single-case evaluator is given them."""
        return self._row(row)

    def decision(self, row: int) -> Decision:
        """The full decision (reasons, citations) for one row, computed on demand."""
        return self._engine.evaluate(
            self.question, self._row(row), on=self._on, jurisdiction=self._jurisdiction
        )

    def value_texts(self) -> list[str]:
        """Each value as text: lists ``;``-joined, ``true``/``false``, empty when none."""
        return [_text(v) for v in self.values]

    def to_arrow(self) -> Any:
        """The results as a ``pyarrow.Table``: row (1-based), value (text), status, missing
        (list of fact names) and error. Needs the ``arrow`` extra."""
        import pyarrow as pa  # noqa: PLC0415 - optional extra

        return pa.table(
            {
                "row": pa.array(range(1, len(self.values) + 1), pa.int64()),
                "value": pa.array(
                    [
                        None if v is None else t
                        for v, t in zip(self.values, self.value_texts(), strict=True)
                    ],
                    pa.string(),
                ),
                "status": pa.array(self.statuses, pa.string()),
                "missing": pa.array([list(m) for m in self.missing], pa.list_(pa.string())),
                "error": pa.array(self.errors, pa.string()),
            }
        )

    def counts(self) -> dict[str, int]:
        """How many rows got each value (``undetermined`` and ``error`` included)."""
        out: dict[str, int] = {}
        for key in (_key(v, s) for v, s in zip(self.values, self.statuses, strict=True)):
            out[key] = out.get(key, 0) + 1
        return dict(sorted(out.items()))


def _text(value: Value | None) -> str:
    if value is None:
        return ""
    if isinstance(value, tuple):
        return ";".join(str(v) for v in value)
    return str(value).lower() if isinstance(value, bool) else str(value)


def _key(value: Value | None, status: str) -> str:
    if status != "decided":
        return status
    if isinstance(value, tuple):
        return "[" + ", ".join(str(v) for v in value) + "]"
    return str(value).lower() if isinstance(value, bool) else str(value)


CHUNK = 200_000


class _Columns:
    """Answers being gathered for one batch, chunk by chunk."""

    def __init__(self) -> None:
        self.values: list[Value | None] = []
        self.statuses: list[str] = []
        self.missing: list[tuple[str, ...]] = []
        self.errors: list[str | None] = []
        self.rows: list[tuple[int, Callable[[int], Mapping[str, Any]]]] = []

    def row(self, i: int) -> Mapping[str, Any]:
        if not 0 <= i < len(self.values):
            raise IndexError(f"row {i} is outside the batch of {len(self.values)} cases")
        start, fn = next((s, f) for s, f in reversed(self.rows) if i >= s)
        facts: Mapping[str, Any] = fn(i - start)
        return facts


def evaluate_many(
    engine: Engine,
    question: str,
    cases: Any,
    on: date | None = None,
    jurisdiction: str = "se",
    errors: str = "raise",
    progress: Callable[[int], None] | None = None,
    method: str = "auto",
) -> BatchResult:
    """Answer *question* for every case.

    :param cases: an iterable of fact dicts, a ``pyarrow.Table``, or a pandas or polars
        ``DataFrame`` (one column per fact; see :mod:`lss_sol_rules.columnar.inputs` for how
        nulls, NaN and timestamps read).
    :param errors: ``"raise"`` stops at the first bad case (the error names its row);
        ``"collect"`` records the error in that row and goes on.
    :param progress: called with the number of cases done: after each chunk of
        :data:`CHUNK` cases on the columnar path, every 1,000 cases row by row, and at the end.
    :param method: ``"columnar"`` (the compiled batch path; needs the ``batch`` extra),
        ``"row"`` (the single-case evaluator per row) or ``"auto"`` (columnar when numpy is
        installed). Both give identical answers; cases the columnar path cannot settle
        exactly (bad input, a rule conflict) are answered row by row either way.
    """
    if errors not in ("raise", "collect"):
        raise ValueError(f"errors must be 'raise' or 'collect', got {errors!r}")
    if method not in ("auto", "columnar", "row"):
        raise ValueError(f"method must be 'auto', 'columnar' or 'row', got {method!r}")
    on = date.today() if on is None else on
    view = engine.view_for(question, jurisdiction)
    columnar = method == "columnar" or (method == "auto" and _have_numpy())
    if columnar and not _have_numpy():
        raise ImportError("the columnar batch path needs numpy: pip install 'lss-sol-rules[batch]'")
    out = _Columns()
    done = 0
    for chunk in _chunks(cases):
        if columnar:
            _columnar_chunk(engine, view, question, chunk, on, errors, out, done)
        else:
            records = _records(chunk)
            out.rows.append((done, records.__getitem__))
            for i in range(len(records)):
                _one(engine, question, records[i], on, jurisdiction, errors, out, done + i)
                if progress is not None and (done + i + 1) % 1000 == 0 and i + 1 < len(records):
                    progress(done + i + 1)
        done = len(out.values)
        if progress is not None:
            progress(done)
    return BatchResult(
        question,
        tuple(out.values),
        tuple(out.statuses),
        tuple(out.missing),
        tuple(out.errors),
        engine,
        out.row,
        on,
        jurisdiction,
    )


def _have_numpy() -> bool:
    try:
        import numpy  # noqa: F401, PLC0415
    except ImportError:
        return False
    return True


def _is_table(cases: Any) -> bool:
    return type(cases).__module__.split(".", 1)[0] in ("pyarrow", "polars", "pandas")


def _chunks(cases: Any) -> Iterable[Any]:
    """The caseload in slices of :data:`CHUNK` rows, in the caseload's own type."""
    module = type(cases).__module__.split(".", 1)[0]
    if _is_table(cases):
        n = cases.num_rows if module == "pyarrow" else len(cases)
        for start in range(0, n, CHUNK):
            if module == "pandas":
                yield cases.iloc[start : start + CHUNK]
            else:
                yield cases.slice(start, CHUNK)
        return
    if isinstance(cases, Mapping):
        raise TypeError(
            "cases must be an iterable of fact dicts (or a DataFrame/Table), not one dict; "
            "for one case use engine.evaluate"
        )
    rows = cases if isinstance(cases, (list, tuple)) else list(cases)
    for start in range(0, len(rows), CHUNK):
        yield rows[start : start + CHUNK]


def _records(chunk: Any) -> Sequence[Mapping[str, Any]]:
    """Rows of a chunk as the single-case evaluator is given them."""
    if isinstance(chunk, (list, tuple)):
        return chunk
    from .columnar import columns_from  # noqa: PLC0415 - needs the batch extra

    cols = columns_from(chunk, {}, date.max)
    return [cols.row(i) for i in range(cols.n)]


def _one(
    engine: Engine,
    question: str,
    facts: Mapping[str, Any],
    on: date,
    jurisdiction: str,
    errors: str,
    out: _Columns,
    row: int,
    slot: int | None = None,
) -> None:
    """Answer one row with the single-case evaluator, into *out* (at *slot* if given)."""
    try:
        d = engine.evaluate(question, facts, on=on, jurisdiction=jurisdiction)
    except FactError as exc:
        if errors == "raise":
            raise FactError(
                exc.fact, f"row {row + 1}: {exc.problem}", exc.value, exc.problem_sv
            ) from None
        got: tuple[Value | None, str, tuple[str, ...], str | None] = (
            None,
            ERROR,
            (),
            f"{type(exc).__name__}: {exc}",
        )
    else:
        got = (d.value, d.status, d.missing, None)
    if slot is None:
        out.values.append(got[0])
        out.statuses.append(got[1])
        out.missing.append(got[2])
        out.errors.append(got[3])
    else:
        out.values[slot], out.statuses[slot], out.missing[slot], out.errors[slot] = got


def _columnar_chunk(
    engine: Engine,
    view: Any,
    question: str,
    chunk: Any,
    on: date,
    errors: str,
    out: _Columns,
    offset: int,
) -> None:
    import numpy as np  # noqa: PLC0415 - the batch extra

    from .columnar import BatchEvaluator, columns_from  # noqa: PLC0415

    cols = columns_from(chunk, engine.rulebook.facts, on)
    out.rows.append((offset, cols.row))
    jurisdiction = view.jurisdiction
    try:
        ev = BatchEvaluator(view, cols, on)
        ev.check_constraints()
        ans = ev.resolve(question)
    except EvaluationError:
        # Fails for the batch as a whole (a parameter or rule not in force on the date):
        # the single-case path gives each row its exact answer or error.
        for i in range(cols.n):
            _one(engine, question, cols.row(i), on, jurisdiction, errors, out, offset + i)
        return
    decided = np.ones(cols.n, dtype=bool) if ans.unk is None else ~ans.unk.any(axis=1)
    values = ans.values.copy()
    values[~decided] = None
    out.values.extend(values.tolist())
    out.statuses.extend(np.where(decided, "decided", UNDETERMINED).tolist())
    if ans.unk is None:
        out.missing.extend([()] * cols.n)
    else:
        out.missing.extend(cols.missing_names(ans.unk))
    out.errors.extend([None] * cols.n)
    for i in np.flatnonzero(ev.flag).tolist():
        _one(engine, question, cols.row(i), on, jurisdiction, errors, out, offset + i, offset + i)


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
    rows = cases if _is_table(cases) or isinstance(cases, (list, tuple)) else list(cases)
    before = evaluate_many(
        old.engine, question, rows, on=old.on, jurisdiction=old.jurisdiction, errors="collect"
    )
    after = evaluate_many(
        new.engine, question, rows, on=new.on, jurisdiction=new.jurisdiction, errors="collect"
    )
    groups: dict[tuple[str, str], list[int]] = {}
    for i in range(len(before)):
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
    return DiffReport(question, len(before), tuple(changes))


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


def read_parquet(path: str | Path) -> Any:
    """Read cases from a Parquet file as a ``pyarrow.Table`` (one column per fact).

    Column types are Parquet's own; null means "not given". Needs the ``arrow`` extra.
    """
    try:
        import pyarrow.parquet as pq  # noqa: PLC0415 - optional extra
    except ImportError:
        raise ImportError(
            "reading Parquet needs pyarrow: pip install 'lss-sol-rules[arrow]'"
        ) from None
    return pq.read_table(Path(path))
