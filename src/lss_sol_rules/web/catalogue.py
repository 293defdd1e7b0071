"""What the explorer shows about a loaded rulebook, read through the engine's public API.

The :class:`~lss_sol_rules.engine.Engine` lists questions, facts and parameters; the rules
themselves, and which facts a question reads, are read here from the jurisdiction's view
(:meth:`Engine.view_for`, ``engine.rulebook.view``) so the pages need no private names.
Nothing here returns a machine path: a rule's place is its file's *name* and line.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import PurePath
from typing import Any

import attrs

from ..engine import Engine
from ..model import Citation, FactDecl, Parameter, QuestionDecl
from ..rulebook import CompiledRule
from ..sources import public_source

__all__ = [
    "QuestionRules",
    "RuleEntry",
    "facts_read",
    "parameter_history",
    "public_decision",
    "public_source",
    "questions_in",
    "rule_place",
]


@attrs.frozen
class RuleEntry:
    """One rule as the explorer shows it: no compiled code, no machine path."""

    id: str
    title_sv: str
    title_en: str
    conditions: tuple[str, ...]
    value: object
    computed: bool
    valid_from: date | None
    valid_to: date | None
    default: bool
    overrides: tuple[str, ...]
    citations: tuple[Citation, ...]
    explain_sv: str
    explain_en: str
    jurisdiction: str
    layer: str
    place: str
    facts: tuple[str, ...]
    parameters: tuple[str, ...]


@attrs.frozen
class QuestionRules:
    """A question and the rules that answer it in one jurisdiction (its ancestors included)."""

    question: QuestionDecl
    rules: tuple[RuleEntry, ...]


def rule_place(rule: CompiledRule) -> str:
    """``file.toml:line`` — the rule file's name, never the directory it was loaded from."""
    name = PurePath(rule.file).name
    return name if rule.line is None else f"{name}:{rule.line}"


def public_decision(decision: dict[str, Any]) -> dict[str, Any]:
    """A :meth:`Decision.to_dict` result with every rule source made :func:`public_source`."""
    for key in ("reasons", "considered"):
        for reason in decision.get(key, ()):
            if isinstance(reason.get("source"), str):
                reason["source"] = public_source(reason["source"])
    for supporting in decision.get("supporting", ()):
        public_decision(supporting)
    return decision


def _entry(rule: CompiledRule) -> RuleEntry:
    return RuleEntry(
        id=rule.id,
        title_sv=rule.title.sv,
        title_en=rule.title.en,
        conditions=tuple(c.text for c in rule.conditions),
        value=rule.value,
        computed=rule.compute is not None,
        valid_from=rule.valid_from,
        valid_to=rule.valid_to,
        default=rule.default,
        overrides=rule.overrides,
        citations=rule.citations,
        explain_sv=rule.explain.sv,
        explain_en=rule.explain.en,
        jurisdiction=rule.jurisdiction,
        layer=rule.layer,
        place=rule_place(rule),
        facts=rule.facts,
        parameters=rule.params,
    )


def questions_in(engine: Engine, jurisdiction: str) -> list[QuestionRules]:
    """Every question answered in *jurisdiction*, internal ones included (they carry rules
    other questions build on), each with its rules ordered by validity and id."""
    view = engine.rulebook.view(jurisdiction)
    out: list[QuestionRules] = []
    for q in engine.questions(include_internal=True):
        rules = view.rules.get(q.name, ())
        if not rules:
            continue
        ordered = sorted(rules, key=lambda r: (r.valid_from or date.min, r.id))
        out.append(QuestionRules(q, tuple(_entry(r) for r in ordered)))
    return out


def facts_read(engine: Engine, question: str, jurisdiction: str) -> list[FactDecl]:
    """The facts *question* may read in *jurisdiction* — through its own rules, the
    questions they build on, and the facts those derive from — in vocabulary order."""
    view = engine.view_for(question, jurisdiction)
    names: set[str] = set()
    for rule in view.rules_reached(question):
        names.update(rule.facts)
    decls = {f.name: f for f in engine.facts()}
    # A derived fact (alder from fodelsedatum) is asked for together with its sources.
    for name in list(names):
        derive = decls[name].derive if name in decls else None
        if derive:
            names.update(n for n in decls if n in _words(derive))
    return [f for f in engine.facts() if f.name in names]


def _words(text: str) -> set[str]:
    word = ""
    out: set[str] = set()
    for ch in text + " ":
        if ch.isalnum() or ch == "_":
            word += ch
        elif word:
            out.add(word)
            word = ""
    return out


def parameter_history(engine: Engine, jurisdiction: str) -> list[Parameter]:
    """Every parameter that applies in *jurisdiction*, innermost declaration first where a
    local rulebook overrides a national one."""
    return list(engine.parameters(jurisdiction))


def readers(questions: Sequence[QuestionRules]) -> dict[str, list[str]]:
    """For each parameter name, the ids of the rules that read it."""
    out: dict[str, list[str]] = {}
    for q in questions:
        for r in q.rules:
            for p in r.parameters:
                out.setdefault(p, []).append(r.id)
    return out
