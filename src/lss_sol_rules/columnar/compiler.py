"""Compile rule expressions to column operations with the single-case semantics.

Each syntax node becomes a function of a :class:`BatchContext` returning a :class:`Vec` for
all cases at once. The semantics are those of :mod:`lss_sol_rules.expr.compiler` case by case:
Kleene ``and``/``or``/``not``, and an unknown result carrying the union of the facts its
unknown operands wait for. Where a case would raise in the single-case evaluator (a failing
function, division by zero) it is *flagged* instead, and the batch answers that case with the
single-case evaluator, so its error and message are exactly the single-case ones.

Everything the node types allow compiles; calls without a columnar form (``months_between``,
plugin functions, ...) run the function's Python implementation case by case on the known
cases, which is exact but not fast.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from datetime import date
from decimal import Decimal, DivisionByZero, InvalidOperation
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from ..errors import EvaluationError
from ..expr.ast import BinOp, BoolOp, Call, Compare, ListExpr, Literal, Name, Node, Unary
from ..expr.compiler import Scope
from .vectors import SMALL_INT, Bits, Vec, elementwise, known, merge, rep, squeeze

__all__ = ["BatchContext", "VecFn", "compile_node"]

T = tuple[str, "str | None"]
_ORDER: dict[str, Callable[[Any, Any], Any]] = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
    "==": operator.eq,
    "!=": operator.ne,
}
_FN_ERRORS = (OverflowError, ValueError, ArithmeticError, EvaluationError)


class BatchContext(Protocol):
    """What compiled column expressions read."""

    n: int
    on: date
    flag: npt.NDArray[np.bool_]
    distinct: dict[int, tuple[Any, Any]]  # id(column) -> (column, its distinct values or None)

    def fact(self, name: str) -> Vec:
        """The fact's column (derived where not given), unknown where absent."""

    def param(self, name: str, on: date | None = None) -> Any:
        """The parameter's value (in its representation) on *on* (default: the batch date)."""

    def question(self, name: str) -> Vec:
        """Another question's answers for the same cases."""


VecFn = Callable[[BatchContext], Vec]


def _float_exact(x: Any) -> bool:
    """Whether a constant number is exactly a binary float (so float comparisons are exact)."""
    if isinstance(x, bool):
        return False
    if isinstance(x, int):
        return abs(x) < 2**53
    if isinstance(x, Decimal):
        return bool(x.is_finite() and Decimal(float(x)) == x)
    return False


def _is_float_rep(v: Any) -> bool:
    return isinstance(v, np.ndarray) and v.dtype.kind == "f"


def _small_ints(v: Any) -> bool:
    if isinstance(v, np.ndarray):
        return bool(v.dtype.kind == "i")
    return isinstance(v, int) and not isinstance(v, bool) and -SMALL_INT < v < SMALL_INT


def _decimals(vec: Vec) -> Any:
    """Number values as exact Python numbers (``object`` array or a constant)."""
    v = vec.v
    if not isinstance(v, np.ndarray):
        return v
    if v.dtype.kind == "f":
        conv = np.frompyfunc(lambda x: Decimal(str(x)), 1, 1)
        return conv(v)
    return v.astype(object) if v.dtype != object else v


def numeric_pair(a: Vec, b: Vec) -> tuple[Any, Any]:
    """Both sides in one representation in which comparing them is exact."""
    av, bv = a.v, b.v
    if _small_ints(av) and _small_ints(bv):
        return av, bv
    floats_ok = all(
        _is_float_rep(x) or _small_ints(x) or (not isinstance(x, np.ndarray) and _float_exact(x))
        for x in (av, bv)
    )
    if floats_ok:
        fa = av.astype(np.float64) if isinstance(av, np.ndarray) else float(av)
        fb = bv.astype(np.float64) if isinstance(bv, np.ndarray) else float(bv)
        return fa, fb
    return _decimals(a), _decimals(b)


