"""Which facts an expression cannot be decided without.

:func:`needed_to_fail` gives the facts of a condition such that, when any one of them is
missing, the compiled expression cannot come out ``False`` (it is ``True`` or an
``Unknown``), whatever the other facts are. The engine uses it to skip consistency checks
that a case cannot break.

The analysis follows the compiler's three-valued semantics (``compiler.py``). For each node
it computes two sets: *F*, facts whose absence keeps the node from being false, and *T*,
facts whose absence keeps it from being true.

- A fact name: both are the fact. Comparisons, arithmetic, unary minus, list literals and
  the standard functions are *strict* — unknown as soon as an operand is — so both sets are
  the facts whose absence makes some operand unknown (``F ∩ T`` of the operand).
- ``not x`` swaps the sets of ``x``.
- ``a and b`` is false when one operand is: ``F`` is the intersection of the operands' ``F``,
  ``T`` the union of their ``T``; ``or`` the other way round.
- ``given()`` and ``at()`` decide without the fact; parameters, questions and ``on`` need
  no fact; anything else needs nothing.

Every set is an under-approximation, which is always safe: a check said to need fewer facts
is merely evaluated more often.
"""

from __future__ import annotations

from collections.abc import Mapping

from .ast import BinOp, BoolOp, Call, Compare, ListExpr, Name, Node, Unary

__all__ = ["needed_to_fail"]

_DECIDE_WITHOUT = frozenset({"given", "at"})
_NONE: frozenset[str] = frozenset()
Sets = tuple[frozenset[str], frozenset[str]]


def needed_to_fail(node: Node, kinds: Mapping[str, str]) -> frozenset[str]:
    """The facts without any one of which *node* cannot be ``False``.

    *kinds* maps each name to its kind (``"fact"``, ``"param"``, ``"question"``, ``"on"``),
    as the scope the expression was compiled in declares it.
    """
    return _sets(node, kinds)[0]


def _unknown_without(node: Node, kinds: Mapping[str, str]) -> frozenset[str]:
    f, t = _sets(node, kinds)
    return f & t


def _strict(parts: tuple[Node, ...], kinds: Mapping[str, str]) -> Sets:
    u = _NONE.union(*(_unknown_without(p, kinds) for p in parts))
    return u, u


def _sets(node: Node, kinds: Mapping[str, str]) -> Sets:
    if isinstance(node, Name):
        if kinds.get(node.name) == "fact":
            one = frozenset((node.name,))
            return one, one
        return _NONE, _NONE
    if isinstance(node, Unary):
        if node.op == "not":
            f, t = _sets(node.operand, kinds)
            return t, f
        return _strict((node.operand,), kinds)
    if isinstance(node, BoolOp):
        parts = [_sets(o, kinds) for o in node.operands]
        if not parts:
            return _NONE, _NONE
        fs = [p[0] for p in parts]
        ts = [p[1] for p in parts]
        if node.op == "and":
            return frozenset.intersection(*fs), _NONE.union(*ts)
        return _NONE.union(*fs), frozenset.intersection(*ts)
    if isinstance(node, (Compare, BinOp)):
        return _strict((node.left, node.right), kinds)
    if isinstance(node, ListExpr):
        return _strict(node.items, kinds)
    if isinstance(node, Call) and node.func not in _DECIDE_WITHOUT:
        return _strict(node.args, kinds)
    return _NONE, _NONE
