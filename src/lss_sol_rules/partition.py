"""Ordinary rules read as the rows of a decision table.

A municipality's guideline is often written as many ``[[rules]]`` that each test one fact
against constants — ``hours > 20 and hours <= 40``, ``insats == "hemtjanst"`` — rather than
as a ``[[tables]]`` block. :func:`rule_cells` reads, for one fact, the interval or value set
each rule's conditions confine it to; the rulebook then

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

import bisect
from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from .expr.ast import BoolOp, Compare, ListExpr, Literal, Name, Node
from .tables import Cell

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


def _is_ordered(v: Any) -> bool:
    return not isinstance(v, bool) and isinstance(v, (int, Decimal, date))


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
            if op in ("in", "==") and not (op == "==" and _is_ordered(v)):
                found = v if op == "in" else frozenset((v,))
                values = found if values is None else values & found
                texts.append(f"{op} {sorted(map(str, found))}")
                continue
            bound = lo if lo is not None else hi
            if not _is_ordered(v) or (
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
    """The fact (among *facts*) that the most rules test against constants, with each
    rule's cell on it; ``None`` when no rule tests any."""
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
    best: tuple[str, tuple[Cell, ...]] | None = None
    best_score = 0
    for n in sorted(counts, key=lambda k: (-counts[k], k))[:3]:  # the likeliest few
        cells = tuple(rule_cell(c, n) for c in rules)
        if any(c.kind == "opaque" for c in cells):
            continue
        score = sum(c.kind != "any" for c in cells)
        if score > best_score:
            best, best_score = (n, cells), score
        if best_score == len(rules):
            break
    return best


def pair_bound(cells: Sequence[Cell]) -> int:
    """An upper bound on the pairs of *cells* that meet, counted in n log n.

    ``tables.overlapping_pairs`` finds the pairs by a sweep whose cost grows with the pairs
    it finds; this bound lets the caller refuse a rulebook whose rules all overlap (a
    hostile or mistaken file of thousands of ``x > i`` rules) before sweeping. Intervals
    are counted as closed, so touching ends count as meeting.
    """
    anys = sum(c.kind == "any" for c in cells)
    n = len(cells)
    total = anys * (n - anys) + anys * (anys - 1) // 2
    by_value: dict[Any, int] = {}
    spans: list[tuple[Any, Any]] = []
    for c in cells:
        if c.kind == "set":
            ordered = [v for v in c.values if _is_ordered(v)]
            for v in c.values:
                if not _is_ordered(v):
                    key = (type(v).__name__, v)
                    total += by_value.get(key, 0)
                    by_value[key] = by_value.get(key, 0) + 1
            if ordered:
                spans.append((min(ordered), max(ordered)))
        elif c.kind == "interval":
            spans.append((c.lo, c.hi))
        elif c.kind == "opaque":
            total += n
    for is_date in (False, True):  # numbers, then dates: never compared with each other
        group = [s for s in spans if _is_date_span(s) == is_date]
        # Ends as sortable keys: an open lower end first, an open upper end last.
        starts = sorted((0, 0) if lo is None else (1, lo) for lo, _ in group)
        for k, (_, hi) in enumerate(sorted(group, key=lambda s: (s[0] is not None, s[0] or 0))):
            end = len(starts) if hi is None else bisect.bisect_right(starts, (1, hi))
            total += max(0, end - k - 1)
    return total


def _is_date_span(span: tuple[Any, Any]) -> bool:
    return isinstance(span[0] if span[0] is not None else span[1], date)
