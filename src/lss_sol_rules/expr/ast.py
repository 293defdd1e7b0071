"""Syntax tree of the rule expression language.

Nodes are frozen attrs classes; equality ignores the source column, so two
expressions that say the same thing compare equal (the exclusivity check relies on it).
"""

from __future__ import annotations

from typing import Union

import attrs

from ..values import Value

__all__ = ["BinOp", "BoolOp", "Call", "Compare", "ListExpr", "Literal", "Name", "Node", "Unary"]


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