class _Compiler:
    def __init__(self, scope: Scope) -> None:
        self.scope = scope

    def type_of(self, node: Node) -> T:
        """The static type (already checked by the single-case compiler)."""
        if isinstance(node, Literal):
            return (node.vtype, None)
        if isinstance(node, Name):
            sym = self.scope.symbols.get(node.name)
            return ("date", None) if sym is None or sym.kind == "on" else (sym.type, sym.of)
        if isinstance(node, Unary):
            return ("bool", None) if node.op == "not" else self.type_of(node.operand)
        if isinstance(node, BinOp):
            lt, rt = self.type_of(node.left), self.type_of(node.right)
            if lt[0] == "date":
                return ("int", None)
            if lt[0] == rt[0] == "int" and node.op != "/":
                return ("int", None)
            return ("number", None)
        if isinstance(node, (Compare, BoolOp)):
            return ("bool", None)
        if isinstance(node, ListExpr):
            items = [self.type_of(i)[0] for i in node.items]
            elem = "number" if "number" in items else (items[0] if items else None)
            return ("list", elem)
        if node.func == "at":
            return self.type_of(node.args[0])
        if node.func == "given":
            return ("bool", None)
        func = self.scope.functions[node.func]
        if func.returns == "T":
            ts = [self.type_of(a) for a in node.args]
            return ("number", None) if any(t[0] == "number" for t in ts) else ts[0]
        return (func.returns, None)

    def visit(self, node: Node) -> VecFn:
        if isinstance(node, Literal):
            const = Vec(rep(node.value, (node.vtype, None)), None, (node.vtype, None))
            return lambda ctx: const
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

    def name(self, node: Name) -> VecFn:
        sym = self.scope.symbols[node.name]
        name = node.name
        t: T = (sym.type, sym.of)
        if sym.kind == "fact":
            return lambda ctx: ctx.fact(name)
        if sym.kind == "param":
            return lambda ctx: Vec(ctx.param(name), None, t)
        if sym.kind == "question":
            return lambda ctx: ctx.question(name)
        return lambda ctx: Vec(ctx.on.toordinal(), None, ("date", None))

    def unary(self, node: Unary) -> VecFn:
        inner = self.visit(node.operand)
        t = self.type_of(node)
        if node.op == "not":

            def not_(ctx: BatchContext) -> Vec:
                a = inner(ctx)
                return Vec(np.logical_not(a.v), a.unk, t)

            return not_

        def neg(ctx: BatchContext) -> Vec:
            a = inner(ctx)
            return Vec(-a.v, a.unk, t)

        return neg

    def binop(self, node: BinOp) -> VecFn:
        lf, rf = self.visit(node.left), self.visit(node.right)
        t = self.type_of(node)
        op = node.op
        is_date = self.type_of(node.left)[0] == "date"
        py = {"+": operator.add, "-": operator.sub, "*": operator.mul}.get(op)

        def arith(ctx: BatchContext) -> Vec:
            a, b = lf(ctx), rf(ctx)
            unk = merge(a.unk, b.unk)
            if is_date:
                return Vec(np.subtract(a.v, b.v), unk, t)
            if py is not None and _small_ints(a.v) and _small_ints(b.v):
                out = py(a.v, b.v)
                if isinstance(out, np.ndarray) and out.size and np.abs(out).max() >= SMALL_INT:
                    out = out.astype(object)
                return Vec(out, unk, t)
            if py is not None:
                return Vec(py(_decimals(a), _decimals(b)), unk, t)
            return self.divide(ctx, a, b, unk)

        return arith

    def divide(self, ctx: BatchContext, a: Vec, b: Vec, unk: Bits | None) -> Vec:
        def div(x: Any, y: Any) -> Decimal:
            try:
                return Decimal(x) / Decimal(y)
            except (DivisionByZero, InvalidOperation):
                raise EvaluationError("division by zero", sv="division med noll") from None

        active = known(unk, ctx.n)
        out = elementwise(div, [a, b], ctx.n, ("number", None), active, ctx.flag, _FN_ERRORS)
        return Vec(out, unk, ("number", None))

    def compare(self, node: Compare) -> VecFn:
        lf, rf = self.visit(node.left), self.visit(node.right)
        op = node.op
        lt = self.type_of(node.left)
        t: T = ("bool", None)
        if op in ("in", "not in"):
            negate = op == "not in"

            def contains(ctx: BatchContext) -> Vec:
                a, b = lf(ctx), rf(ctx)
                unk = merge(a.unk, b.unk)
                out = self.member(ctx, a, b, unk)
                return Vec(np.logical_not(out) if negate else out, unk, t)

            return contains
        cmp = _ORDER[op]
        numeric = lt[0] in ("int", "number")

        def comparison(ctx: BatchContext) -> Vec:
            a, b = lf(ctx), rf(ctx)
            unk = merge(a.unk, b.unk)
            if numeric:
                av, bv = numeric_pair(a, b)
            elif lt[0] == "list":
                av, bv = self.list_objects(ctx, a), self.list_objects(ctx, b)
                out = np.frompyfunc(cmp, 2, 1)(av, bv)
                return Vec(np.asarray(out, dtype=bool), unk, t)
            else:
                if op in ("==", "!=") and a.cats is not None and b.is_const:
                    codes, texts = a.cats  # each distinct text compared once
                    hit = np.fromiter((cmp(x, b.v) for x in texts), bool, len(texts))
                    return Vec(hit[codes], unk, t)
                av, bv = a.v, b.v
            res = cmp(av, bv)
            if not isinstance(res, np.ndarray):
                res = np.full(ctx.n, bool(res))
            return Vec(np.asarray(res, dtype=bool), unk, t)

        return comparison

    def list_objects(self, ctx: BatchContext, vec: Vec) -> Any:
        from .vectors import to_python  # noqa: PLC0415 - keep the hot imports short

        if vec.is_const:
            return vec.v
        return to_python(vec, ctx.n)

    def member(self, ctx: BatchContext, a: Vec, b: Vec, unk: Bits | None) -> Any:
        n = ctx.n
        if b.enum is not None and a.is_const:
            if a.v not in b.enum:
                return np.zeros(n, dtype=bool)
            bit = np.uint64(1 << b.enum.index(a.v))
            return (b.v & bit) != 0
        if b.is_const and a.cats is not None and isinstance(b.v, (tuple, list, frozenset, set)):
            codes, texts = a.cats  # each distinct text looked up once
            hit = np.fromiter((x in b.v for x in texts), bool, len(texts))
            return hit[codes]
        if b.is_const and not a.is_const and a.t[0] in ("text", "int", "date", "bool"):
            items = b.v
            out = np.zeros(n, dtype=bool)
            for item in items:
                out |= np.asarray(a.v == item, dtype=bool)
            return out
        if a.is_const and b.is_const:
            return np.full(n, a.v in b.v)
        flag = np.zeros(n, dtype=bool)

        def contains(x: Any, xs: Any) -> bool:
            return x in xs

        return elementwise(contains, [a, b], n, ("bool", None), known(unk, n), flag, ())

    def boolop(self, node: BoolOp) -> VecFn:
        parts = tuple(self.visit(o) for o in node.operands)
        short = node.op == "or"
        t: T = ("bool", None)

        def kleene(ctx: BatchContext) -> Vec:
            n = ctx.n
            hit = np.zeros(n, dtype=bool)
            bits: Bits | None = None
            for f in parts:
                o = f(ctx)
                val = o.v if short else np.logical_not(o.v)
                if o.unk is None:
                    hit |= val
                else:
                    hit |= val & known(o.unk, n)
                    bits = merge(bits, o.unk)
            unk = None if bits is None else squeeze(np.where(hit[:, None], np.uint64(0), bits))
            value = hit if short else np.logical_not(hit)
            return Vec(value, unk, t)

        return kleene

    def call(self, node: Call) -> VecFn:
        if node.func == "at":
            pname = node.args[0].name  # type: ignore[union-attr]
            when: date = node.args[1].value  # type: ignore[union-attr,assignment]
            t = self.type_of(node)
            return lambda ctx: Vec(ctx.param(pname, when), None, t)
        if node.func == "given":
            fname = node.args[0].name  # type: ignore[union-attr]
            return lambda ctx: Vec(known(ctx.fact(fname).unk, ctx.n), None, ("bool", None))
        func = self.scope.functions[node.func]
        args = tuple(self.visit(a) for a in node.args)
        t_out = self.type_of(node)
        fast = _FAST.get(func.name) if func.impl is _STD_IMPL.get(func.name) else None
        impl = func.impl

        def call(ctx: BatchContext) -> Vec:
            vals = [f(ctx) for f in args]
            unk: Bits | None = None
            for v in vals:
                unk = merge(unk, v.unk)
            if fast is not None:
                out = fast(ctx, vals)
                if out is not None:
                    return Vec(out, unk, t_out)
            res = elementwise(impl, vals, ctx.n, t_out, known(unk, ctx.n), ctx.flag, _FN_ERRORS)
            return Vec(res, unk, t_out)

        return call

    def listexpr(self, node: ListExpr) -> VecFn:
        t = self.type_of(node)
        elem: T = (t[1] or "text", None)
        if all(isinstance(i, Literal) for i in node.items):
            const = Vec(
                tuple(rep(i.value, elem) for i in node.items if isinstance(i, Literal)), None, t
            )
            return lambda ctx: const
        items = tuple(self.visit(i) for i in node.items)

        def build(ctx: BatchContext) -> Vec:
            vals = [f(ctx) for f in items]
            unk: Bits | None = None
            for v in vals:
                unk = merge(unk, v.unk)
            flag = np.zeros(ctx.n, dtype=bool)
            res = elementwise(lambda *xs: tuple(xs), vals, ctx.n, t, known(unk, ctx.n), flag, ())
            return Vec(res, unk, t)

        return build


