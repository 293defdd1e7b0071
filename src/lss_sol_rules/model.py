"""The data model: frozen, slotted attrs classes for declarations and decisions.

Declarations (:class:`FactDecl`, :class:`QuestionDecl`, :class:`Parameter`) come from rule
files. Decisions (:class:`Decision` with its :class:`Reason` and :class:`ParameterUse`) are
what evaluation returns; they are immutable, JSON-serialisable with :meth:`Decision.to_dict`
and rebuilt with :meth:`Decision.from_dict`.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Mapping
from datetime import date
from typing import Any, Literal, TypeVar, cast

import attrs

from .values import SCALAR_TYPES, Value, from_json, is_of_type, to_json, type_name

__all__ = [
    "Assumption",
    "Citation",
    "ConditionResult",
    "Decision",
    "FactDecl",
    "Input",
    "Label",
    "Parameter",
    "ParameterUse",
    "ParameterValue",
    "QuestionDecl",
    "Reason",
    "RuleOutcome",
    "Status",
]

Status = Literal["decided", "undetermined"]
RuleOutcome = Literal["fired", "not_fired", "undetermined", "overridden"]


@attrs.frozen
class Label:
    """A text in Swedish and English."""

    sv: str
    en: str

    def get(self, lang: str) -> str:
        """The text in *lang* (``"sv"`` or ``"en"``)."""
        return self.sv if lang == "sv" else self.en


@attrs.frozen
class Citation:
    """A legal or local source: ``"LSS 9 § 2"``, ``"SFB 51 kap. 3 §"``, a seed file name.

    ``sfs`` is the amending statute that gave the cited wording, where known.
    """

    text: str
    sfs: str | None = None
    url: str | None = None

    def __str__(self) -> str:
        return self.text if self.sfs is None else f"{self.text} (SFS {self.sfs})"

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {"text": self.text, "sfs": self.sfs, "url": self.url}

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> Citation:
        """Inverse of :meth:`to_dict`; :class:`~lss_sol_rules.errors.ArgumentError` naming
        the field for data it did not write."""
        return _rebuild(cls._read, raw)

    @classmethod
    def _read(cls, raw: object) -> Citation:
        return cls(
            _field(raw, "text", _text, *_TEXT),
            _field(raw, "sfs", _optional_text, *_OPTIONAL_TEXT, default=None),
            _field(raw, "url", _optional_text, *_OPTIONAL_TEXT, default=None),
        )


@attrs.frozen
class FactDecl:
    """A fact a case can carry: its type, range or enum, unit and labels.

    ``past`` means the date cannot lie after the evaluation date (a birth date, a decision
    date). ``derive`` is an expression that computes the fact when it is not given.
    ``assumed`` is the documented stand-in the rules use when an optional fact is not given
    ("inget tillfälligt skydd"); a decision that relied on it lists it as an assumption.
    """

    name: str
    type: str
    label: Label
    of: str | None = None
    unit: str | None = None
    min: int | float | None = None
    max: int | float | None = None
    values: tuple[str, ...] | None = None
    past: bool = False
    derive: str | None = None
    source: str = ""
    value_labels: tuple[tuple[Value, Label], ...] = ()
    assumed: Label | None = None

    def value_label(self, value: Value, lang: str) -> str | None:
        """The readable label of an enum value, if the fact declares one."""
        for v, label in self.value_labels:
            if v == value:
                return label.get(lang)
        return None


@attrs.frozen
class QuestionDecl:
    """A question rules answer, with the type of its value.

    ``hit_policy`` is ``"unique"`` (one value; rules that can fire together must agree or be
    ordered by ``overrides``) or ``"collect"`` (a list of the values of every rule that fires).
    ``not_applicable`` says, when no rule applies to a case, why the law gives no answer
    ("LSS 10 § gäller bara insatser enligt LSS"): evaluation then raises
    :class:`~lss_sol_rules.errors.NotApplicableError` with that text.
    """

    name: str
    type: str
    label: Label
    of: str | None = None
    values: tuple[Value, ...] | None = None
    hit_policy: str = "unique"
    value_labels: tuple[tuple[Value, Label], ...] = ()
    internal: bool = False
    source: str = ""
    refusal: tuple[Value, ...] = ()
    subject: str | None = None
    not_applicable: Label | None = None

    def value_label(self, value: Value, lang: str) -> str | None:
        """The readable label of an enum value, if the question declares one."""
        for v, label in self.value_labels:
            if v == value:
                return label.get(lang)
        return None


@attrs.frozen
class ParameterValue:
    """One dated value of a parameter: in force from ``valid_from`` through ``valid_to``."""

    value: Value
    valid_from: date
    valid_to: date | None
    citations: tuple[Citation, ...]

    def in_force(self, on: date) -> bool:
        """Whether this value applies on *on*."""
        return self.valid_from <= on and (self.valid_to is None or on <= self.valid_to)


@attrs.frozen
class Parameter:
    """A named, dated, cited number or list a rule reads (the 20-hour line, an age limit).

    ``values`` are sorted by ``valid_from`` and never overlap; gaps mean "not in force".
    """

    name: str
    type: str
    label: Label
    values: tuple[ParameterValue, ...]
    of: str | None = None
    unit: str | None = None
    layer: str = "national"
    jurisdiction: str = "se"
    source: str = ""
    adopted: bool = False  # from a rule file adopted by its jurisdiction (RuleSource.adopt)
    _starts: tuple[date, ...] = attrs.field(init=False, repr=False, eq=False)

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "_starts", tuple(v.valid_from for v in self.values))

    def value_at(self, on: date) -> ParameterValue | None:
        """The value in force on *on*, or ``None``."""
        i = bisect.bisect_right(self._starts, on) - 1
        if i < 0:
            return None
        candidate = self.values[i]
        return candidate if candidate.in_force(on) else None

    def change_dates(self) -> tuple[date, ...]:
        """Every date on which this parameter's value starts or stops applying."""
        out: set[date] = set()
        for v in self.values:
            out.add(v.valid_from)
            if v.valid_to is not None:
                out.add(date.fromordinal(v.valid_to.toordinal() + 1))
        return tuple(sorted(out))


