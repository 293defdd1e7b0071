"""Assemble rule files into one checked, compiled rulebook, and view it per jurisdiction.

Everything a rule author can get wrong is caught here, once, at load time: unknown or
misspelt names, type errors, a value a question cannot take, ``overrides`` naming a rule
that does not exist, cycles between questions, and two rules that could fire together
with different answers and nothing to say which wins.

Jurisdictions are hierarchical (``se`` ⊃ ``se/stockholm`` ⊃ ``se/stockholm/kungsholmen``).
A view for a jurisdiction holds the rules of it and every enclosing one; a parameter is
looked up innermost first, per date, so a municipality can override a value from a date
on while the national value still applies before it.
"""

from __future__ import annotations

import bisect
import itertools
import re
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date
from typing import Any, Protocol

import attrs

from .errors import ExpressionError, NoRuleInForceError, RuleFileError, did_you_mean
from .expr import CompiledExpr, Function, Scope, Symbol, compile_expr, parse
from .expr.ast import BoolOp, Call, Node, height, walk
from .expr.exclusive import can_both_hold, proof_size
from .expr.required import needed_to_fail
from .loader import ConditionSpec, ConstraintSpec, RuleFile, RuleSpec
from .model import (
    Citation,
    ConditionResult,
    FactDecl,
    Label,
    Parameter,
    ParameterValue,
    QuestionDecl,
)
from .partition import discriminating_fact, pair_bound
from .sources import public_source
from .tables import (
    Cell,
    TableIndex,
    TableRow,
    TableSpec,
    build_index,
    check_table,
    find_gap,
    index_from_scopes,
    overlapping_pairs,
)
from .values import Value, format_number, is_of_type, safe_repr
from .watchdecl import check_watches

_MISSING: Any = object()

__all__ = [
    "MAX_CANDIDATE_PAIRS",
    "MAX_EVALUATION_DEPTH",
    "MAX_OVERRIDE_PAIRS",
    "MAX_PROOF_WORK",
    "MAX_RULES_PER_QUESTION",
    "PARTITION_MIN_RULES",
    "SORTED_PROOF_MIN_RULES",
    "CompiledCondition",
    "CompiledConstraint",
    "CompiledRule",
    "Rulebook",
    "View",
]

MAX_EVALUATION_DEPTH = 250
"""How deeply questions may read questions (and derived facts read derived facts).

Each question on a chain counts 4 plus the depth of its deepest expression, each derived
fact 3 plus the depth of its ``derive``: about 50 questions with simple conditions. Deeper
chains are refused when the rulebook loads, so that evaluating never exhausts Python's
stack (and leaves room for the host's own)."""

MAX_RULES_PER_QUESTION = 500
"""How many rules may answer one question in one jurisdiction (all their versions counted)
when no fact splits them into ranges (see :data:`SORTED_PROOF_MIN_RULES`): every pair is
checked for a possible collision when the rulebook loads, so the cost grows with the square
of this number (500 rules: about a second)."""
#: Decision tables with at least this many rows are indexed for evaluation.
INDEX_MIN_ROWS = 8
#: Ordinary rules of one question from which their ranges of one fact are read for the
#: exclusivity proof: rules whose ranges cannot meet need no proof, the pairs that remain
#: are found by sorting. Changes only how long loading takes.
SORTED_PROOF_MIN_RULES = 4
#: Ordinary rules of one question from which decisions look up, by those ranges, the rules
#: that can apply (the rules whose range excludes the case's value are then not listed among
#: the rules considered, as the rows of a decision table are not).
PARTITION_MIN_RULES = 32
#: Pairs of rules whose ranges meet that a big question may have (they are proved one by
#: one): 500 rules that all overlap give 124,750.
MAX_CANDIDATE_PAIRS = 125_000

MAX_PROOF_WORK = 200_000
"""How many pairs of and-clauses :meth:`View.check` may compare to prove that rules answering
the same question cannot collide (about a second of work): two conditions like
``(a or b or c or d) and (e or f or g or h) and …`` expand into 256 clauses each, so one pair
of such rules alone costs 65,536."""

MAX_OVERRIDE_PAIRS = 200_000
"""How many (rule, rule that blocks it) pairs the ``overrides`` of one jurisdiction may
imply, transitively. A chain of n rules overriding each other implies n²/2 pairs."""

_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
_BUILTIN_PLACEHOLDERS = frozenset({"value", "on"})


@attrs.frozen
class CompiledCondition:
    """One compiled condition of a rule."""

    text: str
    expr: CompiledExpr
    label: Label | None
    #: The :class:`ConditionResult` this condition gives when it held (``True``), did not
    #: (``False``) or could not be decided (``None``): built once, shared by every decision.
    outcomes: Mapping[bool | None, ConditionResult] = attrs.field(
        init=False, eq=False, repr=False
    )

    @outcomes.default
    def _outcomes(self) -> Mapping[bool | None, ConditionResult]:
        return {v: ConditionResult(self.text, v, self.label) for v in (True, False, None)}


@attrs.frozen
class CompiledRule:
    """A rule ready to evaluate, with every name it reads."""

    id: str
    question: str
    conditions: tuple[CompiledCondition, ...]
    has_scope: bool
    value: Value | None
    compute: CompiledExpr | None
    valid_from: date | None
    valid_to: date | None
    overrides: tuple[str, ...]
    default: bool
    citations: tuple[Citation, ...]
    explain: Label
    title: Label
    file: str
    line: int | None
    layer: str
    jurisdiction: str
    facts: tuple[str, ...]
    params: tuple[str, ...]
    questions: tuple[str, ...]
    params_at: tuple[tuple[str, date], ...]
    node: Node | None
    table: str | None = None  # the decision table the rule is a row of
    #: ``file:line`` without the machine's directories (what decisions show).
    source: str = attrs.field(init=False, eq=False, repr=False)

    @source.default
    def _source(self) -> str:
        return public_source(self.where)

    def in_force(self, on: date) -> bool:
        """Whether the rule applies on *on*."""
        return (self.valid_from is None or self.valid_from <= on) and (
            self.valid_to is None or on <= self.valid_to
        )

    @property
    def where(self) -> str:
        """``file:line`` of the rule."""
        return self.file if self.line is None else f"{self.file}:{self.line}"


