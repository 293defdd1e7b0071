"""Three-valued columns: a value per case plus, per case, the facts that would settle it.

A :class:`Vec` is the columnar twin of what a compiled expression returns for one case (a
value or an :class:`~lss_sol_rules.expr.Unknown`). ``v`` holds the values in a *representation*
chosen for speed and exactness, ``unk`` holds one bit per fact for the cases whose value is
unknown (all zero where the value is known), or is ``None`` when every case is known.

Representations by rule-language type (``t``):

- ``bool``: numpy ``bool``; ``int``: ``int64`` (magnitudes below 2**31, so ``+ - *`` cannot
  overflow) or ``object`` Python ints; ``date``: ``int64`` proleptic ordinals
  (:meth:`datetime.date.toordinal`).
- ``number``: ``float64`` only where that is exact — values that came in as binary floats
  (the single-case path reads a float ``f`` as ``Decimal(str(f))``, and comparing such floats
  with each other or with a constant a float represents exactly gives the same answer as
  comparing those decimals); everything else, and all arithmetic, uses ``object`` arrays of
  :class:`~decimal.Decimal` under the same decimal context as the single-case path.
- ``text``: ``object`` arrays of ``str``; ``list``: ``uint64`` bit masks over an enum's values
  (``enum`` names them) or ``object`` arrays of sorted tuples.

Constants (literals, parameters, ``on``) are plain Python values in the same representation.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

import numpy as np
import numpy.typing as npt

__all__ = ["Vec", "from_python", "known", "merge", "pyvalue", "to_python"]

Array = npt.NDArray[Any]
Bits = npt.NDArray[np.uint64]
SMALL_INT = 2**31
_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()


class Vec:
    """A column of three-valued results (see the module docstring)."""

    __slots__ = ("cats", "enum", "t", "unk", "v")

    def __init__(
        self,
        v: Any,
        unk: Bits | None,
        t: tuple[str, str | None],
        enum: tuple[str, ...] | None = None,
        cats: tuple[Array, Array] | None = None,
    ) -> None:
        self.v = v
        self.unk = unk
        self.t = t
        self.enum = enum
        # For a text column read from a dictionary: (codes per case, the distinct texts), so
        # ``==`` and ``in`` against constants look at each distinct text once.
        self.cats = cats

    @property
    def is_const(self) -> bool:
        """Whether ``v`` is one value for every case."""
        return not isinstance(self.v, np.ndarray)


def merge(a: Bits | None, b: Bits | None) -> Bits | None:
    """The union of two unknown-bit columns (``None`` is all known)."""
    if a is None:
        return b
    if b is None:
        return a
    return a | b


def known(unk: Bits | None, n: int) -> npt.NDArray[np.bool_]:
    """Per case: is the value known?"""
    if unk is None:
        return np.ones(n, dtype=bool)
    if unk.shape[1] == 1:
        one: npt.NDArray[np.bool_] = unk[:, 0] == 0
        return one
    out: npt.NDArray[np.bool_] = np.logical_not(unk.any(axis=1))
    return out


def squeeze(unk: Bits | None) -> Bits | None:
    """``None`` when no case is unknown, else *unk*."""
    if unk is None or not unk.any():
        return None
    return unk


def where_unknown(mask: npt.NDArray[np.bool_], unk: Bits | None) -> Bits | None:
    """Keep the unknown bits only where *mask* holds."""
    if unk is None:
        return None
    # A product, not np.where: several times faster for a scalar zero.
    return squeeze(unk * mask[:, None])


# -- representation <-> Python values ------------------------------------------------------
def pyvalue(x: Any, t: tuple[str, str | None], enum: tuple[str, ...] | None = None) -> Any:
    """One represented value as the single-case evaluator would hold it."""
    kind = t[0]
    if kind == "date":
        return date.fromordinal(int(x))
    if kind == "bool":
        return bool(x)
    if kind == "int":
        return int(x)
    if kind == "number":
        if isinstance(x, (float, np.floating)):
            return Decimal(str(float(x)))
        if isinstance(x, (np.integer,)):
            return int(x)
        return x
    if kind == "list":
        if enum is not None:
            m = int(x)
            return tuple(sorted(v for i, v in enumerate(enum) if m >> i & 1))
        return tuple(x)
    return x


def rep(x: Any, t: tuple[str, str | None]) -> Any:
    """One Python value in the representation of type *t* (for constants and objects)."""
    if t[0] == "date":
        return x.toordinal()
    if t[0] == "list":
        return tuple(rep(i, (t[1] or "text", None)) for i in x)
    return x


def to_python(vec: Vec, n: int) -> Array:
    """An ``object`` array of Python values (garbage where unknown)."""
    t, enum = vec.t, vec.enum
    if vec.is_const:
        out = np.empty(n, dtype=object)
        out.fill(pyvalue(vec.v, t, enum))
        return out
    v = vec.v
    kind = t[0]
    if kind == "bool":
        return np.asarray(v, dtype=bool).astype(object)
    if kind == "int":
        return np.asarray(v, dtype=object)
    if kind == "date":
        out = (v.astype("int64") - _EPOCH_ORDINAL).astype("datetime64[D]").astype(object)
        return np.asarray(out, dtype=object)
    if kind == "text" or (kind == "number" and v.dtype == object):
        return np.asarray(v, dtype=object)
    f = np.frompyfunc(lambda x: pyvalue(x, t, enum), 1, 1)
    return np.asarray(f(v), dtype=object)


def from_python(values: Sequence[Any] | Array, t: tuple[str, str | None]) -> Any:
    """A represented column from Python values of type *t* (unknown slots may be ``None``)."""
    kind = t[0]
    n = len(values)
    if kind == "bool":
        return np.fromiter((bool(x) for x in values), dtype=bool, count=n)
    if kind == "date":
        return np.fromiter(
            (0 if x is None else x.toordinal() for x in values), dtype=np.int64, count=n
        )
    if kind == "int":
        ints = [0 if x is None else x for x in values]
        if all(-SMALL_INT < x < SMALL_INT for x in ints):
            return np.fromiter(ints, dtype=np.int64, count=n)
        return _objects(ints)
    if kind == "number":
        return _objects([Decimal(0) if x is None else x for x in values])
    if kind == "text":
        return _objects(["" if x is None else x for x in values])
    return _objects([() if x is None else x for x in values])


def _objects(items: Sequence[Any]) -> Array:
    out = np.empty(len(items), dtype=object)
    if any(isinstance(x, tuple) for x in items):
        for i, x in enumerate(items):  # numpy would spread a tuple's items over the row
            out[i] = x
    else:
        out[:] = items
    return out


def elementwise(
    fn: Callable[..., Any],
    args: Sequence[Vec],
    n: int,
    t_out: tuple[str, str | None],
    active: npt.NDArray[np.bool_],
    flag: npt.NDArray[np.bool_],
    errors: tuple[type[BaseException], ...],
) -> Any:
    """Apply a Python function case by case where every argument is known and *active*.

    A case where *fn* raises one of *errors* is added to *flag* (the single-case path
    answers it, with its own error message).
    """
    cols = [to_python(a, n) for a in args]
    out: list[Any] = [None] * n
    for i in np.flatnonzero(active).tolist():
        try:
            out[i] = fn(*(c[i] for c in cols))
        except errors:
            flag[i] = True
    return from_python(out, t_out)
