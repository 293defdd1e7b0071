"""Syntax tree of the rule expression language.

Nodes are frozen attrs classes; equality ignores the source column, so two
expressions that say the same thing compare equal (the exclusivity check relies on it).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Union

import attrs

from ..values import Value

__all__ = [
    "BinOp",
    "BoolOp",
    "Call",
    "Compare",
    "ListExpr",
    "Literal",
    "Name",
    "Node",
    "Unary",
    "children",
    "height",
    "walk",
]


@attrs.frozen(cache_hash=True)
class Literal:
    """A number, text, bool or date written in the rule."""

    value: Value
    vtype: str
    col: int = attrs.field(eq=False, default=0)


@attrs.frozen(cache_hash=True)
class Name:
    """A fact, parameter, question or ``on`` (the evaluation date)."""

    name: str
    col: int = attrs.field(eq=False, default=0)


@attrs.frozen(cache_hash=True)
class Unary:
    """``-x`` or ``not x``."""

    op: str
    operand: Node
    col: int = attrs.field(eq=False, default=0)


@attrs.frozen(cache_hash=True)
class BinOp:
    """Arithmetic: ``+ - * /``."""

    op: str
    left: Node
    right: Node
    col: int = attrs.field(eq=False, default=0)


@attrs.frozen(cache_hash=True)
class Compare:
    """``< <= > >= == != in`` and ``not in``; never chained."""

    op: str
    left: Node
    right: Node
    col: int = attrs.field(eq=False, default=0)


@attrs.frozen(cache_hash=True)
class BoolOp:
    """``and`` / ``or`` over two or more operands, with three-valued (Kleene) logic."""

    op: str
    operands: tuple[Node, ...]
    col: int = attrs.field(eq=False, default=0)


@attrs.frozen(cache_hash=True)
class Call:
    """A call of a whitelisted function."""

    func: str
    args: tuple[Node, ...]
    col: int = attrs.field(eq=False, default=0)


@attrs.frozen(cache_hash=True)
class ListExpr:
    """A list literal ``[a, b, c]``."""

    items: tuple[Node, ...]
    col: int = attrs.field(eq=False, default=0)


Node = Union[Literal, Name, Unary, BinOp, Compare, BoolOp, Call, ListExpr]


def children(node: Node) -> tuple[Node, ...]:
    """The direct sub-expressions of *node*."""
    if isinstance(node, Unary):
        return (node.operand,)
    if isinstance(node, (BinOp, Compare)):
        return (node.left, node.right)
    if isinstance(node, BoolOp):
        return node.operands
    if isinstance(node, Call):
        return node.args
    if isinstance(node, ListExpr):
        return node.items
    return ()


def height(node: Node | None) -> int:
    """Levels of the tree under *node* (a name or literal is 1), computed without recursion."""
    if node is None:
        return 0
    best = 0
    stack = [(node, 1)]
    pop, push = stack.pop, stack.append
    while stack:
        n, level = pop()
        best = max(best, level)
        if type(n) is Name or type(n) is Literal:
            continue  # leaves: most of any tree
        for c in children(n):
            push((c, level + 1))
    return best


def walk(node: Node | None) -> Iterator[Node]:
    """*node* and every node under it, parents first."""
    if node is None:
        return
    yield node
    if isinstance(node, Unary):
        yield from walk(node.operand)
    elif isinstance(node, (BinOp, Compare)):
        yield from walk(node.left)
        yield from walk(node.right)
    elif isinstance(node, BoolOp):
        for o in node.operands:
            yield from walk(o)
    elif isinstance(node, Call):
        for a in node.args:
            yield from walk(a)
    elif isinstance(node, ListExpr):
        for i in node.items:
            yield from walk(i)
