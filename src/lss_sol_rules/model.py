"""The data model: frozen, slotted attrs classes for declarations and decisions.

Declarations (:class:`FactDecl`, :class:`QuestionDecl`, :class:`Parameter`) come from rule
files. Decisions (:class:`Decision` with its :class:`Reason` and :class:`ParameterUse`) are
what evaluation returns; they are immutable, JSON-serialisable with :meth:`Decision.to_dict`
and rebuilt with :meth:`Decision.from_dict`.
"""

from __future__ import annotations

import bisect
from datetime import date
from typing import Any, Literal

import attrs

from .values import Value, from_json, to_json, type_name

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
        """Inverse of :meth:`to_dict`."""
        return cls(raw["text"], raw.get("sfs"), raw.get("url"))


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
        """Inverse of :meth:`to_dict`."""
        vt, of = raw["value_type"]
        value = from_json(raw["value"], vt, of)
        assert value is not None  # noqa: S101 - parameters always have a value
        return cls(
            name=raw["name"],
            value=value,
            valid_from=date.fromisoformat(raw["valid_from"]),
            valid_to=None if raw["valid_to"] is None else date.fromisoformat(raw["valid_to"]),
            citations=tuple(Citation.from_dict(c) for c in raw["citations"]),
            layer=raw["layer"],
            label=None if raw.get("label") is None else Label(**raw["label"]),
            unit=raw.get("unit"),
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
        """Inverse of :meth:`to_dict`."""
        vt, of = raw["value_type"]
        return cls(raw["name"], from_json(raw["value"], vt, of))


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
        """Inverse of :meth:`to_dict`."""
        label = raw.get("label")
        return cls(raw["text"], raw["held"], None if label is None else Label(**label))


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
        return {"fact": self.fact, "text": {"sv": self.text.sv, "en": self.text.en},
                "rule_id": self.rule_id}

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> Assumption:
        """Inverse of :meth:`to_dict`."""
        return cls(raw["fact"], Label(**raw["text"]), raw["rule_id"])


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
        """Inverse of :meth:`to_dict`."""
        vt, of = raw["value_type"]
        return cls(
            rule_id=raw["rule_id"],
            question=raw["question"],
            outcome=raw["outcome"],
            value=from_json(raw["value"], vt, of),
            text=Label(**raw["text"]),
            conditions=tuple(ConditionResult.from_dict(c) for c in raw["conditions"]),
            inputs=tuple(Input.from_dict(i) for i in raw["inputs"]),
            parameters=tuple(raw["parameters"]),
            citations=tuple(Citation.from_dict(c) for c in raw["citations"]),
            layer=raw["layer"],
            source=raw["source"],
            default=raw.get("default", False),
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
        """Rebuild a decision from :meth:`to_dict` output."""
        vt, of = raw["value_type"]
        vl = raw.get("value_label")
        return cls(
            question=raw["question"],
            value=from_json(raw["value"], vt, of),
            status=raw["status"],
            missing=tuple(raw["missing"]),
            reasons=tuple(Reason.from_dict(r) for r in raw["reasons"]),
            considered=tuple(Reason.from_dict(r) for r in raw["considered"]),
            parameters_used=tuple(ParameterUse.from_dict(p) for p in raw["parameters_used"]),
            on=date.fromisoformat(raw["on"]),
            jurisdiction=raw["jurisdiction"],
            label=Label(**raw["label"]),
            value_label=None if vl is None else Label(**vl),
            supporting=tuple(Decision.from_dict(d) for d in raw["supporting"]),
            internal=raw.get("internal", False),
            missing_labels=tuple(Label(**m) for m in raw.get("missing_labels", ())),
            subject=None if raw.get("subject") is None else Label(**raw["subject"]),
            refusal=raw.get("refusal", False),
            assumptions=tuple(Assumption.from_dict(a) for a in raw.get("assumptions", ())),
        )


def _json_type(value: Value | None) -> tuple[str, str | None]:
    """The (type, element type) tag stored beside a JSON value so it can be read back."""
    if isinstance(value, tuple):
        return ("list", type_name(value[0]) if value else None)
    if value is None:
        return ("none", None)
    return (type_name(value), None)
