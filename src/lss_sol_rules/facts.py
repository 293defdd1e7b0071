"""Check and normalise the facts of a case against the declared fact schema.

Bad input never gives a silent answer: an unknown name, a wrong type, a number outside
its range (negative hours, more than 168 hours in a week), NaN or infinity, a date that
does not exist or lies after the evaluation date, a value outside its enum, or facts that
contradict each other (``alder`` against ``fodelsedatum``) raise :class:`FactError`.
``None`` means "not given", exactly like leaving the fact out.

What comes in is bounded before anything else looks at it (see ``docs/rule-format.md``,
"Facts"):

- numbers lie strictly between ±10^15 and have at most 20 decimal places (trailing zeros
  do not count); ``bool`` is not a number; a ``float`` is read as its shortest decimal;
- dates are :class:`datetime.date` objects or text ``YYYY-MM-DD`` — nothing else of ISO
  8601 (no ``2020-W01-1``, no ``20200101``, no times);
- texts are at most :data:`MAX_TEXT_LENGTH` characters and hold no control characters
  (but tab and newline), bidirectional controls or lone surrogates;
- subclasses of ``int``, ``float``, ``Decimal``, ``str`` and ``date`` are read as the plain
  value, so their own methods never run inside the library; any other object, and any
  exception raised while reading the facts (a mapping whose ``items()`` fails), is a
  :class:`FactError` whose message never depends on the object's ``__repr__``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from .errors import LIST_FACTS, FactError, LssSolRulesError, did_you_mean
from .model import FactDecl
from .values import (
    MAX_DECIMAL_PLACES,
    MAX_MAGNITUDE,
    Value,
    bad_character,
    format_number,
    number_problem,
    parse_date,
    safe_repr,
    to_decimal,
    unit_text,
)

__all__ = ["MAX_NAME_LENGTH", "MAX_TEXT_LENGTH", "normalise_fact", "normalise_facts"]

MAX_TEXT_LENGTH = 1000
MAX_NAME_LENGTH = 200


def _kind(raw: object) -> str:
    """The rule-language name of *raw*'s type, read from ``type()`` (never ``__class__``)."""
    t = type(raw)
    if issubclass(t, bool):
        return "bool"
    if issubclass(t, int):
        return "int"
    if issubclass(t, (Decimal, float)):
        return "number"
    if issubclass(t, str):
        return "text"
    if issubclass(t, datetime):
        return "datetime"
    if issubclass(t, date):
        return "date"
    if issubclass(t, (list, tuple, set, frozenset)):
        return "list"
    if raw is None:
        return "None"
    return "object"


def _got(raw: object) -> str:
    return f"got {_kind(raw)} {safe_repr(raw)}"


# _kind's names in words a case officer reads.
_KIND_SV = {
    "bool": "ett ja/nej-värde",
    "int": "ett heltal",
    "number": "ett tal",
    "text": "en text",
    "datetime": "en tidpunkt",
    "date": "ett datum",
    "list": "en lista",
    "None": "tomt",
    "object": "ett värde av okänt slag",
}


def _got_sv(raw: object) -> str:
    kind = _kind(raw)
    if kind == "None":
        return "men är tomt"
    return f"men är {_KIND_SV[kind]}: {_shown_sv(raw)}"


# How _shown_number words a huge integer, a huge or tiny decimal and infinity.
_NUMBER_WORDS = {
    "en": ("<an integer of about {} digits>", "<a number of the order of 10^{}>", "infinity"),
    "sv": (
        "<ett heltal med omkring {} siffror>",
        "<ett tal i storleksordningen 10^{}>",
        "oändligt",
    ),
}


