"""Type-check a syntax tree against the declared names and compile it to closures.

Compilation happens once, when a rulebook is loaded; every name is resolved and every
call checked then, so a typo never reaches a case officer. The compiled function takes a
:class:`Context` and returns a value or an :class:`Unknown` that names the facts whose
absence made the result unknown. ``and``/``or``/``not`` follow Kleene's three-valued logic:
``false and <unknown>`` is ``false``, ``true or <unknown>`` is ``true``.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping
from datetime import date
from decimal import Decimal
from typing import Any, Protocol

import attrs

from ..errors import EvaluationError, ExpressionError, LssSolRulesError, did_you_mean
from ..values import ARITHMETIC, Value
from .ast import BinOp, BoolOp, Call, Compare, ListExpr, Literal, Name, Node, Unary
from .functions import STANDARD_FUNCTIONS, Function

__all__ = [
    "CompiledExpr",
    "Context",
    "Scope",
    "Symbol",
    "Unknown",
    "compile_expr",
]

MAX_RESULT_MAGNITUDE = 30
"""Every number a rule computes lies strictly between ±10^30 (and, unless it is 0, beyond
±10^-30); a computation leaving that range is an :class:`EvaluationError`, so that
questions that multiply each other can neither overflow nor build giant numbers."""
_LIMIT = 10**MAX_RESULT_MAGNITUDE

Type = tuple[str, "str | None"]  # (type, element type for lists)


def _message(exc: BaseException) -> str:
    try:
        text = str(exc)
    except Exception:
        return "(no message)"
    return text if len(text) <= 200 else text[:197] + "..."


class Unknown:
    """The result of an expression that depends on facts not given.

    ``missing`` is the set of fact names whose values would settle it.
    """

    __slots__ = ("missing",)

    def __init__(self, missing: frozenset[str]) -> None:
        self.missing = missing

    def __repr__(self) -> str:
        return f"Unknown({sorted(self.missing)})"

    def merge(self, other: Unknown | None) -> Unknown:
        """The union of two unknowns (``self`` when *other* is ``None``)."""
        if other is None or other.missing <= self.missing:
            return self
        return Unknown(self.missing | other.missing)


Result = Any  # a Value or an Unknown
Fn = Callable[["Context"], Result]


class Context(Protocol):
    """What a compiled expression reads at evaluation time."""

    on: date

    def fact(self, name: str) -> Result:
        """The fact's value, derived if not given, or an :class:`Unknown`."""

    def param(self, name: str) -> Value:
        """The parameter's value in force on the evaluation date."""

    def param_at(self, name: str, on: date) -> Value:
        """The parameter's value in force on *on* (for transitional rules)."""

    def question(self, name: str) -> Result:
        """The value of another question for the same case, or an :class:`Unknown`."""


@attrs.frozen
class Symbol:
    """What a name in an expression refers to."""

    kind: str  # "fact" | "param" | "question" | "on"
    type: str
    of: str | None = None
    values: tuple[Any, ...] | None = None


@attrs.frozen
class Scope:
    """The names and functions an expression may use."""

    symbols: Mapping[str, Symbol]
    functions: Mapping[str, Function] = attrs.field(factory=lambda: dict(STANDARD_FUNCTIONS))


@attrs.frozen
class CompiledExpr:
    """A checked, compiled expression and the names it reads."""

    fn: Fn
    type: str
    of: str | None
    facts: frozenset[str]
    params: frozenset[str]
    questions: frozenset[str]
    params_at: frozenset[tuple[str, date]]
    node: Node


def _is_num(t: str) -> bool:
    return t in ("int", "number")


def _same(a: Type, b: Type) -> bool:
    if _is_num(a[0]) and _is_num(b[0]):
        return True
    if a[0] == "list" and b[0] == "list":
        return a[1] is None or b[1] is None or _same((a[1], None), (b[1], None))
    return a[0] == b[0]


def _show(t: Type) -> str:
    return f"list of {t[1]}" if t[0] == "list" and t[1] else t[0]


