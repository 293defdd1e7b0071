"""The value types of the rule language and their conversions.

The rule language knows six types: ``number`` (exact: ``int`` or :class:`~decimal.Decimal`,
never ``float``), ``int``, ``bool``, ``text``, ``date`` and ``list`` (of one of the
others). Numbers are exact so that 20.01 hours against a 20-hour line never depends on
binary floating point.
"""

from __future__ import annotations

import math
import re
from datetime import date
from decimal import (
    ROUND_HALF_EVEN,
    Context,
    Decimal,
    DivisionByZero,
    InvalidOperation,
    Overflow,
)
from typing import Union

__all__ = [
    "ARITHMETIC",
    "MAX_DECIMAL_PLACES",
    "MAX_MAGNITUDE",
    "SCALAR_TYPES",
    "Value",
    "bad_character",
    "format_number",
    "from_json",
    "is_of_type",
    "number_problem",
    "parse_date",
    "parse_int",
    "safe_repr",
    "to_decimal",
    "to_json",
    "type_name",
    "unit_text",
]

Value = Union[int, Decimal, bool, str, date, tuple["Value", ...]]

SCALAR_TYPES = frozenset({"number", "int", "bool", "text", "date"})

MAX_MAGNITUDE = 15
"""Numbers that enter (rule files, facts, CSV cells) lie strictly between ±10^15."""
MAX_DECIMAL_PLACES = 20
"""... and have at most 20 decimal places (trailing zeros do not count)."""

ARITHMETIC = Context(
    prec=28,
    rounding=ROUND_HALF_EVEN,
    Emin=-999999,
    Emax=999999,
    traps=[InvalidOperation, DivisionByZero, Overflow],
)
"""The one decimal context rule arithmetic runs in (Python's default context, fixed), so an
answer never depends on the decimal context of the host's thread."""

_ASCII_INT = re.compile(r"[+-]?[0-9]+\Z")
_ASCII_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?\Z")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")
_BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# C0 controls but tab, newline and carriage return; DEL; C1 controls; bidi controls; surrogates.
_BAD_CHAR = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)


def bad_character(text: str, lang: str = "en") -> str | None:
    """Describe the first character a text of the library may not hold, or ``None``.

    Refused everywhere (rule files and text facts): control characters other than tab,
    newline and carriage return (NUL, escape, DEL, C1 controls), the bidirectional
    controls that can make text display in another order than it is read (U+202A-U+202E,
    U+2066-U+2069, U+200E, U+200F, U+061C) and lone surrogates, which no file can hold.
    ``lang="sv"`` describes it in Swedish.
    """
    m = _BAD_CHAR.search(text)
    if m is None:
        return None
    ch = m.group()
    code = ord(ch)
    if ch in _BIDI:
        kind = "bidi"
    elif 0xD800 <= code <= 0xDFFF:
        kind = "surrogate"
    elif code == 0:
        kind = "nul"
    else:
        kind = "control"
    sv = lang == "sv"
    name = (_CHAR_KINDS_SV if sv else _CHAR_KINDS)[kind]
    return f"{name} (U+{code:04X}) {'på position' if sv else 'at position'} {m.start() + 1}"


_CHAR_KINDS = {
    "bidi": "a bidirectional control character",
    "surrogate": "a lone surrogate",
    "nul": "a NUL character",
    "control": "a control character",
}
_CHAR_KINDS_SV = {
    "bidi": "ett tecken som styr skrivriktningen",
    "surrogate": "ett ensamt surrogattecken, som inte är giltig Unicode,",
    "nul": "ett NUL-tecken",
    "control": "ett styrtecken",
}


def safe_repr(value: object, limit: int = 60) -> str:
    """``repr`` for error messages that never raises and never grows beyond *limit*.

    Built-in values are shown (nested lists only a few levels deep, long texts and
    numbers cut short); any other object is shown by its type name only, so that an
    object whose ``__repr__`` raises or never ends cannot break an error message.
    """
    try:
        text = _bounded_repr(value, limit, 3)
    except Exception:  # whatever the object does, the message must not fail
        text = "<object>"
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _bounded_repr(value: object, limit: int, levels: int) -> str:
    kind = type(value)
    if value is None or kind is bool:
        return repr(value)
    if kind is int:
        assert isinstance(value, int)  # noqa: S101 - for mypy
        if abs(value) >= 10 ** (limit + 1):
            return f"<an integer of about {value.bit_length() * 3 // 10} digits>"
        return repr(value)
    if kind is float or kind is date:
        return repr(value)
    if kind is Decimal:
        assert isinstance(value, Decimal)  # noqa: S101 - for mypy
        tup = value.as_tuple()
        if len(tup.digits) > limit or not -limit < value.adjusted() < limit:
            sign = "-" if tup.sign else ""
            return f"Decimal('{sign}<{len(tup.digits)} digits>E{value.adjusted()}')"
        return repr(value)
    if kind is str:
        assert isinstance(value, str)  # noqa: S101
        return repr(value[: limit + 1])
    if kind in (list, tuple, set, frozenset):
        assert isinstance(value, (list, tuple, set, frozenset))  # noqa: S101
        if levels <= 0:
            return "[...]"
        out: list[str] = []
        size = 2
        for item in value:
            piece = _bounded_repr(item, limit, levels - 1)
            out.append(piece)
            size += len(piece) + 2
            if size > limit:
                out.append("...")
                break
        return "[" + ", ".join(out) + "]"
    return f"<{_type_label(value)}>"


