"""Whole caseloads: evaluate many cases, compare two settings, read and write case files.

``evaluate_many`` answers one question for many cases. The caseload may carry id columns
(``id=``) that travel to every output, and columns the caller leaves aside
(``ignore_columns=``); any other column that is not a fact is refused before the work starts,
naming it (never silently dropped or used). A bad cell is that row's error — row number,
ids, fact and the library's message, in the output and in :attr:`BatchResult.row_errors` —
and the other rows are answered: rows in equals rows out (``errors="raise"`` stops at the
first bad row instead).

The result is columnar (:class:`BatchResult`): dictionary-encoded columns of value, status
and missing facts, turned into Arrow, pandas or polars without a per-row Python object;
explanations are computed on demand for the rows asked for (:meth:`BatchResult.decision`).

``diff`` evaluates the same caseload under two settings — two dates, two jurisdictions or two
engines — refuses what cannot be a comparison, and groups the cases whose answer changes by
old → new value and by the rules and parameters whose use differs (:mod:`lss_sol_rules.diff`
has the report). ``read_cases`` reads CSV, Parquet or Arrow files, ``write_result`` writes
answers atomically.

With numpy installed (the ``batch`` extra) ``evaluate_many`` compiles the rules to column
operations (:mod:`lss_sol_rules.columnar`); without it, or with ``method="row"``, it applies
the single-case evaluator row by row. The answers are identical either way.
"""

from __future__ import annotations

import csv
import io
import os
import tempfile
from array import array
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

import attrs

from .engine import Engine
from .errors import (
    ArgumentError,
    EvaluationError,
    FactError,
    Hint,
    LssSolRulesError,
    did_you_mean,
    is_swedish,
)
from .extras import MissingExtraError
from .model import Decision
from .values import Value, to_decimal

__all__ = [
    "BatchResult",
    "CaseFile",
    "CaseFileError",
    "RowError",
    "check_output_path",
    "evaluate_many",
    "read_cases",
    "read_csv",
    "read_parquet",
    "write_result",
]

UNDETERMINED = "undetermined"
ERROR = "error"
STATUSES = ("decided", UNDETERMINED, ERROR)
_DECIDED, _UNDETERMINED, _ERROR = 0, 1, 2
CHUNK = 200_000

_ONE_CASE = Hint(
    python=("for one case use engine.evaluate", "för ett ärende, använd engine.evaluate"),
    cli=(
        "for one case use `lss-sol-rules evaluate --facts FILE`",
        "för ett ärende, använd `lss-sol-rules evaluate --facts FIL`",
    ),
    http=("for one case use POST /evaluate", "för ett ärende, använd POST /evaluate"),
    default="python",
)


def _check_errors_argument(errors: object) -> None:
    if errors not in ("raise", "collect"):
        raise ArgumentError(
            "errors", "'raise' or 'collect'", errors, "'raise' (stanna) eller 'collect' (samla)"
        )


