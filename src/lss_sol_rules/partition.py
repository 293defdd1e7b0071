"""Ordinary rules read as the rows of a decision table.

A municipality's guideline is often written as many ``[[rules]]`` that each test one fact
against constants — ``hours > 20 and hours <= 40``, ``insats == "hemtjanst"`` — rather than
as a ``[[tables]]`` block. :func:`rule_cell` reads, for one fact, the interval or value set
each rule's conditions confine it to (:func:`discriminating_fact` picks the fact that splits
the rules best); the rulebook then

- proves the rules exclusive by sorting those cells (``tables.overlapping_pairs``) and runs
  the general proof only on the pairs whose cells meet, instead of on every pair, and
- indexes the rules by that fact (``tables.build_index``), so a decision evaluates only the
  rules whose cell covers the case's value.

Soundness: a rule's conditions are a conjunction, so every test of the fact against a
constant found at the top of a condition (or inside a top-level ``and``) must hold for the
rule to hold; the cell is the intersection of those tests. Tests it does not understand
(against a parameter, inside an ``or``, through a function) are left out, which only makes
the cell larger. A rule with no such test gets the cell ``-`` (any value).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from .expr.ast import BoolOp, Compare, ListExpr, Literal, Name, Node
from .tables import Cell, is_ordered, pair_bound

__all__ = ["discriminating_fact", "pair_bound", "rule_cell"]

_FLIP = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "==": "=="}
_ANY = Cell("any", "-")


def _atoms(node: Node) -> Iterable[Node]:
    """The conjuncts of *node* (a top-level ``and`` taken apart, recursively)."""
    if isinstance(node, BoolOp) and node.op == "and":
        for operand in node.operands:
            yield from _atoms(operand)
    else:
        yield node


def _test(atom: Node, name: str) -> tuple[str, Any] | None:
    """``(op, constant)`` when *atom* compares the fact *name* with a constant."""
    if not isinstance(atom, Compare):
        return None
    left, right, op = atom.left, atom.right, atom.op
    if isinstance(right, Name) and right.name == name and isinstance(left, Literal):
        if op not in _FLIP:
            return None
        left, right, op = right, left, _FLIP[op]
    if not (isinstance(left, Name) and left.name == name):
        return None
    if isinstance(right, Literal) and op in _FLIP:
        return op, right.value
    if op == "in" and isinstance(right, ListExpr) and all(
        isinstance(i, Literal) for i in right.items
    ):
        return "in", frozenset(i.value for i in right.items if isinstance(i, Literal))
    return None


def rule_cell(conditions: Sequence[Node], name: str) -> Cell:
    """The values of fact *name* for which a rule with *conditions* can hold."""
    lo: Any = None
    lo_closed = True
    hi: Any = None
    hi_closed = True
    values: frozenset[Any] | None = None
    texts: list[str] = []
    for condition in conditions:
        for atom in _atoms(condition):
            test = _test(atom, name)
            if test is None:
                continue
            op, v = test
            if op in ("in", "==") and not (op == "==" and is_ordered(v)):
                found = v if op == "in" else frozenset((v,))
                values = found if values is None else values & found
                texts.append(f"{op} {sorted(map(str, found))}")
                continue
            bound = lo if lo is not None else hi
            if not is_ordered(v) or (
                bound is not None and isinstance(v, date) != isinstance(bound, date)
            ):
                continue
            texts.append(f"{op} {v}")
            if op in (">", ">=", "=="):
                closed = op != ">"
                if lo is None or v > lo or (v == lo and not closed):
                    lo, lo_closed = v, closed
            if op in ("<", "<=", "=="):
                closed = op != "<"
                if hi is None or v < hi or (v == hi and not closed):
                    hi, hi_closed = v, closed
    text = " and ".join(texts) or "-"
    if values is not None:
        if lo is not None or hi is not None:
            return Cell("opaque", text)  # both kinds of test: leave it to the general proof
        return Cell("set", text, values=values)
    if lo is None and hi is None:
        return _ANY
    return Cell("interval", text, lo, lo_closed, hi, hi_closed)


def discriminating_fact(
    rules: Sequence[Sequence[Node]], facts: Iterable[str]
) -> tuple[str, tuple[Cell, ...]] | None:
    """The fact (among *facts*) that best splits the rules into ranges, with each rule's
    cell on it; ``None`` when no rule tests any against constants."""
    counts: dict[str, int] = {}
    known = set(facts)
    for conditions in rules:
        seen: set[str] = set()
        for condition in conditions:
            for atom in _atoms(condition):
                if isinstance(atom, Compare):
                    for side in (atom.left, atom.right):
                        if isinstance(side, Name) and side.name in known:
                            seen.add(side.name)
        for n in seen:
            counts[n] = counts.get(n, 0) + 1
    # Of the facts most rules test, the one that splits them best: the fewest pairs of
    # rules whose ranges on it meet (`alder >= 65` in every rule tests alder in every rule
    # but splits nothing).
    best: tuple[str, tuple[Cell, ...]] | None = None
    best_score: tuple[int, int] | None = None
    for n in sorted(counts, key=lambda k: (-counts[k], k))[:4]:  # the likeliest few
        cells = tuple(rule_cell(c, n) for c in rules)
        if any(c.kind == "opaque" for c in cells) or all(c.kind == "any" for c in cells):
            continue
        score = (pair_bound(cells), -sum(c.kind != "any" for c in cells))
        if best_score is None or score < best_score:
            best, best_score = (n, cells), score
    return best
