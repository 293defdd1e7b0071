"""Read deadlines out of compiled rules, for watching them over time.

Two shapes of deadline occur in the rulebooks, and a watch declaration names either:

- a *date question* whose value is the deadline (a rule computing
  ``add_days(beslutsdatum, 14)``): the deadline is the answer;
- a *bool question* answered by *threshold rules*, rules with one condition ``on > X`` or
  ``on >= X`` (the IVO rule: ``on > add_months(beslutsdatum, ej_verkstallt_manader)``): the
  deadline is the first day the condition holds, ``X + 1 day`` or ``X``. Whether the
  question is true on a day — overrides, defaults, municipal layers and all — is always
  decided by the engine's evaluation of the question; this module only reads the date.

Over time, an answer changes only on the days where a comparison with ``on`` flips
(:func:`on_breakpoints`), or where a rule or parameter starts or stops applying
(:func:`change_dates`). Both are read from the rules' own compiled expressions — nothing
is re-typed by hand. Rules that read ``on`` any other way are recomputed at every tick
(:func:`reads_on_elsewhere`).
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from typing import Any

import attrs

from ..engine import Session
from ..expr import CompiledExpr, Unknown, compile_expr
from ..expr.ast import Compare, Name, Node, walk
from ..rulebook import CompiledRule, Rulebook, View
from ..values import Value

__all__ = [
    "Threshold",
    "change_dates",
    "context",
    "decide",
    "holds",
    "on_breakpoints",
    "reads_on",
    "reads_on_elsewhere",
    "threshold_due",
]

_MIRROR = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "==": "==", "!=": "!="}


def context(view: View, facts: Mapping[str, Value], on: date) -> Any:
    """An evaluation context for compiled expressions (the engine's, one place only)."""
    return Session(view, facts, on)


def decide(
    view: View, facts: Mapping[str, Value], on: date, question: str
) -> tuple[Any, CompiledRule | None]:
    """The engine's answer to *question* (a value, or an ``Unknown``) and the first rule that
    fired — the same evaluation as ``Engine.evaluate`` (overrides, defaults, hit policy, every
    layer), without building the explanation. *facts* are checked already (a caseload's).

    Raises the engine's ``NoApplicableRuleError`` / ``NoRuleInForceError`` as it does.
    """
    outcome = Session(view, facts, on).resolve(question)
    fired = next((r.rule for r in outcome.runs if r.effective is True), None)
    return outcome.result, fired


def holds(expr: CompiledExpr, view: View, facts: Mapping[str, Value], on: date) -> bool:
    """Whether a compiled bool expression is true (not false, not unknown) for *facts*."""
    return expr.fn(context(view, facts, on)) is True


@attrs.frozen
class Threshold:
    """The ``on > X`` / ``on >= X`` condition of a rule."""

    index: int
    deadline: CompiledExpr
    strict: bool


_LOCK = threading.Lock()
_THRESHOLDS: weakref.WeakKeyDictionary[Rulebook, dict[str, Threshold | None]] = (
    weakref.WeakKeyDictionary()
)
_BOUNDS: weakref.WeakKeyDictionary[Rulebook, dict[str, tuple[tuple[str, CompiledExpr], ...]]] = (
    weakref.WeakKeyDictionary()
)


def _on_compare(node: Node) -> tuple[str, Node] | None:
    """``(op, X)`` for ``on OP X`` or ``X OP on`` (mirrored) with no ``on`` inside X."""
    if not isinstance(node, Compare):
        return None
    op, left, right = node.op, node.left, node.right
    if isinstance(right, Name) and right.name == "on" and op in _MIRROR:
        op, left, right = _MIRROR[op], right, left
    if not (isinstance(left, Name) and left.name == "on"):
        return None
    if any(isinstance(n, Name) and n.name == "on" for n in walk(right)):
        return None
    return op, right


def threshold_of(book: Rulebook, rule: CompiledRule) -> Threshold | None:
    """The rule's threshold condition (a top-level ``on > X``), or ``None`` if not one."""
    with _LOCK:
        known = _THRESHOLDS.setdefault(book, {})
        if rule.id in known:
            return known[rule.id]
    found: list[Threshold] = []
    for i, cond in enumerate(rule.conditions):
        hit = _on_compare(cond.expr.node)
        if hit is not None and hit[0] in (">", ">="):
            found.append(
                Threshold(i, compile_expr(cond.text, hit[1], book.scope), strict=hit[0] == ">")
            )
    result = found[0] if len(found) == 1 else None
    with _LOCK:
        known[rule.id] = result
    return result


def threshold_due(rule: CompiledRule, ctx: Any) -> date | None:
    """The first day the rule's ``on`` condition holds for the case in *ctx*."""
    t = threshold_of(ctx.book, rule)
    if t is None:
        return None
    x: Any = t.deadline.fn(ctx)
    if isinstance(x, Unknown) or not isinstance(x, date):
        return None
    return x + timedelta(days=1) if t.strict else x


def _rule_nodes(book: Rulebook, rule: CompiledRule) -> list[tuple[str, Node]]:
    nodes = [(c.text, c.expr.node) for c in rule.conditions]
    if rule.compute is not None:
        nodes.append(("compute", rule.compute.node))
    for f in rule.facts:
        derived = book.derive.get(f)
        if derived is not None:
            nodes.append((f, derived.node))
    return nodes


def _bounds_of(book: Rulebook, rule: CompiledRule) -> tuple[tuple[str, CompiledExpr], ...]:
    """``(op, X)`` of every ``on OP X`` comparison anywhere in the rule, X compiled."""
    with _LOCK:
        known = _BOUNDS.setdefault(book, {})
        if rule.id in known:
            return known[rule.id]
    out = []
    for text, node in _rule_nodes(book, rule):
        for n in walk(node):
            hit = _on_compare(n)
            if hit is not None:
                out.append((hit[0], compile_expr(text, hit[1], book.scope)))
    result = tuple(out)
    with _LOCK:
        known[rule.id] = result
    return result


def _reads_on_directly(node: Node) -> bool:
    return any(isinstance(n, Name) and n.name == "on" for n in walk(node))


def reads_on(
    view: View, question: str, when: Node | None = None, only_compared: bool = False
) -> bool:
    """Whether a watch's answer may change on any day, so a plan is made at every tick.

    *only_compared*: ``on OP X`` comparisons of the question's rules are fine (the spans
    between :func:`on_breakpoints` handle them); otherwise any use of ``on`` counts. The
    watch's ``when`` counts whenever it reads ``on``.
    """
    if when is not None and any(isinstance(n, Name) and n.name == "on" for n in walk(when)):
        return True
    if only_compared:
        return reads_on_elsewhere(view, question)
    nodes = [n for r in view.rules_reached(question) for _, n in _rule_nodes(view.book, r)]
    return any(isinstance(n, Name) and n.name == "on" for node in nodes for n in walk(node))


def reads_on_elsewhere(view: View, question: str, extra: Iterable[Node] = ()) -> bool:
    """Whether *question*'s rules (or *extra* nodes) read ``on`` other than ``on OP X``.

    Such an answer may change on any day, so a precomputed deadline is recomputed at every
    tick; otherwise it changes only at :func:`on_breakpoints` and :func:`change_dates`.
    """
    nodes = [n for r in view.rules_reached(question) for _, n in _rule_nodes(view.book, r)]
    nodes.extend(extra)
    for node in nodes:
        inside: set[int] = set()
        for n in walk(node):
            hit = _on_compare(n)
            if hit is not None and isinstance(n, Compare):
                side = n.left if isinstance(n.left, Name) and n.left.name == "on" else n.right
                inside.add(id(side))
        for n in walk(node):
            if isinstance(n, Name) and n.name == "on" and id(n) not in inside:
                return True
    return False


def on_breakpoints(view: View, question: str, facts: Mapping[str, Value], on: date) -> set[date]:
    """Days on which an ``on OP X`` comparison of *question*'s rules may flip, for *facts*.

    Between two such days (and between two :func:`change_dates`) every comparison with
    ``on`` keeps its truth value, so the question's answer stays the same. Rules with a
    condition that is false whatever the date are left out: they cannot fire.
    """
    ctx = context(view, facts, on)
    out: set[date] = set()
    for rule in view.rules_reached(question):
        if not rule.in_force(on):
            continue
        bounds = _bounds_of(view.book, rule)
        if not bounds:
            continue
        try:
            if any(
                not _reads_on_directly(c.expr.node) and c.expr.fn(ctx) is False
                for c in rule.conditions
            ):
                continue
        except Exception:  # noqa: S112 - an error here shows in the evaluation itself
            continue
        for op, expr in bounds:
            try:
                x: Any = expr.fn(ctx)
            except Exception:  # noqa: S112 - an error here shows in the evaluation itself
                continue
            if not isinstance(x, date):
                continue
            if op in ("<", ">=", "==", "!="):
                out.add(x)  # on < X / on >= X flip on X itself
            if op in (">", "<=", "==", "!=") and x < date.max:
                out.add(x + timedelta(days=1))  # on > X / on <= X flip the day after
    return out


def change_dates(view: View, question: str) -> tuple[date, ...]:
    """Every day on which a rule or parameter that *question* reads starts or stops applying."""
    out: set[date] = set()
    for rule in view.rules_reached(question):
        if rule.valid_from is not None:
            out.add(rule.valid_from)
        if rule.valid_to is not None:
            out.add(rule.valid_to + timedelta(days=1))
        for name in (*rule.params, *(p for p, _ in rule.params_at)):
            for param, _ in view.params.get(name, ()):
                out.update(param.change_dates())
    return tuple(sorted(out))