class CaseFileError(LssSolRulesError, ValueError):
    """A case file (or an output path) that cannot be read or written as asked.

    ``path`` names the file, ``line`` the line where there is one; the message says what was
    found and what to do.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        problem: str,
        line: int | None = None,
        problem_sv: str | None = None,
    ):
        self.path = str(path)
        self.line = line
        self.problem = problem
        where = self.path if line is None else f"{self.path}:{line}"
        frame = f"{where}: "
        Exception.__init__(self, self._set_texts(problem, problem_sv, None, (frame, frame)))


@attrs.frozen
class RowError:
    """Why one row of a caseload got no answer.

    ``row`` is 1-based among the cases (blank lines of a CSV file are not cases); ``line`` is
    the line of the case file where the row starts, when read from a file; ``ids`` the row's
    id cells; ``fact`` the fact at fault (``None`` when the row as a whole is); ``message``
    the library's message.
    """

    row: int
    ids: tuple[tuple[str, Any], ...]
    fact: str | None
    message: str
    line: int | None = None
    message_sv: str | None = None
    """The message in Swedish (``None`` only when built without one)."""

    def where(self, lang: str = "en") -> str:
        """``row 3 (line 5, case_id=A-17)``; in Swedish ``ärende 3 (rad 5, case_id=A-17)``."""
        sv = is_swedish(lang)
        extra = [f"{'rad' if sv else 'line'} {self.line}"] if self.line is not None else []
        extra += [f"{k}={v}" for k, v in self.ids]
        return f"{'ärende' if sv else 'row'} {self.row}" + (
            f" ({', '.join(extra)})" if extra else ""
        )

    def text(self, lang: str = "en") -> str:
        """The message alone in *lang* (``"sv"`` or English)."""
        if is_swedish(lang):
            return self.message_sv or f"(texten finns bara på engelska) {self.message}"
        return self.message

    def describe(self, lang: str = "en") -> str:
        """Where and what, in *lang*: ``str(row_error)`` in English."""
        return f"{self.where(lang)}: {self.text(lang)}"

    def as_fact_error(self) -> FactError:
        """This row's error raised for a caller who asked to fail at the first bad row:
        ``fact 'alder': row 1 (line 2): 'abc' is not a whole number`` (the fact named once,
        in the error's frame)."""
        fact = self.fact or "<row>"
        en, sv = self.message, self.text("sv")
        probe = FactError(fact, "|", None, "|")  # its frames: "fact 'x': ", "uppgiften 'x': "
        frame_en, frame_sv = (probe.message(lang).removesuffix("|") for lang in ("en", "sv"))
        en = en.removeprefix("FactError: ").removeprefix(frame_en)
        if frame_sv:
            sv = sv.removeprefix(frame_sv)
        return FactError(fact, f"{self.where()}: {en}", None, f"{self.where('sv')}: {sv}")

    def __str__(self) -> str:
        return self.describe()


def _row_texts(exc: LssSolRulesError) -> tuple[str, str]:
    """A library error as a row's message: English (with the error class, as before) and
    Swedish (what a case officer reads: no class names)."""
    return f"{type(exc).__name__}: {exc}", exc.message("sv")


def _vkey(value: Any) -> Any:
    """A dict key for a value that keeps equal values of different forms apart."""
    if isinstance(value, (str, bool, int, date)):
        return (type(value), value)
    return (type(value), repr(value))


class _Encoder:
    """Values to small integer codes (``-1`` = none), in order of first appearance."""

    def __init__(self) -> None:
        self.table: list[Any] = []
        self.index: dict[Any, int] = {}

    def code(self, value: Any) -> int:
        if value is None:
            return -1
        key = _vkey(value)
        c = self.index.get(key)
        if c is None:
            c = self.index[key] = len(self.table)
            self.table.append(value)
        return c


class BatchResult:
    """Columnar answers for a caseload, in the order of the cases.

    Held as dictionary-encoded columns (a code per row into a table of distinct values), so
    :meth:`to_arrow`, :meth:`to_pandas` and :meth:`to_polars` cost no Python object per row.
    The tuple views :attr:`values`, :attr:`statuses`, :attr:`missing` and :attr:`errors` are
    built on first use.
    """

    def __init__(
        self,
        question: str,
        codes: Any,
        table: Sequence[Value],
        status: Any,
        missing_codes: Any,
        missing_table: Sequence[tuple[str, ...]],
        row_errors: Mapping[int, RowError],
        ids: Mapping[str, Any],
        engine: Engine,
        row: Callable[[int], Mapping[str, Any]],
        on: date,
        jurisdiction: str,
    ) -> None:
        self.question = question
        self._codes = codes
        self._table = tuple(table)
        self._status = status
        self._mcodes = missing_codes
        self._mtable = tuple(missing_table)
        self._errors = dict(row_errors)
        self.ids = dict(ids)
        self._engine = engine
        self._row = row
        self.on = on
        self.jurisdiction = jurisdiction
        self._cache: dict[str, Any] = {}

    def __len__(self) -> int:
        return len(self._codes)

    def __repr__(self) -> str:
        return f"<BatchResult {self.question} {len(self)} cases {self.counts()}>"

    # -- tuple views ---------------------------------------------------------------------
    def _view(self, name: str, build: Callable[[], tuple[Any, ...]]) -> Any:
        got = self._cache.get(name)
        if got is None:
            got = self._cache[name] = build()
        return got

    @property
    def values(self) -> tuple[Value | None, ...]:
        """The answer of each row (``None`` when undetermined or an error)."""
        table = (*self._table, None)
        return self._view("values", lambda: tuple(table[c] for c in _ints(self._codes)))  # type: ignore[no-any-return]

    @property
    def statuses(self) -> tuple[str, ...]:
        """``decided``, ``undetermined`` or ``error`` per row."""
        return self._view("statuses", lambda: tuple(STATUSES[s] for s in _ints(self._status)))  # type: ignore[no-any-return]

    @property
    def missing(self) -> tuple[tuple[str, ...], ...]:
        """Per row, the facts needed to decide it (empty when decided or an error)."""
        t = self._mtable
        return self._view("missing", lambda: tuple(t[c] for c in _ints(self._mcodes)))  # type: ignore[no-any-return]

    @property
    def errors(self) -> tuple[str | None, ...]:
        """Per row, the error message (``None`` for rows answered)."""
        n = len(self)

        def build() -> tuple[str | None, ...]:
            out: list[str | None] = [None] * n
            for i, e in self._errors.items():
                out[i] = e.message
            return tuple(out)

        return self._view("errors", build)  # type: ignore[no-any-return]

    @property
    def row_errors(self) -> tuple[RowError, ...]:
        """Every row that got no answer, in row order: the error summary."""
        return tuple(self._errors[i] for i in sorted(self._errors))

    def error_summary(self, limit: int = 20, lang: str = "en") -> str:
        """The rows with errors, one a line (at most *limit*, then how many more), in
        *lang* (``"sv"`` or English)."""
        errs = self.row_errors
        sv = is_swedish(lang)
        head = (
            f"{len(errs)} av {len(self)} ärenden kunde inte besvaras:"
            if sv
            else f"{len(errs)} of {len(self)} rows could not be answered:"
        )
        lines = [head] if errs else []
        lines += [f"  {e.describe(lang)}" for e in errs[:limit]]
        if len(errs) > limit:
            more = len(errs) - limit
            lines.append(
                f"  … och {more} till (se felkolumnen)"
                if sv
                else f"  … and {more} more (see the error column)"
            )
        return "\n".join(lines)

    def error_texts(self, lang: str = "en") -> tuple[str | None, ...]:
        """Per row, the error message in *lang* (``None`` for rows answered);
        :attr:`errors` is ``error_texts("en")``."""
        if not is_swedish(lang):
            return self.errors
        out: list[str | None] = [None] * len(self)
        for i, e in self._errors.items():
            out[i] = e.text("sv")
        return tuple(out)

    # -- rows ------------------------------------------------------------------------------
    def facts(self, row: int) -> Mapping[str, Any]:
        """The facts of one row, as the single-case evaluator is given them."""
        return self._row(row)

    def decision(self, row: int) -> Decision:
        """The full decision (reasons, citations) for one row, computed on demand.

        Raises the row's own error for a row that could not be answered.
        """
        err = self._errors.get(row)
        if err is not None:
            raise err.as_fact_error()
        return self._engine.evaluate(
            self.question, self._row(row), on=self.on, jurisdiction=self.jurisdiction
        )

    def value_texts(self) -> list[str]:
        """Each value as text: lists ``;``-joined, ``true``/``false``, empty when none."""
        texts = [*(_text(v) for v in self._table), ""]
        return [texts[c] for c in _ints(self._codes)]

    def counts(self) -> dict[str, int]:
        """How many rows got each value (``undetermined`` and ``error`` included)."""
        out: dict[str, int] = {}
        keys = [_key(v, "decided") for v in self._table]
        for c, s in zip(_ints(self._codes), _ints(self._status), strict=True):
            k = keys[c] if s == _DECIDED else STATUSES[s]
            out[k] = out.get(k, 0) + 1
        return dict(sorted(out.items()))

    # -- columnar outputs --------------------------------------------------------------------
    def to_arrow(self) -> Any:
        """The results as a ``pyarrow.Table``: the id columns, then ``row`` (1-based),
        ``value`` (text, dictionary-encoded), ``status``, ``missing`` (list of fact names),
        ``error`` and ``error_fact``. Needs the ``arrow`` extra."""
        import numpy as np  # noqa: PLC0415 - optional extra
        import pyarrow as pa  # noqa: PLC0415
        import pyarrow.compute as pc  # noqa: PLC0415

        n = len(self)
        codes = np.asarray(self._codes, dtype=np.int32)
        value = pa.DictionaryArray.from_arrays(
            pa.array(codes, mask=codes < 0),
            pa.array([_text(v) for v in self._table], pa.string()),
        )
        status = pa.DictionaryArray.from_arrays(
            pa.array(np.asarray(self._status, dtype=np.int8)), pa.array(STATUSES, pa.string())
        )
        mtable = pa.array([list(m) for m in self._mtable], pa.list_(pa.string()))
        missing = pc.take(mtable, pa.array(np.asarray(self._mcodes, dtype=np.int32)))
        error = np.full(n, -1, dtype=np.int32)
        rows = sorted(self._errors)
        error[rows] = np.arange(len(rows), dtype=np.int32)
        err_idx = pa.array(error, mask=error < 0)
        messages = pa.array([self._errors[i].message for i in rows], pa.string())
        facts = [self._errors[i].fact for i in rows]
        fact_names = sorted({f for f in facts if f is not None})
        where = {f: k for k, f in enumerate(fact_names)}
        fact_codes = np.full(n, -1, dtype=np.int32)
        fact_codes[rows] = [-1 if f is None else where[f] for f in facts]
        cols: dict[str, Any] = {name: _arrow_ids(col) for name, col in self.ids.items()}
        cols.update(
            {
                "row": pa.array(np.arange(1, n + 1, dtype=np.int64)),
                "value": value,
                "status": status,
                "missing": missing,
                "error": pc.take(messages, err_idx) if rows else pa.nulls(n, pa.string()),
                "error_fact": pa.DictionaryArray.from_arrays(
                    pa.array(fact_codes, mask=fact_codes < 0), pa.array(fact_names, pa.string())
                ),
            }
        )
        return pa.table(cols)

    def to_pandas(self) -> Any:
        """The results as a pandas ``DataFrame`` (as :meth:`to_arrow`; ``value`` and
        ``status`` categorical). Needs the ``pandas`` extra."""
        return self.to_arrow().to_pandas()

    def to_polars(self) -> Any:
        """The results as a polars ``DataFrame`` (as :meth:`to_arrow`). Needs ``polars``."""
        import polars as pl  # noqa: PLC0415 - optional extra

        return pl.from_arrow(self.to_arrow())

    def to_records(self) -> list[dict[str, Any]]:
        """One plain dict per row (ids, row, value, status, missing, error, error_fact), for
        JSON; values as text, as the CSV output writes them."""
        texts = self.value_texts()
        id_cols = {k: _as_list(v) for k, v in self.ids.items()}
        statuses, missing = self.statuses, self.missing
        out = []
        for i in range(len(self)):
            rec: dict[str, Any] = {k: v[i] for k, v in id_cols.items()}
            err = self._errors.get(i)
            rec.update(
                row=i + 1,
                value=texts[i] if statuses[i] == "decided" else None,
                status=statuses[i],
                missing=list(missing[i]),
                error=None if err is None else err.message,
                error_fact=None if err is None else err.fact,
            )
            out.append(rec)
        return out


def _ints(col: Any) -> Sequence[int]:
    """A code column as a sequence of Python ints (numpy arrays via ``tolist``)."""
    tolist = getattr(col, "tolist", None)
    return tolist() if tolist is not None else col  # type: ignore[no-any-return]


def _as_list(col: Any) -> list[Any]:
    if hasattr(col, "to_pylist"):
        return col.to_pylist()  # type: ignore[no-any-return]
    if hasattr(col, "tolist"):
        return col.tolist()  # type: ignore[no-any-return]
    return list(col)


def _arrow_ids(col: Any) -> Any:
    import pyarrow as pa  # noqa: PLC0415

    if isinstance(col, (pa.Array, pa.ChunkedArray)):
        return col
    if type(col).__module__.split(".", 1)[0] in ("pandas", "polars"):
        return pa.array(col.to_arrow() if hasattr(col, "to_arrow") else col, from_pandas=True)
    return pa.array(list(col))


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


# -- the caseload: facts, ids, columns left aside ---------------------------------------------
@attrs.frozen
class CaseFile(Sequence[dict[str, Any]]):
    """Cases read from a file: the fact dicts (a sequence, one per case), and beside them
    the id cells, the rows already refused while reading (a bad cell, a row with too many or
    too few cells) and the line each case starts on."""

    path: str
    records: list[dict[str, Any]]
    ids: dict[str, list[Any]]
    errors: dict[int, RowError]
    lines: list[int]
    ignored: tuple[str, ...] = ()

    def __len__(self) -> int:
        return len(self.records)

    def __getitem__(self, i: Any) -> Any:
        return self.records[i]

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return iter(self.records)


@attrs.frozen
class _Prepared:
    cases: Any  # only fact columns/keys
    n: int
    ids: dict[str, Any]
    errors: dict[int, RowError]  # refused before evaluation (while reading)
    lines: list[int] | None
    columns: tuple[str, ...]


def _id_names(id: str | Sequence[str] | None) -> tuple[str, ...]:
    if id is None:
        return ()
    if isinstance(id, str):
        return (id,)
    try:
        names = tuple(id)
    except TypeError:
        raise ArgumentError("id", "a column name or a list of names", id) from None
    if not all(type(n) is str for n in names):
        raise ArgumentError("id", "a column name or a list of names", id)
    return names


def _column_names(names: Sequence[str], argument: str) -> tuple[str, ...]:
    """*names* as a tuple of column names (one name given as text is one name, not letters)."""
    if isinstance(names, str):
        return (names,)
    try:
        out = tuple(names)
    except TypeError:
        raise ArgumentError(argument, "a list of column names", names) from None
    if not all(type(n) is str for n in out):
        raise ArgumentError(argument, "a list of column names", names)
    return out


def check_columns(
    columns: Sequence[str],
    schema: Mapping[str, Any],
    ids: Sequence[str],
    ignore_columns: Sequence[str],
    ignore_unknown_columns: bool,
    where: str = "the caseload",
) -> tuple[str, ...]:
    """The columns left aside; raise :class:`FactError` for id or ignored columns that are
    not there, and for columns that are neither facts, ids nor left aside."""
    present = set(columns)
    for label, names in (("id", ids), ("ignored", ignore_columns)):
        absent = [n for n in names if n not in present]
        if absent:
            hints = "".join(did_you_mean(n, columns) for n in absent)
            hints_sv = "".join(did_you_mean(n, columns, "sv") for n in absent)
            listed = ", ".join(repr(a) for a in absent)
            cols = ", ".join(repr(c) for c in columns)
            label_sv = "id-kolumnen" if label == "id" else "kolumnen att hoppa över"
            raise FactError(
                ", ".join(absent),
                f"{label} column {listed} is not in {where}{hints}; its columns are: {cols}",
                None,
                f"{label_sv} {listed} finns inte i {_where_sv(where)}{hints_sv}; "
                f"kolumnerna är: {cols}",
            )
    unknown = [c for c in columns if c not in schema and c not in ids and c not in ignore_columns]
    if unknown and not ignore_unknown_columns:
        shown = ", ".join(f"{c!r}{did_you_mean(c, schema)}" for c in unknown)
        shown_sv = ", ".join(f"{c!r}{did_you_mean(c, schema, 'sv')}" for c in unknown)
        raise FactError(
            ", ".join(unknown),
            f"{where} has column(s) that are not facts: {shown}",
            None,
            f"{_where_sv(where)} har kolumner som inte är uppgifter i regelverket: {shown_sv}",
            hint=_COLUMNS_HINT,
        )
    return tuple(c for c in columns if c in ignore_columns or c in unknown)


def _where_sv(where: str) -> str:
    return "ärendelistan" if where == "the caseload" else where


_ID_SV = "Om en kolumn identifierar ärendet, ange den som id"
_ASIDE_SV = "för att hoppa över den, ange"
_COLUMNS_HINT = Hint(
    python=(
        "If a column identifies the case, name it as an id (id=[...]); to leave it aside, "
        "use ignore_columns=[...] or ignore_unknown_columns=True; `engine.facts()` "
        "lists the facts",
        f"{_ID_SV} (id=[...]); {_ASIDE_SV} ignore_columns=[...] eller "
        f"ignore_unknown_columns=True; `engine.facts()` listar uppgifterna",
    ),
    cli=(
        "If a column identifies the case, name it as an id (--id NAME); to leave it aside, "
        "use --ignore-column NAME or --ignore-unknown-columns; `lss-sol-rules facts` lists "
        "the facts",
        f"{_ID_SV} (--id NAMN); {_ASIDE_SV} --ignore-column NAMN eller "
        f"--ignore-unknown-columns; `lss-sol-rules facts` listar uppgifterna",
    ),
    http=(
        "Send only facts as the cases' fields; GET /facts lists the facts",
        "Skicka bara uppgifter som ärendenas fält; GET /facts listar uppgifterna",
    ),
    plain=(
        "If a column identifies the case, name it as an id (id=[...], --id NAME); to leave "
        "it aside, use ignore_columns=[...] (--ignore-column NAME) or "
        "ignore_unknown_columns=True (--ignore-unknown-columns); `lss-sol-rules facts` "
        "lists the facts",
        f"{_ID_SV} (id=[...], --id NAMN); {_ASIDE_SV} ignore_columns=[...] "
        f"(--ignore-column NAMN) eller ignore_unknown_columns=True "
        f"(--ignore-unknown-columns); `lss-sol-rules facts` listar uppgifterna",
    ),
    sep=". ",
)


def _prepare(
    engine: Engine,
    cases: Any,
    id: str | Sequence[str] | None,
    ignore_columns: Sequence[str],
    ignore_unknown_columns: bool,
) -> _Prepared:
    schema = engine.rulebook.facts
    ids = _id_names(id)
    ignore = _column_names(ignore_columns, "ignore_columns")
    if isinstance(cases, CaseFile):
        return _Prepared(
            cases.records, len(cases), dict(cases.ids), dict(cases.errors), cases.lines, ()
        )
    kind = type(cases).__module__.split(".", 1)[0]
    if kind in ("pyarrow", "pandas", "polars"):
        columns = [str(c) for c in cases.columns] if kind != "pyarrow" else cases.column_names
        drop = check_columns(columns, schema, ids, ignore, ignore_unknown_columns)
        idcols = {n: cases[n] if kind != "pyarrow" else cases.column(n) for n in ids}
        aside = [c for c in (*ids, *drop) if c not in schema or c in drop]
        if aside:
            if kind == "pyarrow":
                cases = cases.drop_columns(aside)
            elif kind == "polars":
                cases = cases.drop(aside)
            else:
                cases = cases.drop(columns=aside)
        n = cases.num_rows if kind == "pyarrow" else len(cases)
        return _Prepared(cases, n, idcols, {}, None, tuple(columns))
    if isinstance(cases, Mapping):
        raise ArgumentError(
            "cases",
            "an iterable of fact dicts (or a DataFrame/Table), not one dict",
            cases,
            "en följd av ärenden (ordböcker med uppgifter, eller en DataFrame/tabell), "
            "inte ett enda ärende",
            hint=_ONE_CASE,
        )
    rows = cases if isinstance(cases, (list, tuple)) else list(cases)
    keys: dict[str, None] = {}
    for r in rows:
        if isinstance(r, Mapping):
            keys.update(dict.fromkeys(k for k in r if isinstance(k, str)))
    if not ids and not ignore and not ignore_unknown_columns:
        # Plain fact dicts: unknown names are each row's own error (as engine.evaluate).
        return _Prepared(rows, len(rows), {}, {}, None, tuple(keys))
    drop = check_columns(list(keys), schema, ids, ignore, ignore_unknown_columns)
    left = set(drop) | {n for n in ids if n not in schema}
    idcols = {n: [r.get(n) if isinstance(r, Mapping) else None for r in rows] for n in ids}
    clean = [
        {k: v for k, v in r.items() if k not in left} if isinstance(r, Mapping) else r for r in rows
    ]
    return _Prepared(clean, len(clean), idcols, {}, None, tuple(keys))


# -- evaluation -------------------------------------------------------------------------------
class _Acc:
    """Answers being gathered for one batch: codes per row, tables of distinct values."""

    def __init__(self, n: int) -> None:
        self.n = n
        self.values = _Encoder()
        self.missing = _Encoder()
        self.missing.code(())  # code 0: nothing missing
        self.codes: Any
        self.status: Any
        self.mcodes: Any
        if _have_numpy():
            import numpy as np  # noqa: PLC0415 - the batch extra

            self.codes = np.zeros(n, dtype=np.int32)
            self.status = np.zeros(n, dtype=np.int8)
            self.mcodes = np.zeros(n, dtype=np.int32)
        else:  # the row path without numpy: plain typed arrays
            self.codes = array("i", bytes(4 * n))
            self.status = array("b", bytes(n))
            self.mcodes = array("i", bytes(4 * n))
        self.errors: dict[int, tuple[str | None, str, str]] = {}
        self.rows: list[tuple[int, Callable[[int], Mapping[str, Any]]]] = []
        self.raise_at: Callable[[int], RowError] | None = None  # fail fast: where row i is

    def set(self, i: int, value: Value | None, status: int, missing: tuple[str, ...]) -> None:
        self.codes[i] = self.values.code(value)
        self.status[i] = status
        self.mcodes[i] = self.missing.code(missing)

    def error(self, i: int, fact: str | None, exc: LssSolRulesError) -> None:
        self.set(i, None, _ERROR, ())
        self.errors[i] = (fact, *_row_texts(exc))

    def row(self, i: int) -> Mapping[str, Any]:
        if not 0 <= i < self.n:
            raise IndexError(f"row {i} is outside the batch of {self.n} cases")
        start, fn = next((s, f) for s, f in reversed(self.rows) if i >= s)
        facts: Mapping[str, Any] = fn(i - start)
        return facts


def evaluate_many(
    engine: Engine,
    question: str,
    cases: Any,
    on: date | None = None,
    jurisdiction: str = "se",
    errors: str = "collect",
    progress: Callable[[int], None] | None = None,
    method: str = "auto",
    *,
    id: str | Sequence[str] | None = None,
    ignore_columns: Sequence[str] = (),
    ignore_unknown_columns: bool = False,
) -> BatchResult:
    """Answer *question* for every case.

    :param cases: an iterable of fact dicts, a ``pyarrow.Table``, a pandas or polars
        ``DataFrame`` (one column per fact; see :mod:`lss_sol_rules.columnar.inputs` for how
        nulls, NaN and timestamps read), or a :class:`CaseFile` from :func:`read_cases`.
    :param id: the column (or columns) that identify a case; kept beside every answer and
        in every error message, never read as facts (unless also declared as a fact).
    :param ignore_columns: columns to leave aside. Any other column that is not a fact is
        an error naming it, raised before any work — unless *ignore_unknown_columns*.
        (Plain fact dicts without *id* or ignores keep the single-case behaviour: an unknown
        name is that row's error.)
    :param errors: ``"collect"`` (default) makes a bad row that row's error (see
        :attr:`BatchResult.row_errors`) and answers the rest; ``"raise"`` stops at the first
        bad row with an error naming it.
    :param progress: called with the number of cases done: after each chunk of
        :data:`CHUNK` cases on the columnar path, every 1,000 cases row by row, and at the end.
    :param method: ``"columnar"`` (the compiled batch path; needs the ``batch`` extra),
        ``"row"`` (the single-case evaluator per row) or ``"auto"`` (columnar when numpy is
        installed). Both give identical answers; cases the columnar path cannot settle
        exactly (bad input, a rule conflict) are answered row by row either way.
    :raises QuestionError, EvaluationError: an unknown question or jurisdiction, or no rule
        of the question in force on *on* — checked before any row is read.
    """
    _check_errors_argument(errors)
    if method not in ("auto", "columnar", "row"):
        raise ArgumentError(
            "method",
            "'auto', 'columnar' or 'row'",
            method,
            "'auto', 'columnar' eller 'row'",
        )
    on = date.today() if on is None else on
    if not isinstance(on, date) or isinstance(on, datetime):
        raise ArgumentError("on", "a datetime.date", on)
    view = engine.view_for(question, jurisdiction)
    view.in_force(question, on)  # NoRuleInForceError before any row is read
    columnar = method == "columnar" or (method == "auto" and _have_numpy())
    if columnar and not _have_numpy():
        raise MissingExtraError(
            "batch", "numpy", "the columnar batch path", "den kolumnvisa batchvägen"
        )
    prep = _prepare(engine, cases, id, ignore_columns, ignore_unknown_columns)
    ids = prep.ids
    lines = prep.lines
    id_lists: dict[str, list[Any]] | None = None

    def row_error(i: int, fact: str | None, message: str, message_sv: str) -> RowError:
        nonlocal id_lists
        if id_lists is None:
            id_lists = {k: _as_list(v) for k, v in ids.items()}
        return RowError(
            i + 1,
            tuple((k, v[i]) for k, v in id_lists.items()),
            fact,
            message,
            None if lines is None else lines[i],
            message_sv,
        )

    if errors == "raise" and prep.errors:
        raise prep.errors[min(prep.errors)].as_fact_error()
    out = _Acc(prep.n)
    if errors == "raise":
        out.raise_at = lambda i: row_error(i, None, "", "")
    done = 0
    for chunk in _chunks(prep.cases, prep.n):
        size = _length(chunk)
        if columnar:
            _columnar_chunk(engine, view, question, chunk, on, out, done)
        else:
            records = _records(chunk)
            out.rows.append((done, records.__getitem__))
            for i in range(size):
                _one(engine, question, records[i], on, jurisdiction, out, done + i)
                if progress is not None and (done + i + 1) % 1000 == 0 and i + 1 < size:
                    progress(done + i + 1)
        done += size
        if progress is not None:
            progress(done)
    row_errors = {
        i: row_error(i, f, m, sv) for i, (f, m, sv) in out.errors.items() if i not in prep.errors
    }
    for i, e in prep.errors.items():
        out.set(i, None, _ERROR, ())
        row_errors[i] = e
    return BatchResult(
        question,
        out.codes,
        out.values.table,
        out.status,
        out.mcodes,
        out.missing.table,
        row_errors,
        ids,
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


def _length(chunk: Any) -> int:
    if type(chunk).__module__.split(".", 1)[0] == "pyarrow":
        return int(chunk.num_rows)
    return len(chunk)


def _chunks(cases: Any, n: int) -> Iterable[Any]:
    """The caseload in slices of :data:`CHUNK` rows, in the caseload's own type."""
    module = type(cases).__module__.split(".", 1)[0]
    for start in range(0, n, CHUNK):
        if module == "pandas":
            yield cases.iloc[start : start + CHUNK]
        elif module in ("pyarrow", "polars"):
            yield cases.slice(start, CHUNK)
        else:
            yield cases[start : start + CHUNK]


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
    out: _Acc,
    row: int,
) -> None:
    """Answer one row with the single-case evaluator, into *out*."""
    try:
        d = engine.evaluate(question, facts, on=on, jurisdiction=jurisdiction)
    except FactError as exc:
        if out.raise_at is not None:
            at = out.raise_at(row)
            raise FactError(
                exc.fact,
                f"{at.where()}: {exc.problem_en}",
                exc.value,
                f"{at.where('sv')}: "
                + (exc.problem_sv or f"(texten finns bara på engelska) {exc.problem_en}"),
                hint=exc.hint,
            ) from None
        out.error(row, exc.fact, exc)
    except EvaluationError as exc:  # a rule conflict or gap for this case: the rulebook's
        if out.raise_at is not None:
            raise
        out.error(row, None, exc)
    else:
        out.set(row, d.value, _DECIDED if d.status == "decided" else _UNDETERMINED, d.missing)


def _columnar_chunk(
    engine: Engine, view: Any, question: str, chunk: Any, on: date, out: _Acc, offset: int
) -> None:
    import numpy as np  # noqa: PLC0415 - the batch extra

    from .columnar import columns_from  # noqa: PLC0415

    cols = columns_from(chunk, engine.rulebook.facts, on)
    out.rows.append((offset, cols.row))
    # (Answering the cases without gaps apart, with no unknown-fact masks, was measured:
    # slower, as taking the rows apart costs more than the masks it saves.)
    _answer(engine, view, question, cols, on, out, offset + np.arange(cols.n))


def _answer(
    engine: Engine, view: Any, question: str, cols: Any, on: date, out: _Acc, slots: Any
) -> None:
    """Answer the cases of *cols* into *out* at *slots* (their rows in the batch)."""
    import numpy as np  # noqa: PLC0415 - the batch extra

    from .columnar import BatchEvaluator  # noqa: PLC0415

    jurisdiction = view.jurisdiction
    try:
        ev = BatchEvaluator(view, cols, on)
        ev.check_constraints()
        ans = ev.resolve(question)
    except EvaluationError:
        # Fails for the batch as a whole (a parameter or rule not in force on the date):
        # the single-case path gives each row its exact answer or error.
        for i, slot in enumerate(slots.tolist()):
            _one(engine, question, cols.row(i), on, jurisdiction, out, slot)
        return
    n = cols.n
    decided = np.ones(n, dtype=bool) if ans.unk is None else ~ans.unk.any(axis=1)
    local_codes, local_table = ans.codes()
    # Local codes -> the batch's codes (a lookup over the few distinct values).
    remap = np.asarray([out.values.code(v) for v in local_table] + [-1], dtype=np.int32)
    contiguous = n > 0 and int(slots[-1]) - int(slots[0]) == n - 1
    where: Any = slice(int(slots[0]), int(slots[0]) + n) if contiguous else slots
    out.codes[where] = remap[np.where(decided, local_codes, -1)]
    out.status[where] = np.where(decided, _DECIDED, _UNDETERMINED).astype(np.int8)
    if ans.unk is not None:
        mcodes, mtable = cols.missing_codes(ans.unk)
        mremap = np.asarray([out.missing.code(m) for m in mtable], dtype=np.int32)
        out.mcodes[where] = mremap[mcodes]
    for i in np.flatnonzero(ev.flag).tolist():
        _one(engine, question, cols.row(i), on, jurisdiction, out, int(slots[i]))


# -- reading case files ----------------------------------------------------------------------
_TRUE = {"true", "ja", "yes", "1"}
_FALSE = {"false", "nej", "no", "0"}


def _cell(engine: Engine, name: str, raw: str) -> Any:
    decl = engine.rulebook.facts[name]
    text = raw.strip()
    t = decl.of if decl.type == "list" else decl.type

    def one(item: str) -> Any:
        if t == "bool":
            if item.lower() in _TRUE:
                return True
            if item.lower() in _FALSE:
                return False
            raise FactError(
                name,
                f"{item!r} is not true/false (or ja/nej)",
                item,
                f"{item!r} är inte sant eller falskt (ja/nej eller true/false)",
            )
        if t == "int":
            if not item.lstrip("-").isascii() or not item.lstrip("-").isdigit():
                raise FactError(
                    name, f"{item!r} is not a whole number", item, f"{item!r} är inte ett heltal"
                )
            return int(item)
        if t == "number":
            try:
                return to_decimal(item.replace(",", "."))
            except (ValueError, ArithmeticError):
                raise FactError(
                    name, f"{item!r} is not a number", item, f"{item!r} är inte ett tal"
                ) from None
        return item  # dates and text are checked by the fact schema

    if decl.type == "list":
        return [one(p.strip()) for p in text.split(";") if p.strip()]
    return one(text)


_WHAT_SV = {
    "case file": "ärendefil",
    "facts file": "fil med uppgifter",
    "events file": "fil med händelser",
}


def _read_text(path: str | os.PathLike[str], what: str = "case file") -> str:
    """The text of a UTF-8 file, or a :class:`CaseFileError` that says what is wrong."""
    p = Path(path)
    try:
        if p.is_dir():
            raise CaseFileError(
                path,
                f"is a directory, not a {what}",
                None,
                f"är en mapp, inte en {_WHAT_SV.get(what, 'fil')}",
            )
        data = p.read_bytes()
    except FileNotFoundError:
        raise CaseFileError(
            path, f"no such {what}", None, f"filen finns inte ({_WHAT_SV.get(what, 'fil')})"
        ) from None
    except PermissionError:
        raise CaseFileError(
            path,
            "cannot be read (permission denied)",
            None,
            "filen får inte läsas (behörighet saknas)",
        ) from None
    except OSError as exc:
        raise CaseFileError(
            path,
            f"cannot be read: {exc.strerror or exc}",
            None,
            f"filen kan inte läsas: {exc.strerror or exc}",
        ) from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise CaseFileError(
            path,
            f"is not UTF-8 text (byte 0x{data[exc.start]:02x}); save it as UTF-8 "
            f"(in Excel: 'CSV UTF-8')",
            line,
            f"filen är inte text i UTF-8 (byte 0x{data[exc.start]:02x}); spara den som UTF-8 "
            f"(i Excel: 'CSV UTF-8')",
        ) from None


def read_csv(
    engine: Engine,
    path: str | os.PathLike[str],
    *,
    id: str | Sequence[str] | None = None,
    ignore_columns: Sequence[str] = (),
    ignore_unknown_columns: bool = False,
    errors: str = "collect",
) -> CaseFile:
    """Read cases from a CSV file: one column per fact, an empty cell means "not given".

    Booleans are ``true``/``false`` (or ``ja``/``nej``), numbers may use a decimal comma,
    dates are ``YYYY-MM-DD``, lists are ``;``-separated; the separator is ``,`` or, when the
    header has ``;`` and no ``,`` (a Swedish spreadsheet's export), ``;``. Blank lines are not
    cases. Columns are checked as :func:`evaluate_many` checks them (``id``, ``ignore_*``).

    A bad cell, or a row with more or fewer cells than the header, is that row's error
    (``errors="collect"``: see :attr:`CaseFile.errors`) or raised (``errors="raise"``);
    messages give the file's line number. A file that cannot be read as CSV raises
    :class:`CaseFileError`.
    """
    _check_errors_argument(errors)
    text = _read_text(path)
    stripped = text.lstrip()
    if not stripped:
        raise CaseFileError(
            path,
            "is empty: expected a header row naming the facts",
            None,
            "filen är tom: den ska börja med en rubrikrad som namnger uppgifterna",
        )
    if stripped[0] in "{[":
        raise CaseFileError(
            path,
            "looks like JSON, not CSV; the batch commands read CSV (one column per fact) or "
            "Parquet; for one case use `lss-sol-rules evaluate --facts FILE`",
            None,
            "filen ser ut som JSON, inte CSV; ärendelistor läses som CSV (en kolumn per "
            "uppgift) eller Parquet; för ett enstaka ärende, använd "
            "`lss-sol-rules evaluate --facts FIL`",
        )
    header_line = stripped.split("\n", 1)[0]
    delimiter = ";" if ";" in header_line and "," not in header_line else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        header = next(reader)
        while not header:
            header = next(reader)
        header_at = reader.line_num
        columns = [c.strip() for c in header]
        seen: set[str] = set()
        for k, c in enumerate(columns, start=1):
            if not c:
                raise CaseFileError(
                    path,
                    f"column {k} of the header has no name",
                    header_at,
                    f"kolumn {k} i rubrikraden saknar namn",
                )
            if c in seen:
                raise CaseFileError(
                    path,
                    f"column {c!r} appears twice in the header",
                    header_at,
                    f"kolumnen {c!r} finns två gånger i rubrikraden",
                )
            seen.add(c)
        ids = _id_names(id)
        drop = set(
            check_columns(
                columns,
                engine.rulebook.facts,
                ids,
                _column_names(ignore_columns, "ignore_columns"),
                ignore_unknown_columns,
                where=str(path),
            )
        )
        schema = engine.rulebook.facts
        facts_at = [(k, c) for k, c in enumerate(columns) if c in schema and c not in drop]
        id_at = [(k, c) for k, c in enumerate(columns) if c in ids]
        records: list[dict[str, Any]] = []
        id_cols: dict[str, list[Any]] = {c: [] for c in ids}
        bad: dict[int, RowError] = {}
        lines: list[int] = []
        last = reader.line_num
        width = len(columns)
        for cells in reader:
            line, last = last + 1, reader.line_num
            if not cells:
                continue  # a blank line is not a case
            i = len(records)
            lines.append(line)
            for k, c in id_at:
                id_cols[c].append(cells[k].strip() if k < len(cells) and cells[k].strip() else None)
            row_ids = tuple((c, id_cols[c][-1]) for _, c in id_at)
            if len(cells) != width:
                more = "more" if len(cells) > width else "fewer"
                msg = (
                    f"CaseFileError: {path}:{line}: the row has {len(cells)} cells, {more} than "
                    f"the header's {width}; check the separators and quotes on that line"
                )
                msg_sv = (
                    f"{path}:{line}: raden har {len(cells)} fält, "
                    f"{'fler' if more == 'more' else 'färre'} än rubrikradens {width}; "
                    f"kontrollera avgränsare och citattecken på den raden"
                )
                bad[i] = RowError(i + 1, row_ids, None, msg, line, msg_sv)
                records.append({})
                continue
            facts: dict[str, Any] = {}
            problems: list[FactError] = []
            for k, c in facts_at:
                raw = cells[k]
                if not raw.strip():
                    continue
                try:
                    facts[c] = _cell(engine, c, raw)
                except FactError as exc:
                    problems.append(exc)
            if problems:
                msg = "; ".join(f"{type(e).__name__}: {e}" for e in problems)
                msg_sv = "; ".join(e.message("sv") for e in problems)
                bad[i] = RowError(i + 1, row_ids, problems[0].fact, msg, line, msg_sv)
                facts = {}
            records.append(facts)
    except StopIteration:
        raise CaseFileError(path, "has no header row", None, "filen saknar rubrikrad") from None
    except csv.Error as exc:
        raise CaseFileError(
            path,
            f"is not valid CSV: {exc}",
            reader.line_num,
            "filen är inte giltig CSV; kontrollera citattecken och avgränsare på raden",
        ) from None
    if errors == "raise" and bad:
        raise bad[min(bad)].as_fact_error()
    return CaseFile(str(path), records, id_cols, bad, lines, tuple(sorted(drop)))


def read_parquet(path: str | os.PathLike[str]) -> Any:
    """Read cases from a Parquet file as a ``pyarrow.Table`` (one column per fact).

    Column types are Parquet's own; null means "not given". Needs the ``arrow`` extra.
    """
    try:
        import pyarrow as pa  # noqa: PLC0415 - optional extra
        import pyarrow.parquet as pq  # noqa: PLC0415
    except ImportError:
        raise MissingExtraError(
            "arrow", "pyarrow", "reading Parquet", "att läsa Parquet-filer"
        ) from None
    _check_readable(path)
    try:
        return pq.read_table(Path(path))
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, OSError) as exc:
        raise CaseFileError(
            path,
            f"is not a readable Parquet file: {exc}",
            None,
            f"filen går inte att läsa som Parquet: {exc}",
        ) from None


