"""Answer one question for a whole batch of cases, column by column.

This mirrors :class:`lss_sol_rules.engine.Session` step for step — rules in force, Kleene
conditions, ``overrides`` and ``default`` blocking, the ``unique`` and ``collect`` hit
policies — but every step works on all cases at once. A case the columnar path cannot
settle exactly the way the single-case evaluator would (bad input, a rule conflict, no rule
applying, a function that fails) is *flagged*; the caller answers flagged cases one by one.
Anything that would fail for the whole batch (a parameter not in force on the date, no rule
in force) raises, and the caller falls back to the single-case path for every case.
"""

from __future__ import annotations

import threading
import weakref
from datetime import date
from typing import Any

import numpy as np
import numpy.typing as npt

from ..errors import ParameterNotInForceError
from ..expr.ast import Node
from ..rulebook import CompiledRule, Rulebook, View
from .compiler import VecFn, compile_node
from .inputs import Columns
from .vectors import SMALL_INT, Bits, Vec, known, merge, rep, squeeze, to_python, where_unknown

__all__ = ["Answer", "BatchEvaluator"]

_CACHE: weakref.WeakKeyDictionary[Rulebook, dict[Node, VecFn]] = weakref.WeakKeyDictionary()
_CACHE_LOCK = threading.Lock()


def _compiled(book: Rulebook, node: Node) -> VecFn:
    """The columnar function for *node*, compiled once per rulebook."""
    with _CACHE_LOCK:
        per_book = _CACHE.setdefault(book, {})
        fn = per_book.get(node)
        if fn is None:
            fn = compile_node(node, book.scope)
            per_book[node] = fn
        return fn


class Answer:
    """A question's answers for a batch: unknown bits, and the values as codes into a table
    of distinct values (:meth:`codes`) or, on first use, as an object array (``values``).

    Values of computed rules are not coded while answering (code ``-2``): they are kept in
    *raw* and coded by :meth:`codes`.
    """

    __slots__ = ("_codes", "_columns", "_raw", "_reps", "_t", "_table", "_values", "unk")

    def __init__(
        self,
        values: npt.NDArray[Any] | None,
        unk: Bits | None,
        codes: npt.NDArray[np.int32] | None = None,
        table: list[Any] | None = None,
        raw: npt.NDArray[Any] | None = None,
        reps: npt.NDArray[Any] | None = None,
        t: tuple[str, str | None] = ("text", None),
    ) -> None:
        self._values = values  # object array of values as the single-case evaluator has them
        self.unk = unk
        self._codes = codes  # -1: no value; -2: the value is in ``raw`` or ``reps``
        self._table = table
        self._raw = raw  # computed values as Python objects
        self._reps = reps  # computed values in their representation (dates as ordinals)
        self._t = t
        self._columns: dict[tuple[str, str | None], Any] = {}

    @property
    def values(self) -> npt.NDArray[Any]:
        """The values as an object array (built from the codes on first use)."""
        if self._values is None:
            assert self._codes is not None  # noqa: S101 - one of the two is always given
            raw = self._raw
            if self._reps is not None:
                raw = to_python(Vec(self._reps, None, self._t), len(self._reps))
            self._values = _materialize(self._codes, self._table or [], raw)
        return self._values

    def column(self, t: tuple[str, str | None]) -> Any:
        """The values in the representation of type *t* (for questions that read this one),
        without a Python object per case where the values allow; built once (one array, so
        what is learnt about it, e.g. its distinct values, holds for every reader)."""
        got = self._columns.get(t)
        if got is None:
            got = self._columns[t] = self._column(t)
        return got

    def _column(self, t: tuple[str, str | None]) -> Any:
        codes = self._codes
        if codes is None or self._raw is not None or t[0] not in ("date", "int", "bool", "text"):
            return _represent(self.values, t)
        lookup = _rep_lookup(self._table or [], t)
        if lookup is None:
            return _represent(self.values, t)
        out = lookup[np.where(codes < 0, len(lookup) - 1, codes)]
        if self._reps is not None:
            computed = codes == -2
            out[computed] = self._reps[computed]
        return out

    def codes(self) -> tuple[npt.NDArray[np.int32], list[Any]]:
        """Per case a code into the returned table of distinct values (``-1``: no value)."""
        if self._codes is None:
            codes = np.full(len(self.values), -2, dtype=np.int32)
            table: list[Any] = []
        else:
            codes = self._codes.copy()
            table = list(self._table or [])
        todo = np.flatnonzero(codes == -2)
        if todo.size and self._reps is not None:
            # Computed values in their representation: sorted into distinct values in numpy.
            uniq, inverse = np.unique(self._reps[todo], return_inverse=True)
            index = {_key(v): i for i, v in enumerate(table)}
            mapping = np.empty(len(uniq), dtype=np.int32)
            for j, v in enumerate(to_python(Vec(uniq, None, self._t), len(uniq)).tolist()):
                k = _key(v)
                c = index.get(k)
                if c is None:
                    c = index[k] = len(table)
                    table.append(v)
                mapping[j] = c
            codes[todo] = mapping[inverse.reshape(-1)]
            todo = todo[:0]
        if todo.size:
            index = {_key(v): i for i, v in enumerate(table)}
            source = self._raw if self._raw is not None else self.values
            picked = source[todo].tolist()
            got = np.empty(todo.size, dtype=np.int32)
            for j, v in enumerate(picked):
                if v is None:
                    got[j] = -1
                    continue
                k = _key(v)
                c = index.get(k)
                if c is None:
                    c = index[k] = len(table)
                    table.append(v)
                got[j] = c
            codes[todo] = got
        return codes, table


