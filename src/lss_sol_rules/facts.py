"""Check and normalise the facts of a case against the declared fact schema.

Bad input never gives a silent answer: an unknown name, a wrong type, a number outside
its range (negative hours, more than 168 hours in a week), NaN or infinity, a date that
does not exist or lies after the evaluation date, a value outside its enum, or facts that
contradict each other (``alder`` against ``fodelsedatum``) raise :class:`FactError`.
``None`` means "not given", exactly like leaving the fact out.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from .errors import FactError, did_you_mean
from .model import FactDecl
from .values import Value, to_decimal, type_name

__all__ = ["MAX_TEXT_LENGTH", "normalise_fact", "normalise_facts"]

MAX_TEXT_LENGTH = 1000


def _number(decl: FactDecl, raw: object) -> int | Decimal:
    if isinstance(raw, bool) or not isinstance(raw, (int, float, Decimal)):
        raise FactError(decl.name, f"must be a number, got {type_name(raw)} {_show(raw)}", raw)
    if isinstance(raw, int):
        return raw
    try:
        value = to_decimal(raw)
    except ValueError as exc:
        raise FactError(decl.name, f"{exc}, got {raw!r}", raw) from None
    if decl.type == "int":
        if value != value.to_integral_value():
            raise FactError(decl.name, f"must be a whole number, got {raw!r}", raw)
        return int(value)
    return value


def _show(raw: object) -> str:
    text = repr(raw)
    return text if len(text) <= 60 else text[:57] + "..."


def _date(decl: FactDecl, raw: object) -> date:
    if isinstance(raw, datetime):
        raise FactError(decl.name, "must be a date without a time of day", raw)
    if isinstance(raw, date):
        return raw
    if isinstance(raw, str) and len(raw) == 10:
        try:
            return date.fromisoformat(raw)
        except ValueError:
            raise FactError(decl.name, f"{raw!r} is not a real date", raw) from None
    raise FactError(
        decl.name, f"must be a date (YYYY-MM-DD), got {type_name(raw)} {_show(raw)}", raw
    )


def _text(decl: FactDecl, raw: object, values: tuple[str, ...] | None) -> str:
    if not isinstance(raw, str):
        raise FactError(decl.name, f"must be text, got {type_name(raw)} {_show(raw)}", raw)
    if len(raw) > MAX_TEXT_LENGTH:
        raise FactError(decl.name, f"is longer than {MAX_TEXT_LENGTH} characters", raw[:40])
    if values is not None and raw not in values:
        hint = did_you_mean(raw, values)
        raise FactError(
            decl.name,
            f"{_show(raw)} is not one of {', '.join(values)}{hint}",
            raw,
        )
    return raw


def _scalar(decl: FactDecl, vtype: str, raw: object) -> Value:
    if vtype == "bool":
        if not isinstance(raw, bool):
            raise FactError(
                decl.name, f"must be true or false, got {type_name(raw)} {_show(raw)}", raw
            )
        return raw
    if vtype in ("int", "number"):
        return _number(decl, raw)
    if vtype == "date":
        return _date(decl, raw)
    return _text(decl, raw, decl.values)


def normalise_fact(decl: FactDecl, raw: object, on: date) -> Value:
    """Check one fact's value and return it in its normal form."""
    if decl.type == "list":
        if isinstance(raw, (str, bytes)) or not isinstance(raw, (list, tuple, set, frozenset)):
            raise FactError(decl.name, f"must be a list, got {type_name(raw)} {_show(raw)}", raw)
        items = {_scalar(decl, decl.of or "text", item) for item in raw}
        return tuple(sorted(items, key=lambda v: (str(type(v)), v)))
    value = _scalar(decl, decl.type, raw)
    if isinstance(value, (int, Decimal)) and not isinstance(value, bool):
        unit = f" {decl.unit}" if decl.unit else ""
        if decl.min is not None and value < decl.min:
            raise FactError(decl.name, f"must be at least {decl.min}{unit}, got {raw}", raw)
        if decl.max is not None and value > decl.max:
            raise FactError(decl.name, f"must be at most {decl.max}{unit}, got {raw}", raw)
    if isinstance(value, date) and decl.past and value > on:
        raise FactError(
            decl.name,
            f"{value.isoformat()} lies after the evaluation date {on.isoformat()}; a "
            f"{decl.label.en.lower()} cannot be in the future",
            raw,
        )
    return value


def normalise_facts(facts: object, schema: Mapping[str, FactDecl], on: date) -> dict[str, Value]:
    """Check every fact of a case; return a new dict of normalised values without ``None``."""
    if not isinstance(facts, Mapping):
        raise FactError(
            "<facts>", f"facts must be a mapping of names to values, got {type_name(facts)}", None
        )
    out: dict[str, Value] = {}
    for name, raw in facts.items():
        if not isinstance(name, str):
            raise FactError(str(name), "fact names must be text", None)
        decl = schema.get(name)
        if decl is None:
            hint = did_you_mean(name, schema)
            raise FactError(name, f"unknown fact{hint}; `lss-sol-rules facts` lists them", None)
        if raw is None:
            continue
        if isinstance(raw, float) and math.isnan(raw):
            raise FactError(name, "must be a number, got NaN", raw)
        out[name] = normalise_fact(decl, raw, on)
    return out


def describe_type(decl: FactDecl) -> dict[str, Any]:
    """A JSON-ready description of a fact declaration, for ``facts`` listings."""
    return {
        "name": decl.name,
        "type": decl.type,
        "of": decl.of,
        "unit": decl.unit,
        "min": None if decl.min is None else str(decl.min),
        "max": None if decl.max is None else str(decl.max),
        "values": list(decl.values) if decl.values else None,
        "label": {"sv": decl.label.sv, "en": decl.label.en},
        "derived_from": decl.derive,
    }
