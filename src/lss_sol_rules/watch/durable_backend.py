"""The watch engine on durable-rules: case events in, deadline alerts out.

Needs the ``durable`` extra (``pip install 'lss-sol-rules[durable]'``; durable-rules has a C
extension, so the core does not depend on it).

How it works:

- A case event updates the case (checked by :class:`~lss_sol_rules.watch.Caseload`) and
  recomputes its deadlines with the rulebook's own rules (see
  :mod:`lss_sol_rules.watch.translate`): the answer of a date question such as
  ``genomforandeplan.senast``, or the first day a threshold rule's ``on > X`` condition holds
  while its other conditions hold (the IVO rule).
- A clock tick posts, for every open deadline, a durable-rules event
  ``{t: "check", w, case, due, on, until, rule}``. The ruleset holds, for each watch, rules
  generated from :data:`~lss_sol_rules.watch.WATCHES`: ``overdue`` (``on > due``), ``due``
  (``on <= due <= until``, the end of the month) and, for threshold rules, ``reportable``
  (``on >= due``). durable-rules decides which fire; their consequences make the alerts.

Deadlines computed on one day are recomputed at a tick when a rule or parameter they read
changed in between (:func:`~lss_sol_rules.watch.translate.change_dates`), or at every tick
if a rule reads ``on`` itself, so the answers are those of the rules in force on the watch
date — the same as :func:`lss_sol_rules.watch.watchlist` computes from case state.

Namespacing and threads: every :class:`DurableWatch` is its own durable-rules session (a
``sid`` of its own) in one shared ruleset, so two instances (two jurisdictions) never see
each other's messages. durable-rules' C engine is not thread-safe: this module uses its own
host without durable-rules' background dispatcher threads, and every call into it holds one
process-wide lock, so instances may be used from several threads; their calls run one at a
time.

Why check events and not joins: a first version kept deadlines and the clock as durable
facts joined by rules (``c.d << ...``, ``m.on > c.d.due``) and replaced the clock by
retract/assert at each tick. durable-rules 2.0.28 crashes the process (segmentation fault)
on that pattern, nondeterministically, and silently stops matching beyond about a thousand
sessions per ruleset; the check events keep to the part of durable-rules that holds up
(single-message rules, one session per instance).
"""

from __future__ import annotations

import bisect
import contextlib
import itertools
import threading
import weakref
from collections.abc import Callable, Iterable, Mapping
from datetime import date, timedelta
from typing import Any

from ..engine import Engine, _Context
from ..expr.ast import Name, walk
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
_RULESET = "lsr_watch"
_IDS = itertools.count(1)
_HOST: Any = None
_INSTANCES: weakref.WeakValueDictionary[str, DurableWatch] = weakref.WeakValueDictionary()


def _host() -> Any:
    """This process's durable-rules host with the watch ruleset, built on first use.

    durable-rules' default host (``durable.lang.get_host()``) runs timer threads that call
    into the C engine for every ruleset every few milliseconds, concurrently with the
    caller. Timers and queued actions are not used here, so our host starts no threads.
    """
    global _HOST  # noqa: PLW0603 - one host per process
    with _HOST_LOCK:
        if _HOST is None:
            try:
                from durable import engine, lang  # noqa: PLC0415 - optional extra
            except ImportError:
                raise ImportError(
                    "DurableWatch needs durable-rules: pip install 'lss-sol-rules[durable]' "
                    "(or use lss_sol_rules.watch.watchlist, which needs nothing extra)"
                ) from None

            class QuietHost(engine.Host):  # type: ignore[misc]
                def _run(self) -> None:
                    """Start no dispatcher threads."""

            host = QuietHost()
            rset = lang.ruleset(_RULESET)
            lang._rulesets.pop(_RULESET, None)  # registered with our host only
            with rset:
                for spec in WATCHES:
                    _rules_for(lang, spec)
            full_name, definition = rset.define()
            host.register_rulesets({full_name: definition})
            _HOST = host
        return _HOST