def _materialize(
    codes: npt.NDArray[np.int32], table: list[Any], raw: npt.NDArray[Any] | None
) -> npt.NDArray[Any]:
    """The object array of values for *codes* (``-1``: ``None``; ``-2``: from *raw*)."""
    objects = np.empty(len(table) + 1, dtype=object)
    for i, v in enumerate(table):  # one by one: numpy would spread a tuple's items
        objects[i] = v
    idx = np.where(codes < 0, len(table), codes)
    out: npt.NDArray[Any] = objects[idx]
    if raw is not None:
        from_raw = codes == -2
        out[from_raw] = raw[from_raw]
    return out


def _rep_lookup(table: list[Any], t: tuple[str, str | None]) -> npt.NDArray[Any] | None:
    """The table's values in their representation, plus a filler for "no value" at the end
    (``None`` when they have no plain numpy form)."""
    kind = t[0]
    if kind == "date":
        return np.asarray([v.toordinal() for v in table] + [0], dtype=np.int64)
    if kind == "bool":
        return np.asarray([bool(v) for v in table] + [False], dtype=bool)
    if kind == "int":
        if not all(-SMALL_INT < v < SMALL_INT for v in table):
            return None
        return np.asarray([*table, 0], dtype=np.int64)
    out = np.empty(len(table) + 1, dtype=object)
    out[:-1] = table
    out[-1] = ""
    return out


def _plain(v: Any) -> bool:
    """A representation numpy holds without objects: bools and small ints (dates too)."""
    if isinstance(v, np.ndarray):
        return v.dtype.kind in "bi"
    return isinstance(v, (bool, np.bool_, np.integer)) or (
        isinstance(v, int) and -SMALL_INT < v < SMALL_INT
    )


def _key(value: Any) -> Any:
    """A dict key that keeps equal values of different forms (1 and True, 1.0 and 1) apart."""
    if isinstance(value, (str, bool, int, date)):
        return (type(value), value)
    return (type(value), repr(value))


