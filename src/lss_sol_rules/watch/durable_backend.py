"""The watch engine on durable-rules: case events in, deadline alerts out.

Needs the ``durable`` extra (``pip install 'lss-sol-rules[durable]'``; durable-rules has a C
extension, so the core does not depend on it).

How the rulebook becomes a durable-rules ruleset:

- Each case's deadlines are durable-rules *facts* ``{t: "deadline", w, case, due, rule}``,
  computed when an event changes the case, by the rulebook's own rules (see
  :mod:`lss_sol_rules.watch.translate`): the answer of a date question, or the first day a
  threshold rule's ``on > X`` condition holds while its other conditions hold.
- The watch date is a fact ``{t: "clock", case, on, until}`` per case, replaced at every tick.
- For each watch the ruleset holds generated join rules comparing the two — ``due`` (due
  from the watch date to ``until``, the end of the month), ``overdue`` (``on > due``) and, for
  threshold rules, ``reportable`` (``on >= due``). durable-rules decides which fire.

Deadlines computed on one day are recomputed at a tick when a rule or parameter they read
changed in between (:func:`~lss_sol_rules.watch.translate.change_dates`), or at every tick
if a rule reads ``on`` itself, so the answers are those of the rules in force on the watch
date — the same as :func:`lss_sol_rules.watch.watchlist` computes from case state.

Namespacing and threads: durable-rules keeps global state per ruleset name, so each
:class:`DurableWatch` gets its own ruleset (``lss_sol_rules_watch_<uuid>``) and two
instances (two jurisdictions) never see each other's facts. durable-rules' host is not
thread-safe; every call into it holds one process-wide lock, so instances may be used from
several threads but their calls run one at a time. durable-rules cannot delete a ruleset:
an instance's (small) ruleset lives until the process ends, its facts are retracted by
:meth:`DurableWatch.close`.
"""

from __future__ import annotations

import bisect
import threading
import uuid
from collections.abc import Callable, Iterable, Mapping
from datetime import date
from typing import Any

from ..engine import Engine, _Context
from ..expr.ast import Name, walk
from ..model import Citation
from .alerts import (
    WATCHES,
    Alert,
    IvoRow,
    WatchSpec,
    applicable,
    ivo_rows,
    month_end,
    quarter_bounds,
)
from .events import Caseload, CaseState, Event
from .translate import change_dates, holds_apart_from_on, threshold_due

__all__ = ["DurableWatch"]

_HOST_LOCK = threading.RLock()


def _reads_on(engine: Engine, jurisdiction: str, question: str) -> bool:
    """Whether a deadline question's answer (not a threshold) depends on the date itself."""
    view = engine.rulebook.view(jurisdiction)
    seen: set[str] = set()
    stack = [question]
    while stack:
        q = stack.pop()
        if q in seen:
            continue
        seen.add(q)
        for rule in view.rules.get(q, ()):
            nodes = [c.expr.node for c in rule.conditions]
            if rule.compute is not None:
                nodes.append(rule.compute.node)
            for f in rule.facts:
                derived = engine.rulebook.derive.get(f)
                if derived is not None:
                    nodes.append(derived.node)
            if any(isinstance(n, Name) and n.name == "on" for node in nodes for n in walk(node)):
                return True
            stack.extend(rule.questions)
    return False