def _shown_number(raw: object, lang: str) -> str | None:
    """An int or a Decimal as a *lang* text shows it, without Python's ``Decimal(...)``
    wrapper, very long numbers by their size; ``None`` for anything else."""
    huge_int, huge, infinite = _NUMBER_WORDS[lang]
    t = type(raw)
    if t is int:
        assert isinstance(raw, int)  # noqa: S101 - for mypy
        return huge_int.format(raw.bit_length() * 3 // 10) if abs(raw) >= 10**61 else str(raw)
    if t is Decimal:
        assert isinstance(raw, Decimal)  # noqa: S101 - for mypy
        if not raw.is_finite():
            return "NaN" if raw.is_nan() else (f"-{infinite}" if raw < 0 else infinite)
        if len(raw.as_tuple().digits) <= 60 and -60 < raw.adjusted() < 60:
            return str(raw)
        return huge.format(raw.adjusted())
    return None


def _shown_en(raw: object) -> str:
    """A number as an English text shows it (:func:`_shown_number`); anything else as
    :func:`safe_repr` shows it."""
    shown = _shown_number(raw, "en")
    return safe_repr(raw) if shown is None else shown


def _shown_sv(raw: object) -> str:
    """*raw* as a Swedish text shows it: ``sant``/``falskt``, numbers without Python's
    ``Decimal(...)`` wrapper, very long numbers by their length; else :func:`safe_repr`."""
    t = type(raw)
    if t is bool:
        return "sant" if raw else "falskt"
    number = _shown_number(raw, "sv")
    if number is not None:
        return number
    if t is float:
        assert isinstance(raw, float)  # noqa: S101 - for mypy
        if raw != raw:  # noqa: PLR0124 - NaN
            return "NaN"
        if raw in (float("inf"), float("-inf")):
            return "oändligt" if raw > 0 else "-oändligt"
    if t is datetime:
        assert isinstance(raw, datetime)  # noqa: S101 - for mypy
        return raw.isoformat(" ", "minutes")
    if t is date:
        assert isinstance(raw, date)  # noqa: S101 - for mypy
        return raw.isoformat()
    if t in (list, tuple, set, frozenset):
        assert isinstance(raw, (list, tuple, set, frozenset))  # noqa: S101 - for mypy
        items = [_shown_sv(x) if type(x) not in (list, tuple) else "[...]" for x in list(raw)[:5]]
        shown = "[" + ", ".join(items) + (", ...]" if len(raw) > 5 else "]")
        return shown if len(shown) <= 60 else shown[:57] + "..."
    if raw is None:
        return "tomt"
    return safe_repr(raw)


def _safe_value(raw: object) -> object:
    """What a :class:`FactError` keeps as ``value``: *raw* when it is a small plain value
    a host can print or serialise, else a short description of it."""
    if raw is None or type(raw) in (bool, date):
        return raw
    if type(raw) is int:
        return raw if -(10**30) < raw < 10**30 else safe_repr(raw)
    if isinstance(raw, float) and type(raw) is float:
        return raw if raw - raw == 0 else safe_repr(raw)  # finite
    if isinstance(raw, Decimal) and type(raw) is Decimal:
        plain = raw.is_finite() and len(raw.as_tuple().digits) <= 40 and -40 < raw.adjusted() < 40
        return raw if plain else safe_repr(raw)
    if isinstance(raw, str) and type(raw) is str:
        return raw if len(raw) <= 200 and bad_character(raw) is None else safe_repr(raw)
    return safe_repr(raw)


def _fail(decl: FactDecl, problem: str, raw: object, problem_sv: str) -> FactError:
    return FactError(decl.name, problem, _safe_value(raw), problem_sv)


def _number(decl: FactDecl, raw: object) -> int | Decimal:
    t = type(raw)
    if issubclass(t, bool) or not issubclass(t, (int, float, Decimal)):
        raise _fail(
            decl, f"must be a number, {_got(raw)}", raw, f"ska vara ett tal, {_got_sv(raw)}"
        )
    value: int | Decimal
    if isinstance(raw, int):  # type() was checked: no __class__ trickery reaches here
        value = int.__int__(raw)  # a subclass: its plain value
    else:
        assert isinstance(raw, (float, Decimal))  # noqa: S101 - checked above
        plain = float.__float__(raw) if isinstance(raw, float) else Decimal(raw)
        if plain.is_nan() if isinstance(plain, Decimal) else plain != plain:  # noqa: PLR0124
            raise _fail(decl, "must be a number, got NaN", raw, "ska vara ett tal, men är NaN")
        try:
            value = to_decimal(plain)
        except ValueError as exc:
            sv = f"ska vara ett ändligt tal, men är {_shown_sv(raw)}"
            raise _fail(decl, f"{exc}, got {_shown_en(raw)}", raw, sv) from None
    places = 400 if issubclass(t, float) else MAX_DECIMAL_PLACES  # a float is never longer
    problem = number_problem(value, MAX_MAGNITUDE, places)
    if problem is not None:
        why_sv = number_problem(value, MAX_MAGNITUDE, places, "sv")
        raise _fail(decl, f"{_shown_en(raw)} {problem}", raw, f"{_shown_sv(raw)} {why_sv}")
    if isinstance(value, Decimal):
        value = _trim(value)
        if decl.type == "int":
            if value != value.to_integral_value():
                raise _fail(
                    decl,
                    f"must be a whole number, got {_shown_en(raw)}",
                    raw,
                    f"ska vara ett heltal, men är {_shown_sv(raw)}",
                )
            return int(value)
    return value


def _trim(value: Decimal) -> Decimal:
    """*value* without trailing zeros beyond :data:`MAX_DECIMAL_PLACES` places (exact)."""
    sign, digits, exponent = value.as_tuple()
    assert isinstance(exponent, int)  # noqa: S101 - finite
    if exponent >= -MAX_DECIMAL_PLACES:
        return value
    cut = min(-MAX_DECIMAL_PLACES - exponent, len(digits) - 1)
    return Decimal((sign, digits[: len(digits) - cut], exponent + cut))


def _date(decl: FactDecl, raw: object) -> date:
    t = type(raw)
    if issubclass(t, datetime):
        raise _fail(
            decl, "must be a date without a time of day", raw, "ska vara ett datum utan klockslag"
        )
    if issubclass(t, date):
        assert isinstance(raw, date)  # noqa: S101 - type() checked
        return date.fromordinal(date.toordinal(raw))  # a subclass: its plain date
    if isinstance(raw, str) and issubclass(t, str):
        text = str.__str__(raw)
        try:
            return parse_date(text)
        except ValueError:
            if len(text) == 10 and text[4:5] == "-" and text[7:8] == "-" and text.isascii():
                raise _fail(
                    decl,
                    f"{safe_repr(text)} is not a real date",
                    raw,
                    f"{safe_repr(text)} är inte ett datum som finns i kalendern",
                ) from None
            raise _fail(
                decl,
                f"must be a date written YYYY-MM-DD (other ISO 8601 forms such as 2020-W01-1, "
                f"2020-001 or 20200101 are not accepted), got {safe_repr(text)}",
                raw,
                f"ska vara ett datum skrivet ÅÅÅÅ-MM-DD (andra skrivsätt som 2020-W01-1, "
                f"2020-001 eller 20200101 godtas inte), men är {safe_repr(text)}",
            ) from None
    raise _fail(
        decl,
        f"must be a date (YYYY-MM-DD), {_got(raw)}",
        raw,
        f"ska vara ett datum (ÅÅÅÅ-MM-DD), {_got_sv(raw)}",
    )


def _text(decl: FactDecl, raw: object, values: tuple[str, ...] | None) -> str:
    if not (issubclass(type(raw), str) and isinstance(raw, str)):
        raise _fail(decl, f"must be text, {_got(raw)}", raw, f"ska vara en text, {_got_sv(raw)}")
    text = str.__str__(raw)  # a subclass: its plain value
    if len(text) > MAX_TEXT_LENGTH:
        raise FactError(
            decl.name,
            f"is longer than {MAX_TEXT_LENGTH} characters",
            text[:40],
            f"är längre än {MAX_TEXT_LENGTH} tecken",
        )
    bad = bad_character(text)
    if bad is not None:
        raise _fail(
            decl,
            f"holds {bad}; texts may not contain control characters or invalid characters",
            text,
            f"innehåller {bad_character(text, 'sv')}; en text får inte innehålla styrtecken "
            f"eller ogiltiga tecken",
        )
    if values is not None and text not in values:
        hint, hint_sv = did_you_mean(text, values), did_you_mean(text, values, "sv")
        raise _fail(
            decl,
            f"{safe_repr(text)} is not one of {', '.join(values)}{hint}",
            text,
            f"{safe_repr(text)} är inte något av värdena {', '.join(values)}{hint_sv}",
        )
    return text


def _scalar(decl: FactDecl, vtype: str, raw: object) -> Value:
    if vtype == "bool":
        if type(raw) is not bool:
            raise _fail(
                decl,
                f"must be true or false, {_got(raw)}",
                raw,
                f"ska vara sant eller falskt (true/false), {_got_sv(raw)}",
            )
        return bool(raw)
    if vtype in ("int", "number"):
        return _number(decl, raw)
    if vtype == "date":
        return _date(decl, raw)
    return _text(decl, raw, decl.values)


def normalise_fact(decl: FactDecl, raw: object, on: date) -> Value:
    """Check one fact's value and return it in its normal form.

    Raises :class:`FactError`, also for whatever exception reading *raw* raises.
    """
    try:
        return _normalise_fact(decl, raw, on)
    except LssSolRulesError:
        raise
    except Exception as exc:  # a hostile object: its own exception must not escape
        raise FactError(
            decl.name,
            f"could not be read: reading it raised {type(exc).__name__}",
            None,
            "värdet gick inte att läsa; ge det som ett tal, en text, ett datum, sant/falskt "
            "eller en lista av sådana",
        ) from None


def _unit(unit: str | None, lang: str) -> str:
    text = unit_text(unit, lang)
    return f" {text}" if text else ""


def _out_of_range(
    decl: FactDecl, value: int | Decimal, bound: int | float | Decimal, en: str, sv: str
) -> FactError:
    # Built only when a number is refused: formatting is off the hot path.
    return _fail(
        decl,
        f"must be {en} {format_number(bound, 'en')}{_unit(decl.unit, 'en')}, "
        f"got {format_number(value, 'en')}",
        value,
        f"{sv} {format_number(bound, 'sv')}{_unit(decl.unit, 'sv')}, "
        f"men är {format_number(value, 'sv')}",
    )


def _normalise_fact(decl: FactDecl, raw: object, on: date) -> Value:
    if decl.type == "list":
        if not (
            issubclass(type(raw), (list, tuple, set, frozenset))
            and isinstance(raw, (list, tuple, set, frozenset))
        ):
            raise _fail(
                decl, f"must be a list, {_got(raw)}", raw, f"ska vara en lista, {_got_sv(raw)}"
            )
        items = {_scalar(decl, decl.of or "text", item) for item in raw}
        return tuple(sorted(items, key=lambda v: (str(type(v)), v)))
    value = _scalar(decl, decl.type, raw)
    if isinstance(value, (int, Decimal)) and not isinstance(value, bool):
        if decl.min is not None and value < decl.min:
            raise _out_of_range(decl, value, decl.min, "at least", "ska vara minst")
        if decl.max is not None and value > decl.max:
            raise _out_of_range(decl, value, decl.max, "at most", "får vara högst")
    if isinstance(value, date) and decl.past and value > on:
        label_sv = decl.label.sv[:1].lower() + decl.label.sv[1:]
        raise _fail(
            decl,
            f"{value.isoformat()} lies after the evaluation date {on.isoformat()}; a "
            f"{decl.label.en.lower()} cannot be in the future",
            value,
            f"{value.isoformat()} ligger efter prövningsdatumet {on.isoformat()}; "
            f"uppgiften {label_sv} kan inte ligga i framtiden",
        )
    return value


def _fact_name(key: object, schema: Mapping[str, FactDecl]) -> tuple[str, FactDecl]:
    """A fact name that is not a plain ``str`` known to *schema*: its declaration, or the
    :class:`FactError` that says what is wrong with it."""
    if not (issubclass(type(key), str) and isinstance(key, str)):
        raise FactError(
            safe_repr(key),
            f"fact names must be text, got {_kind(key)} {safe_repr(key)}",
            None,
            f"namnet på en uppgift ska vara en text, {_got_sv(key)}",
        )
    name = str.__str__(key)  # a str subclass: its plain text
    decl = schema.get(name) if len(name) <= MAX_NAME_LENGTH else None
    if decl is None:
        hint = did_you_mean(name, schema)
        shown = name if len(name) <= MAX_NAME_LENGTH else name[:MAX_NAME_LENGTH] + "..."
        raise FactError(
            shown,
            f"unknown fact{hint}",
            None,
            f"regelverket har ingen sådan uppgift{did_you_mean(name, schema, 'sv')}",
            hint=LIST_FACTS,
        )
    return name, decl


def normalise_facts(facts: object, schema: Mapping[str, FactDecl], on: date) -> dict[str, Value]:
    """Check every fact of a case; return a new dict of normalised values without ``None``."""
    try:
        pairs = (
            list(facts.items())
            if type(facts) is dict or isinstance(facts, Mapping)
            else None
        )
    except Exception as exc:  # a mapping whose items() raises, a hostile __class__
        raise FactError(
            "<facts>",
            f"the facts could not be read: reading them raised {type(exc).__name__}",
            None,
            "uppgifterna gick inte att läsa; ge dem som namn med värden",
        ) from None
    if pairs is None:
        raise FactError(
            "<facts>",
            f"facts must be a mapping of names to values, got {_kind(facts)}",
            None,
            f"uppgifterna ska ges som namn med värden, men är {_KIND_SV[_kind(facts)]}",
        )
    out: dict[str, Value] = {}
    for key, raw in pairs:
        if type(key) is str and key in schema:  # the common case: a known, plain name
            name, decl = key, schema[key]
        else:
            name, decl = _fact_name(key, schema)
        if raw is None:
            continue
        # The common values, already in their normal form, without the full check: a
        # bool for a bool fact, one of a text fact's declared values, a whole number
        # inside a declared range. Everything else (and every error) takes the full path.
        t = type(raw)
        kind = decl.type
        if (
            (t is bool and kind == "bool")
            or (t is str and kind == "text" and decl.values is not None and raw in decl.values)
            or (
                t is int
                and kind in ("int", "number")
                and decl.min is not None
                and decl.max is not None
                and decl.min <= raw <= decl.max
            )
        ):
            out[name] = raw
            continue
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
