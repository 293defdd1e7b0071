"""Type checking and compiled evaluation: Kleene logic, missing facts, whitelisted calls."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from lss_sol_rules.errors import EvaluationError, ExpressionError
from lss_sol_rules.expr import Scope, Symbol, Unknown, compile_expr, parse

SYMBOLS = {
    "a": Symbol("fact", "bool"),
    "b": Symbol("fact", "bool"),
    "h": Symbol("fact", "number"),
    "n": Symbol("fact", "int"),
    "d": Symbol("fact", "date"),
    "born": Symbol("fact", "date"),
    "insats": Symbol("fact", "text", values=("hemtjanst", "servicehus")),
    "diagnoser": Symbol("fact", "list", "text", ("autism", "annan")),
    "grans": Symbol("param", "number"),
    "q.ok": Symbol("question", "bool"),
    "on": Symbol("on", "date"),
}


class Ctx:
    """A context with plain dictionaries behind it."""

    def __init__(self, facts: dict[str, Any], on: date = date(2026, 1, 1)) -> None:
        self.facts = facts
        self.on = on
        self.params: dict[str, Any] = {"grans": 20}
        self.questions: dict[str, Any] = {"q.ok": True}

    def fact(self, name: str) -> Any:
        return self.facts[name] if name in self.facts else Unknown(frozenset({name}))

    def param(self, name: str) -> Any:
        return self.params[name]

    def param_at(self, name: str, on: date) -> Any:
        return {"grans": 10 if on < date(2020, 1, 1) else 20}[name]

    def question(self, name: str) -> Any:
        return self.questions[name]


def run(text: str, **facts: Any) -> Any:
    compiled = compile_expr(text, parse(text), Scope(SYMBOLS))
    return compiled.fn(Ctx(facts))


def missing(result: Any) -> set[str]:
    assert isinstance(result, Unknown), result
    return set(result.missing)


# -- three-valued logic --------------------------------------------------------------------
T, F, U = True, False, None
KLEENE_AND = [(T, T, T), (T, F, F), (T, U, U), (F, U, F), (U, F, F), (U, U, U), (F, F, F)]
KLEENE_OR = [(T, T, T), (T, F, T), (T, U, T), (F, U, U), (U, T, T), (U, U, U), (F, F, F)]


def _facts(a: bool | None, b: bool | None) -> dict[str, bool]:
    out = {}
    if a is not None:
        out["a"] = a
    if b is not None:
        out["b"] = b
    return out


@pytest.mark.parametrize(("x", "y", "want"), KLEENE_AND)
def test_and_truth_table(x: bool | None, y: bool | None, want: bool | None) -> None:
    result = run("a and b", **_facts(x, y))
    assert (None if isinstance(result, Unknown) else result) is want


@pytest.mark.parametrize(("x", "y", "want"), KLEENE_OR)
def test_or_truth_table(x: bool | None, y: bool | None, want: bool | None) -> None:
    result = run("a or b", **_facts(x, y))
    assert (None if isinstance(result, Unknown) else result) is want


def test_not_of_unknown_is_unknown() -> None:
    assert missing(run("not a")) == {"a"}
    assert run("not a", a=True) is False


def test_missing_lists_exactly_the_facts_the_result_depends_on() -> None:
    assert run("a and h > 20", a=False) is False  # h is irrelevant
    assert missing(run("a and h > 20", a=True)) == {"h"}
    assert missing(run("a and h > 20")) == {"a", "h"}
    assert missing(run("a or (b and h > 1)", a=False, b=True)) == {"h"}
    assert missing(run("h + n > 3")) == {"h", "n"}
    assert missing(run("age(born, on) >= 65")) == {"born"}
    assert missing(run("'autism' in diagnoser")) == {"diagnoser"}


# -- values and operators ---------------------------------------------------------------------
def test_exact_decimal_comparison_at_the_line() -> None:
    assert run("h > grans", h=Decimal("20.01")) is True
    assert run("h > grans", h=Decimal("20.0")) is False
    assert run("h <= grans", h=20) is True


def test_arithmetic() -> None:
    assert run("h * 4 + 1 == 81", h=20) is True
    assert run("h / 4 == 5", h=20) is True
    assert run("-h < 0", h=1) is True
    assert run("d - born == 365", d=date(2021, 1, 1), born=date(2020, 1, 1)) is False
    assert run("d - born == 366", d=date(2021, 1, 1), born=date(2020, 1, 1)) is True


def test_division_by_zero_is_an_evaluation_error() -> None:
    with pytest.raises(EvaluationError, match="division by zero"):
        run("h / n > 1", h=1, n=0)


def test_membership() -> None:
    assert run("insats in ['hemtjanst']", insats="hemtjanst") is True
    assert run("insats not in ['hemtjanst']", insats="hemtjanst") is False
    assert run("'autism' in diagnoser", diagnoser=("annan", "autism")) is True


def test_questions_and_parameters_at_a_date() -> None:
    assert run("q.ok") is True
    assert run("at(grans, 2019-12-31) == 10") is True
    assert run("at(grans, 2020-01-01) == 20") is True


# -- every whitelisted function -----------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("age(2000-01-02, 2066-01-01)", 65),
        ("age(2000-01-02, 2066-01-02)", 66),
        ("age(2000-02-29, 2001-02-28)", 1),
        ("add_days(2026-01-31, 1)", date(2026, 2, 1)),
        ("add_days(2026-03-01, -1)", date(2026, 2, 28)),
        ("add_months(2026-01-31, 1)", date(2026, 2, 28)),
        ("add_months(2024-01-31, 1)", date(2024, 2, 29)),
        ("add_months(2026-03-15, -3)", date(2025, 12, 15)),
        ("add_years(2000-02-29, 65)", date(2065, 2, 28)),
        ("add_years(2000-02-29, 64)", date(2064, 2, 29)),
        ("days_between(2026-01-01, 2026-02-01)", 31),
        ("months_between(2026-01-31, 2026-02-28)", 1),
        ("months_between(2026-01-31, 2026-02-27)", 0),
        ("months_between(2026-01-31, 2026-03-31)", 2),
        ("months_between(2026-03-31, 2026-01-31)", -2),
        ("end_of_month(2024-02-10)", date(2024, 2, 29)),
        ("start_of_quarter(2026-05-20)", date(2026, 4, 1)),
        ("end_of_quarter(2026-05-20)", date(2026, 6, 30)),
        ("end_of_quarter(2026-12-01)", date(2026, 12, 31)),
        ("date(2026, 7, 1)", date(2026, 7, 1)),
        ("year(2026-05-20)", 2026),
        ("month(2026-05-20)", 5),
        ("min(3, 2.5)", Decimal("2.5")),
        ("max(2026-01-01, 2025-01-01)", date(2026, 1, 1)),
        ("abs(-4)", 4),
        ("len(['a', 'b'])", 2),
    ],
)
def test_whitelisted_functions(text: str, want: Any) -> None:
    assert run(text) == want


def test_impossible_date_from_date_function_is_an_evaluation_error() -> None:
    with pytest.raises(EvaluationError, match="date"):
        run("date(2026, 2, 30) > on")


# -- load-time type errors -------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("nope > 1", "unknown name 'nope'"),
        ("hh > 1", "did you mean 'h'"),
        ("a + 1", "'+' needs numbers"),
        ("h and a", "'and' needs bools"),
        ("not h", "'not' needs a bool"),
        ("d > 3", "cannot compare date with int"),
        ("d + 3 > d", "use add_days"),
        ("insats == 'hemtjnst'", "did you mean 'hemtjanst'"),
        ("'autsim' in diagnoser", "did you mean 'autism'"),
        ("insats in ['servicehus', 'bogus']", "'bogus' is not a value of 'insats'"),
        ("h in 3", "needs a list"),
        ("eval('1')", "not a function rules may call"),
        ("open('x')", "not a function rules may call"),
        ("age(d)", "takes 2 argument(s)"),
        ("age(h, on)", "needs a date here"),
        ("at(h, 2020-01-01)", "must be a parameter"),
        ("at(grans, d)", "must be a date literal"),
        ("min(d, 1)", "one type"),
        ("[1, 'a']", "mixes"),
        ("insats < 'a'", "orders numbers or dates"),
        ("add_days(d, 1.5) > d", "needs a int here"),
    ],
)
def test_type_errors_at_load(text: str, fragment: str) -> None:
    with pytest.raises(ExpressionError) as info:
        compile_expr(text, parse(text), Scope(SYMBOLS))
    assert fragment in str(info.value)


def test_compiled_expression_records_what_it_reads() -> None:
    text = "a and h > grans and q.ok and at(grans, 2019-01-01) > 1"
    c = compile_expr(text, parse(text), Scope(SYMBOLS))
    assert c.type == "bool"
    assert c.facts == {"a", "h"}
    assert c.params == {"grans"}
    assert c.questions == {"q.ok"}
    assert c.params_at == {("grans", date(2019, 1, 1))}


def test_given_is_two_valued() -> None:
    assert run("given(a)", a=False) is True
    assert run("given(a)") is False
    assert run("not given(a) or a") is True
    assert run("not given(a) or a", a=False) is False


def test_given_takes_a_fact_name() -> None:
    for text in ("given(grans)", "given(1)", "given(a, b)"):
        with pytest.raises(ExpressionError, match="one fact name"):
            compile_expr(text, parse(text), Scope(SYMBOLS))