def format_number(value: int | float | Decimal, lang: str = "sv") -> str:
    """A number as a reader of *lang* writes it: ``168,5`` and ``1 000 000`` in Swedish,
    ``168.5`` and ``1000000`` in English (as the rules hold it, no exponent).

    Swedish groups the whole part in threes with a space when it has five digits or more
    (Språkrådet's rule: ``5000`` but ``50 000``). The explanations and the error texts use
    this one formatter. Never raises: a number the library would refuse anyway (a
    thousand-digit integer, ``Decimal("NaN")``) is shown shortened rather than built.
    """
    if type(value) is int and -10000 < value < 10000:
        return str(value)  # the common case: no grouping, no decimals
    if isinstance(value, float) and math.isfinite(value):
        value = Decimal(float.__repr__(value))
    if isinstance(value, bool) or not isinstance(value, (int, Decimal)):
        return safe_repr(value)
    if isinstance(value, Decimal):
        if not value.is_finite() or abs(value.adjusted()) > 40:
            return str(value)
        text = format(value.normalize(), "f") if value == value.to_integral_value() else str(value)
        if "E" in text or "e" in text:
            text = format(value, "f")
    elif -(10**100) < value < 10**100:
        text = str(value)
    else:
        return safe_repr(value)  # "<an integer of about N digits>": never built in full
    if lang[:2].lower() != "sv":
        return text
    sign, digits = ("-", text[1:]) if text.startswith("-") else ("", text)
    whole, dot, fraction = digits.partition(".")
    if len(whole) >= 5:
        first = len(whole) % 3 or 3
        groups = [whole[:first]] + [whole[i : i + 3] for i in range(first, len(whole), 3)]
        whole = " ".join(groups)
    return f"{sign}{whole}{',' if dot else ''}{fraction}"


# The units the rule files give facts and parameters (in Swedish), in English. A unit not
# here is shown as written.
_UNITS_EN = {
    "år": "years",
    "månader": "months",
    "veckor": "weeks",
    "dagar": "days",
    "timmar": "hours",
    "minuter": "minutes",
    "timmar per vecka": "hours per week",
    "timmar per månad": "hours per month",
    "timmar per dygn": "hours per day",
    "dagar per månad": "days per month",
    "kronor": "kronor",
    "kr": "kronor",
    "kronor per månad": "kronor per month",
    "procent": "per cent",
}


def unit_text(unit: str | None, lang: str = "sv") -> str:
    """*unit* (as the rule file declares it, in Swedish) for a reader of *lang*:
    ``"timmar per vecka"`` in Swedish, ``"hours per week"`` in English; ``""`` for none."""
    if not unit:
        return ""
    if lang[:2].lower() == "sv":
        return unit
    return _UNITS_EN.get(unit.strip().lower(), unit)


def _type_label(value: object) -> str:
    try:
        name = type(value).__name__
    except Exception:  # a hostile metaclass
        return "object"
    return name if isinstance(name, str) and name.isidentifier() else "object"


_POWERS_OF_TEN = tuple(10**k for k in range(64))


def _out_of_range(max_magnitude: int, sv: bool) -> str:
    if sv:
        return (
            f"är utanför det tillåtna intervallet: tal ska ligga mellan -10^{max_magnitude} "
            f"och 10^{max_magnitude}"
        )
    return (
        f"is out of range: numbers must lie strictly between -10^{max_magnitude} "
        f"and 10^{max_magnitude}"
    )


