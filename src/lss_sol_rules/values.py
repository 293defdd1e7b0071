"""The value types of the rule language and their conversions.

The rule language knows six types: ``number`` (exact: ``int`` or :class:`~decimal.Decimal`,
never ``float``), ``int``, ``bool``, ``text``, ``date`` and ``list`` (of one of the
others). Numbers are exact so that 20.01 hours against a 20-hour line never depends on
binary floating point.
"""

from __future__ import annotations

import math
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Union

__all__ = [
    "SCALAR_TYPES",
    "Value",
    "from_json",
    "is_of_type",
    "to_json",
    "type_name",
]

Value = Union[int, Decimal, bool, str, date, tuple["Value", ...]]

SCALAR_TYPES = frozenset({"number", "int", "bool", "text", "date"})


def type_name(value: object) -> str:
    """Name the rule-language type of *value*, for error messages."""
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int"
    if isinstance(value, (Decimal, float)):
        return "number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, date):
        return "date"
    if isinstance(value, (list, tuple)):
        return "list"
    return type(value).__name__


def is_of_type(value: object, vtype: str, of: str | None = None) -> bool:
    """Tell whether an already normalised *value* has rule-language type *vtype*."""
    if vtype == "bool":
        return isinstance(value, bool)
    if vtype == "int":
        return isinstance(value, int) and not isinstance(value, bool)
    if vtype == "number":
        return isinstance(value, (int, Decimal)) and not isinstance(value, bool)
    if vtype == "text":
        return isinstance(value, str)
    if vtype == "date":
        return isinstance(value, date) and not hasattr(value, "hour")
    if vtype == "list":
        return isinstance(value, tuple) and all(is_of_type(v, of or "text") for v in value)
    return False


def to_json(value: Value | None) -> object:
    """Convert a value to a JSON-serialisable form that :func:`from_json` reverses.

    Dates become ISO strings, non-integral decimals become strings (exactness is kept),
    tuples become lists.
    """
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, Decimal):
        if value == value.to_integral_value():
            return int(value)
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    return [to_json(v) for v in value]


def from_json(raw: object, vtype: str, of: str | None = None) -> Value | None:
    """Reverse :func:`to_json` for a value of known rule-language type."""
    if raw is None:
        return None
    if vtype == "list":
        if not isinstance(raw, list):
            raise TypeError(f"expected a list, got {type_name(raw)}")
        items = [from_json(v, of or "text") for v in raw]
        return tuple(v for v in items if v is not None)
    if vtype == "date" and isinstance(raw, str):
        return date.fromisoformat(raw)
    if vtype == "number" and isinstance(raw, str):
        return to_decimal(raw)
    if vtype == "number" and isinstance(raw, float):
        return to_decimal(raw)
    if isinstance(raw, (bool, int, str)):
        return raw
    raise TypeError(f"cannot read a {vtype} from {raw!r}")


def to_decimal(raw: float | str | Decimal) -> Decimal:
    """Exact decimal for a finite number; ``ValueError`` for NaN, infinity or junk."""
    if isinstance(raw, float) and not math.isfinite(raw):
        raise ValueError("must be a finite number")
    try:
        # str() of a float is its shortest round-tripping repr: 20.01 -> Decimal("20.01").
        result = Decimal(str(raw)) if isinstance(raw, float) else Decimal(raw)
    except InvalidOperation:
        raise ValueError(f"{raw!r} is not a number") from None
    if not result.is_finite():
        raise ValueError("must be a finite number")
    return result