def _read_arrow_ipc(path: str | os.PathLike[str]) -> Any:
    try:
        import pyarrow as pa  # noqa: PLC0415 - optional extra
        from pyarrow import ipc  # noqa: PLC0415
    except ImportError:
        raise MissingExtraError(
            "arrow", "pyarrow", "reading Arrow files", "att läsa Arrow-filer"
        ) from None

    _check_readable(path)
    try:
        with pa.memory_map(str(path)) as source:
            try:
                return ipc.open_file(source).read_all()
            except pa.ArrowInvalid:
                source.seek(0)
                return ipc.open_stream(source).read_all()
    except (pa.ArrowInvalid, OSError) as exc:
        raise CaseFileError(
            path,
            f"is not a readable Arrow IPC file: {exc}",
            None,
            f"filen går inte att läsa som Arrow IPC: {exc}",
        ) from None


def _check_readable(path: str | os.PathLike[str]) -> None:
    p = Path(path)
    if p.is_dir():
        raise CaseFileError(
            path, "is a directory, not a case file", None, "är en mapp, inte en ärendefil"
        )
    if not p.exists():
        raise CaseFileError(path, "no such case file", None, "ärendefilen finns inte")
    if not os.access(p, os.R_OK):
        raise CaseFileError(
            path,
            "cannot be read (permission denied)",
            None,
            "filen får inte läsas (behörighet saknas)",
        )