class DurableWatch:
    """Deadline alerts for one jurisdiction from a stream of case events (durable-rules)."""

    def __init__(self, engine: Engine, jurisdiction: str = "se") -> None:
        from durable import lang  # noqa: PLC0415 - optional extra

        self._lang = lang
        self.engine = engine
        self.jurisdiction = jurisdiction
        self.view = engine.view_for(WATCHES[-1].question, jurisdiction)
        self.caseload = Caseload(engine)
        self.specs = tuple(s for s in WATCHES if s.question in self.view.rules)
        self.name = f"lss_sol_rules_watch_{uuid.uuid4().hex}"
        changes: set[date] = set()
        for s in self.specs:
            changes.update(change_dates(self.view, s.question))
        self._changes = sorted(changes)
        self._every_tick = {
            s.name for s in self.specs if not s.threshold and _reads_on(engine, jurisdiction, s.question)
        }
        self._deadlines: dict[str, dict[str, dict[str, Any]]] = {}
        self._computed_on: dict[str, date] = {}
        self._clocks: dict[str, dict[str, Any]] = {}
        self._fired: list[Alert] = []
        self._collecting = False
        self.last_tick: date | None = None
        self._build()

    # -- the generated ruleset ------------------------------------------------------------
    def _build(self) -> None:
        m, c = self._lang.m, self._lang.c
        when_all = self._lang.when_all
        with _HOST_LOCK, self._lang.ruleset(self.name):
            for spec in self.specs:
                deadline = c.d << ((m.t == "deadline") & (m.w == spec.name))
                if spec.threshold:
                    when_all(deadline, c.k << ((m.t == "clock") & (m.case == c.d.case) & (m.on >= c.d.due)))(
                        self._consequence(spec, "reportable")
                    )
                    continue
                when_all(deadline, c.k << ((m.t == "clock") & (m.case == c.d.case) & (m.on > c.d.due)))(
                    self._consequence(spec, "overdue")
                )
                when_all(
                    deadline,
                    c.k
                    << (
                        (m.t == "clock")
                        & (m.case == c.d.case)
                        & (m.on <= c.d.due)
                        & (m.until >= c.d.due)
                    ),
                )(self._consequence(spec, "due"))

    def _consequence(self, spec: WatchSpec, status: str) -> Callable[[Any], None]:
        rules = self.engine.rulebook.rule_by_id

        def fire(ctx: Any) -> None:
            if not self._collecting:
                return  # a deadline asserted between ticks meets the old clock: wait
            rule_id = str(ctx.d.rule)
            citations: tuple[Citation, ...] = rules[rule_id].citations
            self._fired.append(
                Alert(
                    str(ctx.d.case),
                    spec.name,
                    status,
                    date.fromordinal(int(ctx.d.due)),
                    rule_id,
                    spec.question,
                    citations,
                    spec.label,
                )
            )

        fire.__name__ = f"{spec.name}_{status}"
        return fire

    # -- deadlines of one case -----------------------------------------------------------
    def _compute(self, case: CaseState, on: date) -> dict[str, dict[str, Any]]:
        out: dict[str, dict[str, Any]] = {}
        for spec in self.specs:
            if not applicable(spec, case, self.engine, self.jurisdiction):
                continue
            if spec.threshold:
                ctx = _Context(self.view, case.facts, on)
                for rule in self.view.rules[spec.question]:
                    if not rule.in_force(on) or not holds_apart_from_on(rule, ctx):
                        continue
                    due = threshold_due(rule, ctx)
                    if due is not None:
                        out[spec.name] = self._fact(spec, case, due, rule.id)
                        break
                continue
            d = self.engine.evaluate(spec.question, case.facts, on=on, jurisdiction=self.jurisdiction)
            if d.status == "decided" and d.reasons and isinstance(d.value, date):
                out[spec.name] = self._fact(spec, case, d.value, d.reasons[0].rule_id)
        return out

    def _fact(self, spec: WatchSpec, case: CaseState, due: date, rule_id: str) -> dict[str, Any]:
        return {
            "sid": case.case_id,
            "t": "deadline",
            "w": spec.name,
            "case": case.case_id,
            "due": due.toordinal(),
            "rule": rule_id,
        }

    def _refresh(self, case: CaseState, on: date) -> None:
        old = self._deadlines.get(case.case_id, {})
        new = {} if case.closed else self._compute(case, on)
        with _HOST_LOCK:
            for name, fact in old.items():
                if new.get(name) != fact:
                    self._lang.retract_fact(self.name, fact)
            for name, fact in new.items():
                if old.get(name) != fact:
                    self._lang.assert_fact(self.name, fact)
        self._deadlines[case.case_id] = new
        self._computed_on[case.case_id] = on

    # -- the public surface --------------------------------------------------------------
    def post(self, event: Event | Mapping[str, Any]) -> str:
        """Apply one case event; ``"applied"`` or ``"duplicate"`` (see :mod:`.events`).

        Raises :class:`~lss_sol_rules.errors.EventError` for an event it refuses.
        """
        e = event if isinstance(event, Event) else Event.from_dict(event)
        status = self.caseload.apply(e)
        if status == "applied":
            self._refresh(self.caseload.cases[e.case_id], e.on)
        return status

    def post_all(self, events: Iterable[Event | Mapping[str, Any]]) -> dict[str, int]:
        """Apply events in order; counts of ``applied`` and ``duplicate``."""
        counts = {"applied": 0, "duplicate": 0}
        for e in events:
            counts[self.post(e)] += 1
        return counts

    def tick(self, on: date) -> list[Alert]:
        """Move the watch date to *on*; return every alert due or overdue then."""
        for case in self.caseload:
            if case.last is not None and case.last > on:
                from ..errors import EventError  # noqa: PLC0415

                raise EventError(
                    case.case_id,
                    "-",
                    f"has events after the watch date {on.isoformat()}; tick forward",
                )
        for case in self.caseload:
            computed = self._computed_on.get(case.case_id)
            if computed is None:
                continue
            moved = bisect.bisect_right(self._changes, on) != bisect.bisect_right(
                self._changes, computed
            )
            stale = any(w in self._every_tick for w in self._deadlines.get(case.case_id, {}))
            if moved or stale:
                self._refresh(case, on)
        until = month_end(on)
        with _HOST_LOCK:
            self._fired = []
            self._collecting = True
            try:
                for cid, deadlines in self._deadlines.items():
                    old = self._clocks.pop(cid, None)
                    if old is not None:
                        self._lang.retract_fact(self.name, old)
                    if not deadlines:
                        continue
                    clock = {
                        "sid": cid,
                        "t": "clock",
                        "case": cid,
                        "on": on.toordinal(),
                        "until": until.toordinal(),
                    }
                    self._lang.assert_fact(self.name, clock)
                    self._clocks[cid] = clock
            finally:
                self._collecting = False
            fired, self._fired = self._fired, []
        self.last_tick = on
        return sorted(fired, key=lambda a: (a.due, a.case_id, a.watch))

    def watchlist(self, on: date) -> list[Alert]:
        """The monthly watch list as of *on* (ticks the clock to *on*)."""
        return self.tick(on)

    def ivo_report(self, quarter: str) -> list[IvoRow]:
        """Decisions to report for *quarter* (ticks the clock to the quarter's last day)."""
        _, end = quarter_bounds(quarter)
        alerts = [a for a in self.tick(end) if a.watch == "ej_verkstallt"]
        return ivo_rows(self.engine, alerts, self.caseload, end)

    def close(self) -> None:
        """Retract every fact this instance asserted (its ruleset itself stays)."""
        with _HOST_LOCK:
            for deadlines in self._deadlines.values():
                for fact in deadlines.values():
                    self._lang.retract_fact(self.name, fact)
            for clock in self._clocks.values():
                self._lang.retract_fact(self.name, clock)
        self._deadlines.clear()
        self._clocks.clear()
