"""The expression parser: precedence, literals, and errors that name the column."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lss_sol_rules.errors import ExpressionError
from lss_sol_rules.expr import parse
from lss_sol_rules.expr.ast import BinOp, BoolOp, Call, Compare, ListExpr, Literal, Name, Unary
from lss_sol_rules.expr.parser import MAX_DEPTH, MAX_LENGTH


def test_and_binds_tighter_than_or() -> None:
    assert parse("a or b and c") == BoolOp("or", (Name("a"), BoolOp("and", (Name("b"), Name("c")))))


def test_not_binds_looser_than_comparison() -> None:
    assert parse("not a == 1") == Unary("not", Compare("==", Name("a"), Literal(1, "int")))


def test_arithmetic_precedence_and_left_associativity() -> None:
    assert parse("1 + 2 * 3") == BinOp(
        "+", Literal(1, "int"), BinOp("*", Literal(2, "int"), Literal(3, "int"))
    )
    assert parse("8 - 2 - 1") == BinOp(
        "-", BinOp("-", Literal(8, "int"), Literal(2, "int")), Literal(1, "int")
    )
    assert parse("(1 + 2) * 3") == BinOp(
        "*", BinOp("+", Literal(1, "int"), Literal(2, "int")), Literal(3, "int")
    )


def test_unary_minus() -> None:
    assert parse("-x + 1") == BinOp("+", Unary("-", Name("x")), Literal(1, "int"))


def test_literals() -> None:
    assert parse("20.01") == Literal(Decimal("20.01"), "number")
    assert parse("20") == Literal(20, "int")
    assert parse("2023-01-01") == Literal(date(2023, 1, 1), "date")
    assert parse("'kommun'") == Literal("kommun", "text")
    assert parse('"kommun"') == Literal("kommun", "text")
    assert parse("true") == Literal(True, "bool")
    assert parse("false") == Literal(False, "bool")
    assert parse("[1, 2]") == ListExpr((Literal(1, "int"), Literal(2, "int")))
    assert parse("[]") == ListExpr(())


def test_in_and_not_in() -> None:
    assert parse("x in [1]") == Compare("in", Name("x"), ListExpr((Literal(1, "int"),)))
    assert parse("x not in y") == Compare("not in", Name("x"), Name("y"))


def test_dotted_names_are_one_name_not_attribute_access() -> None:
    assert parse("lss.personkrets_1") == Name("lss.personkrets_1")


def test_calls() -> None:
    assert parse("age(fodelsedatum, on)") == Call("age", (Name("fodelsedatum"), Name("on")))
    assert parse("f()") == Call("f", ())


def test_columns_are_kept_but_ignored_by_equality() -> None:
    node = parse("a  == 1")
    assert isinstance(node, Compare)
    assert node.col == 4
    assert node == parse("a == 1")


@pytest.mark.parametrize(
    ("text", "column", "fragment"),
    [
        ("a = 1", 3, "compare with '=='"),
        ("a ==", 5, "expected a value"),
        ("(a", 3, "expected ')'"),
        ("a b", 3, "unexpected 'b'"),
        ("1 < a < 2", 7, "do not chain"),
        ("2023-02-30", 1, "not a real date"),
        ("'open", 1, "close the string"),
        ("", 1, "empty expression"),
        ("a @ b", 3, "unexpected character '@'"),
        ("x.__class__", 1, "'__'"),
        ("__import__('os')", 1, "'__'"),
        ("a; b", 2, "unexpected character ';'"),
        ("1" * 30, 1, "more than 20 digits"),
    ],
)
def test_errors_name_the_column(text: str, column: int, fragment: str) -> None:
    with pytest.raises(ExpressionError) as info:
        parse(text)
    assert info.value.column == column
    assert fragment in str(info.value)


def test_deep_nesting_is_rejected_not_a_recursion_error() -> None:
    with pytest.raises(ExpressionError, match="nests deeper"):
        parse("(" * (MAX_DEPTH + 5) + "1" + ")" * (MAX_DEPTH + 5))
    with pytest.raises(ExpressionError, match="nests deeper"):
        parse("not " * (MAX_DEPTH + 5) + "true")
    with pytest.raises(ExpressionError, match="nests deeper"):
        parse("-" * (MAX_DEPTH + 5) + "1")


def test_overlong_expression_is_rejected() -> None:
    with pytest.raises(ExpressionError, match="longer than"):
        parse("a or " * (MAX_LENGTH // 5 + 1) + "a")


def test_non_text_is_rejected() -> None:
    with pytest.raises(ExpressionError, match="must be text"):
        parse(12)  # type: ignore[arg-type]


# -- the fast path for chains of simple comparisons ----------------------------------------
def _tree(node: object) -> object:
    """A node as nested tuples, columns included (``==`` on nodes ignores columns)."""
    import attrs

    if attrs.has(type(node)):
        return (type(node).__name__, *tuple(_tree(getattr(node, f.name)) for f in attrs.fields(type(node))))
    if isinstance(node, tuple):
        return tuple(_tree(n) for n in node)
    return (type(node).__name__, node)


_SIMPLE_NAMES = st.sampled_from(
    ["varde", "a.b", "x_1", "and", "not", "in", "true", "a__b", "Varde", "lss.personkrets_3"]
)
_SIMPLE_LITERALS = st.one_of(
    st.integers(0, 10**25).map(str),
    st.decimals(min_value=0, max_value=10**6, places=3).map(str),
    st.dates().map(lambda d: d.isoformat()),
    st.sampled_from(["2023-02-30", "2023-13-01", "007", "1.", ".5", "1e5", "'x'", "-3", "20a"]),
)
_SIMPLE_PART = st.tuples(
    _SIMPLE_NAMES, st.sampled_from(["<", "<=", ">", ">=", "==", "!=", "=", "in"]), _SIMPLE_LITERALS
).map(" ".join)


@settings(max_examples=500, deadline=None)
@given(
    parts=st.lists(_SIMPLE_PART, min_size=1, max_size=4),
    glue=st.sampled_from([" and ", " and  ", " or ", " AND "]),
)
def test_simple_comparison_chains_parse_exactly_as_the_general_parser(
    parts: list[str], glue: str
) -> None:
    """``parse`` builds chains like ``varde > 3 and varde <= 4`` without the general parser
    (most table cells and rule conditions): the same tree, columns included, and the same
    refusal for anything it does not take."""
    from lss_sol_rules.expr.parser import _Parser

    text = glue.join(parts)

    def outcome(fn: Any) -> object:
        try:
            return _tree(fn(text))
        except ExpressionError as exc:
            return ("error", str(exc))

    assert outcome(parse) == outcome(lambda t: _Parser(t).parse())
