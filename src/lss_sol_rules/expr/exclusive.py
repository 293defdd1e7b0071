"""Prove that two conditions can never both hold.

The loader uses this to reject rulebooks where two rules answering the same question
with different values could fire together without ``overrides`` between them. The proof
is sound but incomplete: conditions are put in disjunctive normal form over atoms, and
every pair of conjunctions must contain two atoms that contradict each other — a
comparison and its negation (``h > p`` / ``h <= p``), disjoint intervals against literals
(``alder < 18`` / ``alder >= 21``), different literal values (``insats == "a"`` /
``insats in ["b", "c"]``), or ``x`` / ``not x``. When it cannot prove exclusivity the rule
author adds ``overrides`` (or rewrites the conditions so the proof goes through).
"""

from __future__ import annotations

import functools
import itertools
from typing import Any

from .ast import BoolOp, Compare, ListExpr, Literal, Node, Unary

__all__ = ["MAX_CLAUSES", "can_both_hold", "dnf", "proof_size"]

MAX_CLAUSES = 256

_NEGATE = {
    "<": ">=",
    "<=": ">",
    ">": "<=",
    ">=": "<",
    "==": "!=",
    "!=": "==",
    "in": "not in",
    "not in": "in",
}
_MIRROR = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "==": "==", "!=": "!="}

# An atom: ("cmp", op, left, right, literals of right) or ("bool", node, positive).
Atom = tuple[Any, ...]
Clause = frozenset[Atom]


def _atom_cmp(node: Compare, negated: bool) -> Atom:
    op = _NEGATE[node.op] if negated else node.op
    left, right = node.left, node.right
    if isinstance(left, Literal) and not isinstance(right, Literal) and op in _MIRROR:
        left, right, op = right, left, _MIRROR[op]
    return ("cmp", op, left, right, _literal_set(right))


def dnf(node: Node | None, negated: bool = False) -> list[Clause] | None:
    """Disjunctive normal form of a bool expression; ``None`` if it would be too large.

    ``[]`` is false, ``[frozenset()]`` is true.
    """
    if node is None:
        return [frozenset()]
    if isinstance(node, Unary) and node.op == "not":
        return dnf(node.operand, not negated)
    if isinstance(node, Literal) and isinstance(node.value, bool):
        return [frozenset()] if node.value != negated else []
    if isinstance(node, BoolOp):
        parts = [dnf(o, negated) for o in node.operands]
        if any(p is None for p in parts):
            return None
        is_and = (node.op == "and") != negated
        if not is_and:
            out = [c for p in parts if p is not None for c in p]
            return out if len(out) <= MAX_CLAUSES else None
        size = 1
        for p in parts:
            size *= max(len(p or []), 1)
        if size > MAX_CLAUSES:
            return None
        return [frozenset().union(*combo) for combo in itertools.product(*parts)]  # type: ignore[arg-type]
    if isinstance(node, Compare):
        return [frozenset({_atom_cmp(node, negated)})]
    return [frozenset({("bool", node, not negated)})]


def _literal_set(node: Node) -> frozenset[Any] | None:
    if isinstance(node, Literal):
        return frozenset({node.value})
    if isinstance(node, ListExpr) and all(isinstance(i, Literal) for i in node.items):
        return frozenset(i.value for i in node.items if isinstance(i, Literal))
    return None


def _interval(op: str, value: Any) -> tuple[Any, bool, Any, bool] | None:
    """(low, low inclusive, high, high inclusive); ``None`` bounds are open-ended."""
    if op == "<":
        return (None, False, value, False)
    if op == "<=":
        return (None, False, value, True)
    if op == ">":
        return (value, False, None, False)
    if op == ">=":
        return (value, True, None, False)
    if op == "==":
        return (value, True, value, True)
    return None


def _intervals_disjoint(a: tuple[Any, bool, Any, bool], b: tuple[Any, bool, Any, bool]) -> bool:
    lo, lo_inc = a[0], a[1]
    if b[0] is not None and (lo is None or b[0] > lo or (b[0] == lo and not b[1])):
        lo, lo_inc = b[0], b[1]
    hi, hi_inc = a[2], a[3]
    if b[2] is not None and (hi is None or b[2] < hi or (b[2] == hi and not b[3])):
        hi, hi_inc = b[2], b[3]
    if lo is None or hi is None:
        return False
    return lo > hi or (lo == hi and not (lo_inc and hi_inc))


# Pairs of operators that cannot both hold between the same two operands.
_CONTRADICTORY_SAME_SIDES = {
    frozenset({"<", ">"}),
    frozenset({"<", ">="}),
    frozenset({"<", "=="}),
    frozenset({"<=", ">"}),
    frozenset({">", "=="}),
    frozenset({"==", "!="}),
    frozenset({"in", "not in"}),
}


def _contradict(a: Atom, b: Atom) -> bool:
    if a[0] == "bool" and b[0] == "bool":
        return bool(a[1] == b[1] and a[2] != b[2])
    if a[0] != "cmp" or b[0] != "cmp":
        return False
    _, op1, l1, r1, _ = a
    _, op2, l2, r2, _ = b
    s1: frozenset[Any] | None = a[4]
    s2: frozenset[Any] | None = b[4]
    if l1 != l2:
        return False
    if r1 == r2:
        return frozenset({op1, op2}) in _CONTRADICTORY_SAME_SIDES
    # Both against literals: value sets and intervals.
    if s1 is None or s2 is None:
        return False
    pos1 = s1 if op1 in ("==", "in") else None
    pos2 = s2 if op2 in ("==", "in") else None
    if pos1 is not None and pos2 is not None:
        return not (pos1 & pos2)
    if pos1 is not None and op2 in ("!=", "not in"):
        return pos1 <= s2
    if pos2 is not None and op1 in ("!=", "not in"):
        return pos2 <= s1
    if len(s1) == 1 and len(s2) == 1:
        (v1,), (v2,) = s1, s2
        if isinstance(v1, (bool, str)) or isinstance(v2, (bool, str)):
            return False
        i1, i2 = _interval(op1, v1), _interval(op2, v2)
        if i1 is not None and i2 is not None:
            try:
                return _intervals_disjoint(i1, i2)
            except TypeError:
                return False
    return False


def _clauses_contradict(c1: Clause, c2: Clause) -> bool:
    # Across the two clauses first (where exclusive rules differ), then within each.
    return (
        any(_contradict(x, y) for x in c1 for y in c2)
        or _self_contradictory(c1)
        or _self_contradictory(c2)
    )


@functools.lru_cache(maxsize=4096)
def _self_contradictory(clause: Clause) -> bool:
    return any(_contradict(x, y) for x, y in itertools.combinations(clause, 2))


@functools.lru_cache(maxsize=4096)
def _dnf_of(node: Node | None) -> tuple[Clause, ...] | None:
    """:func:`dnf`, remembered: the loader asks for each rule once per rule it might meet."""
    d = dnf(node)
    return None if d is None else tuple(d)


def proof_size(a: Node | None, b: Node | None) -> int:
    """How many pairs of conjunctions :func:`can_both_hold` may compare for *a* and *b*
    (its cost, for a budget: two conditions of 256 conjunctions each are 65,536 pairs)."""
    da, db = _dnf_of(a), _dnf_of(b)
    return 1 if da is None or db is None else max(1, len(da) * len(db))


def can_both_hold(a: Node | None, b: Node | None) -> bool:
    """``False`` only if no assignment of facts makes both *a* and *b* true."""
    da, db = _dnf_of(a), _dnf_of(b)
    if da is None or db is None:
        return True
    return not all(_clauses_contradict(x, y) for x in da for y in db)