#: File endings and the formats they mean, for reading and writing.
CSV_ENDINGS = (".csv", ".txt")
PARQUET_ENDINGS = (".parquet", ".pq")
ARROW_ENDINGS = (".arrow", ".feather", ".ipc")
JSON_ENDINGS = (".json", ".jsonl")


def read_cases(
    engine: Engine,
    path: str | os.PathLike[str],
    *,
    id: str | Sequence[str] | None = None,
    ignore_columns: Sequence[str] = (),
    ignore_unknown_columns: bool = False,
) -> Any:
    """Read a caseload file by its ending: CSV (a :class:`CaseFile`), Parquet or Arrow IPC
    (a ``pyarrow.Table``). Columns are checked against the facts (see :func:`evaluate_many`)
    before anything else happens; :class:`CaseFileError` for a file that cannot be read."""
    name = str(path).lower()
    if name.endswith(PARQUET_ENDINGS + ARROW_ENDINGS):
        table = read_parquet(path) if name.endswith(PARQUET_ENDINGS) else _read_arrow_ipc(path)
        check_columns(
            table.column_names,
            engine.rulebook.facts,
            _id_names(id),
            _column_names(ignore_columns, "ignore_columns"),
            ignore_unknown_columns,
            where=str(path),
        )
        return table
    if name.endswith(JSON_ENDINGS):
        raise CaseFileError(
            path,
            "is JSON; the batch commands read CSV, Parquet or Arrow (one column per fact); "
            "for one case use `lss-sol-rules evaluate --facts FILE`",
            None,
            "filen är JSON; ärendelistor läses som CSV, Parquet eller Arrow (en kolumn per "
            "uppgift); för ett enstaka ärende, använd `lss-sol-rules evaluate --facts FIL`",
        )
    return read_csv(
        engine,
        path,
        id=id,
        ignore_columns=ignore_columns,
        ignore_unknown_columns=ignore_unknown_columns,
    )