def number_problem(
    value: int | Decimal,
    max_magnitude: int = MAX_MAGNITUDE,
    max_places: int = MAX_DECIMAL_PLACES,
    lang: str = "en",
) -> str | None:
    """Why *value* is not a number the library takes, or ``None`` when it is.

    A number must be finite, strictly between ±10^*max_magnitude* and have at most
    *max_places* decimal places (trailing zeros do not count). The check never builds the
    number's digits and never touches the decimal context, so ``Decimal("1e999999999")``
    and a 100,000-digit integer are refused at once. ``lang="sv"`` says why in Swedish.
    """
    sv = lang == "sv"
    if isinstance(value, int):
        limit = _POWERS_OF_TEN[max_magnitude] if 0 <= max_magnitude < 64 else 10**max_magnitude
        return None if -limit < value < limit else _out_of_range(max_magnitude, sv)
    if not value.is_finite():
        return "ska vara ett ändligt tal" if sv else "must be a finite number"
    if value.is_zero():
        return None
    if value.adjusted() >= max_magnitude:
        return _out_of_range(max_magnitude, sv)
    tup = value.as_tuple()
    exponent = tup.exponent
    assert isinstance(exponent, int)  # noqa: S101 - finite
    if exponent < -max_places and exponent + _trailing_zeros(tup.digits) < -max_places:
        return (
            f"har fler än {max_places} decimaler"
            if sv
            else f"has more than {max_places} decimal places"
        )
    return None


def _trailing_zeros(digits: tuple[int, ...]) -> int:
    n = 0
    for d in reversed(digits):
        if d:
            break
        n += 1
    return n


def parse_int(text: str) -> int:
    """An integer written with ASCII digits only (``ValueError`` otherwise, also for ``٣``)."""
    if not isinstance(text, str) or len(text) > 40 or not _ASCII_INT.match(text):
        raise ValueError(f"{safe_repr(text)} is not a whole number written with the digits 0-9")
    return int(text)


def parse_date(text: str) -> date:
    """A calendar date written ``YYYY-MM-DD`` (ISO 8601 extended, four-digit year).

    Other ISO 8601 forms Python would read (``2020-W01-1``, ``20200101``, ordinal dates,
    times) are refused with ``ValueError``, as are non-ASCII digits.
    """
    if not isinstance(text, str) or not _ISO_DATE.match(text):
        raise ValueError(f"{safe_repr(text)} is not a date written YYYY-MM-DD")
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{text!r} is not a real date") from None


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
        return parse_date(raw)
    if vtype == "number" and isinstance(raw, (str, float)):
        value = to_decimal(raw)
        problem = number_problem(value, 30, 60)  # what rules compute: see expr.compiler
        if problem is not None:
            raise ValueError(f"{safe_repr(raw)} {problem}")
        return value
    if isinstance(raw, int) and not isinstance(raw, bool) and not -(10**30) < raw < 10**30:
        raise ValueError(f"{safe_repr(raw)} is out of range")
    if isinstance(raw, (bool, int, str)):
        return raw
    raise TypeError(f"cannot read a {vtype} from {raw!r}")


def to_decimal(raw: float | str | Decimal) -> Decimal:
    """Exact decimal for a finite number; ``ValueError`` for NaN, infinity or junk.

    Text must be a plain ASCII decimal (``20.5``, ``-3``, ``1e2``): digits of other scripts
    (``٣``, ``５``), spaces and underscores are refused, and so is text longer than 100
    characters. The result is *not* range-checked: see :func:`number_problem`.
    """
    if isinstance(raw, float) and not math.isfinite(raw):
        raise ValueError("must be a finite number")
    if isinstance(raw, str) and (len(raw) > 100 or not _ASCII_NUMBER.match(raw)):
        raise ValueError(f"{safe_repr(raw)} is not a number written with the digits 0-9")
    try:
        # str() of a float is its shortest round-tripping repr: 20.01 -> Decimal("20.01").
        result = Decimal(float.__repr__(raw)) if isinstance(raw, float) else Decimal(raw)
    except InvalidOperation:
        raise ValueError(f"{safe_repr(raw)} is not a number") from None
    if not result.is_finite():
        raise ValueError("must be a finite number")
    return result


class DuplicateKeyError(ValueError):
    """A JSON object names one key twice (``key``): which value was meant cannot be told."""

    def __init__(self, key: str) -> None:
        super().__init__(f"the key {safe_repr(key)} appears twice in one object")
        self.key = key


def unique_keys(pairs: list[tuple[str, object]]) -> dict[str, object]:
    """``object_pairs_hook`` for :func:`json.loads` that refuses a key given twice
    (:class:`DuplicateKeyError`) instead of keeping the last silently."""
    out: dict[str, object] = {}
    for key, value in pairs:
        if key in out:
            raise DuplicateKeyError(key)
        out[key] = value
    return out