class _Codes:
    """Codes of fixed rule values, kept beside the object array of values."""

    def __init__(self, n: int) -> None:
        self.codes = np.full(n, -1, dtype=np.int32)
        self.table: list[Any] = []
        self.index: dict[Any, int] = {}

    def assign(self, mask: npt.NDArray[np.bool_], value: Any) -> None:
        k = _key(value)
        c = self.index.get(k)
        if c is None:
            c = self.index[k] = len(self.table)
            self.table.append(value)
        self.codes[mask] = c

    def computed(self, mask: npt.NDArray[np.bool_]) -> None:
        self.codes[mask] = -2

    def differs(
        self,
        raw: npt.NDArray[Any] | None,
        value: Any,
        reps: npt.NDArray[Any] | None = None,
        t: tuple[str, str | None] = ("text", None),
    ) -> npt.NDArray[np.bool_]:
        """Per case: is the value held different from *value* (garbage where none held)?
        Compares codes; values of computed rules are compared in their representation
        (*reps*) or as objects (*raw*)."""
        c = self.index.get(_key(value), -3)
        out: npt.NDArray[np.bool_] = self.codes != c
        if raw is not None or reps is not None:
            obj = self.codes == -2
            if obj.any():
                if reps is not None:
                    out[obj] = reps[obj] != rep(value, t)
                elif raw is not None:
                    out[obj] = _differs(raw[obj], value, int(obj.sum()))
        return out

    def held_reps(self, reps: npt.NDArray[Any], t: tuple[str, str | None]) -> Any:
        """The values held, in their representation (``None`` if they have none)."""
        lookup = _rep_lookup(self.table, t)
        if lookup is None:
            return None
        out = lookup[np.where(self.codes < 0, len(lookup) - 1, self.codes)]
        computed = self.codes == -2
        out[computed] = reps[computed]
        return out


class _Held:
    """A rule's condition over the batch: true / false per case, with unknown bits."""

    __slots__ = ("false", "true", "unk")

    def __init__(
        self, true: npt.NDArray[np.bool_], false: npt.NDArray[np.bool_], unk: Bits | None
    ) -> None:
        self.true = true
        self.false = false
        self.unk = unk


class _Effective:
    """A rule after blocking: fired per case, and where it might still fire (unknown bits)."""

    __slots__ = ("pending", "true", "unk")

    def __init__(self, true: npt.NDArray[np.bool_], unk: Bits | None, n: int) -> None:
        self.true = true
        self.unk = unk
        self.pending = None if unk is None else ~known(unk, n)


