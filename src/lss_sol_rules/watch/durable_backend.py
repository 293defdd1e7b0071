"""The watch engine on durable-rules: case events in, deadline alerts out.

Needs the ``durable`` extra (``pip install 'lss-sol-rules[durable]'``; durable-rules has a C
extension, so the core does not depend on it).

How it works:

- A case event updates the case (checked by :class:`~lss_sol_rules.watch.Caseload`). At the
  next tick the case's deadlines are planned (once, however many events came in between)
  through the same evaluation as the pure path (:mod:`lss_sol_rules.watch.alerts`): the
  answer of a date question; for a bool question (the IVO rule), the spans of days on which
  the engine's answer is true (asked on every day an ``on > X`` comparison of its rules may
  flip, so overrides, defaults and municipal layers decide exactly as on the pure path),
  each with the date the firing rule gives.
- A clock tick posts, for every planned deadline, a durable-rules event ``{t: "check", k,
  w, case, due, lo, hi, on, until, since, rule}``. The ruleset, one per process, has one rule per
  status, generated from the kinds of watch a declaration can make: ``overdue`` (``on >
  due``), ``due`` (``on <= due <= until``, the end of the month), ``open``/``upcoming`` for
  ``kind = "from"``, ``expires``/``expired`` for ``kind = "expiry"``, ``reportable`` (``lo
  <= on < hi``). durable-rules decides which fire; their consequences make the alerts.

A plan made on one day is reused at a tick while no rule or parameter it reads changed in
between (:func:`~lss_sol_rules.watch.translate.change_dates`) and its rules read ``on`` only
in comparisons; otherwise it is made again for the tick. A tick before a case's latest event
plans from the case as it stood then (a full event log, read as of a past date).

Sessions: every live :class:`DurableWatch` has a durable-rules session id of its own in the
one ruleset, so two instances (two jurisdictions) never see each other's messages. durable-
rules 2.0.28 holds at most 1,024 sessions per ruleset and frees none (deleting one crashes
the process); the ids are pooled: :meth:`DurableWatch.close` (or leaving a ``with`` block, or
garbage collection) returns the id and the next instance reuses it. The checks leave no state
in a session, so a reused id starts clean. More than :data:`MAX_LIVE` instances alive at once
raise :class:`WatchCapacityError`.

Threads: durable-rules' C engine is not thread-safe. This module uses its own host without
durable-rules' background dispatcher threads, and every call into it holds one process-wide
lock, so instances may be used from several threads; their calls run one at a time.

Why check events and not joins: a first version kept deadlines and the clock as durable
facts joined by rules (``c.d << ...``, ``m.on > c.d.due``) and replaced the clock by
retract/assert at each tick. durable-rules 2.0.28 crashes the process (segmentation fault)
on that pattern, nondeterministically; the check events keep to the part of durable-rules
that holds up (single-message rules).
"""

from __future__ import annotations

import bisect
import contextlib
import heapq
import threading
import weakref
from collections.abc import Callable, Iterable, Mapping
from datetime import date
from typing import Any

import attrs

from ..engine import Engine
from ..errors import EvaluationError, Hint, LssSolRulesError
from ..extras import MissingExtraError
from ..watchdecl import WatchDecl
from .alerts import (
    Alert,
    IvoRow,
    applicable,
    case_error,
    date_at,
    ivo_rows,
    late_alert,
    make_alert,
    month_end,
    quarter_bounds,
    threshold_at,
    view_of,
    watches,
)
from .events import Caseload, CaseState, Event
from .translate import change_dates, on_breakpoints, reads_on

__all__ = ["MAX_LIVE", "DurableWatch", "WatchCapacityError", "WatchClosedError"]

_HOST_LOCK = threading.RLock()
_RULESET = "lsr_watch"
_HOST: Any = None
_INSTANCES: weakref.WeakValueDictionary[str, DurableWatch] = weakref.WeakValueDictionary()

#: durable-rules 2.0.28 keeps at most 1,024 sessions per ruleset, for the life of the process.
MAX_LIVE = 1000
_FREE: list[int] = []  # session ids returned by closed instances (a heap)
_NEXT = [1]
_NEVER = date.max.toordinal() + 1


class WatchCapacityError(LssSolRulesError, RuntimeError):
    """Too many :class:`DurableWatch` instances alive in one process at the same time."""


class WatchClosedError(LssSolRulesError, RuntimeError):
    """A :class:`DurableWatch` used after :meth:`DurableWatch.close`."""