# -- columnar forms of the standard functions ---------------------------------------------
def _ymd(ordinals: Any) -> tuple[Any, Any, Any]:
    """Year, month, day of proleptic ordinals, in integer arithmetic (H. Hinnant's
    ``civil_from_days``: several times faster than numpy's datetime64 conversions)."""
    from .vectors import _EPOCH_ORDINAL  # noqa: PLC0415

    z = np.asarray(ordinals, dtype=np.int64) - _EPOCH_ORDINAL + 719468
    era = z // 146097
    doe = z - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    day = doy - (153 * mp + 2) // 5 + 1
    month = np.where(mp < 10, mp + 3, mp - 9)
    year = yoe + era * 400 + (month <= 2)
    return year, month, day


def _ordinals(year: Any, month: Any, day: Any) -> Any:
    """Proleptic ordinals of (year, month, day), the inverse of :func:`_ymd`."""
    from .vectors import _EPOCH_ORDINAL  # noqa: PLC0415

    y = year - (month <= 2)
    era = y // 400
    yoe = y - era * 400
    doy = (153 * ((month + 9) % 12) + 2) // 5 + day - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146097 + doe - 719468 + _EPOCH_ORDINAL


_MONTH_DAYS = np.asarray([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31], dtype=np.int64)


def _month_length(year: Any, month: Any) -> Any:
    leap = (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))
    return _MONTH_DAYS[month - 1] + ((month == 2) & leap)