class BatchEvaluator:
    """The columnar context for one batch on one date in one jurisdiction (not shared)."""

    def __init__(self, view: View, columns: Columns, on: date, derive: bool = True) -> None:
        self.view = view
        self.book = view.book
        self.columns = columns
        self.n = columns.n
        self.on = on
        self.derive = derive
        self.flag = columns.bad.copy()
        self.memo: dict[str, Answer] = {}
        self.derived: dict[str, Vec] = {}
        self.distinct: dict[int, tuple[Any, Any]] = {}  # see compiler._distinct

    # -- the BatchContext protocol -----------------------------------------------------
    def fact(self, name: str) -> Vec:
        col = self.columns.fact(name)
        if not self.derive or col.unk is None:
            return col
        expr = self.book.derive.get(name)
        if expr is None:
            return col
        done = self.derived.get(name)
        if done is not None:
            return done
        d = _compiled(self.book, expr.node)(self)
        if d.enum != col.enum:  # one representation for both: Python tuples
            col = Vec(to_python(col, self.n), col.unk, col.t)
            d = Vec(to_python(d, self.n), d.unk, d.t)
        given = known(col.unk, self.n)
        dknown = known(d.unk, self.n)
        v = _where(given, col.v, d.v, self.n)
        # Absent and not derivable: unknown, waiting for the fact itself (as case by case).
        unk = where_unknown(~given & ~dknown, col.unk)
        out = Vec(v, unk, col.t, col.enum)
        self.derived[name] = out
        return out

    def param(self, name: str, on: date | None = None) -> Any:
        when = self.on if on is None else on
        found = self.view.param_value(name, when)
        if found is None:
            raise ParameterNotInForceError(name, when)
        sym = self.book.scope.symbols[name]
        return rep(found[0].value, (sym.type, sym.of))

    def question(self, name: str) -> Vec:
        ans = self.resolve(name)
        q = self.book.questions[name]
        return Vec(ans.column((q.type, q.of)), ans.unk, (q.type, q.of))

    # -- constraints ---------------------------------------------------------------------
    def check_constraints(self) -> None:
        """Flag every case a constraint refuses (the single-case path raises for it).

        Constraints read only the facts given, never derived ones (as case by case).
        """
        raw = BatchEvaluator(self.view, self.columns, self.on, derive=False)
        blank: BatchEvaluator | None = None
        for c in self.view.constraints:
            if not c.expr.questions and not (c.expr.facts & self.columns.given):
                # None of its facts is in the input: the same answer for every case, so it
                # is checked once, on one case without facts, and that answer broadcast.
                if blank is None:
                    empty = Columns(1, self.columns.schema, lambda i: {})
                    blank = BatchEvaluator(self.view, empty, self.on, derive=False)
                res = _compiled(self.book, c.expr.node)(blank)
                v = res.v if res.is_const else res.v[0]
                if blank.flag.any() or (bool(known(res.unk, 1)[0]) and not v):
                    self.flag[:] = True
                continue
            res = _compiled(self.book, c.expr.node)(raw)
            refused = known(res.unk, self.n) & np.logical_not(res.v)
            self.flag |= refused
        self.flag |= raw.flag  # a check that failed to evaluate: the single-case path raises

    # -- answering a question ------------------------------------------------------------
    def resolve(self, question: str) -> Answer:
        done = self.memo.get(question)
        if done is not None:
            return done
        rules = self.view.in_force(question, self.on)
        held = {r.id: self._held(r) for r in rules}
        eff = {r.id: self._effective(r, held) for r in rules}
        qdecl = self.book.questions[question]
        if qdecl.hit_policy == "collect":
            ans = self._collect(rules, eff)
        else:
            ans = self._unique(rules, held, eff, (qdecl.type, qdecl.of))
        self.memo[question] = ans
        return ans

    def _held(self, rule: CompiledRule) -> _Held:
        n = self.n
        false = np.zeros(n, dtype=bool)
        unk: Bits | None = None
        for c in rule.conditions:
            r = _compiled(self.book, c.expr.node)(self)
            k = known(r.unk, n)
            false |= k & np.logical_not(r.v)
            unk = merge(unk, r.unk)
        unk = where_unknown(~false, unk)
        true = ~false & known(unk, n)
        return _Held(true, false, unk)

    def _effective(self, rule: CompiledRule, held: dict[str, _Held]) -> _Effective:
        """Fired (true), pending (unknown bits) or not, after blocking by overriding rules."""
        overridden = np.zeros(self.n, dtype=bool)
        blocked: Bits | None = None
        for other in self.view.overriders[rule.id]:
            h = held.get(other)
            if h is None:
                continue
            overridden |= h.true
            blocked = merge(blocked, h.unk)
        h = held[rule.id]
        live = ~h.false & ~overridden
        unk = where_unknown(live, merge(h.unk, blocked))
        true = h.true & ~overridden & known(blocked, self.n)
        return _Effective(true, unk, self.n)

    def _rule_value(self, rule: CompiledRule) -> Vec | None:
        if rule.compute is None:
            return None
        return _compiled(self.book, rule.compute.node)(self)

    def _unique(
        self,
        rules: list[CompiledRule],
        held: dict[str, _Held],
        eff: dict[str, _Effective],
        t: tuple[str, str | None],
    ) -> Answer:
        n = self.n
        values: npt.NDArray[Any] | None = None  # values of computed rules, as objects
        reps: npt.NDArray[Any] | None = None  # or in their representation (dates, ints, bools)
        codes = _Codes(n)
        has = np.zeros(n, dtype=bool)
        fired_any = np.zeros(n, dtype=bool)
        missing: Bits | None = None
        for rule in rules:
            fired = eff[rule.id].true
            if not fired.any():
                continue
            fired_any |= fired
            computed = self._rule_value(rule)
            if computed is None:
                ok = fired
                new: Any = rule.value
                differ = codes.differs(values, new, reps, t)
                self.flag |= ok & has & differ  # two fired rules disagree: RuleConflictError
                codes.assign(ok & ~has, new)
                has |= ok
                continue
            missing = merge(missing, where_unknown(fired, computed.unk))
            ok = fired & known(computed.unk, n)
            fresh = ok & ~has
            held_now = None
            if values is None and t[0] in ("date", "int", "bool") and _plain(computed.v):
                if reps is None:
                    reps = np.zeros(n, dtype=bool if t[0] == "bool" else np.int64)
                held_now = codes.held_reps(reps, t)
            if held_now is not None and reps is not None:
                # Dates, ints, bools stay in numpy: no Python object per case.
                self.flag |= ok & has & np.asarray(held_now != computed.v, dtype=bool)
                cv = computed.v
                reps[fresh] = cv[fresh] if isinstance(cv, np.ndarray) else cv
            else:
                if reps is not None:  # leave the representation: objects from here on
                    values = to_python(Vec(reps, None, t), n)
                    reps = None
                new = to_python(computed, n)
                differ = _differs(_materialize(codes.codes, codes.table, values), new, n)
                self.flag |= ok & has & differ  # two fired rules disagree: RuleConflictError
                if values is None:
                    values = np.empty(n, dtype=object)
                values[fresh] = new[fresh]
            codes.computed(fresh)
            has |= ok
        pending_any = np.zeros(n, dtype=bool)
        for rule in rules:
            e = eff[rule.id]
            if e.pending is None:
                continue
            pending_any |= e.pending
            if rule.compute is not None:
                missing = merge(missing, e.unk)
            else:
                differs = ~has | codes.differs(values, rule.value, reps, t)
                missing = merge(missing, where_unknown(differs, e.unk))
        missing = squeeze(missing)
        special = self._settle_pending(rules, held, eff, codes, fired_any, pending_any, missing)
        decided = known(missing, n)
        # Decided without a value: no rule applies (NoApplicableRuleError case by case).
        self.flag |= decided & ~has & ~special
        unk = where_unknown(~decided & ~special, missing)
        return Answer(None, unk, codes.codes, codes.table, values, reps, t)

    def _settle_pending(
        self,
        rules: list[CompiledRule],
        held: dict[str, _Held],
        eff: dict[str, _Effective],
        codes: _Codes,
        fired_any: npt.NDArray[np.bool_],
        pending_any: npt.NDArray[np.bool_],
        missing: Bits | None,
    ) -> npt.NDArray[np.bool_]:
        """Cases where no rule fired, but every rule that might gives one fixed value and one
        of them holds (only blockers are unknown): whichever fires, that is the answer."""
        n = self.n
        none = np.zeros(n, dtype=bool)
        if missing is None:
            return none
        candidate = ~fired_any & pending_any & ~known(missing, n)
        if not candidate.any():
            return none
        by_value: dict[Any, npt.NDArray[np.bool_]] = {}
        computed_pending = np.zeros(n, dtype=bool)
        some_held = np.zeros(n, dtype=bool)
        for rule in rules:
            pend = eff[rule.id].pending
            if pend is None:
                continue
            some_held |= pend & held[rule.id].true
            if rule.compute is not None:
                computed_pending |= pend
            else:
                key = rule.value
                by_value[key] = by_value.get(key, np.zeros(n, dtype=bool)) | pend
        count = np.zeros(n, dtype=np.int64)
        for m in by_value.values():
            count += m
        special: npt.NDArray[np.bool_] = candidate & ~computed_pending & (count == 1) & some_held
        for key, m in by_value.items():
            codes.assign(special & m, key)
        return special

    def _collect(self, rules: list[CompiledRule], eff: dict[str, _Effective]) -> Answer:
        n = self.n
        present: dict[Any, npt.NDArray[np.bool_]] = {}
        extra: dict[int, set[Any]] = {}  # values of computed rules, per case
        missing: Bits | None = None
        for rule in rules:
            fired = eff[rule.id].true
            if not fired.any():
                continue
            computed = self._rule_value(rule)
            if computed is None:
                key = rule.value
                present[key] = present.get(key, np.zeros(n, dtype=bool)) | fired
                continue
            missing = merge(missing, where_unknown(fired, computed.unk))
            ok = fired & known(computed.unk, n)
            vals = to_python(computed, n)
            for i in np.flatnonzero(ok).tolist():
                extra.setdefault(i, set()).add(vals[i])
        for rule in rules:
            e = eff[rule.id]
            if e.unk is None:
                continue
            if rule.compute is not None:
                missing = merge(missing, e.unk)
                continue
            key = rule.value
            has = present.get(key, np.zeros(n, dtype=bool)).copy()
            for i, vs in extra.items():
                has[i] |= rule.value in vs
            missing = merge(missing, where_unknown(~has, e.unk))
        missing = squeeze(missing)
        keys = sorted(present, key=lambda k: (str(type(k)), k))
        code = np.zeros(n, dtype=np.int64)
        for bit, key in enumerate(keys):
            code |= present[key].astype(np.int64) << bit
        uniq, inverse = np.unique(code, return_inverse=True)
        table = np.empty(len(uniq), dtype=object)
        table[:] = [tuple(sorted(k for b, k in enumerate(keys) if int(c) >> b & 1)) for c in uniq]
        values = table[inverse]
        codes = np.asarray(inverse, dtype=np.int32).reshape(-1)
        for i, vs in extra.items():
            values[i] = tuple(sorted(set(values[i]) | vs))
            codes[i] = -2
        return Answer(values, missing, codes, list(table))


