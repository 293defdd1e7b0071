"""The dates on which a question can be answered in a jurisdiction.

A question can be answered on a date when, in the jurisdiction's view of the rulebook,
every question it reaches through the rules in force that day (its own and those its rules
read) has a rule in force, and every parameter those rules read — directly, through the
facts they derive, or at a fixed date (``param_at``) — has a value that day, also through
an enclosing jurisdiction. The consistency checks (``[[constraints]]``) count too: their
parameters must have a value. Anything else raises
:class:`~lss_sol_rules.NoRuleInForceError` or :class:`~lss_sol_rules.ParameterNotInForceError`
whatever the facts.

The rules and parameter values change only on their start and end dates, so the answer is
computed once per period between two such dates, not per day.
"""

from __future__ import annotations

from datetime import date, timedelta

from ..engine import Engine
from ..rulebook import CompiledRule, View

__all__ = ["FIRST_DAY", "LAST_DAY", "answerable_periods", "why_not_answerable"]

#: The first day the strategies draw: LSS (SFS 1993:387) came into force on 1994-01-01.
FIRST_DAY = date(1994, 1, 1)
#: The last day the strategies draw.
LAST_DAY = date(2040, 12, 31)

_ONE_DAY = timedelta(days=1)


def _boundaries(view: View, question: str, start: date, end: date) -> list[date]:
    """Every day on which something the question may read starts or stops being in force."""
    days = {start}
    params: set[str] = set()
    for rule in view.rules_reached(question):
        if rule.valid_from is not None:
            days.add(rule.valid_from)
        if rule.valid_to is not None and rule.valid_to < date.max:
            days.add(rule.valid_to + _ONE_DAY)
        params.update(rule.params)
        params.update(_derived_params(view, rule))
    for constraint in view.constraints:
        params.update(constraint.expr.params)
    for name in params:
        for param, _ in view.params.get(name, ()):
            for value in param.values:
                days.add(value.valid_from)
                if value.valid_to is not None and value.valid_to < date.max:
                    days.add(value.valid_to + _ONE_DAY)
    return sorted(d for d in days if start <= d <= end)


def _derived_params(view: View, rule: CompiledRule) -> set[str]:
    """The parameters read by the derivations (``derive``) of the facts *rule* reads."""
    out: set[str] = set()
    seen: set[str] = set()
    stack = list(rule.facts)
    derive = view.book.derive
    while stack:
        name = stack.pop()
        if name in seen:
            continue
        seen.add(name)
        expr = derive.get(name)
        if expr is not None:
            out.update(expr.params)
            stack.extend(expr.facts)
    return out


def why_not_answerable(engine: Engine, question: str, jurisdiction: str, on: date) -> str | None:
    """Why *question* cannot be answered on *on* in *jurisdiction*; ``None`` when it can."""
    view = engine.rulebook.view(jurisdiction)
    for constraint in view.constraints:
        for name in sorted(constraint.expr.params):
            if view.param_value(name, on) is None:
                return f"parameter {name!r} (read by constraint {constraint.id!r}) has no value"
    seen: set[str] = set()
    stack = [question]
    while stack:
        q = stack.pop()
        if q in seen:
            continue
        seen.add(q)
        rules = [r for r in view.rules.get(q, ()) if r.in_force(on)]
        if not rules:
            return f"question {q!r} has no rule in force"
        for rule in rules:
            for name in sorted({*rule.params, *_derived_params(view, rule)}):
                if view.param_value(name, on) is None:
                    return f"parameter {name!r} (read by rule {rule.id!r}) has no value"
            for name, when in rule.params_at:
                if view.param_value(name, when) is None:
                    return (
                        f"parameter {name!r} (read by rule {rule.id!r} as of {when}) has no "
                        f"value on {when}"
                    )
            stack.extend(rule.questions)
    return None


def answerable_periods(
    engine: Engine,
    question: str,
    jurisdiction: str = "se",
    start: date = FIRST_DAY,
    end: date = LAST_DAY,
) -> tuple[tuple[date, date], ...]:
    """The periods (first day, last day; both included, in order, none touching another)
    between *start* and *end* on which *question* can be answered in *jurisdiction*.

    Raises :class:`~lss_sol_rules.QuestionError` for an unknown question.
    """
    engine.question(question)
    view = engine.rulebook.view(jurisdiction)
    days = _boundaries(view, question, start, end)
    periods: list[tuple[date, date]] = []
    for i, first in enumerate(days):
        last = days[i + 1] - _ONE_DAY if i + 1 < len(days) else end
        if why_not_answerable(engine, question, jurisdiction, first) is not None:
            continue
        if periods and periods[-1][1] + _ONE_DAY == first:
            periods[-1] = (periods[-1][0], last)
        else:
            periods.append((first, last))
    return tuple(periods)