@attrs.frozen
class ParameterUse:
    """A parameter value a decision read, with its effective dates and sources."""

    name: str
    value: Value
    valid_from: date
    valid_to: date | None
    citations: tuple[Citation, ...]
    layer: str = "national"
    label: Label | None = None
    unit: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "name": self.name,
            "unit": self.unit,
            "value": to_json(self.value),
            "value_type": _json_type(self.value),
            "valid_from": self.valid_from.isoformat(),
            "valid_to": None if self.valid_to is None else self.valid_to.isoformat(),
            "citations": [c.to_dict() for c in self.citations],
            "layer": self.layer,
            "label": None if self.label is None else {"sv": self.label.sv, "en": self.label.en},
        }

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> ParameterUse:
        """Inverse of :meth:`to_dict`; :class:`~lss_sol_rules.errors.ArgumentError` naming
        the field for data it did not write."""
        return _rebuild(cls._read, raw)

    @classmethod
    def _read(cls, raw: object) -> ParameterUse:
        value = _typed_value(raw, allow_none=False)
        assert value is not None  # noqa: S101 - _typed_value refuses null here
        return cls(
            name=_field(raw, "name", _text, *_TEXT),
            value=value,
            valid_from=_field(raw, "valid_from", _iso_date, *_DATE),
            valid_to=_field(raw, "valid_to", _optional_date, *_OPTIONAL_DATE),
            citations=_field(raw, "citations", _list(Citation._read), *_OBJECTS),
            layer=_field(raw, "layer", _text, *_TEXT),
            label=_field(raw, "label", _optional_label, *_OPTIONAL_LABEL, default=None),
            unit=_field(raw, "unit", _optional_text, *_OPTIONAL_TEXT, default=None),
        )


@attrs.frozen
class Input:
    """A fact a rule read, with the value it had (``None``: not given)."""

    name: str
    value: Value | None

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "name": self.name,
            "value": to_json(self.value),
            "value_type": _json_type(self.value),
        }

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> Input:
        """Inverse of :meth:`to_dict`; :class:`~lss_sol_rules.errors.ArgumentError` naming
        the field for data it did not write."""
        return _rebuild(cls._read, raw)

    @classmethod
    def _read(cls, raw: object) -> Input:
        return cls(_field(raw, "name", _text, *_TEXT), _typed_value(raw))