def _acquire() -> int:
    with _HOST_LOCK:
        if _FREE:
            return heapq.heappop(_FREE)
        if _NEXT[0] > MAX_LIVE:
            raise WatchCapacityError(
                f"{MAX_LIVE} DurableWatch instances are alive in this process, the most "
                f"durable-rules can hold (it never frees a session): close() the ones you no "
                f"longer use, or use `with DurableWatch(...) as watch:` — a closed instance's "
                f"session is reused by the next one. One instance watches a whole caseload; "
                f"keep one per jurisdiction, not one per case.",
                sv=f"{MAX_LIVE} DurableWatch-instanser är redan i bruk i processen, det mesta "
                f"durable-rules klarar: stäng (close()) dem som inte längre används, eller använd "
                f"`with DurableWatch(...) as watch:`. En instans bevakar en hel ärendemängd; "
                f"ha en per regelverk, inte en per ärende.",
            )
        sid = _NEXT[0]
        _NEXT[0] += 1
        return sid


def _release(sid: int) -> None:
    with _HOST_LOCK:
        _INSTANCES.pop(str(sid), None)
        heapq.heappush(_FREE, sid)


_NO_DURABLE = Hint(
    python=(
        "or use lss_sol_rules.watch.watchlist, which needs nothing extra",
        "eller använd lss_sol_rules.watch.watchlist, som inte kräver något mer",
    ),
    cli=(
        "or use --backend pure, which needs nothing extra",
        "eller använd --backend pure, som inte kräver något mer",
    ),
    http=("", ""),  # the HTTP service has no watch endpoints
    default="python",
    parenthesised=True,
)
"""What to use instead of DurableWatch without the durable extra."""


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
                raise MissingExtraError(
                    "durable", "durable-rules", "DurableWatch", "DurableWatch", hint=_NO_DURABLE
                ) from None

            class QuietHost(engine.Host):  # type: ignore[misc]
                def _run(self) -> None:
                    """Start no dispatcher threads."""

            host = QuietHost()
            rset = lang.ruleset(_RULESET)
            lang._rulesets.pop(_RULESET, None)  # registered with our host only
            with rset:
                _rules(lang)
            full_name, definition = rset.define()
            host.register_rulesets({full_name: definition})
            _HOST = host
        return _HOST


def _rules(lang: Any) -> None:
    """The durable-rules rules: one per status a watch declaration can give."""
    m, when_all = lang.m, lang.when_all
    check = m.t == "check"
    deadline, start = check & (m.k == "deadline"), check & (m.k == "from")
    when_all(deadline & (m.on > m.due))(_consequence("overdue"))
    when_all(deadline & (m.on <= m.due) & (m.until >= m.due))(_consequence("due"))
    when_all(start & (m.on >= m.due))(_consequence("open"))
    when_all(start & (m.on < m.due) & (m.until >= m.due))(_consequence("upcoming"))
    expiry = check & (m.k == "expiry")
    when_all(expiry & (m.on <= m.due) & (m.until >= m.due))(_consequence("expires"))
    when_all(expiry & (m.on > m.due) & (m.since <= m.due))(_consequence("expired"))
    span = check & (m.k == "threshold") & (m.on >= m.lo) & (m.on < m.hi)
    when_all(span)(_consequence("reportable"))
    # Closed after it had become reportable: checked on the day before it was closed.
    when_all((m.t == "late") & (m.on >= m.due))(_consequence("carried_out_late"))


def _consequence(status: str) -> Callable[[Any], None]:
    def fire(ctx: Any) -> None:
        watch = _INSTANCES.get(str(ctx.m.sid))
        if watch is not None:
            closed = ctx.m.closed if status == "carried_out_late" else None
            watch._fire(
                str(ctx.m.w), status, str(ctx.m.case), int(ctx.m.due), str(ctx.m.rule), closed
            )

    fire.__name__ = f"watch_{status}"
    return fire


_SETUPS: weakref.WeakKeyDictionary[Any, dict[str, Any]] = weakref.WeakKeyDictionary()


def _setup(
    engine: Engine, jurisdiction: str, view: Any
) -> tuple[dict[str, WatchDecl], list[date], frozenset[str]]:
    """A jurisdiction's watches, the days their rules change, and those planned every tick
    (computed once per rulebook and jurisdiction: an instance is cheap to create)."""
    with _HOST_LOCK:
        known = _SETUPS.setdefault(engine.rulebook, {})
        found = known.get(jurisdiction)
        if found is not None:
            return found  # type: ignore[no-any-return]
    specs = {w.name: w for w in watches(engine, jurisdiction)}
    changes: set[date] = set()
    for w in specs.values():
        changes.update(change_dates(view, w.question))
        if w.when_expr is not None:
            for name in w.when_expr.params:
                for param, _ in view.params.get(name, ()):
                    changes.update(param.change_dates())
            for q in w.when_expr.questions:
                changes.update(change_dates(view, q))
    every_tick = frozenset(
        w.name
        for w in specs.values()
        if reads_on(view, w.question, w.when_node, only_compared=w.threshold)
        or any(reads_on(view, q) for q in (w.when_expr.questions if w.when_expr else ()))
    )
    result = (specs, sorted(changes), every_tick)
    with _HOST_LOCK:
        known[jurisdiction] = result
    return result


