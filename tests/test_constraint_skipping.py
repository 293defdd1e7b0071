"""Consistency checks are skipped only when they cannot fail.

The engine evaluates a constraint only for cases that give every fact of
:func:`needed_to_fail`; these tests hold that set sound: whenever one of its facts is
missing, the compiled expression is never ``False`` — over random expressions, every
assignment of their facts, and every constraint of the shipped rulebooks.
"""

from __future__ import annotations

import itertools
from datetime import date
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import lss_sol_rules as lsr
from lss_sol_rules.engine import Session
from lss_sol_rules.errors import FactError
from lss_sol_rules.expr import Scope, Symbol, Unknown, compile_expr, parse
from lss_sol_rules.expr.required import needed_to_fail

SYMBOLS = {
    "a": Symbol("fact", "bool"),
    "b": Symbol("fact", "bool"),
    "c": Symbol("fact", "bool"),
    "n": Symbol("fact", "int"),
    "grans": Symbol("param", "int"),
    "on": Symbol("on", "date"),
}
KINDS = {k: s.kind for k, s in SYMBOLS.items()}
# Each fact missing or one of two values that make its atoms differ.
VALUES: dict[str, tuple[Any, ...]] = {
    "a": (True, False),
    "b": (True, False),
    "c": (True, False),
    "n": (3, 30),
}


class Ctx:
    def __init__(self, facts: dict[str, Any]) -> None:
        self.facts = facts
        self.on = date(2026, 1, 1)

    def fact(self, name: str) -> Any:
        return self.facts[name] if name in self.facts else Unknown(frozenset({name}))

    def param(self, name: str) -> Any:
        return 20

    def param_at(self, name: str, on: date) -> Any:
        return 20

    def question(self, name: str) -> Any:
        raise AssertionError(name)


ATOMS = st.sampled_from(
    [
        "a",
        "b",
        "c",
        "n > grans",
        "n == 3",
        "n + 1 < 10",
        "given(a)",
        "given(n)",
        "true",
        "false",
        "max(n, 5) > 4",
        "a == b",
    ]
)


def _expr(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.one_of(
        children.map(lambda x: f"not ({x})"),
        st.tuples(children, children).map(lambda p: f"({p[0]}) and ({p[1]})"),
        st.tuples(children, children).map(lambda p: f"({p[0]}) or ({p[1]})"),
        st.tuples(children, children, children).map(
            lambda p: f"({p[0]}) or ({p[1]}) and not ({p[2]})"
        ),
    )


EXPRESSIONS = st.recursive(ATOMS, _expr, max_leaves=8)


def _assignments() -> list[dict[str, Any]]:
    names = list(VALUES)
    out = []
    for choice in itertools.product(*[(None, *VALUES[n]) for n in names]):
        out.append({n: v for n, v in zip(names, choice, strict=True) if v is not None})
    return out


ASSIGNMENTS = _assignments()


@settings(max_examples=300, deadline=None)
@given(EXPRESSIONS)
def test_an_expression_never_fails_without_a_fact_it_needs(text: str) -> None:
    compiled = compile_expr(text, parse(text), Scope(SYMBOLS))
    needs = needed_to_fail(compiled.node, KINDS)
    assert needs <= compiled.facts
    for facts in ASSIGNMENTS:
        if needs <= facts.keys():
            continue
        result = compiled.fn(Ctx(facts))
        assert result is not False, (text, sorted(needs), facts)


def test_the_analysis_reads_not_and_or_as_kleene_logic() -> None:
    def needs(text: str) -> set[str]:
        return set(needed_to_fail(parse(text), KINDS))

    assert needs("a") == {"a"}
    assert needs("not a or b") == {"a", "b"}  # an implication needs both to fail
    assert needs("not (a and b)") == {"a", "b"}
    assert needs("a and b") == set()  # a missing and b false: false
    assert needs("a or b") == {"a", "b"}
    assert needs("given(a)") == set()  # given() decides without the fact
    assert needs("not given(a)") == set()
    assert needs("not given(a) or a") == {"a"}  # false only when a is given and false
    assert needs("n > grans") == {"n"}
    assert needs("on > grans") == set()


def test_skipping_changes_no_answer_of_the_shipped_constraints() -> None:
    """Every constraint of every jurisdiction, on cases built from its own facts with each
    subset missing: skipped exactly when it could not have failed."""
    engine = lsr.load()
    on = date(2026, 1, 1)
    samples: dict[str, tuple[Any, ...]] = {
        "bool": (True, False),
        "date": (date(1990, 5, 1), date(2026, 3, 1)),
        "int": (0, 40, 70),
        "number": (0, 19, 40),
    }
    checked = broken = 0
    for jurisdiction in engine.jurisdictions():
        view = engine.rulebook.view(jurisdiction)
        for needs, c in view.constraint_plan:
            names = sorted(c.expr.facts)
            options = []
            for name in names:
                decl = engine.rulebook.facts[name]
                if decl.values:
                    vals: tuple[Any, ...] = tuple(decl.values)[:6]
                    if decl.type == "list":
                        vals = ((), tuple(decl.values)[:1], tuple(decl.values)[-2:])
                else:
                    vals = samples.get(decl.type, ())
                options.append((None, *vals))
            for combo in itertools.product(*options):
                facts = {n: v for n, v in zip(names, combo, strict=True) if v is not None}
                raw = Session(view, facts, on, derive=False)
                result = c.expr.fn(raw)
                if not needs <= facts.keys():
                    assert result is not False, (c.id, facts)
                if result is False:  # the engine files the check where this case finds it
                    broken += 1
                    with pytest.raises(FactError):
                        engine.check_facts(facts, on=on, jurisdiction=jurisdiction)
                checked += 1
    assert checked > 100
    assert broken > 10


def test_a_case_that_breaks_a_constraint_is_still_refused() -> None:
    engine = lsr.load()
    bad = {"lag": "SoL", "insats": "personlig_assistans"}
    with pytest.raises(FactError, match="lag") as info:
        engine.check_facts(bad, on=date(2026, 1, 1))
    assert "insats" in str(info.value)
