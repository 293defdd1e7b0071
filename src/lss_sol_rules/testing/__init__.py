"""Hypothesis strategies for property-testing decisions, generated from the loaded rules.

Nothing here is written per fact: every strategy reads the fact declarations, parameters
and rules of an :class:`~lss_sol_rules.Engine` (the default engine when none is given), so
it covers a municipality's plugin as well as national law. Needs the ``testing`` extra
(``pip install lss-sol-rules[testing]``)::

    from hypothesis import given
    import lss_sol_rules.testing as lst

    @given(lst.cases("personlig_assistans.huvudman"))
    def test_my_host_shows_every_answer(case):
        decision = case.evaluate()
        assert my_app.render(decision)

Strategies:

- :func:`cases` — valid cases (facts and an evaluation date) for one question, with only the
  facts that question can read; about half are pulled towards boundaries (every parameter's
  value, the birthdays at every age in the rules, the dates parameters and rules change).
- :func:`facts` — just the fact dict, for a fixed date.
- :func:`invalid_facts` — fact dicts with one bad entry, which must raise ``FactError``.
- :func:`evaluation_dates` — dates on which a question's rules and the parameters they read
  are all in force (:func:`answerable_periods` gives those periods).
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import attrs

try:
    from hypothesis import strategies as st
except ImportError as exc:  # pragma: no cover - exercised only without the extra
    from ..extras import MissingExtraError

    raise MissingExtraError(
        "testing", "Hypothesis", "lss_sol_rules.testing", "lss_sol_rules.testing"
    ) from exc

from .. import load
from ..engine import Engine
from ..engine import Session as _Session
from ..errors import ArgumentError as _ArgumentError
from ..errors import FactError
from ..expr.ast import Literal
from ..expr.ast import walk as _walk
from ..expr.functions import add_months, add_years
from ..model import Decision, FactDecl, QuestionDecl
from ..values import Value, is_of_type
from .caseloads import synthetic_events
from .in_force import FIRST_DAY as _FIRST_DAY
from .in_force import LAST_DAY as _LAST_DAY
from .in_force import answerable_periods, why_not_answerable

__all__ = [
    "GeneratedCase",
    "answerable_periods",
    "cases",
    "evaluation_dates",
    "facts",
    "has_declared_type",
    "invalid_facts",
    "readable_facts",
    "synthetic_events",
    "why_not_answerable",
]

_DEFAULT: list[Engine] = []


def _engine(engine: Engine | None) -> Engine:
    if engine is not None:
        return engine
    if not _DEFAULT:
        _DEFAULT.append(load())
    return _DEFAULT[0]


@attrs.frozen
class GeneratedCase:
    """A generated case: ask :attr:`question` about :attr:`facts` on :attr:`on`."""

    question: str
    facts: Mapping[str, Any]
    on: date
    jurisdiction: str
    engine: Engine = attrs.field(repr=False, eq=False)

    def evaluate(self) -> Decision:
        """Evaluate the case with the engine it was generated from."""
        return self.engine.evaluate(
            self.question, self.facts, on=self.on, jurisdiction=self.jurisdiction
        )

    def with_facts(self, facts: Mapping[str, Any]) -> GeneratedCase:
        """The same case with other facts."""
        return attrs.evolve(self, facts=dict(facts))


# -- what a question reads -----------------------------------------------------------------
def _closure(engine: Engine, question: str, jurisdiction: str) -> tuple[set[str], list[Any]]:
    rules = list(engine.rulebook.view(jurisdiction).rules_reached(question))
    return {question} | {r.question for r in rules}, rules


def readable_facts(
    engine: Engine | None, question: str, jurisdiction: str = "se"
) -> tuple[str, ...]:
    """Every fact *question* can read, through other questions and derived facts."""
    eng = _engine(engine)
    _, rules = _closure(eng, question, jurisdiction)
    names = {f for r in rules for f in r.facts}
    for name in list(names):
        derive = eng.rulebook.derive.get(name)
        if derive is not None:
            names.update(derive.facts)
    return tuple(sorted(names))


def _interesting(
    engine: Engine, question: str, jurisdiction: str
) -> tuple[list[Decimal | int], list[date]]:
    """Numbers and dates the rules compare against: parameter values and literals."""
    _, rules = _closure(engine, question, jurisdiction)
    view = engine.rulebook.view(jurisdiction)
    numbers: set[Decimal | int] = set()
    dates: set[date] = set()
    for r in rules:
        if r.valid_from:
            dates.add(r.valid_from)
        if r.valid_to:
            dates.add(r.valid_to + timedelta(days=1))
        nodes = [c.expr.node for c in r.conditions] + ([r.compute.node] if r.compute else [])
        for node in nodes:
            for n in _walk(node):
                if (
                    isinstance(n, Literal)
                    and isinstance(n.value, (int, Decimal))
                    and not isinstance(n.value, bool)
                ):
                    numbers.add(n.value)
                elif isinstance(n, Literal) and isinstance(n.value, date):
                    dates.add(n.value)
        for p in (*r.params, *(name for name, _ in r.params_at)):
            for param, _ in view.params.get(p, ()):
                dates.update(param.change_dates())
                for v in param.values:
                    if isinstance(v.value, (int, Decimal)) and not isinstance(v.value, bool):
                        numbers.add(v.value)
    return sorted(numbers), sorted(dates)


def evaluation_dates(
    question: str, engine: Engine | None = None, jurisdiction: str = "se"
) -> st.SearchStrategy[date]:
    """Dates on which *question* can be answered, half of them at or next to a change date.

    Only dates on which every rule and parameter the question reads is in force in
    *jurisdiction* (see :func:`answerable_periods`); ``ValueError`` naming what is never in
    force when there is no such date between 1994-01-01 and 2040-12-31.
    """
    eng = _engine(engine)
    periods = answerable_periods(eng, question, jurisdiction)
    if not periods:
        why = why_not_answerable(eng, question, jurisdiction, _LAST_DAY)
        raise _ArgumentError(
            "question",
            f"a question answerable in {jurisdiction!r} on some date from {_FIRST_DAY} to "
            f"{_LAST_DAY} (on {_LAST_DAY}: {why})",
            question,
            f"en fråga som går att besvara i regelverket {jurisdiction!r} någon dag från "
            f"{_FIRST_DAY} till {_LAST_DAY} (den {_LAST_DAY}, på engelska: {why})",
        )
    _, changes = _interesting(eng, question, jurisdiction)
    near = sorted(
        {
            d + timedelta(days=k)
            for d in changes
            for k in (-1, 0)
            if any(a <= d + timedelta(days=k) <= b for a, b in periods)
        }
    )
    uniform = _dates_in(periods)
    return st.one_of(uniform, st.sampled_from(near)) if near else uniform


def _dates_in(periods: Sequence[tuple[date, date]]) -> st.SearchStrategy[date]:
    """Dates spread evenly over *periods* (shrinking towards the first day)."""
    firsts = [a.toordinal() for a, _ in periods]
    offsets: list[int] = []
    total = 0
    for a, b in periods:
        offsets.append(total)
        total += b.toordinal() - a.toordinal() + 1

    def at(k: int) -> date:
        i = bisect.bisect_right(offsets, k) - 1
        return date.fromordinal(firsts[i] + k - offsets[i])

    return st.integers(0, total - 1).map(at)


# -- values ------------------------------------------------------------------------------------
def _in_range(decl: FactDecl, v: Decimal | int) -> bool:
    return (decl.min is None or v >= decl.min) and (decl.max is None or v <= decl.max)


def _value_strategy(
    decl: FactDecl, on: date, numbers: Sequence[Decimal | int], ages: Sequence[int]
) -> st.SearchStrategy[Any]:
    t = decl.of if decl.type == "list" else decl.type
    base: st.SearchStrategy[Any]
    if t == "bool":
        base = st.booleans()
    elif t in ("int", "number"):
        lo = int(decl.min) if decl.min is not None else 0
        hi = int(decl.max) if decl.max is not None else 10_000
        near = sorted({x for v in numbers for d in (-1, 0, 1) if _in_range(decl, x := v + d)})
        if t == "number":
            near = sorted(
                set(near)
                | {
                    x
                    for v in numbers
                    for d in (Decimal("-0.01"), Decimal("0.01"))
                    if _in_range(decl, x := v + d)
                }
            )
            spread: st.SearchStrategy[Any] = st.one_of(
                st.integers(lo, hi),
                st.decimals(
                    min_value=lo, max_value=hi, places=2, allow_nan=False, allow_infinity=False
                ),
            )
        else:
            spread = st.integers(lo, hi)
        base = st.one_of(spread, st.sampled_from(near)) if near else spread
    elif t == "date":
        lo_d = date(1900, 1, 1)
        hi_d = on if decl.past else date(2060, 12, 31)
        near_d = sorted(
            {
                d
                for n in ages
                for k in (-1, 0, 1)
                for d in (
                    add_years(on, -n) + timedelta(days=k),
                    add_months(on, -n) + timedelta(days=k),
                )
                if lo_d <= d <= hi_d
            }
        )
        spread_d = st.dates(min_value=lo_d, max_value=hi_d)
        base = st.one_of(spread_d, st.sampled_from(near_d)) if near_d else spread_d
    elif decl.values is not None:
        base = st.sampled_from(decl.values)
    else:
        base = st.text(max_size=40)
    if decl.type == "list":
        return st.lists(base, unique=True, max_size=len(decl.values or ()) or 5)
    return base


def _with_derived(engine: Engine, jurisdiction: str, out: dict[str, Any], on: date) -> None:
    """Make derived facts (``alder``) agree with what they derive from, when both are given."""
    for name, expr in engine.rulebook.derive.items():
        if name in out and all(f in out for f in expr.facts):
            clean = engine.check_facts(
                {k: v for k, v in out.items() if k != name}, on, jurisdiction
            )
            ctx = _Session(engine.rulebook.view(jurisdiction), clean, on)
            out[name] = ctx.fact(name)


def _valid(engine: Engine, f: Mapping[str, Any], on: date, jurisdiction: str) -> bool:
    try:
        engine.check_facts(f, on, jurisdiction)
    except FactError:
        return False
    return True


def _facts_strategy(
    eng: Engine,
    question: str,
    on: st.SearchStrategy[date],
    jurisdiction: str,
    omit: Iterable[str],
    require: Iterable[str],
    presence: float = 0.8,
) -> st.SearchStrategy[tuple[dict[str, Any], date]]:
    if (
        isinstance(presence, bool)
        or not isinstance(presence, (int, float, Decimal))
        or not 0 <= presence <= 1
    ):
        raise _ArgumentError("presence", "a number from 0 to 1", presence, "ett tal från 0 till 1")
    cut = round(presence * 100)
    names = [n for n in readable_facts(eng, question, jurisdiction) if n not in set(omit)]
    required = set(require)
    unknown = required - set(names)
    if unknown:
        raise _ArgumentError(
            "require",
            f"facts {question!r} reads; it never reads {sorted(unknown)}",
            sorted(required),
            f"uppgifter som frågan {question!r} läser; den läser aldrig {sorted(unknown)}",
        )
    numbers, _ = _interesting(eng, question, jurisdiction)
    ages = sorted({int(n) for n in numbers if isinstance(n, int) and 0 < n < 130})
    decls = eng.rulebook.facts

    @st.composite
    def build(draw: st.DrawFn) -> tuple[dict[str, Any], date]:
        when = draw(on)
        out: dict[str, Any] = {}
        for name in names:
            present = name in required or draw(st.integers(0, 99)) < cut
            if present:
                out[name] = draw(_value_strategy(decls[name], when, numbers, ages))
        if _valid(
            eng, {k: v for k, v in out.items() if k not in eng.rulebook.derive}, when, jurisdiction
        ):
            _with_derived(eng, jurisdiction, out, when)
        return out, when

    return build().filter(lambda pair: _valid(eng, pair[0], pair[1], jurisdiction))


def cases(
    question: str,
    engine: Engine | None = None,
    jurisdiction: str = "se",
    omit: Iterable[str] = (),
    require: Iterable[str] = (),
    presence: float = 0.8,
) -> st.SearchStrategy[GeneratedCase]:
    """Valid cases for *question*: facts it can read, on a date it can be answered.

    :param omit: facts never given (partial cases: test what happens when they are missing).
    :param require: facts always given.
    :param presence: the chance that each other fact is given (lower: more partial cases).
    """
    eng = _engine(engine)
    eng.question(question)
    pairs = _facts_strategy(
        eng,
        question,
        evaluation_dates(question, eng, jurisdiction),
        jurisdiction,
        omit,
        require,
        presence,
    )
    return pairs.map(lambda p: GeneratedCase(question, p[0], p[1], jurisdiction, eng))


def facts(
    question: str,
    on: date,
    engine: Engine | None = None,
    jurisdiction: str = "se",
    omit: Iterable[str] = (),
    require: Iterable[str] = (),
) -> st.SearchStrategy[dict[str, Any]]:
    """Valid fact dicts for *question* on the fixed date *on*."""
    eng = _engine(engine)
    eng.question(question)
    return _facts_strategy(eng, question, st.just(on), jurisdiction, omit, require).map(
        lambda p: p[0]
    )


def _bad_values(decl: FactDecl, on: date) -> st.SearchStrategy[Any]:
    huge = st.text(min_size=1001, max_size=1200)
    junk = st.one_of(
        st.none().map(lambda _: object()),
        st.binary(max_size=5),
        st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
    )
    t = decl.type
    if t == "bool":
        return st.one_of(st.integers(), st.text(max_size=5), st.floats(), junk)
    if t in ("int", "number"):
        out = [
            st.text(max_size=5),
            st.booleans(),
            junk,
            st.sampled_from([float("nan"), float("inf"), float("-inf")]),
        ]
        if decl.min is not None:
            out.append(st.integers(max_value=int(decl.min) - 1))
        if decl.max is not None:
            out.append(st.integers(min_value=int(decl.max) + 1))
        if t == "int":
            out.append(st.sampled_from([0.5, 1.25, Decimal("2.5")]))
        return st.one_of(out)
    if t == "date":
        bad = [
            st.integers(),
            st.sampled_from(["2023-02-30", "2023-13-01", "01/02/2023", ""]),
            st.datetimes().map(lambda d: d),
            junk,
        ]
        if decl.past:
            bad.append(st.dates(min_value=on + timedelta(days=1), max_value=date(2200, 1, 1)))
        return st.one_of(bad)
    if t == "list":
        inner = st.text(max_size=8).filter(lambda s: s not in (decl.values or ()))
        return st.one_of(
            st.text(max_size=8), st.integers(), st.lists(inner, min_size=1, max_size=3), junk
        )
    bad_text = [st.integers(), st.booleans(), junk, huge]
    if decl.values is not None:
        bad_text.append(st.text(max_size=20).filter(lambda s: s not in (decl.values or ())))
    return st.one_of(bad_text)


def invalid_facts(
    engine: Engine | None = None, on: date = date(2026, 1, 1), jurisdiction: str = "se"
) -> st.SearchStrategy[dict[str, Any]]:
    """Fact dicts with exactly one bad entry (unknown name, wrong type, out of range, ...).

    Evaluating any question with them must raise :class:`~lss_sol_rules.FactError`.
    """
    eng = _engine(engine)
    decls = eng.rulebook.facts
    names = sorted(decls)
    unknown = st.text(min_size=1, max_size=30).filter(lambda s: s not in decls)
    bad_name = st.builds(lambda n, v: {n: v}, unknown, st.integers())
    bad_value = st.sampled_from(names).flatmap(
        lambda n: _bad_values(decls[n], on).map(lambda v: {n: v})
    )
    return st.one_of(bad_name, bad_value)


def has_declared_type(decision: Decision, question: QuestionDecl) -> bool:
    """Whether a decided value has the question's declared type and allowed values."""
    value: Value | None = decision.value
    if value is None:
        return False
    if question.type == "list":
        ok = is_of_type(value, "list", question.of)
        return ok and (question.values is None or all(v in question.values for v in value))  # type: ignore[union-attr]
    ok = is_of_type(value, question.type) or (
        question.type == "number" and is_of_type(value, "int")
    )
    return ok and (question.values is None or value in question.values)