@attrs.define
class _Plan:
    """A case's checks, valid for ticks from ``start`` to before ``stop`` (ordinals)."""

    start: int
    stop: int
    every_tick: bool
    checks: list[dict[str, Any]]


class DurableWatch:
    """Deadline alerts for one jurisdiction from a stream of case events (durable-rules).

    Close it when done (``close()``, or use it as a context manager): a process can hold
    :data:`MAX_LIVE` live instances, and closed ones free their session for the next.
    """

    def __init__(self, engine: Engine, jurisdiction: str = "se") -> None:
        self._host = _host()
        self.engine = engine
        self.jurisdiction = jurisdiction
        self.view = view_of(engine, jurisdiction)
        self.caseload = Caseload(engine)
        self.specs, self._changes, self._every_tick = _setup(engine, jurisdiction, self.view)
        self._plans: dict[str, _Plan] = {}
        self._fired: list[Alert] = []
        self._late: dict[tuple[str, str, date], Alert] = {}
        self._pending: set[tuple[str, date]] = set()  # (case, day) with events to check
        self.last_tick: date | None = None
        self._closed = False
        with _HOST_LOCK:
            sid = _acquire()
            self.id = str(sid)  # this instance's durable-rules session
            _INSTANCES[self.id] = self
        self._finalizer = weakref.finalize(self, _release, sid)

    def __enter__(self) -> DurableWatch:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _fire(
        self, watch: str, status: str, case: str, due: int, rule_id: str, closed: Any
    ) -> None:
        w = self.specs[watch]
        alert = make_alert(
            self.engine,
            w,
            case,
            status,
            date.fromordinal(due),
            rule_id,
            closed_on=None if closed is None else date.fromordinal(int(closed)),
        )
        if status == "carried_out_late":
            assert alert.closed_on is not None  # noqa: S101 - set for late checks
            self._late[(case, watch, alert.closed_on)] = alert
        else:
            self._fired.append(alert)

    # -- planning one case ---------------------------------------------------------------
    def _window(self, on: date) -> tuple[int, int]:
        """The days around *on* in which no rule or parameter the watches read changes."""
        i = bisect.bisect_right(self._changes, on)
        stop = self._changes[i] if i < len(self._changes) else None
        return on.toordinal(), _NEVER if stop is None else stop.toordinal()

    def _plan(self, case: CaseState, on: date) -> _Plan:
        """The checks for *case* as it stands, from the rules in force on *on*."""
        start, stop = self._window(on)
        checks: list[dict[str, Any]] = []
        base = {"sid": self.id, "t": "check", "case": case.case_id}
        every = False
        for w in self.specs.values():
            every = every or w.name in self._every_tick  # applicable or not, re-plan then
            try:
                self._plan_watch(w, case, on, stop, base, checks)
            except EvaluationError as exc:
                raise case_error(case.case_id, w, exc) from None
        return _Plan(start, stop, every, checks)

    def _plan_watch(
        self,
        w: WatchDecl,
        case: CaseState,
        on: date,
        stop: int,
        base: dict[str, Any],
        checks: list[dict[str, Any]],
    ) -> None:
        """Add *w*'s checks for *case* (none when the watch does not apply now)."""
        if not applicable(w, case, self.view, on):
            return
        if not w.threshold:
            found = date_at(self.view, w, case.facts, on)
            if found is not None:
                due, rule = found
                checks.append(
                    {**base, "k": w.kind, "w": w.name, "due": due.toordinal(), "rule": rule}
                )
            return
        for lo, hi, (due, rule) in self._spans(w, case, on, stop):
            checks.append(
                {
                    **base,
                    "k": "threshold",
                    "w": w.name,
                    "due": due.toordinal(),
                    "lo": lo,
                    "hi": hi,
                    "rule": rule,
                }
            )

    def _spans(
        self, w: WatchDecl, case: CaseState, on: date, stop: int
    ) -> list[tuple[int, int, tuple[date, str]]]:
        """Spans of days from *on* (to *stop*) where the engine answers the bool watch true.

        The answer can change only where a comparison with ``on`` flips, so it is asked on
        *on* and on each such day: the engine's evaluation, nothing re-implemented.
        """
        days = sorted(
            d.toordinal()
            for d in on_breakpoints(self.view, w.question, case.facts, on)
            if on.toordinal() < d.toordinal() < stop
        )
        points = [on.toordinal(), *days]
        out: list[tuple[int, int, tuple[date, str]]] = []
        for i, day in enumerate(points):
            found = threshold_at(self.view, w, case.facts, date.fromordinal(day))
            end = points[i + 1] if i + 1 < len(points) else stop
            if found is None:
                continue
            if out and out[-1][2] == found and out[-1][1] == day:
                out[-1] = (out[-1][0], end, found)
            else:
                out.append((day, end, found))
        return out

    def _late_checks(self, case: CaseState, on: date) -> None:
        """After the events of *on*: whether they closed an IVO watch after it was reportable
        (from the case's history: as it stood the day before, and at the end of *on*)."""
        for w in self.specs.values():
            if w.list != "ivo" or not w.closed_by:
                continue
            self._late.pop((case.case_id, w.name, on), None)
            state = case.at(on)
            if state is None or not any(state.facts.get(f) == on for f in w.closed_by):
                continue
            found = late_alert(self.engine, w, case, on, self.jurisdiction)
            if found is None:
                continue
            self._post(
                {
                    "sid": self.id,
                    "t": "late",
                    "w": w.name,
                    "case": case.case_id,
                    "due": found.due.toordinal(),
                    "on": (on.toordinal() - 1),
                    "closed": on.toordinal(),
                    "rule": found.rule_id,
                }
            )

    # -- the public surface --------------------------------------------------------------
    def post(self, event: Event | Mapping[str, Any]) -> str:
        """Apply one case event; ``"applied"`` or ``"duplicate"`` (see :mod:`.events`).

        Raises :class:`~lss_sol_rules.errors.EventError` for an event it refuses.
        """
        self._check_open()
        e = event if isinstance(event, Event) else Event.from_dict(event)
        status = self.caseload.apply(e)
        if status == "applied":
            # Planned at the next tick (once, however many events came in between); the
            # check whether the event closed a watch late is made then too, from the history.
            self._plans.pop(e.case_id, None)
            self._pending.add((e.case_id, e.on))
        return status

    def post_all(self, events: Iterable[Event | Mapping[str, Any]]) -> dict[str, int]:
        """Apply events in order; counts of ``applied`` and ``duplicate``."""
        counts = {"applied": 0, "duplicate": 0}
        for e in events:
            counts[self.post(e)] += 1
        return counts

    def tick(self, on: date) -> list[Alert]:
        """Move the watch date to *on*; return every alert due, overdue, open or reportable.

        A case whose events go past *on* is taken as it stood on *on* (a full event log may
        be read as of any past date).
        """
        self._check_open()
        today = on.toordinal()
        plans: list[_Plan] = []
        for case in self.caseload:
            if case.last is not None and case.last > on:
                state = case.at(on)
                if state is not None:
                    plans.append(self._plan(state, on))
                continue
            plan = self._plans.get(case.case_id)
            if plan is None or plan.every_tick or not (plan.start <= today < plan.stop):
                plan = self._plans[case.case_id] = self._plan(case, on)
            plans.append(plan)
        until, since = month_end(on).toordinal(), on.replace(day=1).toordinal()
        with _HOST_LOCK:
            self._fired = []
            for plan in plans:
                for check in plan.checks:
                    self._post({**check, "on": today, "until": until, "since": since})
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
        for cid, day in sorted(self._pending):
            self._late_checks(self.caseload.cases[cid], day)
        self._pending.clear()
        names = {n for n, w in self.specs.items() if w.list == "ivo"}
        alerts = [a for a in self.tick(end) if a.watch in names]
        alerts += [a for (_, _, day), a in self._late.items() if start <= day <= end]
        return ivo_rows(self.engine, alerts, self.caseload, end, self.jurisdiction)

    def _check_open(self) -> None:
        if self._closed:
            raise WatchClosedError(
                "this DurableWatch is closed (its session went back to the pool); create a new one",
                sv="den här DurableWatch-instansen är stängd; skapa en ny",
            )

    def close(self) -> None:
        """Forget this instance's cases and plans; its session is reused by the next one."""
        self._closed = True
        self._plans.clear()
        self._late.clear()
        self._pending.clear()
        self.caseload = Caseload(self.engine)
        self._finalizer()