def _rules_for(lang: Any, spec: WatchSpec) -> None:
    """The durable-rules rules of one watch, over check events."""
    m, when_all = lang.m, lang.when_all
    check = (m.t == "check") & (m.w == spec.name)
    if spec.threshold:  # `on > X` / `on >= X`: from the first day it holds
        when_all(check & (m.on >= m.due))(_consequence(spec, "reportable"))
        # Carried out after it had become reportable: checked on the day before.
        late = (m.t == "late") & (m.w == spec.name)
        when_all(late & (m.on >= m.due))(_consequence(spec, "carried_out_late"))
        return
    when_all(check & (m.on > m.due))(_consequence(spec, "overdue"))
    when_all(check & (m.on <= m.due) & (m.until >= m.due))(_consequence(spec, "due"))


def _consequence(spec: WatchSpec, status: str) -> Callable[[Any], None]:
    def fire(ctx: Any) -> None:
        watch = _INSTANCES.get(str(ctx.m.sid))
        if watch is not None:
            watch._fire(spec, status, str(ctx.m.case), int(ctx.m.due), str(ctx.m.rule))

    fire.__name__ = f"{spec.name}_{status}"
    return fire


def _reads_on(engine: Engine, jurisdiction: str, question: str) -> bool:
    """Whether a deadline question's answer (not a threshold) depends on the date itself."""
    for rule in engine.rulebook.view(jurisdiction).rules_reached(question):
        nodes = [c.expr.node for c in rule.conditions]
        if rule.compute is not None:
            nodes.append(rule.compute.node)
        for f in rule.facts:
            derived = engine.rulebook.derive.get(f)
            if derived is not None:
                nodes.append(derived.node)
        if any(isinstance(n, Name) and n.name == "on" for node in nodes for n in walk(node)):
            return True
    return False


