"""Render decisions and rule explanation templates as Swedish or English text.

Templates in rule files name facts, parameters and questions in braces —
``"{grundlaggande_behov_timmar_per_vecka} timmar per vecka"`` — plus ``{value}`` (the
rule's answer) and ``{on}`` (the evaluation date). Only plain names are substituted; there
is no attribute access, indexing or format specification, so a template cannot reach
anything but the values of the case. Numbers use a decimal comma in Swedish.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from .values import Value

if TYPE_CHECKING:
    from .model import Decision, ParameterUse, Reason

__all__ = ["format_value", "render", "render_template"]

_PLACEHOLDER = re.compile(r"\{\{|\}\}|\{([^{}]*)\}")

_WORDS = {
    "sv": {
        "question": "Fråga",
        "answer": "Svar",
        "on": "Bedömningsdatum",
        "jurisdiction": "Regelverk",
        "undetermined": "Kan inte avgöras ännu",
        "missing": "Uppgifter som behövs",
        "reasons": "Skäl",
        "considered": "Regler som prövades men inte ledde till svaret",
        "parameters": "Gränsvärden som använts",
        "sources": "Källor",
        "based_on": "Bygger på",
        "true": "ja",
        "false": "nej",
        "unknown": "okänt",
        "valid": "gäller från",
        "to": "till",
        "none": "inga",
        "held": "uppfyllt",
        "not_held": "inte uppfyllt",
        "unknown_held": "kan inte bedömas",
        "overridden": "åsidosatt av en mer specifik regel",
        "not_fired": "tillämpas inte",
        "undetermined_rule": "kan inte prövas ännu",
        "layer": "nivå",
    },
    "en": {
        "question": "Question",
        "answer": "Answer",
        "on": "Assessed as of",
        "jurisdiction": "Jurisdiction",
        "undetermined": "Cannot be decided yet",
        "missing": "Facts needed",
        "reasons": "Reasons",
        "considered": "Rules considered that did not give the answer",
        "parameters": "Thresholds applied",
        "sources": "Sources",
        "based_on": "Based on",
        "true": "yes",
        "false": "no",
        "unknown": "unknown",
        "valid": "in force from",
        "to": "to",
        "none": "none",
        "held": "met",
        "not_held": "not met",
        "unknown_held": "cannot be assessed",
        "overridden": "set aside by a more specific rule",
        "not_fired": "does not apply",
        "undetermined_rule": "cannot be tried yet",
        "layer": "layer",
    },
}


def _check_lang(lang: str) -> dict[str, str]:
    words = _WORDS.get(lang)
    if words is None:
        raise ValueError(f"lang must be 'sv' or 'en', got {lang!r}")
    return words


def format_value(value: Value | None, lang: str) -> str:
    """A value as a reader would write it: ``20,5`` in Swedish, ``ja``/``yes``, ISO dates."""
    words = _check_lang(lang)
    if value is None:
        return words["unknown"]
    if isinstance(value, bool):
        return words["true" if value else "false"]
    if isinstance(value, Decimal):
        text = format(value.normalize(), "f") if value == value.to_integral_value() else str(value)
        if "E" in text or "e" in text:
            text = format(value, "f")
        return text.replace(".", ",") if lang == "sv" else text
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple):
        if not value:
            return words["none"]
        return ", ".join(format_value(v, lang) for v in value)
    return str(value)


def render_template(
    template: str, lookup: Callable[[str], Value | None], lang: str, book: object = None
) -> str:
    """Substitute ``{name}`` placeholders with formatted values from *lookup*."""

    def sub(m: re.Match[str]) -> str:
        token = m.group(0)
        if token == "{{":
            return "{"
        if token == "}}":
            return "}"
        name = m.group(1)
        value = lookup(name)
        if isinstance(value, str) and book is not None:
            label = _enum_label(book, name, value, lang)
            if label:
                return label
        return format_value(value, lang)

    return _PLACEHOLDER.sub(sub, template)


def _enum_label(book: object, name: str, value: str, lang: str) -> str | None:
    questions = getattr(book, "questions", {})
    q = questions.get(name)
    if q is None:
        return None
    label: str | None = q.value_label(value, lang)
    return label


def _answer(decision: Decision, lang: str) -> str:
    if decision.value_label is not None:
        return decision.value_label.get(lang)
    return format_value(decision.value, lang)


def _condition_lines(reason: Reason, lang: str, words: dict[str, str]) -> list[str]:
    out = []
    for c in reason.conditions:
        mark = {True: "✓", False: "✗", None: "?"}[c.held]
        state = {True: words["held"], False: words["not_held"], None: words["unknown_held"]}[c.held]
        text = c.label.get(lang) if c.label else c.text
        out.append(f"      {mark} {text} ({state})")
    return out


def _worth_listing(reason: Reason, decision: Decision) -> bool:
    """Whether a rule that did not give the answer says something to the reader.

    Listed: rules that would have given another answer (their unmet conditions say why
    not) and rules still waiting for facts. Left out: rules set aside by a more specific
    rule (that rule is shown), rules that would have given the same answer anyway, and
    rules that only read other questions, whose own decisions are rendered below.
    """
    if reason.outcome == "overridden":
        return False
    if reason.outcome == "not_fired" and decision.decided and reason.value == decision.value:
        return False
    return not (_reads_only_questions(reason) and reason.outcome == "not_fired")


def _layer(layer: str, words: dict[str, str]) -> str:
    """`` (layer: stockholm)`` for rules and parameters that are not national law."""
    return "" if layer == "national" else f" ({words['layer']}: {layer})"


def _reads_only_questions(reason: Reason) -> bool:
    """A rule whose conditions only name other questions (their decisions say why)."""
    return (
        bool(reason.conditions)
        and not reason.inputs
        and all(c.label is None for c in reason.conditions)
    )


def _flatten(
    decision: Decision, seen: set[str]
) -> tuple[list[Reason], list[Reason], list[ParameterUse], list[Decision]]:
    """Reasons of *decision* with those of its internal helper questions folded in.

    Helper questions (``internal = true``, such as each personkrets) are steps of one
    assessment: their reasons read as part of the parent's motivation. Public questions it
    builds on are returned separately and rendered as their own blocks.
    """
    helpers = [d for d in decision.supporting if d.internal and d.question not in seen]
    reasons = [r for r in decision.reasons if not (helpers and _reads_only_questions(r))]
    considered = [r for r in decision.considered if _worth_listing(r, decision)]
    params = list(decision.parameters_used)
    others = [d for d in decision.supporting if not d.internal and d.question not in seen]
    for sub in helpers:
        seen.add(sub.question)
        r, c, p, o = _flatten(sub, seen)
        reasons.extend(r)
        considered.extend(c)
        params.extend(x for x in p if x not in params)
        others.extend(x for x in o if x not in others)
    return reasons, considered, params, others


def _render(decision: Decision, lang: str, depth: int, seen: set[str]) -> list[str]:
    words = _check_lang(lang)
    pad = "  " * depth
    lines = [f"{pad}{words['question']}: {decision.label.get(lang)} ({decision.question})"]
    if decision.decided:
        lines.append(f"{pad}{words['answer']}: {_answer(decision, lang)}")
    else:
        lines.append(f"{pad}{words['answer']}: {words['undetermined']}")
        lines.append(f"{pad}{words['missing']}: {', '.join(decision.missing)}")
    if depth == 0:
        lines.append(
            f"{pad}{words['on']}: {decision.on.isoformat()}  "
            f"({words['jurisdiction']}: {decision.jurisdiction})"
        )
    reasons, considered, params, others = _flatten(decision, seen)
    if reasons:
        lines.append(f"{pad}{words['reasons']}:")
        for r in reasons:
            cites = "; ".join(str(c) for c in r.citations)
            lines.append(f"{pad}  - {r.text.get(lang)} [{cites}]{_layer(r.layer, words)}")
            if len(r.conditions) > 1:
                lines.extend(pad + line for line in _condition_lines(r, lang, words))
    if considered:
        lines.append(f"{pad}{words['considered']}:")
        for r in considered:
            state = {
                "overridden": words["overridden"],
                "not_fired": words["not_fired"],
                "undetermined": words["undetermined_rule"],
            }.get(r.outcome, r.outcome)
            cites = "; ".join(str(c) for c in r.citations)
            lines.append(f"{pad}  - {r.text.get(lang)}: {state} [{cites}]")
            lines.extend(pad + line for line in _condition_lines(r, lang, words))
    if params:
        lines.append(f"{pad}{words['parameters']}:")
        for p in params:
            label = p.label.get(lang) if p.label else p.name
            until = f" {words['to']} {p.valid_to.isoformat()}" if p.valid_to else ""
            cites = "; ".join(str(c) for c in p.citations)
            lines.append(
                f"{pad}  - {label} = {format_value(p.value, lang)} "
                f"({words['valid']} {p.valid_from.isoformat()}{until}; {cites})"
                f"{_layer(p.layer, words)}"
            )
    for sub in others:
        if sub.question in seen:
            continue
        seen.add(sub.question)
        lines.append(f"{pad}{words['based_on']}:")
        lines.extend(_render(sub, lang, depth + 1, seen))
    return lines


def render(decision: Decision, lang: str = "sv", style: str = "text") -> str:
    """The whole decision as text: answer, reasons with sources, conditions, thresholds."""
    _check_lang(lang)
    if style != "text":
        raise ValueError(f"style must be 'text', got {style!r}")
    return "\n".join(_render(decision, lang, 0, {decision.question}))