@attrs.frozen
class ConditionResult:
    """One condition of a rule and whether it held (``None``: could not be decided)."""

    text: str
    held: bool | None
    label: Label | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "text": self.text,
            "held": self.held,
            "label": None if self.label is None else {"sv": self.label.sv, "en": self.label.en},
        }

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> ConditionResult:
        """Inverse of :meth:`to_dict`; :class:`~lss_sol_rules.errors.ArgumentError` naming
        the field for data it did not write."""
        return _rebuild(cls._read, raw)

    @classmethod
    def _read(cls, raw: object) -> ConditionResult:
        return cls(
            _field(raw, "text", _text, *_TEXT),
            _field(raw, "held", _optional_bool, *_OPTIONAL_BOOL),
            _field(raw, "label", _optional_label, *_OPTIONAL_LABEL, default=None),
        )


@attrs.frozen
class Assumption:
    """An optional fact the case did not give, read as its documented stand-in.

    ``text`` says what was assumed ("Antaget: inget uppehållstillstånd med tillfälligt
    skydd"); ``rule_id`` is the rule that read it. A case officer who knows otherwise
    gives the fact and asks again.
    """

    fact: str
    text: Label
    rule_id: str

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "fact": self.fact,
            "text": {"sv": self.text.sv, "en": self.text.en},
            "rule_id": self.rule_id,
        }

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> Assumption:
        """Inverse of :meth:`to_dict`; :class:`~lss_sol_rules.errors.ArgumentError` naming
        the field for data it did not write."""
        return _rebuild(cls._read, raw)

    @classmethod
    def _read(cls, raw: object) -> Assumption:
        return cls(
            _field(raw, "fact", _text, *_TEXT),
            _field(raw, "text", _label, *_LABEL),
            _field(raw, "rule_id", _text, *_TEXT),
        )


@attrs.frozen
class Reason:
    """What one rule contributed to a decision, and why.

    ``outcome`` is ``"fired"`` (its condition held and it gave ``value``), ``"not_fired"``,
    ``"undetermined"`` (its condition needs facts not given) or ``"overridden"`` (it held but
    a more specific rule took precedence). ``text`` is the rule's explanation rendered with
    the case's facts and the parameters in force.
    """

    rule_id: str
    question: str
    outcome: RuleOutcome
    value: Value | None
    text: Label
    conditions: tuple[ConditionResult, ...]
    inputs: tuple[Input, ...]
    parameters: tuple[str, ...]
    citations: tuple[Citation, ...]
    layer: str = "national"
    source: str = ""
    default: bool = False

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "default": self.default,
            "rule_id": self.rule_id,
            "question": self.question,
            "outcome": self.outcome,
            "value": to_json(self.value),
            "value_type": _json_type(self.value),
            "text": {"sv": self.text.sv, "en": self.text.en},
            "conditions": [c.to_dict() for c in self.conditions],
            "inputs": [i.to_dict() for i in self.inputs],
            "parameters": list(self.parameters),
            "citations": [c.to_dict() for c in self.citations],
            "layer": self.layer,
            "source": self.source,
        }

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> Reason:
        """Inverse of :meth:`to_dict`; :class:`~lss_sol_rules.errors.ArgumentError` naming
        the field for data it did not write."""
        return _rebuild(cls._read, raw)

    @classmethod
    def _read(cls, raw: object) -> Reason:
        return cls(
            rule_id=_field(raw, "rule_id", _text, *_TEXT),
            question=_field(raw, "question", _text, *_TEXT),
            outcome=_field(raw, "outcome", _one_of(_OUTCOMES), *_OUTCOME),
            value=_typed_value(raw),
            text=_field(raw, "text", _label, *_LABEL),
            conditions=_field(raw, "conditions", _list(ConditionResult._read), *_OBJECTS),
            inputs=_field(raw, "inputs", _list(Input._read), *_OBJECTS),
            parameters=_field(raw, "parameters", _list(_text), *_TEXTS),
            citations=_field(raw, "citations", _list(Citation._read), *_OBJECTS),
            layer=_field(raw, "layer", _text, *_TEXT),
            source=_field(raw, "source", _text, *_TEXT),
            default=_field(raw, "default", _bool, *_BOOL, default=False),
        )