class DurableWatch:
    """Deadline alerts for one jurisdiction from a stream of case events (durable-rules)."""

    def __init__(self, engine: Engine, jurisdiction: str = "se") -> None:
        self._host = _host()
        self.engine = engine
        self.jurisdiction = jurisdiction
        self.view = engine.view_for(WATCHES[-1].question, jurisdiction)
        self.caseload = Caseload(engine)
        self.specs = tuple(s for s in WATCHES if s.question in self.view.rules)
        with _HOST_LOCK:
            self.id = str(next(_IDS))  # this instance's durable-rules session
            _INSTANCES[self.id] = self
        changes: set[date] = set()
        for s in self.specs:
            changes.update(change_dates(self.view, s.question))
        self._changes = sorted(changes)
        self._every_tick = {
            s.name
            for s in self.specs
            if not s.threshold and _reads_on(engine, jurisdiction, s.question)
        }
        self._deadlines: dict[str, dict[str, tuple[date, str]]] = {}
        self._computed_on: dict[str, date] = {}
        self._fired: list[Alert] = []
        self._late: list[Alert] = []  # carried out after becoming reportable
        self.last_tick: date | None = None

    def _fire(self, spec: WatchSpec, status: str, case: str, due: int, rule_id: str) -> None:
        (self._late if status == "carried_out_late" else self._fired).append(
            Alert(
                case,
                spec.name,
                status,
                date.fromordinal(due),
                rule_id,
                spec.question,
                self.engine.rulebook.rule_by_id[rule_id].citations,
                spec.label,
            )
        )

    # -- deadlines of one case -----------------------------------------------------------
    def _compute(self, case: CaseState, on: date) -> dict[str, tuple[date, str]]:
        """Each watch's deadline and the rule that set it, from the rules in force on *on*."""
        out: dict[str, tuple[date, str]] = {}
        if case.closed:
            return out
        for spec in self.specs:
            if not applicable(spec, case, self.engine, self.jurisdiction):
                continue
            if spec.threshold:
                found = self._threshold(spec, case.facts, on)
                if found is not None:
                    out[spec.name] = found
                continue
            d = self.engine.evaluate(
                spec.question, case.facts, on=on, jurisdiction=self.jurisdiction
            )
            if d.status == "decided" and d.reasons and isinstance(d.value, date):
                out[spec.name] = (d.value, d.reasons[0].rule_id)
        return out

    def _threshold(
        self, spec: WatchSpec, facts: Mapping[str, Any], on: date
    ) -> tuple[date, str] | None:
        """The first day a threshold rule in force on *on* holds for *facts*, and the rule."""
        ctx = _Context(self.view, facts, on)
        for rule in self.view.rules[spec.question]:
            if rule.in_force(on) and holds_apart_from_on(rule, ctx):
                due = threshold_due(rule, ctx)
                if due is not None:
                    return due, rule.id
        return None

    def _late_check(self, event: Event) -> dict[str, Any] | None:
        """For a ``verkstallt`` event: the check whether the case was already reportable."""
        case = self.caseload.cases.get(event.case_id)
        spec = next((s for s in self.specs if s.threshold), None)
        if event.kind != "verkstallt" or case is None or spec is None:
            return None
        if not applicable(spec, case, self.engine, self.jurisdiction):
            return None
        decided = case.facts.get("beslutsdatum")
        before = event.on - timedelta(days=1)
        if not isinstance(decided, date) or before < decided:
            return None
        found = self._threshold(spec, case.facts, before)
        if found is None:
            return None
        return {
            "sid": self.id,
            "t": "late",
            "w": spec.name,
            "case": event.case_id,
            "due": found[0].toordinal(),
            "on": before.toordinal(),
            "rule": found[1],
        }

    def _refresh(self, case: CaseState, on: date) -> None:
        self._deadlines[case.case_id] = self._compute(case, on)
        self._computed_on[case.case_id] = on

    # -- the public surface --------------------------------------------------------------
    def post(self, event: Event | Mapping[str, Any]) -> str:
        """Apply one case event; ``"applied"`` or ``"duplicate"`` (see :mod:`.events`).

        Raises :class:`~lss_sol_rules.errors.EventError` for an event it refuses.
        """
        e = event if isinstance(event, Event) else Event.from_dict(event)
        late = self._late_check(e)  # from the case as it stood before the event
        status = self.caseload.apply(e)
        if status == "applied":
            self._refresh(self.caseload.cases[e.case_id], e.on)
            if late is not None:
                self._post(late)
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
            case.check_watch_date(on)
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
        today, until = on.toordinal(), month_end(on).toordinal()
        with _HOST_LOCK:
            self._fired = []
            for cid, deadlines in self._deadlines.items():
                for watch, (due, rule_id) in deadlines.items():
                    check = {
                        "sid": self.id,
                        "t": "check",
                        "w": watch,
                        "case": cid,
                        "due": due.toordinal(),
                        "on": today,
                        "until": until,
                        "rule": rule_id,
                    }
                    self._post(check)
            fired, self._fired = self._fired, []
        self.last_tick = on
        return sorted(fired, key=lambda a: (a.due, a.case_id, a.watch))

    def _post(self, message: dict[str, Any]) -> None:
        """Post one check to durable-rules; no rule firing is an answer too (not due)."""
        from durable.engine import MessageNotHandledException  # noqa: PLC0415

        with _HOST_LOCK, contextlib.suppress(MessageNotHandledException):
            self._host.post(_RULESET, message)

    def watchlist(self, on: date) -> list[Alert]:
        """The monthly watch list as of *on* (ticks the clock to *on*)."""
        return self.tick(on)

    def ivo_report(self, quarter: str) -> list[IvoRow]:
        """Decisions to report for *quarter* (ticks the clock to the quarter's last day)."""
        start, end = quarter_bounds(quarter)
        alerts = [a for a in self.tick(end) if a.watch == "ej_verkstallt"]
        for a in self._late:
            carried = self.caseload.cases[a.case_id].facts["verkstallighetsdatum"]
            if isinstance(carried, date) and start <= carried <= end:
                alerts.append(a)
        return ivo_rows(self.engine, alerts, self.caseload, end)

    def close(self) -> None:
        """Forget this instance's cases and deadlines (its session is no longer used)."""
        self._deadlines.clear()
        self._computed_on.clear()
        _INSTANCES.pop(self.id, None)