# -- writing results ---------------------------------------------------------------------------
def output_format(path: str | os.PathLike[str]) -> str:
    """``csv``, ``parquet``, ``arrow``, ``json`` or ``jsonl`` by the file's ending."""
    name = str(path).lower()
    for fmt, endings in (
        ("csv", CSV_ENDINGS),
        ("parquet", PARQUET_ENDINGS),
        ("arrow", ARROW_ENDINGS),
        ("jsonl", (".jsonl",)),
        ("json", (".json",)),
    ):
        if name.endswith(endings):
            return fmt
    raise CaseFileError(
        path,
        "unknown output format; end the name in .csv, .parquet, .arrow, .json or .jsonl",
        None,
        "okänt format för svaren; låt filnamnet sluta på .csv, .parquet, .arrow, .json "
        "eller .jsonl",
    )


def check_output_path(path: str | os.PathLike[str]) -> str:
    """Check, before any work, that *path* can be written; return its format.

    Raises :class:`CaseFileError` when the folder does not exist, the path is a folder, or
    either cannot be written; ``ImportError`` when the format needs pyarrow and it is missing.
    """
    p = Path(path)
    parent = p.parent if str(p.parent) else Path(".")
    if p.is_dir():
        raise CaseFileError(
            path,
            "is a directory; give a file name to write the answers to",
            None,
            "är en mapp; ange ett filnamn att skriva svaren till",
        )
    fmt = output_format(path)
    if not parent.is_dir():
        raise CaseFileError(
            path,
            f"cannot be written: the folder {str(parent)!r} does not exist",
            None,
            f"filen kan inte skrivas: mappen {str(parent)!r} finns inte",
        )
    if not os.access(parent, os.W_OK | os.X_OK):
        raise CaseFileError(
            path,
            f"cannot be written: no write permission in {str(parent)!r}",
            None,
            f"filen kan inte skrivas: behörighet att skriva i {str(parent)!r} saknas",
        )
    if p.exists() and not os.access(p, os.W_OK):
        raise CaseFileError(
            path,
            "cannot be written: the file exists and is read-only",
            None,
            "filen kan inte skrivas: den finns redan och är skrivskyddad",
        )
    if fmt in ("parquet", "arrow"):
        try:
            import pyarrow  # noqa: F401, PLC0415
        except ImportError:
            raise MissingExtraError(
                "arrow", "pyarrow", f"writing {fmt}", f"att skriva {fmt}-filer"
            ) from None
    return fmt