@attrs.frozen
class CompiledConstraint:
    """A compiled consistency check between facts."""

    id: str
    expr: CompiledExpr
    message: Label
    jurisdiction: str


class _Located(Protocol):
    @property
    def file(self) -> str: ...
    @property
    def line(self) -> int | None: ...
    @property
    def id(self) -> str: ...


def _rule_error(
    where: _Located, problem: str, sv: str, whole_question: str | None = None
) -> RuleFileError:
    """A :class:`RuleFileError` at a rule's (or constraint's) file and line; *sv*: the
    problem in Swedish; *whole_question*: the question whose rules are refused together."""
    err = RuleFileError(
        problem, file=where.file, line=where.line, rule_id=where.id, problem_sv=sv
    )
    err.whole_question = whole_question
    return err


_KIND_SV = {
    "fact": "en uppgift",
    "param": "en parameter",
    "question": "en fråga",
    "on": "det inbyggda namnet `on`",
}


def _ancestors(jurisdiction: str) -> tuple[str, ...]:
    parts = jurisdiction.split("/")
    return tuple("/".join(parts[: i + 1]) for i in range(len(parts)))


def _on_one_chain(a: str, b: str) -> bool:
    """Whether jurisdictions *a* and *b* are one and the same or one encloses the other."""
    return a == b or a.startswith(b + "/") or b.startswith(a + "/")


def _collision_fix(a: CompiledRule, b: CompiledRule) -> tuple[str, str]:
    """How to say which of two colliding rules wins, in English and Swedish: `overrides`
    on an ordinary rule; a table row cannot take it, its table `extends` the other table
    and the row `replaces` the other row."""
    if b.table is None:
        return (
            f'add `overrides = ["{a.id}"]` to the exception ({b.id!r})',
            f'lägg till `overrides = ["{a.id}"]` i undantaget ({b.id!r})',
        )
    if a.table is None:
        return (
            f'add `overrides = ["{b.id}"]` to the exception ({a.id!r})',
            f'lägg till `overrides = ["{b.id}"]` i undantaget ({a.id!r})',
        )
    row = a.id.removeprefix(f"{a.table}.")
    if a.table == b.table:
        return (
            f"use hit_policy \"first\" or \"priority\" in table {a.table!r}",
            f"använd hit_policy \"first\" eller \"priority\" i tabellen {a.table!r}",
        )
    return (
        f'let table {b.table!r} say `extends = "{a.table}"` and give its row '
        f'`replaces = "{row}"`',
        f'låt tabellen {b.table!r} ange `extends = "{a.table}"` och ge dess rad '
        f'`replaces = "{row}"`',
    )


def _in_force_cell(rule: CompiledRule) -> Cell:
    """The dates *rule* is in force, as a cell (``-`` when it has no bounds)."""
    if rule.valid_from is None and rule.valid_to is None:
        return Cell("any", "-")
    return Cell("interval", "", rule.valid_from, True, rule.valid_to, True)


def _as_rows(rules: Sequence[CompiledRule], *columns: Sequence[Cell]) -> tuple[TableRow, ...]:
    """Ordinary rules as table rows with one cell from each of *columns* (for the sorted
    proof and the index, which read the cells and ids, not the values)."""
    return tuple(
        TableRow(
            r.id,
            tuple(col[i] for col in columns),
            r.value if r.value is not None else "",
            r.line,
            r.id,
        )
        for i, r in enumerate(rules)
    )


def _overlap(a: CompiledRule, b: CompiledRule) -> bool:
    lo = max(a.valid_from or date.min, b.valid_from or date.min)
    hi = min(a.valid_to or date.max, b.valid_to or date.max)
    return lo <= hi