def _show_sv(t: Type) -> str:
    """The type *t* in a Swedish sentence: ``typen number``, ``en lista med text``."""
    if t[0] == "list":
        return f"en lista med {t[1]}" if t[1] else "en lista"
    return f"typen {t[0]}"


def _usage(doc: str) -> str:
    """A function's call form (``add_days(d, n)``), the part of its doc before the colon."""
    return doc.split(":", 1)[0].strip() or doc


_ARITH: dict[str, tuple[Callable[[int, int], int], Callable[[Decimal, Decimal], Decimal]]] = {
    "+": (operator.add, ARITHMETIC.add),
    "-": (operator.sub, ARITHMETIC.subtract),
    "*": (operator.mul, ARITHMETIC.multiply),
}


def bounded(value: Any, text: str) -> Any:
    """*value* if it is a number rules may compute with, else :class:`EvaluationError`.

    Numbers must stay strictly between ±10^30; a non-zero decimal must also stay beyond
    ±10^-30 (a zero with a huge exponent becomes a plain 0).
    """
    if type(value) is int:
        if -_LIMIT < value < _LIMIT:
            return value
    elif isinstance(value, Decimal):
        if value.is_zero():
            return value if value.as_tuple().exponent >= -MAX_RESULT_MAGNITUDE else Decimal(0)  # type: ignore[operator]
        if value.is_finite() and -MAX_RESULT_MAGNITUDE < value.adjusted() < MAX_RESULT_MAGNITUDE:
            return value
        if value.is_finite() and value.adjusted() <= -MAX_RESULT_MAGNITUDE:
            raise EvaluationError(
                f"a number computed by {text!r} is too small (below 10^-{MAX_RESULT_MAGNITUDE})"
                f"; rules compute with numbers between ±10^-{MAX_RESULT_MAGNITUDE} and "
                f"±10^{MAX_RESULT_MAGNITUDE}",
                sv=f"ett tal som beräknas av {text!r} blir för litet (under "
                f"10^-{MAX_RESULT_MAGNITUDE}); reglerna räknar med tal mellan "
                f"±10^-{MAX_RESULT_MAGNITUDE} och ±10^{MAX_RESULT_MAGNITUDE}",
            )
    else:
        return value
    raise EvaluationError(
        f"a number computed by {text!r} is too large (10^{MAX_RESULT_MAGNITUDE} or more); "
        f"rules compute with numbers between ±10^-{MAX_RESULT_MAGNITUDE} and "
        f"±10^{MAX_RESULT_MAGNITUDE}: check the rules that feed it",
        sv=f"ett tal som beräknas av {text!r} blir för stort (10^{MAX_RESULT_MAGNITUDE} eller "
        f"mer); reglerna räknar med tal mellan ±10^-{MAX_RESULT_MAGNITUDE} och "
        f"±10^{MAX_RESULT_MAGNITUDE}: kontrollera uppgifterna och de regler som ger talet",
    )


_ORDER = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
    "==": operator.eq,
    "!=": operator.ne,
}


