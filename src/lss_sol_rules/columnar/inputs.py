"""Turn a caseload — dicts, a pyarrow Table, a pandas or polars DataFrame — into fact columns.

Every input also defines, for each row, the plain dict of facts the single-case evaluator
would be given for it (:meth:`Columns.row`); the columnar path must answer each row exactly as
``engine.evaluate(question, columns.row(i))`` does. How a row reads:

- *dicts*: the dict itself.
- *pyarrow*: each cell's Python value (``as_py()``); null means "not given". A float NaN is
  not null: like a NaN passed to :meth:`Engine.evaluate`, it is refused.
- *pandas*: converted with ``pyarrow.Table.from_pandas``, so NaN, ``None`` and ``NaT`` mean
  "not given" (pandas' own convention).
- *polars*: ``DataFrame.to_arrow()``; null means "not given", NaN is refused.
- In arrow-backed inputs a timestamp column for a date fact whose values all fall at
  midnight reads as dates; any other timestamp is refused as "a date without a time of day".

Checks the single-case path makes per fact (type, range, enum, not after the evaluation
date) are made here column by column; a row failing one is marked *bad* and later answered
case by case, which gives the exact error.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date
from typing import Any

import numpy as np
import numpy.typing as npt

from ..errors import ArgumentError, FactError
from ..facts import MAX_TEXT_LENGTH, normalise_fact, normalise_facts
from ..model import FactDecl
from .vectors import SMALL_INT, Bits, Vec, from_python

__all__ = ["Columns", "columns_from"]

_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
# values.bad_character in RE2 syntax (Arrow strings are UTF-8: no lone surrogates).
_BAD_TEXT = (
    r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x{9f}\x{61c}\x{200e}\x{200f}"
    r"\x{202a}-\x{202e}\x{2066}-\x{2069}]"
)


class Columns:
    """The facts of *n* cases as columns, and the rows the columnar path must not answer."""

    def __init__(
        self,
        n: int,
        schema: Mapping[str, FactDecl],
        row: Callable[[int], Mapping[str, Any]],
    ) -> None:
        self.n = n
        self.schema = schema
        self._row = row
        self.bad = np.zeros(n, dtype=bool)
        names = sorted(schema)
        self.words = max(1, (len(names) + 63) // 64)
        self.bit = {name: (i // 64, np.uint64(1 << (i % 64))) for i, name in enumerate(names)}
        self.names_by_bit = names
        self._facts: dict[str, Vec] = {}
        self.given: set[str] = set()  # the facts the input has a column for

    def row(self, i: int) -> Mapping[str, Any]:
        """The facts of row *i* as the single-case evaluator would be given them."""
        return self._row(i)

    def set(self, name: str, values: Any, present: npt.NDArray[np.bool_], cats: Any = None) -> None:
        """Store a fact column in its representation; absent rows wait for *name*."""
        decl = self.schema[name]
        enum = _list_enum(decl)
        unk = self._unknown(name, ~present)
        self._facts[name] = Vec(values, unk, (decl.type, decl.of), enum, cats)
        self.given.add(name)

    def fact(self, name: str) -> Vec:
        """The column of *name*; every row unknown if the input has no such column."""
        col = self._facts.get(name)
        if col is None:
            decl = self.schema[name]
            col = Vec(
                _fill(decl, self.n),
                self._unknown(name, np.ones(self.n, dtype=bool)),
                (decl.type, decl.of),
                _list_enum(decl),
            )
            self._facts[name] = col
        return col

    def _unknown(self, name: str, absent: npt.NDArray[np.bool_]) -> Bits | None:
        if not absent.any():
            return None
        word, mask = self.bit[name]
        unk = np.zeros((self.n, self.words), dtype=np.uint64)
        unk[:, word] = absent * mask
        return unk

    def missing_codes(self, unk: Bits) -> tuple[npt.NDArray[np.intp], list[tuple[str, ...]]]:
        """Per row a code into the returned table of sorted fact-name tuples."""
        # Most rows wait for nothing: only the others are sorted into patterns.
        waiting = np.flatnonzero(unk.any(axis=1)) if self.words > 1 else np.flatnonzero(unk[:, 0])
        codes = np.zeros(self.n, dtype=np.intp)
        table: list[tuple[str, ...]] = [()]
        if not waiting.size:
            return codes, table
        flat = unk[waiting] if self.words > 1 else unk[waiting, 0]
        if self.words > 1:
            uniq, inverse = np.unique(flat, axis=0, return_inverse=True)
        else:
            uniq, inverse = np.unique(flat, return_inverse=True)
        for pattern in uniq:
            words = pattern if self.words > 1 else [pattern]
            table.append(
                tuple(name for name, (w, m) in sorted(self.bit.items()) if int(words[w]) & int(m))
            )
        codes[waiting] = inverse.reshape(-1) + 1
        return codes, table

    def missing_names(self, unk: Bits) -> list[tuple[str, ...]]:
        """Per row, the sorted fact names whose bits are set."""
        codes, table = self.missing_codes(unk)
        return [table[i] for i in codes.tolist()]


def _list_enum(decl: FactDecl) -> tuple[str, ...] | None:
    if decl.type == "list" and decl.values and len(decl.values) <= 63:
        return tuple(decl.values)
    return None


def _fill(decl: FactDecl, n: int) -> Any:
    if decl.type == "bool":
        return np.zeros(n, dtype=bool)
    if decl.type in ("int", "number", "date"):
        return np.zeros(n, dtype=np.int64)
    if decl.type == "list" and _list_enum(decl) is not None:
        return np.zeros(n, dtype=np.uint64)
    out = np.empty(n, dtype=object)
    out.fill("" if decl.type == "text" else ())
    return out


def _store_python(cols: Columns, name: str, values: list[Any]) -> None:
    """Store normalised Python values (``None`` = not given) as a column."""
    decl = cols.schema[name]
    present = np.fromiter((v is not None for v in values), dtype=bool, count=len(values))
    enum = _list_enum(decl)
    if enum is not None:
        index = {v: 1 << i for i, v in enumerate(enum)}
        masks = [0 if v is None else sum(index[x] for x in v) for v in values]
        cols.set(name, np.asarray(masks, dtype=np.uint64), present)
        return
    cols.set(name, from_python(values, (decl.type, decl.of)), present)


# -- dicts -----------------------------------------------------------------------------------
def from_records(
    records: Sequence[Mapping[str, Any]], schema: Mapping[str, FactDecl], on: date
) -> Columns:
    """Columns from dicts of facts, checked row by row exactly as the single-case path does."""
    n = len(records)
    cols = Columns(n, schema, lambda i: records[i])
    per_fact: dict[str, list[Any]] = {}
    for i, facts in enumerate(records):
        try:
            clean = normalise_facts(facts, schema, on)
        except FactError:
            cols.bad[i] = True
            continue
        for name, value in clean.items():
            column = per_fact.get(name)
            if column is None:  # one list per fact, made once (not once per row)
                column = per_fact[name] = [None] * n
            column[i] = value
    for name, values in per_fact.items():
        _store_python(cols, name, values)
    return cols


# -- arrow -----------------------------------------------------------------------------------
def from_arrow(table: Any, schema: Mapping[str, FactDecl], on: date) -> Columns:
    """Columns from a ``pyarrow.Table`` (one column per fact; null = not given)."""
    import pyarrow as pa  # noqa: PLC0415 - optional extra

    table = _midnight_dates(table, schema)
    n = table.num_rows
    names = list(table.column_names)

    def row(i: int) -> Mapping[str, Any]:
        return {c: table.column(c)[i].as_py() for c in names}

    cols = Columns(n, schema, row)
    for name in names:
        decl = schema.get(name)
        if decl is None:
            cols.bad[:] = True  # an unknown fact: refused for every row, as case by case
            continue
        arr = table.column(name).combine_chunks()
        if pa.types.is_dictionary(arr.type):
            if decl.type == "text" and _is_string(arr.type.value_type):
                _text_column(cols, decl, arr)  # the dictionary read once, not each cell
                continue
            arr = arr.dictionary_decode()
        if decl.type == "text" and _is_string(arr.type):
            import pyarrow.compute as pc  # noqa: PLC0415

            _text_column(cols, decl, pc.dictionary_encode(arr))
            continue
        _arrow_column(cols, decl, arr, on)
    return cols


def _is_string(t: Any) -> bool:
    import pyarrow as pa  # noqa: PLC0415

    return bool(pa.types.is_string(t) or pa.types.is_large_string(t))


def _text_column(cols: Columns, decl: FactDecl, arr: Any) -> None:
    """A text fact from a dictionary-encoded Arrow column: each distinct text becomes one
    Python string, checked once (length, allowed values), and shared by its cases."""
    import pyarrow as pa  # noqa: PLC0415
    import pyarrow.compute as pc  # noqa: PLC0415

    words = arr.dictionary
    present = ~np.asarray(arr.is_null().to_numpy(zero_copy_only=False), dtype=bool)
    index = np.asarray(arr.indices.fill_null(0).to_numpy(zero_copy_only=False), dtype=np.int64)
    texts = np.empty(len(words) + 1, dtype=object)
    texts[:-1] = words.to_pylist()
    texts[-1] = ""
    too_long = pc.greater(pc.utf8_length(words), MAX_TEXT_LENGTH)
    wrong = np.asarray(too_long.to_numpy(zero_copy_only=False), dtype=bool)
    wrong |= _as_bool(pc.match_substring_regex(words, _BAD_TEXT))  # as values.bad_character
    if decl.values is not None:
        allowed = pc.is_in(words, value_set=pa.array(list(decl.values), type=words.type))
        wrong |= ~np.asarray(allowed.to_numpy(zero_copy_only=False), dtype=bool)
    wrong = np.append(wrong, False)
    index = np.where(present, index, len(words))  # absent cells: the filler ""
    cols.bad |= present & wrong[index]
    cols.set(decl.name, texts[index], present, (index, texts))


def _midnight_dates(table: Any, schema: Mapping[str, FactDecl]) -> Any:
    import pyarrow as pa  # noqa: PLC0415
    import pyarrow.compute as pc  # noqa: PLC0415

    for i, name in enumerate(table.column_names):
        decl = schema.get(name)
        col = table.column(i)
        if decl is None or decl.type != "date" or not pa.types.is_timestamp(col.type):
            continue
        if col.type.tz is not None:
            continue
        as_date = pc.cast(col, pa.date32())
        back = pc.cast(as_date, col.type)
        if pc.all(pc.equal(back, col)).as_py() in (True, None):
            table = table.set_column(i, name, as_date)
    return table


def _arrow_column(cols: Columns, decl: FactDecl, arr: Any, on: date) -> None:
    import pyarrow as pa  # noqa: PLC0415
    import pyarrow.compute as pc  # noqa: PLC0415

    present = ~np.asarray(arr.is_null().to_numpy(zero_copy_only=False), dtype=bool)
    t = arr.type
    kind = decl.type
    bad = cols.bad
    if kind == "bool" and pa.types.is_boolean(t):
        cols.set(decl.name, _as_bool(arr), present)
        return
    if kind in ("int", "number") and (pa.types.is_integer(t) or pa.types.is_floating(t)):
        raw = arr.fill_null(0).to_numpy(zero_copy_only=False)
        if pa.types.is_floating(t):
            f = raw.astype(np.float64)
            finite = np.isfinite(f)
            bad |= present & ~finite
            f = np.where(finite, f, 0.0)
            if kind == "int":
                bad |= present & (f != np.floor(f))
                big = np.abs(f) >= SMALL_INT
                bad |= present & big
                v: Any = np.where(big, 0, f).astype(np.int64)
            else:
                v = f
        else:
            ints = raw.astype(np.int64) if raw.dtype != np.uint64 else raw
            if ints.size and np.abs(ints.astype(np.float64)).max() >= SMALL_INT:
                v = np.asarray([int(x) for x in ints.tolist()], dtype=object)
            else:
                v = ints.astype(np.int64)
        _check_range(decl, v, present, bad)
        cols.set(decl.name, v, present)
        return
    if kind == "date" and pa.types.is_date(t):
        days = pc.cast(arr, pa.date32()).fill_null(0).cast(pa.int32())
        ordinals = days.to_numpy(zero_copy_only=False).astype(np.int64) + _EPOCH_ORDINAL
        if decl.past:
            bad |= present & (ordinals > on.toordinal())
        cols.set(decl.name, ordinals, present)
        return
    if kind == "text" and (pa.types.is_string(t) or pa.types.is_large_string(t)):
        bad |= present & _as_bool(pc.greater(pc.utf8_length(arr), MAX_TEXT_LENGTH))
        # Control and bidi characters are refused by the single-case path (values.py).
        bad |= present & _as_bool(pc.match_substring_regex(arr, _BAD_TEXT))
        if decl.values is not None:
            allowed = pc.is_in(arr, value_set=pa.array(list(decl.values), type=t))
            bad |= present & ~_as_bool(allowed)
        text = np.asarray(arr.fill_null("").to_numpy(zero_copy_only=False), dtype=object)
        cols.set(decl.name, text, present)
        return
    enum = _list_enum(decl)
    if enum is not None and (pa.types.is_list(t) or pa.types.is_large_list(t)):
        items = arr.flatten()
        if pa.types.is_dictionary(items.type):
            items = items.dictionary_decode()
        if pa.types.is_string(items.type) or pa.types.is_large_string(items.type):
            rows = np.asarray(pc.list_parent_indices(arr).to_numpy(zero_copy_only=False))
            index = pc.index_in(items, value_set=pa.array(list(enum), type=items.type))
            outside = np.asarray(index.is_null().to_numpy(zero_copy_only=False), dtype=bool)
            bad[rows[outside]] = True  # not one of the enum's values (or a null item)
            bits = np.left_shift(
                np.uint64(1), index.fill_null(0).to_numpy(zero_copy_only=False).astype(np.uint64)
            )
            masks = np.zeros(len(arr), dtype=np.uint64)
            np.bitwise_or.at(masks, rows, bits)
            cols.set(decl.name, masks, present)
            return
    _python_column(cols, decl, arr.to_pylist(), on)


def _as_bool(arr: Any) -> npt.NDArray[np.bool_]:
    return np.asarray(arr.fill_null(False).to_numpy(zero_copy_only=False), dtype=bool)


def _check_range(decl: FactDecl, v: Any, present: Any, bad: npt.NDArray[np.bool_]) -> None:
    # Numbers beyond ±10^15 are refused by the single-case path (facts.py): answer them there.
    bad |= present & np.asarray((v >= 1e15) | (v <= -1e15), dtype=bool)
    if decl.min is not None:
        bad |= present & np.asarray(v < decl.min, dtype=bool)
    if decl.max is not None:
        bad |= present & np.asarray(v > decl.max, dtype=bool)


def _python_column(cols: Columns, decl: FactDecl, raw: list[Any], on: date) -> None:
    """A column without a fast form: each cell checked as the single-case path does."""
    values: list[Any] = [None] * len(raw)
    for i, cell in enumerate(raw):
        if cell is None:
            continue
        if isinstance(cell, float) and math.isnan(cell):
            cols.bad[i] = True
            continue
        try:
            values[i] = normalise_fact(decl, cell, on)
        except FactError:
            cols.bad[i] = True
    _store_python(cols, decl.name, values)


# -- dispatch --------------------------------------------------------------------------------
def columns_from(cases: Any, schema: Mapping[str, FactDecl], on: date) -> Columns:
    """Columns from any supported caseload (see the module docstring)."""
    kind = type(cases).__module__.split(".", 1)[0]
    if kind == "pyarrow":
        return from_arrow(cases, schema, on)
    if kind == "polars":
        return from_arrow(cases.to_arrow(), schema, on)
    if kind == "pandas":
        import pyarrow as pa  # noqa: PLC0415

        try:
            table = pa.Table.from_pandas(cases, preserve_index=False)
        except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
            # Mixed types in an object column: read it row by row (pandas' missing -> None).
            records = cases.astype(object).where(cases.notna(), None).to_dict("records")
            return from_records(records, schema, on)
        return from_arrow(table, schema, on)
    if isinstance(cases, Mapping):
        from ..batch import _ONE_CASE  # noqa: PLC0415 - batch imports this module lazily

        raise ArgumentError(
            "cases",
            "an iterable of fact dicts (or a DataFrame/Table), not one dict",
            cases,
            "en följd av ärenden (ordböcker med uppgifter, eller en DataFrame/tabell), "
            "inte ett enda ärende",
            hint=_ONE_CASE,
        )
    rows: Sequence[Mapping[str, Any]] = (
        cases if isinstance(cases, (list, tuple)) else list(_iter(cases))
    )
    return from_records(rows, schema, on)


def _iter(cases: Iterable[Mapping[str, Any]]) -> Iterable[Mapping[str, Any]]:
    yield from cases