def _age(ctx: BatchContext, vals: list[Vec]) -> Any:
    birth, on = vals
    if not on.is_const or birth.is_const:
        return None
    when = date.fromordinal(int(on.v))
    few = _distinct(ctx, birth.v)
    if few is not None:  # once per distinct birth date
        uniq, inverse = few
        return _spread(ctx, _age(ctx, [Vec(uniq, None, birth.t), on]), inverse)
    y, m, d = _ymd(birth.v)
    leap = when.year % 4 == 0 and (when.year % 100 != 0 or when.year % 400 == 0)
    if not leap:
        d = np.where((m == 2) & (d == 29), 28, d)  # lag (1930:173): 29 Feb -> 28 Feb
    years = when.year - y
    before = (m > when.month) | ((m == when.month) & (d > when.day))
    return years - before.astype(np.int64)


def _add_days(ctx: BatchContext, vals: list[Vec]) -> Any:
    d, k = vals
    if not (_small_ints(d.v) and _small_ints(k.v)):
        return None
    out = np.add(d.v, k.v)
    bad = (out < 1) | (out > date.max.toordinal())
    if np.any(bad):
        return None  # let the case-by-case path flag exactly the failing cases
    return out


def _distinct(ctx: BatchContext, column: Any) -> tuple[Any, Any] | None:
    """``(values, inverse)`` when a large column holds few distinct values (a birth date
    derived from an age, a date shared by many cases): date arithmetic then runs once per
    distinct value. Sorted once per column and batch; ``None`` when not worth it."""
    if not isinstance(column, np.ndarray) or column.ndim != 1 or len(column) < 4096:
        return None
    got = ctx.distinct.get(id(column))
    if got is not None and got[0] is column:
        return got[1]  # type: ignore[no-any-return]
    uniq, inverse = np.unique(column, return_inverse=True)
    found = (uniq, inverse.reshape(-1)) if len(uniq) * 8 <= len(column) else None
    # (values need not be sorted or unique: _spread records results the same way)
    ctx.distinct[id(column)] = (column, found)  # the column is kept: its id stays its own
    return found