def _assign(values: npt.NDArray[Any], mask: npt.NDArray[np.bool_], new: Any) -> None:
    """``values[mask] = new`` for one value, even a tuple (numpy would spread its items)."""
    if isinstance(new, tuple):
        for i in np.flatnonzero(mask).tolist():
            values[i] = new
    else:
        values[mask] = new


def _differs(values: npt.NDArray[Any], new: Any, n: int) -> npt.NDArray[np.bool_]:
    """Per case: is the stored value different from *new* (garbage where nothing stored)?"""
    if isinstance(new, np.ndarray):
        return np.asarray(np.frompyfunc(lambda a, b: a != b, 2, 1)(values, new), dtype=bool)
    if isinstance(new, tuple):
        return np.asarray(np.frompyfunc(lambda a: a != new, 1, 1)(values), dtype=bool)
    return np.asarray(values != new, dtype=bool)


def _where(mask: npt.NDArray[np.bool_], a: Any, b: Any, n: int) -> Any:
    """``a`` where *mask*, else ``b``, keeping object arrays as objects."""
    if isinstance(a, np.ndarray) and isinstance(b, np.ndarray) and a.dtype == b.dtype:
        return np.where(mask, a, b)
    out = np.empty(n, dtype=object)
    if isinstance(b, np.ndarray):
        out[:] = b
    else:
        out.fill(b)
    if isinstance(a, np.ndarray):
        out[mask] = a[mask]
    else:
        _assign(out, mask, a)
    return out


def _represent(values: npt.NDArray[Any], t: tuple[str, str | None]) -> Any:
    """Python values of a question as a column in the representation of type *t*."""
    from .vectors import from_python  # noqa: PLC0415

    if t[0] == "bool":
        return np.asarray(values, dtype=bool)
    if t[0] == "text":
        return values
    return from_python(values.tolist(), t)