@attrs.frozen
class Decision:
    """The answer to one question for one case on one date, with everything behind it.

    ``value`` is ``None`` exactly when ``status == "undetermined"``; then ``missing``
    names the facts whose values are needed. ``reasons`` are the rules that fired;
    ``considered`` the rules in force that did not (with which of their conditions held);
    ``supporting`` the decisions on other questions this one was built on.
    ``assumptions`` lists every optional fact not given that a rule read as its documented
    stand-in (here and in the supporting decisions), so nothing is assumed silently.
    """

    question: str
    value: Value | None
    status: Status
    missing: tuple[str, ...]
    reasons: tuple[Reason, ...]
    considered: tuple[Reason, ...]
    parameters_used: tuple[ParameterUse, ...]
    on: date
    jurisdiction: str
    label: Label
    value_label: Label | None = None
    supporting: tuple[Decision, ...] = ()
    internal: bool = False
    missing_labels: tuple[Label, ...] = ()
    subject: Label | None = None
    refusal: bool = False
    assumptions: tuple[Assumption, ...] = ()

    @property
    def decided(self) -> bool:
        """``True`` when the decision has a value."""
        return self.status == "decided"

    @property
    def citations(self) -> tuple[Citation, ...]:
        """The sources of every rule that fired and every parameter read, without repeats."""
        seen: dict[Citation, None] = {}
        for reason in self.reasons:
            for c in reason.citations:
                seen.setdefault(c)
        for p in self.parameters_used:
            for c in p.citations:
                seen.setdefault(c)
        return tuple(seen)

    def explain(self, lang: str = "sv", style: str = "text") -> str:
        """Render the decision and its reasons as readable text in ``"sv"`` or ``"en"``."""
        from .explain import render  # noqa: PLC0415 - explain imports model

        return render(self, lang=lang, style=style)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-serialisable dict; :meth:`from_dict` rebuilds an equal decision."""
        return {
            "question": self.question,
            "value": to_json(self.value),
            "value_type": _json_type(self.value),
            "status": self.status,
            "missing": list(self.missing),
            "reasons": [r.to_dict() for r in self.reasons],
            "considered": [r.to_dict() for r in self.considered],
            "parameters_used": [p.to_dict() for p in self.parameters_used],
            "on": self.on.isoformat(),
            "jurisdiction": self.jurisdiction,
            "label": {"sv": self.label.sv, "en": self.label.en},
            "value_label": None
            if self.value_label is None
            else {"sv": self.value_label.sv, "en": self.value_label.en},
            "supporting": [d.to_dict() for d in self.supporting],
            "internal": self.internal,
            "missing_labels": [{"sv": m.sv, "en": m.en} for m in self.missing_labels],
            "subject": None
            if self.subject is None
            else {"sv": self.subject.sv, "en": self.subject.en},
            "refusal": self.refusal,
            "assumptions": [a.to_dict() for a in self.assumptions],
        }

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> Decision:
        """Rebuild a decision from :meth:`to_dict` output (a stored decision's JSON).

        :raises ~lss_sol_rules.errors.ArgumentError: data :meth:`to_dict` did not write (a
            field missing, of the wrong type, a bad date or value); the message names the
            field (``raw['reasons'][0]['value']``) in Swedish and English.
        """
        return _rebuild(cls._read, raw)

    @classmethod
    def _read(cls, raw: object) -> Decision:
        return cls(
            question=_field(raw, "question", _text, *_TEXT),
            value=_typed_value(raw),
            status=_field(raw, "status", _one_of(_STATUSES), *_STATUS),
            missing=_field(raw, "missing", _list(_text), *_TEXTS),
            reasons=_field(raw, "reasons", _list(Reason._read), *_OBJECTS),
            considered=_field(raw, "considered", _list(Reason._read), *_OBJECTS),
            parameters_used=_field(raw, "parameters_used", _list(ParameterUse._read), *_OBJECTS),
            on=_field(raw, "on", _iso_date, *_DATE),
            jurisdiction=_field(raw, "jurisdiction", _text, *_TEXT),
            label=_field(raw, "label", _label, *_LABEL),
            value_label=_field(raw, "value_label", _optional_label, *_OPTIONAL_LABEL, default=None),
            supporting=_field(raw, "supporting", _list(Decision._read), *_OBJECTS),
            internal=_field(raw, "internal", _bool, *_BOOL, default=False),
            missing_labels=_field(raw, "missing_labels", _list(_label), *_LABELS, default=()),
            subject=_field(raw, "subject", _optional_label, *_OPTIONAL_LABEL, default=None),
            refusal=_field(raw, "refusal", _bool, *_BOOL, default=False),
            assumptions=_field(raw, "assumptions", _list(Assumption._read), *_OBJECTS, default=()),
        )


def _json_type(value: Value | None) -> tuple[str, str | None]:
    """The (type, element type) tag stored beside a JSON value so it can be read back."""
    if isinstance(value, tuple):
        return ("list", type_name(value[0]) if value else None)
    if value is None:
        return ("none", None)
    return (type_name(value), None)


# -- reading a stored decision back (from_dict) ----------------------------------------------
_T = TypeVar("_T")
_MISSING: Any = object()


class _Refused(Exception):
    """A reader's signal that a value is not what :meth:`Decision.to_dict` writes there;
    :func:`_field` turns it into a :class:`_BadField` naming the field."""


class _BadField(Exception):
    """A field :meth:`Decision.from_dict` cannot read: its path below the dict given, what
    it must be (English, Swedish) and what it is."""

    def __init__(self, path: tuple[str | int, ...], en: str, sv: str, got: object) -> None:
        super().__init__(path, en, sv, got)
        self.path, self.en, self.sv, self.got = path, en, sv, got

    def under(self, step: str | int) -> _BadField:
        return _BadField((step, *self.path), self.en, self.sv, self.got)


def _rebuild(read: Callable[[object], _T], raw: object) -> _T:
    """``read(raw)``, with a field it cannot read as the library's ArgumentError naming the
    field (``raw['reasons'][0]['value']``) in both languages."""
    from .errors import ArgumentError  # noqa: PLC0415 - errors imports values, not model

    try:
        return read(raw)
    except _BadField as bad:
        where = "raw" + "".join(f"[{step!r}]" for step in bad.path)
        raise ArgumentError(where, bad.en, bad.got, bad.sv) from None
    except RecursionError:
        raise ArgumentError(
            "raw",
            "a decision as Decision.to_dict writes it (its supporting decisions nest too "
            "deep to read)",
            raw,
            "ett beslut som Decision.to_dict skriver det (dess underliggande beslut är för "
            "djupt inbäddade för att läsas)",
        ) from None


def _field(
    raw: object,
    key: str,
    read: Callable[[Any], _T],
    en: str,
    sv: str,
    default: Any = _MISSING,
) -> _T:
    """``read(raw[key])``; a missing key (without *default*) or a value *read* refuses is a
    :class:`_BadField` saying it must be *en* / *sv*."""
    if not isinstance(raw, Mapping):
        raise _BadField((), "a dict (a JSON object)", "en ordbok (ett JSON-objekt)", raw)
    if key not in raw:
        if default is _MISSING:
            raise _BadField(
                (), f"a dict with the key {key!r}", f"en ordbok med nyckeln {key!r}", raw
            )
        return cast("_T", default)
    value = raw[key]
    try:
        return read(value)
    except _BadField as bad:
        raise bad.under(key) from None
    except (_Refused, ValueError, TypeError, OverflowError):
        # _Refused from the readers here; ValueError/TypeError/OverflowError from
        # values.from_json and values.parse_date, whose signals every caller words itself.
        raise _BadField((key,), en, sv, value) from None


def _list(read: Callable[[Any], _T]) -> Callable[[Any], tuple[_T, ...]]:
    """A reader of a JSON list whose items *read* reads; an item it refuses is named by its
    index."""

    def read_list(value: object) -> tuple[_T, ...]:
        if not isinstance(value, (list, tuple)):  # a list in JSON, to_dict's own tuples
            raise _Refused
        out = []
        for i, item in enumerate(value):
            try:
                out.append(read(item))
            except _BadField as bad:
                raise bad.under(i) from None
            except (_Refused, ValueError, TypeError, OverflowError):
                raise _BadField((i,), *_ITEM.get(read, _ITEM_ANY), item) from None
        return tuple(out)

    return read_list


def _text(value: object) -> str:
    if type(value) is not str:
        raise _Refused
    return value


def _optional_text(value: object) -> str | None:
    return None if value is None else _text(value)


def _bool(value: object) -> bool:
    if type(value) is not bool:
        raise _Refused
    return value


def _optional_bool(value: object) -> bool | None:
    return None if value is None else _bool(value)


def _iso_date(value: object) -> date:
    from .values import parse_date  # noqa: PLC0415 - the strict YYYY-MM-DD reader

    if type(value) is not str:
        raise _Refused
    return parse_date(value)


def _optional_date(value: object) -> date | None:
    return None if value is None else _iso_date(value)


def _label(value: object) -> Label:
    return Label(_field(value, "sv", _text, *_TEXT), _field(value, "en", _text, *_TEXT))


def _optional_label(value: object) -> Label | None:
    return None if value is None else _label(value)


def _one_of(allowed: tuple[str, ...]) -> Callable[[object], Any]:
    def read(value: object) -> str:
        if type(value) is not str or value not in allowed:
            raise _Refused
        return value

    return read


_VALUE_TYPES = ("bool", "int", "number", "text", "date", "list", "none")
_STATUSES: tuple[str, ...] = ("decided", "undetermined")
_OUTCOMES: tuple[str, ...] = ("fired", "not_fired", "undetermined", "overridden")
# What a field must be, in English and Swedish.
_TEXT = ("a text (str)", "en text (str)")
_OPTIONAL_TEXT = ("a text (str) or null", "en text (str) eller null")
_BOOL = ("true or false", "true eller false")
_OPTIONAL_BOOL = ("true, false or null", "true, false eller null")
_DATE = ("a date written YYYY-MM-DD", "ett datum skrivet ÅÅÅÅ-MM-DD")
_OPTIONAL_DATE = ("a date written YYYY-MM-DD or null", "ett datum skrivet ÅÅÅÅ-MM-DD eller null")
_LABEL = (
    'a text in both languages ({"sv": ..., "en": ...})',
    'en text på båda språken ({"sv": ..., "en": ...})',
)
_OPTIONAL_LABEL = (_LABEL[0] + " or null", _LABEL[1] + " eller null")
_OBJECTS = ("a list (a JSON array)", "en lista (en JSON-array)")
_TEXTS = ("a list of texts", "en lista med texter")
_LABELS = ("a list of texts in both languages", "en lista med texter på båda språken")
_STATUS = ("'decided' or 'undetermined'", "'decided' eller 'undetermined'")
_OUTCOME = (
    "'fired', 'not_fired', 'undetermined' or 'overridden'",
    "'fired', 'not_fired', 'undetermined' eller 'overridden'",
)
_VALUE_TYPE = (
    "a pair [type, element type] as to_dict writes it (type one of "
    + ", ".join(_VALUE_TYPES)
    + ")",
    "ett par [typ, elementtyp] som to_dict skriver det (typen en av "
    + ", ".join(_VALUE_TYPES)
    + ")",
)
_ITEM: dict[Callable[[Any], Any], tuple[str, str]] = {_text: _TEXT, _label: _LABEL}
_ITEM_ANY = ("an item as to_dict writes it", "ett element som to_dict skriver det")
_VALUE_EN = {
    "bool": "true or false",
    "int": "a whole number",
    "number": "a number (a whole number, or a decimal written as text)",
    "text": "a text",
    "date": "a date written YYYY-MM-DD",
    "none": "null",
}
_VALUE_SV = {
    "bool": "true eller false",
    "int": "ett heltal",
    "number": "ett tal (ett heltal, eller ett decimaltal skrivet som text)",
    "text": "en text",
    "date": "ett datum skrivet ÅÅÅÅ-MM-DD",
    "none": "null",
}


def _value_type(value: object) -> tuple[str, str | None]:
    if not isinstance(value, (list, tuple)) or len(value) != 2:
        raise _Refused
    vt, of = value
    if vt not in _VALUE_TYPES or not (of is None or (vt == "list" and of in SCALAR_TYPES)):
        raise _Refused
    return vt, of


def _typed_value(raw: object, allow_none: bool = True) -> Value | None:
    """The ``value`` field read as its ``value_type`` says (both fields of *raw*)."""
    vt, of = _field(raw, "value_type", _value_type, *_VALUE_TYPE)
    if vt == "list":
        item_en, item_sv = _VALUE_EN.get(of or "text", "?"), _VALUE_SV.get(of or "text", "?")
        en, sv = f"a list, each item {item_en}", f"en lista där varje element är {item_sv}"
    else:
        en, sv = _VALUE_EN[vt], _VALUE_SV[vt]
    if not allow_none:
        en, sv = (
            f"{en} (a parameter always has a value)",
            f"{sv} (en parameter har alltid ett värde)",
        )

    def read(value: object) -> Value | None:
        if value is None:
            if vt == "none" and allow_none:
                return None
            raise _Refused
        if vt == "none":
            raise _Refused
        got = from_json(value, vt, of)
        if got is None or not is_of_type(got, vt, of):
            raise _Refused
        return got

    return _field(raw, "value", read, en, sv)
