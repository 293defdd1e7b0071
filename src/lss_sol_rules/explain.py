"""Render decisions and rule explanation templates as Swedish or English text.

Templates in rule files name facts, parameters and questions in braces —
``"{grundlaggande_behov_timmar_per_vecka} timmar per vecka"`` — plus ``{value}`` (the
rule's answer) and ``{on}`` (the evaluation date). Only plain names are substituted; there
is no attribute access, indexing or format specification, so a template cannot reach
anything but the values of the case. Numbers use a decimal comma in Swedish.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from .errors import ArgumentError
from .values import Value, format_number

if TYPE_CHECKING:
    from .model import ConditionResult, Decision, ParameterUse, Reason

__all__ = ["format_value", "render", "render_template", "render_templates"]

_PLACEHOLDER = re.compile(r"\{\{|\}\}|\{([^{}]*)\}")

_WORDS = {
    "sv": {
        "question": "Fråga",
        "answer": "Svar",
        "on": "Bedömningsdatum",
        "jurisdiction": "Regelverk",
        "undetermined": "Kan inte avgöras ännu",
        "missing": "Uppgifter som behövs",
        "assumptions": "Antaganden (uppgiften saknas)",
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
        "local": "lokal",
    },
    "en": {
        "question": "Question",
        "answer": "Answer",
        "on": "Assessed as of",
        "jurisdiction": "Jurisdiction",
        "undetermined": "Cannot be decided yet",
        "missing": "Facts needed",
        "assumptions": "Assumptions (fact not given)",
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
        "local": "local",
    },
}


def _check_lang(lang: str) -> dict[str, str]:
    words = _WORDS.get(lang) if type(lang) is str else None
    if words is None:
        raise ArgumentError("lang", "'sv' or 'en'", lang, "'sv' eller 'en'")
    return words


def format_value(value: Value | None, lang: str) -> str:
    """A value as a reader would write it: ``20,5`` in Swedish, ``ja``/``yes``, ISO dates."""
    words = _check_lang(lang)
    if value is None:
        return words["unknown"]
    if isinstance(value, bool):
        return words["true" if value else "false"]
    if isinstance(value, (int, Decimal)):
        return format_number(value, lang)
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
    return render_templates((template,), lookup, lang, book)[0]


def render_templates(
    templates: tuple[str, ...],
    lookup: Callable[[str], Value | None],
    lang: str | tuple[str, ...],
    book: object = None,
) -> tuple[str, ...]:
    """Render several templates (e.g. a rule's Swedish and English text) at once, each
    name looked up once. *lang* is one language for all or one per template."""
    _check_lang(lang) if isinstance(lang, str) else [_check_lang(x) for x in lang]
    langs = (lang,) * len(templates) if isinstance(lang, str) else lang
    values: dict[str, Value | None] = {}
    out = []
    for template, language in zip(templates, langs, strict=True):
        literals, names = _split(template)
        if not names:
            out.append(literals[0])
            continue
        pieces = [literals[0]]
        for name, literal in zip(names, literals[1:], strict=True):
            if name in values:
                value = values[name]
            else:
                value = values[name] = lookup(name)
            text = None
            if isinstance(value, str) and book is not None:
                text = _enum_label(book, name, value, language)
            pieces.append(text or format_value(value, language))
            pieces.append(literal)
        out.append("".join(pieces))
    return tuple(out)


@functools.lru_cache(maxsize=4096)
def _split(template: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """A template's literal pieces (one more than its names) and placeholder names, with
    ``{{``/``}}`` unescaped (parsed once per template text)."""
    literals: list[str] = []
    names: list[str] = []
    current: list[str] = []
    pos = 0
    for m in _PLACEHOLDER.finditer(template):
        current.append(template[pos : m.start()])
        pos = m.end()
        token = m.group(0)
        if token in ("{{", "}}"):
            current.append(token[0])
            continue
        literals.append("".join(current))
        current = []
        names.append(m.group(1))
    current.append(template[pos:])
    literals.append("".join(current))
    return tuple(literals), tuple(names)


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
    """`` (layer: stockholm)`` for rules and parameters that are not national law (the
    layer of rule files given by path, ``local``, named in the reader's language)."""
    if layer == "national":
        return ""
    shown = words["local"] if layer == "local" else layer
    return f" ({words['layer']}: {shown})"


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
        if decision.assumptions:
            lines.append(f"{pad}{words['assumptions']}:")
            lines.extend(
                f"{pad}  - {a.text.get(lang)} ({a.fact})" for a in decision.assumptions
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
            unit = f" {p.unit}" if p.unit and lang == "sv" else ""
            lines.append(
                f"{pad}  - {label} = {format_value(p.value, lang)}{unit} "
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


_LETTER = {
    "sv": {
        "title": "Beslut",
        "applied": "Du har ansökt om {subject}.",
        "granted": "Ansökan beviljas.",
        "refused": "Ansökan avslås.",
        "answer": "{question}: {answer}.",
        "undetermined": "Ärendet kan inte avgöras ännu.",
        "needed": "Vi behöver uppgifter om:",
        "reasons": "Skäl för beslutet",
        "not_met": "Villkor som inte är uppfyllda:",
        "assumed": "Vi har utgått från följande, eftersom uppgiften saknas:",
        "law": "Lagrum",
        "appeal": "Hur du överklagar",
        "appeal_text": (
            "Du kan överklaga beslutet till förvaltningsrätten. Skicka överklagandet till oss, "
            "inte direkt till domstolen. Överklagandet måste ha kommit in till oss inom tre "
            "veckor från den dag du fick del av beslutet. Skriv vilket beslut du överklagar "
            "och hur du vill att det ska ändras."
        ),
    },
    "en": {
        "title": "Decision",
        "applied": "You have applied for {subject}.",
        "granted": "The application is granted.",
        "refused": "The application is refused.",
        "answer": "{question}: {answer}.",
        "undetermined": "The case cannot be decided yet.",
        "needed": "We need information about:",
        "reasons": "Reasons for the decision",
        "not_met": "Conditions that are not met:",
        "assumed": "We have assumed the following, as the information is missing:",
        "law": "Legal grounds",
        "appeal": "How to appeal",
        "appeal_text": (
            "You can appeal against the decision to the administrative court. Send the "
            "appeal to us, not to the court. We must receive it within three weeks from the "
            "day you were told of the decision. Say which decision you appeal against and "
            "how you want it changed."
        ),
    },
}


def _sentence_case(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


def _truthy(decision: Decision) -> bool:
    return decision.decided and bool(decision.value)


def _unmet(decision: Decision) -> list[ConditionResult]:
    """Failed conditions of the rules that would have given another answer."""
    return [
        c
        for r in decision.considered
        if r.value != decision.value
        for c in r.conditions
        if c.held is False
    ]


def _letter_parts(
    decision: Decision, granted: bool, top: bool
) -> tuple[list[Reason], list[ConditionResult]]:
    """Reasons and failed conditions worth a decision letter, following helper questions.

    A grant shows the findings that support it (helper questions answered yes); a refusal
    shows why not: the failed conditions of the rules that would have granted and, for a
    failed condition that rests on a helper question, that question's own reasons.
    """
    reasons = [r for r in decision.reasons if not _reads_only_questions(r)]
    unmet = _unmet(decision) if (not granted or not top) else []
    texts = [c.text for c in unmet]
    for helper in decision.supporting:
        if not helper.internal:
            continue
        if granted and _truthy(helper):
            sub_reasons, _ = _letter_parts(helper, True, False)
            reasons.extend(sub_reasons)
        elif (
            not granted
            and not _truthy(helper)
            and (not top or any(helper.question in t for t in texts))
        ):
            sub_reasons, sub_unmet = _letter_parts(helper, False, False)
            reasons.extend(sub_reasons)
            unmet.extend(sub_unmet)
    return reasons, unmet


def _letter(decision: Decision, lang: str) -> str:
    """A motivation a case officer can paste into a decision letter (klarspråk)."""
    w = _LETTER[lang]
    out = [w["title"], ""]
    if decision.subject is not None:
        out.append(w["applied"].format(subject=decision.subject.get(lang)))
    if not decision.decided:
        out.append(w["undetermined"])
        out.append(w["needed"])
        out.extend(f"- {m.get(lang).lower()}" for m in decision.missing_labels)
        return "\n".join(out)
    if decision.subject is not None and decision.refusal:
        out.append(w["refused"])
    elif decision.subject is not None:
        out.append(w["granted"])
    else:
        answer = _answer(decision, lang)
        out.append(w["answer"].format(question=decision.label.get(lang), answer=answer))
    reasons, unmet = _letter_parts(decision, not decision.refusal, True)
    out += ["", w["reasons"]]
    shown: list[str] = []
    for r in reasons:
        text = r.text.get(lang)
        if text not in shown:
            shown.append(text)
    out.extend(shown)
    labels: list[str] = []
    for c in unmet:
        if c.label is not None:
            label = _sentence_case(c.label.get(lang))
            if label not in labels:
                labels.append(label)
    if decision.refusal and labels:
        out += ["", w["not_met"]]
        out.extend(f"- {u}." for u in labels)
    if decision.assumptions:
        out += ["", w["assumed"]]
        out.extend(f"- {a.text.get(lang)}" for a in decision.assumptions)
    cites: list[str] = []
    read = {name for r in reasons for name in r.parameters}
    for source in [c for r in reasons for c in r.citations] + [
        c for p in decision.parameters_used if p.name in read for c in p.citations
    ]:
        if str(source) not in cites:
            cites.append(str(source))
    out += ["", w["law"], ", ".join(cites) + "."]
    if decision.refusal:
        appeal_law = ["FL 44 §"]
        if any(c.startswith("LSS") for c in cites):
            appeal_law.insert(0, "LSS 27 §")
        out += ["", w["appeal"], w["appeal_text"] + f" ({', '.join(appeal_law)})"]
    return "\n".join(out)


def render(decision: Decision, lang: str = "sv", style: str = "text") -> str:
    """Render a decision.

    ``style="text"``: the answer, the reasons with their sources and conditions, the
    thresholds used, and the decisions it builds on. ``style="beslut"``: a plain-language
    motivation for a decision letter — what was applied for, the assessment, the legal
    ground and, for a refusal, how to appeal.
    """
    _check_lang(lang)
    if style == "beslut":
        return _letter(decision, lang)
    if style != "text":
        raise ArgumentError(
            "style",
            "'text' or 'beslut' (a decision letter's motivation)",
            style,
            "'text' eller 'beslut' (motiveringen i ett beslutsbrev)",
        )
    return "\n".join(_render(decision, lang, 0, {decision.question}))
