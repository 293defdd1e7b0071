"""Run the batch path on Dask: one caseload partitioned over many workers.

An :class:`~lss_sol_rules.engine.Engine` holds compiled closures and locks, so it is not
shipped to workers. What is shipped is how to build it — an :class:`EngineSpec` (extra rule
files and whether installed plugins load) — and each worker process builds the engine once
and reuses it for every partition it gets. Every worker must therefore have the same
version of ``lss-sol-rules``, the same plugins and the same rule files at the same paths.

Each partition is a pandas DataFrame answered by
:func:`lss_sol_rules.batch.evaluate_many` (the columnar path), so the answers are exactly
those of the single-process path. Needs the ``dask`` extra.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

import attrs

from .engine import Engine
from .errors import ArgumentError

__all__ = ["EngineSpec", "evaluate_dask"]

#: The columns of the result frame after the id columns, in order (all text, Arrow-backed:
#: compact to ship from the workers, no Python string per case; one schema for every
#: partition, so ``to_parquet`` writes them as one dataset).
RESULT_COLUMNS = ("value", "status", "missing", "error", "error_fact")
_TEXT = "string[pyarrow]"


def _resolved(paths: Iterable[str | Path]) -> tuple[str, ...]:
    return tuple(str(Path(p).resolve()) for p in paths)


@attrs.frozen
class EngineSpec:
    """How to build the engine on a worker: ``lss_sol_rules.load(paths, plugins)``.

    ``plugins`` is ``True`` (installed plugins) or ``False`` (national law only); plugin
    objects cannot be shipped — install the plugin on the workers instead.
    """

    paths: tuple[str, ...] = attrs.field(default=(), converter=_resolved)
    plugins: bool = True

    def build(self) -> Engine:
        """The engine for this spec, built once per process."""
        return _engine(self)


_LOCK = threading.Lock()


@functools.lru_cache(maxsize=8)
def _engine_cached(spec: EngineSpec) -> Engine:
    from . import load  # noqa: PLC0415 - the package imports this module lazily

    return load(spec.paths or None, plugins=spec.plugins)


def _engine(spec: EngineSpec) -> Engine:
    with _LOCK:  # build once even when a worker runs partitions on several threads
        return _engine_cached(spec)


def _answer_partition(
    part: Any,
    question: str,
    on: date,
    jurisdiction: str,
    spec: EngineSpec,
    ids: tuple[str, ...],
    ignore_columns: tuple[str, ...],
    ignore_unknown_columns: bool,
) -> Any:
    import pandas as pd  # noqa: PLC0415 - optional extra
    import pyarrow as pa  # noqa: PLC0415
    import pyarrow.compute as pc  # noqa: PLC0415

    engine = spec.build()
    result = engine.evaluate_many(
        question,
        part,
        on=on,
        jurisdiction=jurisdiction,
        errors="collect",
        id=ids or None,
        ignore_columns=ignore_columns,
        ignore_unknown_columns=ignore_unknown_columns,
    )
    table = result.to_arrow()
    out = {name: part[name] for name in ids}  # the ids as they came, dtype and all
    for name in RESULT_COLUMNS:
        col = table.column(name).combine_chunks()
        if pa.types.is_dictionary(col.type):
            col = pc.take(col.dictionary, col.indices)  # Arrow strings, no Python object
        elif pa.types.is_list(col.type):
            col = pc.binary_join(col, ";")
        out[name] = pd.Series(pd.arrays.ArrowStringArray(col), index=part.index)
    return pd.DataFrame(out, index=part.index)


def evaluate_dask(
    frame: Any,
    question: str,
    on: date,
    jurisdiction: str = "se",
    spec: EngineSpec | None = None,
    *,
    id: str | Sequence[str] | None = None,
    ignore_columns: Sequence[str] = (),
    ignore_unknown_columns: bool = False,
) -> Any:
    """Answer *question* for every row of a ``dask.dataframe.DataFrame``, lazily.

    Returns a Dask DataFrame with the input's index: the *id* columns as they are in the
    input, then ``value`` (the answer as ``lss-sol-rules batch`` writes it: lists
    ``;``-joined, ``true``/``false``; null when there is none), ``status`` (``decided`` /
    ``undetermined`` / ``error``), ``missing`` (``;``-joined fact names), ``error`` (the
    refusal, for bad rows) and ``error_fact``, all text. Call ``.compute()`` or write it
    with ``.to_parquet(...)``. *on* is required: a cluster job must not depend on the date
    each worker thinks it is.

    Columns are checked as :func:`lss_sol_rules.batch.evaluate_many` checks them: a column
    that is neither a fact, an id nor left aside (*ignore_columns*,
    *ignore_unknown_columns*) is an error. Bad rows never stop the job; they are reported in
    ``error``. The question, jurisdiction, date and columns are checked before any work is
    scheduled.
    """
    import pandas as pd  # noqa: PLC0415 - optional extra

    from .batch import _column_names, _id_names, check_columns  # noqa: PLC0415

    spec = spec or EngineSpec()
    if not isinstance(on, date):
        raise ArgumentError("on", "a datetime.date", on)
    engine = spec.build()
    engine.view_for(question, jurisdiction).in_force(question, on)  # fail here, not on a worker
    ids = _id_names(id)
    columns = [str(c) for c in frame.columns]
    ignore = _column_names(ignore_columns, "ignore_columns")
    check_columns(columns, engine.rulebook.facts, ids, ignore, ignore_unknown_columns)
    meta_ids = {name: frame._meta[name] for name in ids}
    meta = pd.DataFrame(
        {
            **meta_ids,
            **{c: pd.Series([], dtype=_TEXT) for c in RESULT_COLUMNS},
        }
    )
    return frame.map_partitions(
        _answer_partition,
        question,
        on,
        jurisdiction,
        spec,
        ids,
        ignore,
        ignore_unknown_columns,
        meta=meta,
        enforce_metadata=False,
    )