class View:
    """The rules and parameters that apply in one jurisdiction."""

    def __init__(self, book: Rulebook, jurisdiction: str) -> None:
        self.jurisdiction = jurisdiction
        self.chain = _ancestors(jurisdiction)
        inside = set(self.chain)
        self.book = book
        grouped: dict[str, list[CompiledRule]] = {}
        for rule in book.rules:
            if rule.jurisdiction in inside:
                grouped.setdefault(rule.question, []).append(rule)
        self.rules: dict[str, tuple[CompiledRule, ...]] = {
            q: tuple(rules) for q, rules in grouped.items()
        }
        #: The rules of this view by id (ids are unique along one jurisdiction chain).
        self.rule_by_id: dict[str, CompiledRule] = {
            r.id: r for rules in grouped.values() for r in rules
        }
        # Parameter histories, innermost jurisdiction first.
        self.params: dict[str, tuple[tuple[Parameter, str], ...]] = {}
        for name, versions in book.parameters.items():
            ordered = sorted(
                (p for p in versions if p.jurisdiction in inside),
                key=lambda p: (-len(p.jurisdiction), p.adopted),
            )
            self.params[name] = tuple((p, p.layer) for p in ordered)
        self.constraints = tuple(c for c in book.constraints if c.jurisdiction in inside)
        kinds = {n: sym.kind for n, sym in book.scope.symbols.items()}
        #: Each constraint with the facts it cannot fail without: a case that lacks
        #: one of them cannot break it (it comes out true or unknown); it is not evaluated.
        self.constraint_plan: tuple[tuple[frozenset[str], CompiledConstraint], ...] = tuple(
            (needed_to_fail(c.expr.node, kinds), c) for c in self.constraints
        )
        #: Positions in the plan of the checks that need no fact, and of the others filed
        #: under the first fact each needs.
        self.constraints_always: tuple[int, ...] = tuple(
            k for k, (needs, _) in enumerate(self.constraint_plan) if not needs
        )
        filed: dict[str, list[int]] = {}
        for k, (needs, _) in enumerate(self.constraint_plan):
            if needs:
                filed.setdefault(min(needs), []).append(k)
        self.constraints_by_fact: dict[str, tuple[int, ...]] = {
            name: tuple(ks) for name, ks in filed.items()
        }
        self.overriders = self._overriders()
        self.proof_work = 0  # clause pairs compared by check(), bounded by MAX_PROOF_WORK
        self._indexes: dict[str, tuple[TableIndex, ...]] = {}
        self._segments: dict[
            str,
            tuple[
                tuple[date, ...], tuple[tuple[tuple[CompiledRule, ...], dict[str, int]], ...]
            ],
        ] = {}
        self._others: dict[tuple[str, int, tuple[int, ...]], tuple[int, ...]] = {}
        self._partitions: dict[str, Any] = {}

    def _overriders(self) -> dict[str, frozenset[str]]:
        """For each rule, every rule whose firing blocks it (``overrides``, transitively).

        Computed once per view, bottom-up without recursion (each rule's set is built from
        its blockers' sets); a cycle or a web of more than :data:`MAX_OVERRIDE_PAIRS` pairs
        is a :class:`RuleFileError` at the rule concerned.
        """
        direct: dict[str, set[str]] = {}
        for rules in self.rules.values():
            ids = {r.id for r in rules}
            for r in rules:
                direct.setdefault(r.id, set())
                for target in r.overrides:
                    if target in ids:
                        direct.setdefault(target, set()).add(r.id)
                if r.default:
                    direct[r.id].update(o.id for o in rules if not o.default)
        closed: dict[str, frozenset[str]] = {}
        total = 0
        for root, blockers in direct.items():
            if root in closed:
                continue
            on_path: set[str] = {root}
            stack: list[tuple[str, list[str]]] = [(root, sorted(blockers))]
            while stack:
                rid, todo = stack[-1]
                if todo:
                    nxt = todo.pop()
                    if nxt in closed:
                        continue
                    if nxt in on_path:
                        self._override_cycle(nxt)
                    on_path.add(nxt)
                    stack.append((nxt, sorted(direct.get(nxt, ()))))
                    continue
                stack.pop()
                on_path.discard(rid)
                acc: set[str] = set()
                for b in direct.get(rid, ()):
                    acc.add(b)
                    acc |= closed[b]
                total += len(acc)
                if total > MAX_OVERRIDE_PAIRS:
                    rule = self.rule_by_id[rid]
                    raise _rule_error(
                        rule,
                        f"the `overrides` of the rules answering {rule.question!r} imply more "
                        f"than {MAX_OVERRIDE_PAIRS:,} (rule, blocking rule) pairs, counted "
                        f"transitively (a chain of n rules overriding each other implies "
                        f"n²/2); let the exceptions override the general rule directly instead "
                        f"of each other, or split the question",
                        f"`overrides` i reglerna som besvarar {rule.question!r} ger sammanlagt "
                        f"fler än {format_number(MAX_OVERRIDE_PAIRS)} par (regel, blockerande "
                        f"regel), räknat transitivt (en kedja av n regler som åsidosätter "
                        f"varandra ger n²/2); låt undantagen åsidosätta huvudregeln direkt i "
                        f"stället för varandra, eller dela upp frågan",
                        whole_question=rule.question,
                    )
                closed[rid] = frozenset(acc)
        return closed

    def _override_cycle(self, rid: str) -> None:
        rule = self.rule_by_id[rid]
        raise RuleFileError(
            "`overrides` forms a cycle through this rule; an exception cannot also be "
            "the rule it is an exception to",
            file=rule.file,
            line=rule.line,
            rule_id=rid,
            problem_sv="`overrides` bildar en cirkel genom den här regeln; ett undantag kan inte "
            "samtidigt vara den regel det är ett undantag från",
        )

    def in_force(self, question: str, on: date) -> list[CompiledRule]:
        """The rules of *question* in force on *on*; :class:`NoRuleInForceError` if none."""
        rules = list(self._segment(question, on)[0])
        if not rules:
            raise NoRuleInForceError(question, on, self.jurisdiction)
        return rules

    def _segment(
        self, question: str, on: date
    ) -> tuple[tuple[CompiledRule, ...], dict[str, int]]:
        """The rules of *question* in force on *on*, and each one's position among them.

        Rules change only on their ``valid_from`` and the day after their ``valid_to``, so
        the answer is worked out once per period between such days and looked up by a
        binary search (a question with thousands of rows is not filtered on every call).
        """
        cached = self._segments.get(question)
        if cached is None:
            rules = self.rules.get(question, ())
            cuts: set[date] = set()
            for r in rules:
                if r.valid_from is not None:
                    cuts.add(r.valid_from)
                if r.valid_to is not None and r.valid_to < date.max:
                    cuts.add(date.fromordinal(r.valid_to.toordinal() + 1))
            starts = sorted(cuts)
            periods: list[tuple[tuple[CompiledRule, ...], dict[str, int]]] = []
            for probe in [date.min, *starts]:
                inside = tuple(r for r in rules if r.in_force(probe))
                periods.append((inside, {r.id: i for i, r in enumerate(inside)}))
            cached = self._segments.setdefault(question, (tuple(starts), tuple(periods)))
        starts_t, periods_t = cached
        return periods_t[bisect.bisect_right(starts_t, on)]

    def candidates(self, question: str, on: date, value_of: Callable[[str], Any]) -> list[
        CompiledRule
    ]:
        """The rules of *question* in force on *on* that can apply to a case.

        Like :meth:`in_force`, but rows of an indexed decision table whose indexed input
        (read with *value_of*: a fact's or question's value, or an ``Unknown``) their cell
        does not cover are left out: their condition is false. Other rules are all kept.
        """
        indexes = self._indexes.get(question)
        if indexes is None:
            indexes = self._indexes.setdefault(question, self._build_indexes(question))
        if not indexes:
            return self.in_force(question, on)
        rules, position = self._segment(question, on)
        if not rules:
            raise NoRuleInForceError(question, on, self.jurisdiction)
        keep_pos: list[int] = []
        used: list[int] = []
        for n, index in enumerate(indexes):
            keep = index.lookup(value_of(index.name))
            if keep is None:
                continue
            used.append(n)
            keep_pos.extend(position[i] for i in keep if i in position)
        if not used:
            return list(rules)
        others = self._unindexed(question, rules, indexes, tuple(used))
        return [rules[i] for i in sorted({*others, *keep_pos})]

    def _unindexed(
        self,
        question: str,
        rules: tuple[CompiledRule, ...],
        indexes: tuple[TableIndex, ...],
        used: tuple[int, ...],
    ) -> tuple[int, ...]:
        """Positions of the rules of a period that the *used* indexes do not cover (cached)."""
        key = (question, id(rules), used)
        found = self._others.get(key)
        if found is None:
            covered: set[str] = set()
            for n in used:
                covered |= indexes[n].rule_ids
            found = tuple(i for i, r in enumerate(rules) if r.id not in covered)
            if len(self._others) < 4096:
                self._others[key] = found
        return found

    def _build_indexes(self, question: str) -> tuple[TableIndex, ...]:
        tables = {r.table for r in self.rules.get(question, ()) if r.table is not None}
        out = []
        for tid in sorted(tables):
            spec = self.book.table_specs.get(tid)
            if spec is None or len(spec.rows) < INDEX_MIN_ROWS:
                continue
            index = build_index(spec)
            if index is not None and (
                index.name in self.book.facts or index.name in self.book.questions
            ):
                out.append(index)
        scoped = [
            (r.id, r.conditions[0].expr.node)
            for r in self.rules.get(question, ())
            if r.has_scope and r.table is None
        ]
        by_scope = index_from_scopes(scoped) if scoped else None
        if by_scope is not None and by_scope.name in self.book.facts:
            out.append(by_scope)
        rules = [r for r in self.rules.get(question, ()) if r.table is None]
        partition = self._partition(question) if len(rules) >= PARTITION_MIN_RULES else None
        if partition is not None and (by_scope is None or by_scope.name != partition[0]):
            name, cells = partition
            rows = _as_rows(rules, cells)
            spec = TableSpec(question, question, "unique", (name,), (), rows, False, "", None, ())
            by_range = build_index(spec)
            if by_range is not None:
                out.append(by_range)
        return tuple(out)

    def rules_reached(self, question: str) -> tuple[CompiledRule, ...]:
        """Every rule *question* may run: its own, and those of the questions they read."""
        seen: set[str] = set()
        out: list[CompiledRule] = []
        stack = [question]
        while stack:
            q = stack.pop()
            if q in seen:
                continue
            seen.add(q)
            for rule in self.rules.get(q, ()):
                out.append(rule)
                stack.extend(rule.questions)
        return tuple(out)

    def param_value(self, name: str, on: date) -> tuple[ParameterValue, Parameter] | None:
        """The value of *name* in force on *on*, innermost jurisdiction first."""
        for param, _ in self.params.get(name, ()):
            v = param.value_at(on)
            if v is not None:
                return v, param
        return None

    def check(self) -> None:
        """Raise :class:`RuleFileError` for override cycles and rules that can collide."""
        for rid, blockers in self.overriders.items():
            if rid in blockers:
                self._override_cycle(rid)
        proven = self.book.proven_tables
        for question, rules in self.rules.items():
            # Rows of a decision table whose cells are all intervals or value sets were
            # checked against each other by tables.check_table (sorted, n log n); only the
            # other pairs are proved here, and only they count toward the limit.
            loose = [r for r in rules if r.table is None or r.table not in proven]
            loose_pairs = self._loose_pairs(question, loose)
            qdecl = self.book.questions[question]
            loose_ids = {r.id for r in loose}
            rows_of: dict[str, list[CompiledRule]] = {}
            for r in rules:
                if r.id not in loose_ids:
                    rows_of.setdefault(r.table or "", []).append(r)
            tables = list(rows_of.values())
            pairs = itertools.chain(
                loose_pairs,
                ((a, b) for rows in tables for a in loose for b in rows),
                (
                    (a, b)
                    for x, y in itertools.combinations(tables, 2)
                    for a in x
                    for b in y
                ),
            )
            for a, b in pairs:
                if not _overlap(a, b):
                    continue
                if a.id in self.overriders[b.id] or b.id in self.overriders[a.id]:
                    continue
                if a.default and b.default:
                    raise _rule_error(
                        b,
                        f"two `default = true` rules answer {question!r} at the same time: "
                        f"{a.id!r} ({a.where}) and {b.id!r} ({b.where}); give them "
                        f"valid_from/valid_to that do not overlap",
                        f"två regler med `default = true` besvarar {question!r} samtidigt: "
                        f"{a.id!r} ({a.where}) och {b.id!r} ({b.where}); ge dem "
                        f"valid_from/valid_to som inte överlappar",
                    )
                same_value = a.compute is None and b.compute is None and a.value == b.value
                if same_value or qdecl.hit_policy == "collect":
                    continue
                self.proof_work += proof_size(a.node, b.node)
                if self.proof_work > MAX_PROOF_WORK:
                    raise _rule_error(
                        b,
                        f"proving that the rules answering {question!r} in jurisdiction "
                        f"{self.jurisdiction!r} cannot collide needs more than "
                        f"{MAX_PROOF_WORK:,} comparisons of their conditions (each condition is "
                        f"expanded into and-clauses; {a.id!r} and {b.id!r} alone need "
                        f"{proof_size(a.node, b.node):,}); add `overrides` between exceptions, "
                        f"or simplify long and/or combinations (move them into a question)",
                        f"att bevisa att reglerna som besvarar {question!r} i jurisdiktionen "
                        f"{self.jurisdiction!r} inte kan krocka kräver fler än "
                        f"{format_number(MAX_PROOF_WORK)} jämförelser av deras villkor (varje "
                        f"villkor skrivs ut som och-satser; bara {a.id!r} och {b.id!r} kräver "
                        f"{format_number(proof_size(a.node, b.node))}); lägg till `overrides` "
                        f"mellan undantagen, eller förenkla långa kombinationer av and/or "
                        f"(flytta dem till en fråga)",
                        whole_question=question,
                    )
                if can_both_hold(a.node, b.node):
                    fix_en, fix_sv = _collision_fix(a, b)
                    raise _rule_error(
                        b,
                        f"rules {a.id!r} ({a.where}, layer {a.layer!r}) and {b.id!r} "
                        f"({b.where}, layer {b.layer!r}) both answer "
                        f"{question!r} with different values and nothing proves they cannot "
                        f"both apply; {fix_en}, or make "
                        f"the conditions exclusive (for example `x > p` and `x <= p`)",
                        f"reglerna {a.id!r} ({a.where}, lager {a.layer!r}) och {b.id!r} "
                        f"({b.where}, lager {b.layer!r}) besvarar båda {question!r} med olika "
                        f"värden, och inget visar att de inte kan gälla samtidigt; {fix_sv}, "
                        f"eller gör villkoren ömsesidigt "
                        f"uteslutande (till exempel `x > p` och `x <= p`)",
                    )


    def _partition(self, question: str) -> tuple[str, tuple[Cell, ...]] | None:
        """The fact that the ordinary rules of *question* test against constants, with
        each rule's interval or value set on it (``None`` for small questions or when no
        fact partitions them); cached."""
        found = self._partitions.get(question, _MISSING)
        if found is _MISSING:
            rules = [r for r in self.rules.get(question, ()) if r.table is None]
            found = None
            if len(rules) >= min(SORTED_PROOF_MIN_RULES, PARTITION_MIN_RULES):
                found = discriminating_fact(
                    [[c.expr.node for c in r.conditions] for r in rules], self.book.facts
                )
            self._partitions[question] = found
        return found  # type: ignore[no-any-return]

    def range_gap(self, question: str) -> tuple[str, Any] | None:
        """A value of the fact that splits a big question's ordinary rules into ranges that
        no rule's range covers, as ``(fact, value)``; ``None`` when there is none, or the
        question is small, has a ``default`` rule, a decision table or a declared
        ``not_applicable``. A case with that value gets no answer
        (:class:`NoApplicableRuleError`): ``check`` warns about it."""
        everything = self.rules.get(question, ())
        rules = [r for r in everything if r.table is None]
        if (
            len(rules) < PARTITION_MIN_RULES
            or len(rules) < len(everything)
            or any(r.default for r in rules)
            or self.book.questions[question].not_applicable is not None
        ):
            return None
        partition = self._partition(question)
        if partition is None:
            return None
        name, cells = partition
        spec = TableSpec(
            question, question, "unique", (name,), (), _as_rows(rules, cells), False, "", None, ()
        )
        gap = find_gap(spec, self.book.facts)
        return None if gap is None else (name, gap[0])

    def _loose_pairs(
        self, question: str, loose: list[CompiledRule]
    ) -> Iterable[tuple[CompiledRule, CompiledRule]]:
        """The pairs of *loose* rules that must be proved exclusive one by one.

        Rules whose ranges cannot meet are exclusive without a proof: the range each rule
        gives one fact when it tests it against constants (intervals, value sets), and the
        dates it is in force (``valid_from``/``valid_to``). The pairs that meet in both are
        found by sorting on the more selective of the two (``tables.overlapping_pairs``), n
        log n for a partition. Otherwise every pair, for at most
        :data:`MAX_RULES_PER_QUESTION` rules.
        """
        if len(loose) >= SORTED_PROOF_MIN_RULES:
            columns: list[list[Cell]] = [[_in_force_cell(r) for r in loose]]
            partition = self._partition(question)
            if partition is not None:
                ordinary = (r for r in self.rules[question] if r.table is None)
                by_id = {r.id: c for r, c in zip(ordinary, partition[1], strict=True)}
                if all(r.id in by_id for r in loose):
                    columns.append([by_id[r.id] for r in loose])
            bounds = [pair_bound(c) for c in columns]
            if min(bounds) <= MAX_CANDIDATE_PAIRS and min(bounds) < len(loose) ** 2 // 2:
                # The most selective column first: the sweep runs on it.
                ordered = [columns[k] for k in sorted(range(len(columns)), key=bounds.__getitem__)]
                rows = _as_rows(loose, *ordered)
                return [(loose[i], loose[k]) for i, k in overlapping_pairs(rows)]
        if len(loose) > MAX_RULES_PER_QUESTION:
            raise _rule_error(
                loose[MAX_RULES_PER_QUESTION],
                f"{len(loose):,} rules answer {question!r} in jurisdiction "
                f"{self.jurisdiction!r}, and no fact splits them into ranges or values that "
                f"cannot meet; at most {MAX_RULES_PER_QUESTION} such rules may answer one "
                f"question (every pair is checked for a collision when the rules load): give "
                f"each rule a range of one fact (`x > a and x <= b`), split the question, or "
                f"write the rows as a decision table ([[tables]])",
                f"{format_number(len(loose))} regler besvarar {question!r} i jurisdiktionen "
                f"{self.jurisdiction!r}, och ingen uppgift delar upp dem i intervall eller "
                f"värden som inte kan mötas; högst {MAX_RULES_PER_QUESTION} sådana regler får "
                f"besvara en fråga (varje par prövas mot krockar när reglerna läses in): ge "
                f"varje regel ett intervall för en uppgift (`x > a and x <= b`), dela upp "
                f"frågan, eller skriv raderna som en beslutstabell ([[tables]])",
                whole_question=question,
            )
        return itertools.combinations(loose, 2)