class _Compiler:
    def __init__(self, text: str, scope: Scope) -> None:
        self.text = text
        self.scope = scope
        self.facts: set[str] = set()
        self.params: set[str] = set()
        self.questions: set[str] = set()
        self.params_at: set[tuple[str, date]] = set()

    def error(self, problem: str, sv: str, node: Node) -> ExpressionError:
        """The error at *node*; *sv*: the problem in Swedish."""
        return ExpressionError(problem, self.text, max(node.col, 1), sv)

    # Each visit returns (closure, type).
    def visit(self, node: Node) -> tuple[Fn, Type]:
        if isinstance(node, Literal):
            value = node.value
            return (lambda ctx: value), (node.vtype, None)
        if isinstance(node, Name):
            return self.name(node)
        if isinstance(node, Unary):
            return self.unary(node)
        if isinstance(node, BinOp):
            return self.binop(node)
        if isinstance(node, Compare):
            return self.compare(node)
        if isinstance(node, BoolOp):
            return self.boolop(node)
        if isinstance(node, Call):
            return self.call(node)
        return self.listexpr(node)

    def name(self, node: Name) -> tuple[Fn, Type]:
        sym = self.scope.symbols.get(node.name)
        if sym is None:
            hint = did_you_mean(node.name, self.scope.symbols)
            raise self.error(
                f"unknown name {node.name!r}{hint}; declare it under [facts], "
                f"[parameters] or [questions]",
                f"okänt namn {node.name!r}{did_you_mean(node.name, self.scope.symbols, 'sv')}; "
                f"deklarera det under [facts], [parameters] eller [questions]",
                node,
            )
        name = node.name
        t: Type = (sym.type, sym.of)
        if sym.kind == "fact":
            self.facts.add(name)
            return (lambda ctx: ctx.fact(name)), t
        if sym.kind == "param":
            self.params.add(name)
            return (lambda ctx: ctx.param(name)), t
        if sym.kind == "question":
            self.questions.add(name)
            return (lambda ctx: ctx.question(name)), t
        return (lambda ctx: ctx.on), ("date", None)

    def unary(self, node: Unary) -> tuple[Fn, Type]:
        fn, t = self.visit(node.operand)
        if node.op == "not":
            if t[0] != "bool":
                raise self.error(
                    f"'not' needs a bool, got {_show(t)}",
                    f"'not' kräver ett värde av typen bool, men fick {_show_sv(t)}",
                    node,
                )

            def not_(ctx: Context) -> Result:
                v = fn(ctx)
                if v is True:
                    return False
                if v is False:
                    return True
                return v

            return not_, ("bool", None)
        if not _is_num(t[0]):
            raise self.error(
                f"'-' needs a number, got {_show(t)}",
                f"'-' kräver ett tal, men fick {_show_sv(t)}",
                node,
            )

        def neg(ctx: Context) -> Result:
            v = fn(ctx)
            return v if isinstance(v, Unknown) else v.copy_negate() if type(v) is Decimal else -v

        return neg, t

    def binop(self, node: BinOp) -> tuple[Fn, Type]:
        lf, lt = self.visit(node.left)
        rf, rt = self.visit(node.right)
        op = node.op
        if lt[0] == "date" and rt[0] == "date" and op == "-":

            def date_diff(ctx: Context) -> Result:
                a, b = lf(ctx), rf(ctx)
                if isinstance(a, Unknown):
                    return a.merge(b if isinstance(b, Unknown) else None)
                if isinstance(b, Unknown):
                    return b
                return (a - b).days

            return date_diff, ("int", None)
        if "date" in (lt[0], rt[0]):
            raise self.error(
                f"'{op}' cannot combine {_show(lt)} and {_show(rt)}; use add_days, "
                f"add_months or add_years for date arithmetic",
                f"'{op}' kan inte kombinera {_show_sv(lt)} och {_show_sv(rt)}; räkna med datum "
                f"med add_days, add_months eller add_years",
                node,
            )
        if not (_is_num(lt[0]) and _is_num(rt[0])):
            raise self.error(
                f"'{op}' needs numbers, got {_show(lt)} and {_show(rt)}",
                f"'{op}' kräver tal, men fick {_show_sv(lt)} och {_show_sv(rt)}",
                node,
            )
        result: Type = ("int", None) if lt[0] == rt[0] == "int" and op != "/" else ("number", None)
        text = self.text
        impl: Callable[[Any, Any], Any]
        if op == "/":

            def impl(a: Any, b: Any) -> Any:
                if not b:
                    raise EvaluationError(
                        f"division by zero in {text!r}", sv=f"division med noll i {text!r}"
                    )
                return ARITHMETIC.divide(Decimal(a), Decimal(b))

        else:
            ints, decimals = _ARITH[op]

            def impl(a: Any, b: Any) -> Any:
                if type(a) is int and type(b) is int:
                    return ints(a, b)
                return decimals(Decimal(a), Decimal(b))

        def arith(ctx: Context) -> Result:
            a, b = lf(ctx), rf(ctx)
            if isinstance(a, Unknown):
                return a.merge(b if isinstance(b, Unknown) else None)
            if isinstance(b, Unknown):
                return b
            try:
                return bounded(impl(a, b), text)
            except (ArithmeticError, ValueError) as exc:  # decimal signals, defensively
                raise EvaluationError(
                    f"{op!r} failed in {text!r}: {type(exc).__name__}; the numbers are out of "
                    f"the range rules compute with (±10^{MAX_RESULT_MAGNITUDE})",
                    sv=f"räkneoperationen {op!r} i {text!r} gick inte att utföra: talen ligger "
                    f"utanför det intervall reglerna räknar med (±10^{MAX_RESULT_MAGNITUDE})",
                ) from None

        return arith, result

    def _check_enum_literal(self, name_node: Node, lit_node: Node) -> None:
        """A text literal compared with an enum fact must be one of its values."""
        if not (isinstance(name_node, Name) and isinstance(lit_node, Literal)):
            return
        sym = self.scope.symbols.get(name_node.name)
        if sym is None or sym.values is None or lit_node.value in sym.values:
            return
        hint = did_you_mean(str(lit_node.value), [str(v) for v in sym.values])
        hint_sv = did_you_mean(str(lit_node.value), [str(v) for v in sym.values], "sv")
        listed = ", ".join(repr(v) for v in sym.values)
        raise self.error(
            f"{lit_node.value!r} is not a value of {name_node.name!r}{hint}; allowed: {listed}",
            f"{lit_node.value!r} är inte ett av värdena för {name_node.name!r}{hint_sv}; "
            f"tillåtna värden: {listed}",
            lit_node,
        )

    def compare(self, node: Compare) -> tuple[Fn, Type]:
        lf, lt = self.visit(node.left)
        rf, rt = self.visit(node.right)
        op = node.op
        if op in ("in", "not in"):
            if rt[0] != "list":
                raise self.error(
                    f"'{op}' needs a list on its right, got {_show(rt)}",
                    f"'{op}' kräver en lista till höger, men fick {_show_sv(rt)}",
                    node,
                )
            if rt[1] is not None and not _same(lt, (rt[1], None)):
                raise self.error(
                    f"'{op}' compares {_show(lt)} with a {_show(rt)}",
                    f"'{op}' jämför {_show_sv(lt)} med {_show_sv(rt)}",
                    node,
                )
            self._check_enum_literal(node.right, node.left)
            if isinstance(node.right, ListExpr):
                for item in node.right.items:
                    self._check_enum_literal(node.left, item)
            negate = op == "not in"

            def contains(ctx: Context) -> Result:
                a, b = lf(ctx), rf(ctx)
                if isinstance(a, Unknown):
                    return a.merge(b if isinstance(b, Unknown) else None)
                if isinstance(b, Unknown):
                    return b
                return (a in b) != negate

            return contains, ("bool", None)
        if not _same(lt, rt):
            raise self.error(
                f"cannot compare {_show(lt)} with {_show(rt)}",
                f"{_show_sv(lt)} kan inte jämföras med {_show_sv(rt)}",
                node,
            )
        if op not in ("==", "!=") and not (_is_num(lt[0]) or lt[0] == "date"):
            raise self.error(
                f"'{op}' orders numbers or dates, not {_show(lt)}",
                f"'{op}' jämför storleken på tal eller datum, inte {_show_sv(lt)}",
                node,
            )
        self._check_enum_literal(node.left, node.right)
        self._check_enum_literal(node.right, node.left)
        cmp = _ORDER[op]

        def comparison(ctx: Context) -> Result:
            a, b = lf(ctx), rf(ctx)
            if isinstance(a, Unknown):
                return a.merge(b if isinstance(b, Unknown) else None)
            if isinstance(b, Unknown):
                return b
            return cmp(a, b)

        return comparison, ("bool", None)

    def boolop(self, node: BoolOp) -> tuple[Fn, Type]:
        fns: list[Fn] = []
        for operand in node.operands:
            fn, t = self.visit(operand)
            if t[0] != "bool":
                raise self.error(
                    f"'{node.op}' needs bools, got {_show(t)}",
                    f"'{node.op}' kräver värden av typen bool, men fick {_show_sv(t)}",
                    operand,
                )
            fns.append(fn)
        parts = tuple(fns)
        short = node.op == "or"  # the value that decides the whole expression

        def kleene(ctx: Context) -> Result:
            unknown: Unknown | None = None
            for f in parts:
                v = f(ctx)
                if v is short:
                    return short
                if v is not (not short):
                    unknown = v.merge(unknown)
            return (not short) if unknown is None else unknown

        return kleene, ("bool", None)

    def call(self, node: Call) -> tuple[Fn, Type]:
        if node.func == "at":
            return self.call_at(node)
        if node.func == "given":
            return self.call_given(node)
        func = self.scope.functions.get(node.func)
        if func is None:
            known = [*self.scope.functions, "at", "given"]
            hint = did_you_mean(node.func, known)
            listed = ", ".join(sorted(known))
            raise self.error(
                f"{node.func!r} is not a function rules may call{hint}; allowed: {listed}",
                f"{node.func!r} är inte en funktion som regler får anropa"
                f"{did_you_mean(node.func, known, 'sv')}; tillåtna funktioner: {listed}",
                node,
            )
        if len(node.args) != len(func.args):
            raise self.error(
                f"{func.name}() takes {len(func.args)} argument(s), got {len(node.args)}: "
                f"{func.doc}",
                f"{func.name}() tar {len(func.args)} argument, men fick {len(node.args)}: "
                f"{_usage(func.doc)}",
                node,
            )
        compiled = [self.visit(a) for a in node.args]
        tvar: Type | None = None
        for (_, t), want, arg in zip(compiled, func.args, node.args, strict=False):
            if want == "T":
                if func.orderable and not (_is_num(t[0]) or t[0] == "date"):
                    raise self.error(
                        f"{func.name}() compares numbers or dates, got {_show(t)}",
                        f"{func.name}() jämför tal eller datum, men fick {_show_sv(t)}",
                        arg,
                    )
                if tvar is not None and not _same(tvar, t):
                    raise self.error(
                        f"{func.name}() needs arguments of one type",
                        f"{func.name}() kräver att argumenten har samma typ",
                        arg,
                    )
                tvar = t if tvar is None or tvar[0] == "int" else tvar
                continue
            ok = (want == "number" and _is_num(t[0])) or want == t[0]
            if not ok:
                raise self.error(
                    f"{func.name}() needs a {want} here, got {_show(t)}: {func.doc}",
                    f"{func.name}() kräver ett värde av typen {want} här, men fick "
                    f"{_show_sv(t)}: {_usage(func.doc)}",
                    arg,
                )
        ret: Type = tvar if func.returns == "T" and tvar else (func.returns, None)
        arg_fns = tuple(f for f, _ in compiled)
        impl = func.impl
        name = func.name
        text = self.text

        def call(ctx: Context) -> Result:
            args = [f(ctx) for f in arg_fns]
            unknown: Unknown | None = None
            for a in args:
                if isinstance(a, Unknown):
                    unknown = a.merge(unknown)
            if unknown is not None:
                return unknown
            try:
                return bounded(impl(*args), text)
            except LssSolRulesError:
                raise
            except Exception as exc:  # a plugin's function must not break the promise
                raise EvaluationError(
                    f"{name}() failed in {text!r}: {type(exc).__name__}: {_message(exc)}",
                    sv=f"funktionen {name}() i {text!r} gick inte att beräkna "
                    f"({type(exc).__name__}, på engelska: {_message(exc)})",
                ) from None

        return call, ret

    def call_at(self, node: Call) -> tuple[Fn, Type]:
        usage = "at(parameter, YYYY-MM-DD): a parameter's value on a fixed date"
        usage_sv = "at(parameter, ÅÅÅÅ-MM-DD): en parameters värde på ett bestämt datum"
        if len(node.args) != 2:
            raise self.error(
                f"at() takes 2 arguments: {usage}", f"at() tar 2 argument: {usage_sv}", node
            )
        pnode, dnode = node.args
        sym = self.scope.symbols.get(pnode.name) if isinstance(pnode, Name) else None
        if sym is None or sym.kind != "param" or not isinstance(pnode, Name):
            raise self.error(
                f"the first argument of at() must be a parameter: {usage}",
                f"det första argumentet till at() ska vara en parameter: {usage_sv}",
                pnode,
            )
        if not (isinstance(dnode, Literal) and dnode.vtype == "date"):
            raise self.error(
                f"the second argument of at() must be a date literal: {usage}",
                f"det andra argumentet till at() ska vara ett datum skrivet i uttrycket: "
                f"{usage_sv}",
                dnode,
            )
        pname = pnode.name
        when = dnode.value
        assert isinstance(when, date)  # noqa: S101 - checked just above
        self.params_at.add((pname, when))
        return (lambda ctx: ctx.param_at(pname, when)), (sym.type, sym.of)

    def call_given(self, node: Call) -> tuple[Fn, Type]:
        usage = "given(fact): true when the case gives the fact (or it can be derived)"
        usage_sv = "given(uppgift): true när ärendet har uppgiften (eller den kan härledas)"
        arg = node.args[0] if len(node.args) == 1 else None
        sym = self.scope.symbols.get(arg.name) if isinstance(arg, Name) else None
        if sym is None or sym.kind != "fact" or not isinstance(arg, Name):
            raise self.error(
                f"given() takes one fact name: {usage}",
                f"given() tar namnet på en uppgift: {usage_sv}",
                node,
            )
        name = arg.name
        self.facts.add(name)
        return (lambda ctx: not isinstance(ctx.fact(name), Unknown)), ("bool", None)

    def listexpr(self, node: ListExpr) -> tuple[Fn, Type]:
        compiled = [self.visit(i) for i in node.items]
        elem: Type | None = None
        for (_, t), item in zip(compiled, node.items, strict=False):
            if t[0] == "list":
                raise self.error(
                    "lists cannot contain lists", "en lista kan inte innehålla listor", item
                )
            if elem is not None and not _same(elem, t):
                raise self.error(
                    f"a list mixes {_show(elem)} and {_show(t)}",
                    f"listan blandar {_show_sv(elem)} och {_show_sv(t)}",
                    item,
                )
            elem = t if elem is None or elem[0] == "int" else elem
        fns = tuple(f for f, _ in compiled)
        if all(isinstance(i, Literal) for i in node.items):
            const = tuple(i.value for i in node.items if isinstance(i, Literal))
            return (lambda ctx: const), ("list", elem[0] if elem else None)

        def build(ctx: Context) -> Result:
            out = []
            unknown: Unknown | None = None
            for f in fns:
                v = f(ctx)
                if isinstance(v, Unknown):
                    unknown = v.merge(unknown)
                else:
                    out.append(v)
            return tuple(out) if unknown is None else unknown

        return build, ("list", elem[0] if elem else None)


def compile_expr(text: str, node: Node, scope: Scope) -> CompiledExpr:
    """Type-check *node* (parsed from *text*) in *scope* and compile it.

    Raises :class:`ExpressionError` with the column of the offending part.
    """
    c = _Compiler(text, scope)
    fn, (t, of) = c.visit(node)
    return CompiledExpr(
        fn=fn,
        type=t,
        of=of,
        facts=frozenset(c.facts),
        params=frozenset(c.params),
        questions=frozenset(c.questions),
        params_at=frozenset(c.params_at),
        node=node,
    )