def atomic_write(path: str | os.PathLike[str], write: Callable[[Any], None], binary: bool) -> None:
    """Write *path* through a temporary file in the same folder, then rename it into place:
    readers see the old file or the whole new one, never a part. Raises
    :class:`CaseFileError` (and leaves no temporary file) when writing fails."""
    p = Path(path)
    parent = p.parent if str(p.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(prefix=f".{p.name}.", suffix=".tmp", dir=parent)
    try:
        with (
            os.fdopen(fd, "wb") if binary else os.fdopen(fd, "w", encoding="utf-8", newline="")
        ) as fh:
            write(fh)
            fh.flush()
            os.fsync(fh.fileno())
        if p.exists():
            os.chmod(tmp, p.stat().st_mode & 0o777)
        else:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, p)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise CaseFileError(
            path,
            f"could not be written ({exc.strerror or exc}); nothing was written there",
            None,
            f"filen kunde inte skrivas ({exc.strerror or exc}); inget skrevs dit",
        ) from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_result(result: BatchResult, path: str | os.PathLike[str]) -> None:
    """Write *result* to *path* in the format its ending names (CSV, Parquet, Arrow IPC,
    JSON or JSON Lines), atomically (see :func:`atomic_write`). Columns: the ids, ``row``,
    ``value``, ``status``, ``missing`` (``;``-joined in CSV), ``error``, ``error_fact``."""
    import json  # noqa: PLC0415

    fmt = check_output_path(path)
    if fmt in ("parquet", "arrow"):
        table = result.to_arrow()

        def write_table(fh: Any) -> None:
            if fmt == "parquet":
                import pyarrow.parquet as pq  # noqa: PLC0415

                pq.write_table(table, fh)
            else:
                from pyarrow import ipc  # noqa: PLC0415

                with ipc.new_file(fh, table.schema) as w:
                    w.write_table(table)

        atomic_write(path, write_table, binary=True)
        return
    if fmt in ("json", "jsonl"):
        records = result.to_records()

        def write_json(fh: Any) -> None:
            if fmt == "json":
                json.dump(records, fh, ensure_ascii=False, default=str, indent=1)
                fh.write("\n")
            else:
                for r in records:
                    fh.write(json.dumps(r, ensure_ascii=False, default=str) + "\n")

        atomic_write(path, write_json, binary=False)
        return

    def write_csv(fh: Any) -> None:
        writer = csv.writer(fh)
        id_names = list(result.ids)
        id_cols = [_as_list(result.ids[k]) for k in id_names]
        writer.writerow([*id_names, "row", "value", "status", "missing", "error", "error_fact"])
        errs = result._errors
        for i, (shown, status, missing) in enumerate(
            zip(result.value_texts(), result.statuses, result.missing, strict=True)
        ):
            e = errs.get(i)
            writer.writerow(
                [
                    *("" if c[i] is None else c[i] for c in id_cols),
                    i + 1,
                    shown,
                    status,
                    ";".join(missing),
                    "" if e is None else e.message,
                    "" if e is None or e.fact is None else e.fact,
                ]
            )

    atomic_write(path, write_csv, binary=False)


# The comparison of two settings lives in its own module (which imports this one); its names
# stay importable here, looked up when first asked for, so that either module can be imported
# first.
_FROM_COMPARE = ("Change", "DiffError", "DiffReport", "Setting", "diff")
__all__ += list(_FROM_COMPARE)


def __getattr__(name: str) -> Any:
    if name in _FROM_COMPARE:
        from . import compare  # noqa: PLC0415 - compare imports this module

        return getattr(compare, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