def _spread(ctx: BatchContext, values: Any, inverse: Any) -> Any:
    """``values[inverse]``, remembered as few distinct values for what reads it next."""
    out = values[inverse]
    ctx.distinct[id(out)] = (out, (values, inverse))
    return out


def _shift_months(ctx: BatchContext, d: Vec, months: Any) -> Any:
    """``add_months`` on ordinals: the same day *months* later, clamped to the month's end.

    ``None`` (case by case, exact errors) when a known case would leave years 1..9999."""
    if not _small_ints(d.v):
        return None
    few = _distinct(ctx, d.v) if np.ndim(months) == 0 else None
    if few is not None:  # once per distinct date, then spread over the cases
        uniq, inverse = few
        y, m, day = _ymd(uniq)
        total = y * 12 + (m - 1) + int(months)
        year = total // 12
        month = total % 12 + 1
        if np.any((year < 1) | (year > 9999)):
            # Some distinct date leaves the calendar: decide case by case which matter.
            return _shift_months_each(ctx, d, months)
        shifted = _ordinals(year, month, np.minimum(day, _month_length(year, month)))
        return _spread(ctx, shifted, inverse)
    return _shift_months_each(ctx, d, months)


def _shift_months_each(ctx: BatchContext, d: Vec, months: Any) -> Any:
    y, m, day = _ymd(d.v)
    total = y * 12 + (m - 1) + np.asarray(months, dtype=np.int64)
    year = total // 12
    month = total % 12 + 1
    active = known(d.unk, ctx.n)
    if np.any(active & ((year < 1) | (year > 9999))):
        return None
    days = _ordinals(year, month, np.minimum(day, _month_length(year, month)))
    return np.broadcast_to(days, (ctx.n,)).copy()


def _add_months(ctx: BatchContext, vals: list[Vec]) -> Any:
    return _add(ctx, vals, 1)


def _add_years(ctx: BatchContext, vals: list[Vec]) -> Any:
    return _add(ctx, vals, 12)


def _add(ctx: BatchContext, vals: list[Vec], per: int) -> Any:
    d, k = vals
    if not _small_ints(k.v):
        return None
    few = _distinct(ctx, k.v) if d.is_const else None
    if few is not None and d.unk is None:
        # One date (e.g. the evaluation date) moved by a column with few distinct values.
        uniq, inverse = few
        sub = _FakeCtx(len(uniq))
        out = _shift_months(sub, d, np.multiply(uniq, per, dtype=np.int64))  # type: ignore[arg-type]
        if out is None:
            return None
        return _spread(ctx, out, inverse)
    return _shift_months(ctx, d, np.multiply(k.v, per, dtype=np.int64))


class _FakeCtx:
    """A context of *n* known cases, for arithmetic on a column's distinct values."""

    def __init__(self, n: int) -> None:
        self.n = n
        self.distinct: dict[int, tuple[Any, Any]] = {}


def _days_between(ctx: BatchContext, vals: list[Vec]) -> Any:
    return np.subtract(vals[1].v, vals[0].v)


def _minmax(pick: Callable[[Any, Any], Any]) -> Callable[[BatchContext, list[Vec]], Any]:
    def fast(ctx: BatchContext, vals: list[Vec]) -> Any:
        a, b = vals
        if a.t[0] == "date" or (_small_ints(a.v) and _small_ints(b.v)):
            return pick(a.v, b.v)
        if _is_float_rep(a.v) and _is_float_rep(b.v):
            return pick(a.v, b.v)
        return None  # mixed int/float/decimal: exact case by case (keeps 20 vs 20.0 apart)

    return fast


_FAST: dict[str, Callable[[BatchContext, list[Vec]], Any]] = {
    "age": _age,
    "add_days": _add_days,
    "add_months": _add_months,
    "add_years": _add_years,
    "days_between": _days_between,
    "min": _minmax(np.minimum),
    "max": _minmax(np.maximum),
}


def _std_impls() -> dict[str, Callable[..., Any]]:
    from ..expr.functions import STANDARD_FUNCTIONS  # noqa: PLC0415

    return {name: f.impl for name, f in STANDARD_FUNCTIONS.items()}


_STD_IMPL = _std_impls()


def compile_node(node: Node, scope: Scope) -> VecFn:
    """Compile a (type-checked) expression to a function over a batch."""
    return _Compiler(scope).visit(node)