class Rulebook:
    """All loaded rule files, checked and compiled. Immutable once built; thread-safe."""

    def __init__(
        self, files: Iterable[tuple[RuleFile, str]], functions: Mapping[str, Function]
    ) -> None:
        self.files = tuple(files)
        self.functions = dict(functions)
        self.facts: dict[str, FactDecl] = {}
        self.questions: dict[str, QuestionDecl] = {}
        self.parameters: dict[str, list[Parameter]] = {}
        self.rules: list[CompiledRule] = []
        self.rule_by_id: dict[str, CompiledRule] = {}  # the first rule of each id
        self._ids: dict[str, list[CompiledRule]] = {}  # every rule of each id (per jurisdiction)
        self.constraints: list[CompiledConstraint] = []
        self.derive: dict[str, CompiledExpr] = {}
        self._views: dict[str, View] = {}
        self._lock = threading.Lock()
        #: The facts with a documented stand-in (``assumed``): only rules reading one can
        #: add an assumption to a decision.
        self.assumable: frozenset[str] = frozenset()
        self._declare()
        self._check_subjects()
        self.scope = self._scope()
        self._compile()
        self.watches = check_watches(self)  # [watches.NAME] declarations (watchdecl.py)
        # Decision tables check their own rows (overlaps, gaps) by sorting their cells; the
        # pairwise proof below then skips pairs of rows of one table whose cells are all
        # intervals or value sets (tables.py).
        self.proven_tables: frozenset[str] = frozenset(
            t.id
            for rf, _ in self.files
            for t in rf.tables
            if not any(c.kind == "opaque" for row in t.rows for c in row.cells)
        )
        self.table_specs = {t.id: t for rf, _ in self.files for t in rf.tables}
        for t in self.table_specs.values():
            check_table(t, self.facts)
        for j in sorted({rf.jurisdiction for rf, _ in self.files} | {"se"}):
            self.view(j).check()

    # -- declarations ------------------------------------------------------------------
    def _declare(self) -> None:
        for rf, layer in self.files:
            for f in rf.facts:
                if f.name in self.facts and self.facts[f.name] == f:
                    continue  # the same file read again, adopted by another jurisdiction
                if f.name in self.facts:
                    raise RuleFileError(
                        f"fact {f.name!r} is already declared in {self.facts[f.name].source}; "
                        f"declare each fact once",
                        file=rf.path,
                        problem_sv=f"uppgiften {f.name!r} är redan deklarerad i "
                        f"{self.facts[f.name].source}; deklarera varje uppgift en gång",
                    )
                self.facts[f.name] = f
            for q in rf.questions:
                if q.name in self.questions and self.questions[q.name] == q:
                    continue  # the same file read again, adopted by another jurisdiction
                if q.name in self.questions:
                    raise RuleFileError(
                        f"question {q.name!r} is already declared in "
                        f"{self.questions[q.name].source}",
                        file=rf.path,
                        problem_sv=f"frågan {q.name!r} är redan deklarerad i "
                        f"{self.questions[q.name].source}; deklarera varje fråga en gång",
                    )
                self.questions[q.name] = q
            for p in rf.parameters:
                versions = self.parameters.setdefault(p.name, [])
                adopted = rf.adopted_from is not None
                for other in versions:
                    if other.jurisdiction == p.jurisdiction and other.adopted != adopted:
                        continue  # the adopting layer's own value sits over the adopted one
                    if other.jurisdiction == p.jurisdiction:
                        raise RuleFileError(
                            f"parameter {p.name!r} is already declared for jurisdiction "
                            f"{p.jurisdiction!r} in {other.source}",
                            file=rf.path,
                            problem_sv=f"parametern {p.name!r} är redan deklarerad för "
                            f"jurisdiktionen {p.jurisdiction!r} i {other.source}",
                        )
                    if (other.type, other.of) != (p.type, p.of):
                        raise RuleFileError(
                            f"parameter {p.name!r} overrides {other.source} with type "
                            f"{p.type!r}, but it is {other.type!r} there",
                            file=rf.path,
                            problem_sv=f"parametern {p.name!r} ersätter den i {other.source} "
                            f"med typen {p.type!r}, men där har den typen {other.type!r}",
                        )
                versions.append(attrs.evolve(p, layer=layer, adopted=adopted))

    def _check_subjects(self) -> None:
        for q in self.questions.values():
            if q.subject is not None and q.subject not in self.facts:
                hint = did_you_mean(q.subject, self.facts)
                raise RuleFileError(
                    f"question {q.name!r}: `subject` names unknown fact {q.subject!r}{hint}",
                    file=q.source,
                    problem_sv=f"frågan {q.name!r}: `subject` anger den okända uppgiften "
                    f"{q.subject!r}{did_you_mean(q.subject, self.facts, 'sv')}",
                )

    def _scope(self) -> Scope:
        symbols: dict[str, Symbol] = {"on": Symbol("on", "date")}
        for f in self.facts.values():
            symbols[f.name] = Symbol("fact", f.type, f.of, f.values)
        for name, versions in self.parameters.items():
            if name in symbols:
                raise RuleFileError(
                    f"parameter {name!r} has the name of a {symbols[name].kind}; rename one",
                    file=versions[0].source,
                    problem_sv=f"parametern {name!r} har samma namn som "
                    f"{_KIND_SV.get(symbols[name].kind, symbols[name].kind)}; byt namn på en av "
                    f"dem",
                )
            symbols[name] = Symbol("param", versions[0].type, versions[0].of)
        for q in self.questions.values():
            if q.name in symbols:
                raise RuleFileError(
                    f"question {q.name!r} has the name of a {symbols[q.name].kind}; rename one",
                    file=q.source,
                    problem_sv=f"frågan {q.name!r} har samma namn som "
                    f"{_KIND_SV.get(symbols[q.name].kind, symbols[q.name].kind)}; byt namn på en "
                    f"av dem",
                )
            elem_values = q.values if q.type != "list" else None
            symbols[q.name] = Symbol("question", q.type, q.of, elem_values)
        return Scope(symbols=symbols, functions=self.functions)

    # -- compilation -------------------------------------------------------------------
    def _expr(
        self, spec: ConditionSpec, file: str, rule_id: str | None, scope: Scope | None = None
    ) -> CompiledExpr:
        try:
            return compile_expr(spec.text, spec.node, scope or self.scope)
        except ExpressionError as exc:
            raise RuleFileError(
                str(exc),
                file=file,
                line=spec.line,
                rule_id=rule_id,
                problem_sv=exc.message("sv"),
            ) from None

    def _compile(self) -> None:
        self.assumable = frozenset(n for n, f in self.facts.items() if f.assumed is not None)
        fact_scope = Scope(
            symbols={n: s for n, s in self.scope.symbols.items() if s.kind in ("fact", "on")},
            functions=self.functions,
        )
        for f in self.facts.values():
            if f.derive is not None:
                node = parse(f.derive)  # already parsed once by the loader: cannot fail
                expr = self._expr(
                    ConditionSpec(f.derive, node, None, self._fact_line(f.name)),
                    f.source,
                    None,
                    fact_scope,
                )
                if not is_of_type_name(expr.type, f.type):
                    raise RuleFileError(
                        f"`derive` of fact {f.name!r} gives a {expr.type}, "
                        f"but the fact is {f.type}",
                        file=f.source,
                        line=self._fact_line(f.name),
                        problem_sv=f"`derive` för uppgiften {f.name!r} ger ett värde av typen "
                        f"{expr.type}, men uppgiften är av typen {f.type}",
                    )
                if f.name in expr.facts:
                    raise RuleFileError(
                        f"fact {f.name!r} is derived from itself",
                        file=f.source,
                        line=self._fact_line(f.name),
                        problem_sv=f"uppgiften {f.name!r} härleds ur sig själv",
                    )
                self.derive[f.name] = expr
        for rf, layer in self.files:
            for spec in rf.rules:
                # Rule ids are unique per jurisdiction: the same id may stand in two sibling
                # jurisdictions (one municipality adopting another's rule file), never in a
                # jurisdiction and one enclosing it, where both would be in force at once.
                for other in self._ids.get(spec.id, ()):
                    if _on_one_chain(other.jurisdiction, rf.jurisdiction):
                        raise _rule_error(
                            spec,
                            f"rule id is already used at {other.where}",
                            f"regelns id används redan i {other.where}",
                        )
                rule = self._rule(spec, layer, rf.jurisdiction)
                self.rules.append(rule)
                self.rule_by_id.setdefault(rule.id, rule)
                self._ids.setdefault(rule.id, []).append(rule)
            for c in rf.constraints:
                self.constraints.append(self._constraint(c, rf.jurisdiction))
        for rule in self.rules:
            for target in rule.overrides:
                target_rule = next(
                    (
                        t
                        for t in self._ids.get(target, ())
                        if _on_one_chain(t.jurisdiction, rule.jurisdiction)
                    ),
                    None,
                )
                if target_rule is None or target_rule.question != rule.question:
                    hint = did_you_mean(
                        target, [r.id for r in self.rules if r.question == rule.question]
                    )
                    raise _rule_error(
                        rule,
                        f"`overrides` names {target!r}, which is not a rule answering "
                        f"{rule.question!r}{hint}",
                        f"`overrides` anger {target!r}, som inte är en regel som besvarar "
                        f"{rule.question!r}"
                        + did_you_mean(
                            target, [r.id for r in self.rules if r.question == rule.question], "sv"
                        ),
                    )
        self._check_question_cycles()

    def _constraint(self, c: ConstraintSpec, jurisdiction: str) -> CompiledConstraint:
        if any(isinstance(n, Call) and n.func == "given" for n in walk(c.check.node)):
            raise _rule_error(
                c,
                "`check` cannot use given(): a check is only tested on the facts a case "
                "gives, so given() would make it fail for every case without the fact; "
                "write the check over the facts themselves (it is skipped while they are "
                "missing)",
                "`check` kan inte använda given(): en kontroll prövas bara mot de uppgifter "
                "ärendet har, så given() skulle få den att slå fel för varje ärende som saknar "
                "uppgiften; skriv kontrollen direkt över uppgifterna (den hoppas över så länge "
                "de saknas)",
            )
        expr = self._expr(c.check, c.file, c.id)
        if expr.type != "bool" or expr.questions:
            raise _rule_error(
                c,
                "`check` must be a bool expression over facts",
                "`check` ska vara ett uttryck av typen bool över uppgifter",
            )
        return CompiledConstraint(c.id, expr, c.message, jurisdiction)

    def _rule(self, spec: RuleSpec, layer: str, jurisdiction: str) -> CompiledRule:
        q = self.questions.get(spec.question)
        if q is None:
            hint = did_you_mean(spec.question, self.questions)
            raise _rule_error(
                spec,
                f"answers unknown question {spec.question!r}{hint}; declare it "
                f'under [questions."{spec.question}"]',
                f"besvarar den okända frågan {spec.question!r}"
                f"{did_you_mean(spec.question, self.questions, 'sv')}; deklarera den under "
                f'[questions."{spec.question}"]',
            )
        conditions: list[CompiledCondition] = []
        for cspec in ([spec.scope] if spec.scope else []) + list(spec.conditions):
            expr = self._expr(cspec, spec.file, spec.id)
            if expr.type != "bool":
                raise RuleFileError(
                    f"condition {cspec.text!r} gives a {expr.type}, not a bool",
                    file=spec.file,
                    line=cspec.line,
                    rule_id=spec.id,
                    problem_sv=f"villkoret {cspec.text!r} ger ett värde av typen {expr.type}, "
                    f"inte bool",
                )
            conditions.append(CompiledCondition(cspec.text, expr, cspec.label))
        elem = q.of if q.type == "list" else q.type
        compute = None
        if spec.compute is not None:
            compute = self._expr(spec.compute, spec.file, spec.id)
            want = elem if q.hit_policy == "collect" else q.type
            if not is_of_type_name(compute.type, want or "text"):
                raise RuleFileError(
                    f"`compute` gives a {compute.type}, but {q.name!r} takes a {want}",
                    file=spec.file,
                    line=spec.compute.line,
                    rule_id=spec.id,
                    problem_sv=f"`compute` ger ett värde av typen {compute.type}, men {q.name!r} "
                    f"tar ett värde av typen {want}",
                )
        else:
            want = elem if q.hit_policy == "collect" else q.type
            if (
                not is_of_type(spec.value, want or "text", q.of)
                or (q.values is not None and q.type != "list" and spec.value not in q.values)
                or (q.values is not None and q.type == "list" and spec.value not in q.values)
            ):
                allowed = f"; allowed: {list(q.values)}" if q.values else ""
                allowed_sv = f"; tillåtna värden: {list(q.values)}" if q.values else ""
                raise _rule_error(
                    spec,
                    f"`value` {spec.value!r} is not a {want} answer to {q.name!r}{allowed}",
                    f"`value` {safe_repr(spec.value)} är inte ett svar av typen {want} på "
                    f"{q.name!r}{allowed_sv}",
                )
        exprs = [c.expr for c in conditions] + ([compute] if compute else [])
        facts = sorted({n for e in exprs for n in e.facts})
        params = sorted({n for e in exprs for n in e.params})
        questions = sorted({n for e in exprs for n in e.questions})
        params_at = sorted({pa for e in exprs for pa in e.params_at})
        if spec.question in questions:
            raise _rule_error(
                spec,
                f"a rule of {spec.question!r} cannot read its own question",
                f"en regel för {spec.question!r} kan inte läsa sin egen fråga",
            )
        for tmpl in (spec.explain.sv, spec.explain.en):
            for m in _PLACEHOLDER.finditer(tmpl):
                name = m.group(1)
                if name not in self.scope.symbols and name not in _BUILTIN_PLACEHOLDERS:
                    hint = did_you_mean(name, [*self.scope.symbols, *_BUILTIN_PLACEHOLDERS])
                    raise _rule_error(
                        spec,
                        f"`explain` names {{{name}}}, which is not a fact, parameter, question, "
                        f"{{value}} or {{on}}{hint}",
                        f"`explain` nämner {{{name}}}, som inte är en uppgift, parameter, fråga, "
                        f"{{value}} eller {{on}}"
                        + did_you_mean(name, [*self.scope.symbols, *_BUILTIN_PLACEHOLDERS], "sv"),
                    )
        nodes = [c.expr.node for c in conditions]
        node: Node | None = None
        if len(nodes) == 1:
            node = nodes[0]
        elif nodes:
            node = BoolOp("and", tuple(nodes))
        return CompiledRule(
            id=spec.id,
            question=spec.question,
            conditions=tuple(conditions),
            has_scope=spec.scope is not None,
            value=spec.value,
            compute=compute,
            valid_from=spec.valid_from,
            valid_to=spec.valid_to,
            overrides=spec.overrides,
            default=spec.default,
            citations=spec.citations,
            explain=spec.explain,
            title=spec.title,
            file=spec.file,
            line=spec.line,
            layer=layer,
            jurisdiction=jurisdiction,
            facts=tuple(facts),
            params=tuple(params),
            questions=tuple(questions),
            params_at=tuple(params_at),
            node=node,
            table=spec.table,
        )

    def _check_question_cycles(self) -> None:
        """Refuse cycles between questions or between derived facts, and chains too deep to
        evaluate (:data:`MAX_EVALUATION_DEPTH`). Iterative: a chain of any length is fine."""
        rules_of: dict[str, list[CompiledRule]] = {}
        for rule in self.rules:
            rules_of.setdefault(rule.question, []).append(rule)
        graph: dict[tuple[str, str], list[tuple[str, str]]] = {}
        weight: dict[tuple[str, str], int] = {}
        for name, expr in self.derive.items():
            key = ("f", name)
            graph[key] = [("f", f) for f in sorted(expr.facts) if f in self.derive]
            weight[key] = 3 + height(expr.node)
        for q, rules in rules_of.items():
            key = ("q", q)
            reads: set[tuple[str, str]] = set()
            deepest = 0
            for rule in rules:
                reads.update(("q", n) for n in rule.questions)
                reads.update(("f", n) for n in rule.facts if n in self.derive)
                exprs = [c.expr for c in rule.conditions] + ([rule.compute] if rule.compute else [])
                deepest = max([deepest, *(height(e.node) for e in exprs)])
            graph[key] = sorted(reads)
            weight[key] = 4 + deepest
        cost: dict[tuple[str, str], int] = {}
        via: dict[tuple[str, str], tuple[str, str] | None] = {}
        for root in sorted(graph):
            if root in cost:
                continue
            path = [root]
            on_path = {root}
            stack = [(root, list(reversed(graph.get(root, []))))]
            while stack:
                node, todo = stack[-1]
                if todo:
                    nxt = todo.pop()
                    if nxt in cost:
                        continue
                    if nxt in on_path:
                        self._cycle_error([*path[path.index(nxt) :], nxt], rules_of)
                    path.append(nxt)
                    on_path.add(nxt)
                    stack.append((nxt, list(reversed(graph.get(nxt, [])))))
                    continue
                stack.pop()
                path.pop()
                on_path.discard(node)
                best: tuple[str, str] | None = None
                for child in graph.get(node, []):
                    if best is None or cost[child] > cost[best]:
                        best = child
                cost[node] = weight.get(node, 0) + (cost[best] if best is not None else 0)
                via[node] = best
        if not cost:
            return
        top = max(sorted(cost), key=lambda k: cost[k])
        if cost[top] <= MAX_EVALUATION_DEPTH:
            return
        chain: list[str] = []
        step: tuple[str, str] | None = top
        while step is not None:
            chain.append(step[1])
            step = via.get(step)
        shown = chain if len(chain) <= 8 else [*chain[:6], "…", *chain[-2:]]
        what = "questions read other questions" if top[0] == "q" else "derived facts derive"
        problem = (
            f"{what} too deep to evaluate: {' → '.join(shown)} ({len(chain)} steps, depth "
            f"{cost[top]}; each question counts 4 and each derived fact 3, plus the depth of "
            f"its expressions; the limit is {MAX_EVALUATION_DEPTH}); flatten the chain by "
            f"reading the facts directly"
        )
        what_sv = "frågor läser andra frågor" if top[0] == "q" else "härledda uppgifter härleds"
        problem_sv = (
            f"{what_sv} i för många led för att kunna beräknas: {' → '.join(shown)} "
            f"({len(chain)} steg, djup {cost[top]}; varje fråga räknas som 4 och varje härledd "
            f"uppgift som 3, plus djupet i dess uttryck; gränsen är {MAX_EVALUATION_DEPTH}); "
            f"gör kedjan kortare genom att läsa uppgifterna direkt"
        )
        self._error_at(top, problem, problem_sv, rules_of)

    def _cycle_error(
        self, cycle: list[tuple[str, str]], rules_of: Mapping[str, list[CompiledRule]]
    ) -> None:
        names = " → ".join(n for _, n in cycle)
        if cycle[0][0] == "q":
            problem = f"questions depend on each other in a cycle: {names}"
            problem_sv = f"frågorna beror av varandra i en cirkel: {names}"
        else:
            problem = f"derived facts derive from each other in a cycle: {names}"
            problem_sv = f"de härledda uppgifterna härleds ur varandra i en cirkel: {names}"
        self._error_at(cycle[0], problem, problem_sv, rules_of)

    def _error_at(
        self,
        node: tuple[str, str],
        problem: str,
        problem_sv: str,
        rules_of: Mapping[str, list[CompiledRule]],
    ) -> None:
        kind, name = node
        if kind == "q":
            raise _rule_error(rules_of[name][0], problem, problem_sv)
        decl = self.facts[name]
        raise RuleFileError(
            problem, file=decl.source, line=self._fact_line(name), problem_sv=problem_sv
        )

    def _fact_line(self, name: str) -> int | None:
        for rf, _ in self.files:
            line = rf.lines.get(("facts", name))
            if line is not None and any(f.name == name for f in rf.facts):
                return line
        return None

    # -- views -------------------------------------------------------------------------
    def view(self, jurisdiction: str) -> View:
        """The (cached) view of the rules in force in *jurisdiction* and its ancestors."""
        v = self._views.get(jurisdiction)
        if v is None:
            with self._lock:
                v = self._views.get(jurisdiction)
                if v is None:
                    v = View(self, jurisdiction)
                    self._views[jurisdiction] = v
        return v

    def jurisdictions(self) -> tuple[str, ...]:
        """Every jurisdiction a loaded rule file belongs to."""
        return tuple(sorted({rf.jurisdiction for rf, _ in self.files}))


def is_of_type_name(actual: str, wanted: str) -> bool:
    """Whether an expression of type *actual* can stand where *wanted* is expected."""
    return actual == wanted or (actual == "int" and wanted == "number")
