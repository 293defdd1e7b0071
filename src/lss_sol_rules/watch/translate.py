"""Read deadlines out of compiled rules, for watching them over time.

Two shapes of deadline rule occur in the rulebooks:

- a *date question* whose value is the deadline (``genomforandeplan.senast`` computes
  ``add_days(bestallningsdatum, genomforandeplan_dagar)``): the deadline is the answer;
- a *threshold rule*, a bool rule with one condition ``on > X`` or ``on >= X`` (the
  IVO rule: ``on > add_months(beslutsdatum, ej_verkstallt_manader)``) and other conditions
  that do not read ``on``: the deadline is the first day the condition holds, ``X + 1 day``
  or ``X``, and the rule applies to a case while its other conditions hold.

Both are evaluated with the rule's own compiled expressions — nothing is re-typed by hand.
:func:`change_dates` lists the days on which a question's rules or parameters change, so a
deadline computed earlier can be recomputed exactly when the law moves under it.
"""

from __future__ import annotations

import threading
import weakref
from datetime import date, timedelta
from typing import Any

import attrs

from ..engine import _Context
from ..expr import CompiledExpr, Unknown, compile_expr
from ..expr.ast import Compare, Name
from ..rulebook import CompiledRule, Rulebook, View

__all__ = ["IVO_QUESTION", "Threshold", "change_dates", "holds_apart_from_on", "threshold_due"]

IVO_QUESTION = "ej_verkstallt.ska_rapporteras"
_MIRROR = {"<": ">", "<=": ">="}


@attrs.frozen
class Threshold:
    """The ``on > X`` / ``on >= X`` condition of a rule."""

    index: int
    deadline: CompiledExpr
    strict: bool


_THRESHOLDS: weakref.WeakKeyDictionary[Rulebook, dict[str, Threshold | None]] = (
    weakref.WeakKeyDictionary()
)
_LOCK = threading.Lock()


def threshold_of(book: Rulebook, rule: CompiledRule) -> Threshold | None:
    """The rule's threshold condition, or ``None`` if it has no single one."""
    with _LOCK:
        known = _THRESHOLDS.setdefault(book, {})
        if rule.id in known:
            return known[rule.id]
    found: list[Threshold] = []
    for i, cond in enumerate(rule.conditions):
        node = cond.expr.node
        if not isinstance(node, Compare):
            continue
        op, left, right = node.op, node.left, node.right
        if isinstance(right, Name) and right.name == "on" and op in _MIRROR:
            op, left, right = _MIRROR[op], right, left
        if isinstance(left, Name) and left.name == "on" and op in (">", ">="):
            found.append(Threshold(i, compile_expr(cond.text, right, book.scope), strict=op == ">"))
    result = found[0] if len(found) == 1 else None
    with _LOCK:
        known[rule.id] = result
    return result


def threshold_due(rule: CompiledRule, ctx: _Context) -> date | None:
    """The first day the rule's ``on`` condition holds for the case in *ctx*."""
    t = threshold_of(ctx.book, rule)
    if t is None:
        return None
    x: Any = t.deadline.fn(ctx)
    if isinstance(x, Unknown) or not isinstance(x, date):
        return None
    return x + timedelta(days=1) if t.strict else x


def holds_apart_from_on(rule: CompiledRule, ctx: _Context) -> bool:
    """Whether every condition of the rule except its ``on`` threshold holds (not unknown)."""
    t = threshold_of(ctx.book, rule)
    skip = -1 if t is None else t.index
    return all(c.expr.fn(ctx) is True for i, c in enumerate(rule.conditions) if i != skip)


def change_dates(view: View, question: str) -> tuple[date, ...]:
    """Every day on which a rule or parameter that *question* reads starts or stops applying."""
    out: set[date] = set()
    for rule in view.rules_reached(question):
        if rule.valid_from is not None:
            out.add(rule.valid_from)
        if rule.valid_to is not None:
            out.add(rule.valid_to + timedelta(days=1))
        for name in rule.params:
            for param, _ in view.params.get(name, ()):
                out.update(param.change_dates())
    return tuple(sorted(out))
