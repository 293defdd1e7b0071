"""Deadline alerts, the monthly watch list and the quarterly IVO list — computed from case state.

This is the reference path: for each case, as it stood on the watch date, it asks the
rulebook's deadline questions as of that date (``engine.evaluate``), so every alert carries
the rule that set the deadline and its citations.
:class:`~lss_sol_rules.watch.durable_backend.DurableWatch` computes the same alerts from the
event stream on durable-rules, through the same functions of this module; both must agree.

Which deadlines are watched is declared by the rulebooks (``[watches.NAME]``, see
:mod:`lss_sol_rules.watchdecl`): the national rules bring theirs (IVO reporting, appeals,
handling time, the individual plan's review), a municipality's plugin its own. The deadlines
themselves — two weeks, a year, three months, parameters and all — are the TOML rules.

Statuses on the monthly list: a ``deadline`` watch is ``due`` when its date falls from the
watch date to the end of that month and ``overdue`` once passed; a ``from`` watch is
``upcoming`` and then ``open``; an ``expiry`` watch ``expires`` and then, for the rest of that
month, ``expired``; a watch on a bool question (the IVO rule: ``on > ...``) is
``reportable`` from the first day the question is true.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from typing import Any

import attrs

from ..engine import Engine
from ..errors import (
    ArgumentError,
    EvaluationError,
    EventError,
    NoApplicableRuleError,
    NoRuleInForceError,
    unknown_jurisdiction,
)
from ..model import Citation, Label
from ..rulebook import View
from ..values import Value, to_json
from ..watchdecl import WatchDecl, watches_for
from .events import Caseload, CaseState, event_kinds, favourable_facts
from .translate import context, decide, holds, threshold_due

__all__ = [
    "Alert",
    "IvoRow",
    "WatchDecl",
    "alerts_for",
    "ivo_report",
    "month_end",
    "quarter_bounds",
    "render_ivo",
    "render_watchlist",
    "watches",
    "watchlist",
]


@attrs.frozen(order=True)
class Alert:
    """A deadline that is due, overdue, open or reportable for one case on the watch date."""

    case_id: str
    watch: str
    status: str  # due, overdue, upcoming, open, expires, expired, reportable, carried_out_late
    due: date
    rule_id: str
    question: str = attrs.field(eq=False, order=False)
    citations: tuple[Citation, ...] = attrs.field(eq=False, order=False)
    label: Label = attrs.field(eq=False, order=False)
    closed_on: date | None = attrs.field(default=None, eq=False, order=False)

    @property
    def key(self) -> tuple[str, str, str, date, str]:
        """What two paths must agree on."""
        return (self.case_id, self.watch, self.status, self.due, self.rule_id)

    def to_dict(self, lang: str = "sv") -> dict[str, Any]:
        """JSON-ready data, the watch's label in *lang*."""
        return {
            "case_id": self.case_id,
            "watch": self.watch,
            "label": self.label.get(lang),
            "status": self.status,
            "due": self.due.isoformat(),
            "rule_id": self.rule_id,
            "question": self.question,
            "citations": [c.text for c in self.citations],
        }


def month_end(on: date) -> date:
    """The last day of *on*'s month: the horizon of the monthly watch list."""
    return date(on.year, on.month, calendar.monthrange(on.year, on.month)[1])


def quarter_bounds(quarter: str) -> tuple[date, date]:
    """``"2026Q3"`` → (2026-07-01, 2026-09-30); :class:`ArgumentError` (a ``ValueError``) in
    both languages for anything else."""
    text = quarter.strip().upper() if isinstance(quarter, str) else ""
    if (
        len(text) != 6
        or text[4] != "Q"
        or not (text[:4].isascii() and text[:4].isdigit())
        or text[5] not in "1234"
        or int(text[:4]) < 1
    ):
        raise ArgumentError(
            "quarter",
            "a quarter written like 2026Q3 (year, Q, 1-4)",
            quarter,
            "ett kvartal skrivet som 2026Q3 (år, Q, 1-4)",
        )
    year, q = int(text[:4]), int(text[5])
    start = date(year, 3 * q - 2, 1)
    return start, month_end(date(year, 3 * q, 1))


def view_of(engine: Engine, jurisdiction: str) -> View:
    """The jurisdiction's view; :class:`EvaluationError` naming the known ones if unknown."""
    known = engine.jurisdictions()
    if not isinstance(jurisdiction, str) or jurisdiction not in known:
        raise unknown_jurisdiction(jurisdiction, known)
    return engine.rulebook.view(jurisdiction)


def watches(engine: Engine, jurisdiction: str = "se") -> tuple[WatchDecl, ...]:
    """The watches in force in *jurisdiction*: declared there or in an enclosing one."""
    view = view_of(engine, jurisdiction)
    return tuple(w for w in watches_for(engine.rulebook, view.chain) if w.question in view.rules)


def _latest(facts: Mapping[str, Value], names: Iterable[str]) -> tuple[date, str] | None:
    found = [(v, n) for n in names if isinstance(v := facts.get(n), date)]
    return max(found) if found else None


def is_open(w: WatchDecl, case: CaseState) -> bool:
    """Whether the watch's facts leave it open: the latest closing date before the opening."""
    if case.closed:
        return False
    if w.cases == "favourable" and not case.favourable:
        return False
    if w.cases == "decided" and not case.decided:
        return False
    opened = _latest(case.facts, w.opened_by)
    if w.opened_by and opened is None:
        return False
    closed = _latest(case.facts, w.closed_by)
    return closed is None or (opened is not None and closed[0] < opened[0])


def applicable(w: WatchDecl, case: CaseState, view: View, on: date) -> bool:
    """Whether *w* watches *case* on *on* (open, right cases, its ``when`` holds)."""
    if not is_open(w, case) or w.question not in view.rules:
        return False
    return w.when_expr is None or holds(w.when_expr, view, case.facts, on)


def case_error(case_id: str, w: WatchDecl, exc: EvaluationError) -> EventError:
    """A case whose facts the watch's rules cannot compute with (a date at the end of the
    calendar, say): the list names the case and the watch instead of failing anonymously."""
    return EventError(
        case_id,
        "-",
        f"watch {w.name!r} (question {w.question}) could not be tried: {exc}",
        f"bevakningen {w.name!r} (frågan {w.question}) kunde inte prövas: {exc.message('sv')}",
    )


def _decide(view: View, w: WatchDecl, facts: Mapping[str, Value], on: date) -> Any:
    """The engine's answer on the watch's question and the rule that fired; ``None`` when
    no rule applies (or the question says it does not apply to the case)."""
    try:
        return decide(view, facts, on, w.question)
    except (NoApplicableRuleError, NoRuleInForceError):
        return None


def threshold_at(
    view: View, w: WatchDecl, facts: Mapping[str, Value], on: date
) -> tuple[date, str] | None:
    """For a bool watch: if its question is true on *on*, the first day of the firing rule's
    ``on > X`` condition and the rule's id; else ``None``. The engine decides (overrides,
    defaults and every layer apply); this only reads the date off the rule that fired."""
    found = _decide(view, w, facts, on)
    if found is None or found[0] is not True or found[1] is None:
        return None
    rule = found[1]
    due = threshold_due(rule, context(view, facts, on))
    return None if due is None else (due, rule.id)


def date_at(
    view: View, w: WatchDecl, facts: Mapping[str, Value], on: date
) -> tuple[date, str] | None:
    """For a date watch: the deadline the rules in force on *on* give, and the rule's id."""
    found = _decide(view, w, facts, on)
    if found is None or not isinstance(found[0], date) or found[1] is None:
        return None
    return found[0], found[1].id


def status_of(w: WatchDecl, due: date, on: date) -> str | None:
    """The alert status of a date watch's deadline *due* on the watch date *on*."""
    if w.kind == "from":
        if on >= due:
            return "open"
        return "upcoming" if due <= month_end(on) else None
    if w.kind == "expiry":
        if on > due:
            return "expired" if due >= on.replace(day=1) else None
        return "expires" if due <= month_end(on) else None
    if on > due:
        return "overdue"
    return "due" if due <= month_end(on) else None


def make_alert(
    engine: Engine, w: WatchDecl, case_id: str, status: str, due: date, rule_id: str, **kw: Any
) -> Alert:
    """An alert with the rule's citations and the watch's label."""
    rule = engine.rulebook.rule_by_id[rule_id]
    return Alert(case_id, w.name, status, due, rule_id, w.question, rule.citations, w.label, **kw)


def alerts_for(engine: Engine, case: CaseState, on: date, jurisdiction: str = "se") -> list[Alert]:
    """Every alert for *case* as of *on*, from the case as it stood then and the rules then."""
    return _alerts(engine, view_of(engine, jurisdiction), watches(engine, jurisdiction), case, on)


def _alerts(
    engine: Engine, view: View, specs: Iterable[WatchDecl], case: CaseState, on: date
) -> list[Alert]:
    state = case.at(on)
    if state is None:
        return []
    out: list[Alert] = []
    for w in specs:
        try:
            alert = _alert(engine, view, w, state, on)
        except EventError:
            raise
        except EvaluationError as exc:
            raise case_error(case.case_id, w, exc) from None
        if alert is not None:
            out.append(alert)
    return out


def _alert(engine: Engine, view: View, w: WatchDecl, state: CaseState, on: date) -> Alert | None:
    if not applicable(w, state, view, on):
        return None
    if w.threshold:
        found = threshold_at(view, w, state.facts, on)
        if found is None:
            return None
        return make_alert(engine, w, state.case_id, "reportable", *found)
    found = date_at(view, w, state.facts, on)
    if found is None:
        return None
    status = status_of(w, found[0], on)
    return None if status is None else make_alert(engine, w, state.case_id, status, *found)


def _cases(caseload: Caseload | Mapping[str, Mapping[str, Any]], engine: Engine) -> list[CaseState]:
    if isinstance(caseload, Caseload):
        return list(caseload)
    decision_fact = event_kinds(engine)["beslut"].fact
    favourable = favourable_facts(engine.rulebook)
    out = []
    for cid, facts in caseload.items():
        clean: dict[str, Value] = engine.check_facts(facts)
        decided = decision_fact is None or decision_fact in clean
        out.append(CaseState(str(cid), clean, decided=decided, favourable_fact=favourable))
    return out


def watchlist(
    engine: Engine,
    caseload: Caseload | Mapping[str, Mapping[str, Any]],
    on: date,
    jurisdiction: str = "se",
) -> list[Alert]:
    """The monthly watch list: every alert due by the end of *on*'s month, overdue or open.

    *caseload* is a :class:`Caseload` built from events — a full log is fine: each case is
    taken as it stood on *on* — or a mapping of case ids to the facts of each decision.
    Sorted by due date, then case and watch.
    """
    view, specs = view_of(engine, jurisdiction), watches(engine, jurisdiction)
    alerts = [
        a for case in _cases(caseload, engine) for a in _alerts(engine, view, specs, case, on)
    ]
    return sorted(alerts, key=lambda a: (a.due, a.case_id, a.watch))


# -- the quarterly IVO list -----------------------------------------------------------------
@attrs.frozen
class IvoRow:
    """One decision to report to IVO and the municipal auditors for a quarter.

    ``lag``, ``insats`` and ``beslutsdatum`` are the columns of IVO's form (national facts,
    ``None`` when the case does not carry them); ``trigger`` is the fact that started the
    three months (the decision, or an interruption of its implementation) and
    ``trigger_date`` its date; ``verkstallt`` the day the watch was closed, for a decision
    carried out (or resumed) after it had become reportable (LSS 28 g §).
    """

    case_id: str
    lag: Value | None
    insats: Value | None
    beslutsdatum: date | None
    reportable_from: date
    days_waiting: int
    rule_id: str
    citations: tuple[Citation, ...]
    verkstallt: date | None = None
    watch: str = ""
    trigger: str | None = None
    trigger_date: date | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready data."""
        return {
            "case_id": self.case_id,
            "watch": self.watch,
            "lag": to_json(self.lag),
            "insats": to_json(self.insats),
            "beslutsdatum": None if self.beslutsdatum is None else self.beslutsdatum.isoformat(),
            "trigger": self.trigger,
            "trigger_date": None if self.trigger_date is None else self.trigger_date.isoformat(),
            "reportable_from": self.reportable_from.isoformat(),
            "verkstallt": None if self.verkstallt is None else self.verkstallt.isoformat(),
            "days_waiting": self.days_waiting,
            "rule_id": self.rule_id,
            "citations": [c.text for c in self.citations],
        }


def late_alert(
    engine: Engine,
    w: WatchDecl,
    case: CaseState,
    closed_on: date,
    jurisdiction: str,
) -> Alert | None:
    """If *case*'s watch *w* was closed on *closed_on* after it had become reportable: that
    alert (status ``carried_out_late``), else ``None``.

    The watch's own question decides, asked about the case as it stood the day before
    (events of *closed_on* not yet known); a declared ``reported_when_closed`` question
    (LSS 28 g §) must also be true for the case as it stood at the end of *closed_on*.
    """
    view = view_of(engine, jurisdiction)
    before_day = closed_on - timedelta(days=1)
    before, after = case.at(before_day), case.at(closed_on)
    if before is None or after is None or after.last != closed_on:
        return None
    if not applicable(w, before, view, before_day) or is_open(w, after) or after.closed:
        return None
    try:
        found = threshold_at(view, w, before.facts, before_day)
        if found is None:
            return None
        if w.reported_when_closed is not None:
            try:
                value, _ = decide(view, after.facts, closed_on, w.reported_when_closed)
            except (NoApplicableRuleError, NoRuleInForceError):
                return None
            if value is not True:
                return None
    except EvaluationError as exc:
        raise case_error(case.case_id, w, exc) from None
    return make_alert(engine, w, case.case_id, "carried_out_late", *found, closed_on=closed_on)


def closing_days(w: WatchDecl, case: CaseState, start: date, end: date) -> list[date]:
    """Days from *start* to *end* on which one of *w*'s closing facts was recorded."""
    days = []
    for snap in case.history:
        if start <= snap.on <= end and any(snap.changed.get(f) == snap.on for f in w.closed_by):
            days.append(snap.on)
    return days


def ivo_watches(engine: Engine, jurisdiction: str) -> tuple[WatchDecl, ...]:
    """The watches on the quarterly IVO list."""
    return tuple(w for w in watches(engine, jurisdiction) if w.list == "ivo")


def ivo_report(
    engine: Engine,
    caseload: Caseload | Mapping[str, Mapping[str, Any]],
    quarter: str,
    jurisdiction: str = "se",
) -> list[IvoRow]:
    """The decisions to report to IVO for the quarter, from the rulebooks' ``list = "ivo"``
    watches, each case as it stood at the quarter's end.

    Two kinds of row: decisions reportable on the quarter's last day (LSS 28 f §; SoL
    2001:453 16 kap. 6 f § to 2025-06-30; SoL 2025:400 34 kap. 1 §, both triggers: not
    carried out, or interrupted and not resumed, within three months), and decisions carried
    out (or resumed) during the quarter after they had become reportable, with the date
    (``verkstallt``; LSS 28 g §, SoL 2025:400 34 kap. 2 §).
    """
    start, end = quarter_bounds(quarter)
    cases = _cases(caseload, engine)
    names = {w.name for w in ivo_watches(engine, jurisdiction)}
    alerts = [a for a in watchlist(engine, caseload, end, jurisdiction) if a.watch in names]
    for w in ivo_watches(engine, jurisdiction):
        for case in cases:
            for day in closing_days(w, case, start, end):
                late = late_alert(engine, w, case, day, jurisdiction)
                if late is not None:
                    alerts.append(late)
    return ivo_rows(engine, alerts, cases, end, jurisdiction)


def ivo_rows(
    engine: Engine,
    alerts: Iterable[Alert],
    cases: Iterable[CaseState],
    end: date,
    jurisdiction: str = "se",
) -> list[IvoRow]:
    """IVO rows for the alerts of ``list = "ivo"`` watches (both paths)."""
    by_id = {c.case_id: c for c in cases}
    specs = {w.name: w for w in ivo_watches(engine, jurisdiction)}
    rows = []
    for a in alerts:
        case = by_id[a.case_id]
        closed = a.closed_on
        state = case.at(end if closed is None else closed - timedelta(days=1))
        facts = state.facts if state is not None else case.facts
        w = specs.get(a.watch)
        trigger = _latest(facts, w.opened_by) if w is not None else None
        decided = facts.get("beslutsdatum")
        since = trigger[0] if trigger is not None else decided
        rows.append(
            IvoRow(
                a.case_id,
                facts.get("lag"),
                facts.get("insats"),
                decided if isinstance(decided, date) else None,
                a.due,
                ((closed or end) - since).days if isinstance(since, date) else 0,
                a.rule_id,
                a.citations,
                closed,
                a.watch,
                None if trigger is None else trigger[1],
                None if trigger is None else trigger[0],
            )
        )
    return sorted(
        rows,
        key=lambda r: (r.beslutsdatum or date.min, r.case_id, r.verkstallt or date.min, r.watch),
    )


# -- printable tables ----------------------------------------------------------------------
_STATUS = {
    "sv": {
        "due": "ska göras",
        "overdue": "försenad",
        "upcoming": "från och med",
        "open": "gäller nu",
        "expires": "går ut",
        "expired": "har gått ut",
        "reportable": "rapporteras",
        "carried_out_late": "verkställt sent",
    },
    "en": {
        "due": "due",
        "overdue": "overdue",
        "upcoming": "from",
        "open": "in effect",
        "expires": "runs out",
        "expired": "ran out",
        "reportable": "report",
        "carried_out_late": "carried out late",
    },
}


def _short(text: str, width: int = 60) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _table(head: list[str], rows: list[list[str]]) -> str:
    widths = [
        max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(head)
    ]
    line = "  ".join(h.ljust(w) for h, w in zip(head, widths, strict=True))
    out = [line, "  ".join("-" * w for w in widths)]
    out += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in rows]
    return "\n".join(x.rstrip() for x in out)


def render_watchlist(alerts: list[Alert], on: date, lang: str = "sv") -> str:
    """The watch list as a plain-text table."""
    sv = lang == "sv"
    day, end = on.isoformat(), month_end(on).isoformat()
    title = (
        f"Bevakningslista {day} (till och med {end}): {len(alerts)} ärenden"
        if sv
        else f"Watch list {day} (through {end}): {len(alerts)} items"
    )
    head = (
        ["ärende", "bevakning", "senast", "status", "regel", "källa"]
        if sv
        else ["case", "watch", "due", "status", "rule", "source"]
    )
    rows = [
        [
            a.case_id,
            a.label.get(lang),
            a.due.isoformat(),
            _STATUS["sv" if sv else "en"].get(a.status, a.status),
            a.rule_id,
            _short(a.citations[0].text) if a.citations else "",
        ]
        for a in alerts
    ]
    return title + "\n" + _table(head, rows)


def render_ivo(rows: list[IvoRow], quarter: str, lang: str = "sv") -> str:
    """The quarterly IVO list as a plain-text table."""
    sv = lang == "sv"
    title = (
        f"Ej verkställda beslut att rapportera till IVO och revisorerna, {quarter}: {len(rows)}"
        if sv
        else f"Decisions not carried out, to report to IVO and the auditors, {quarter}: {len(rows)}"
    )
    head = (
        [
            "ärende",
            "lag",
            "insats",
            "beslut",
            "räknat från",
            "rapporteras från",
            "verkställt",
            "dagar",
            "lagrum",
        ]
        if sv
        else [
            "case",
            "law",
            "measure",
            "decided",
            "counted from",
            "reportable from",
            "carried out",
            "days",
            "provision",
        ]
    )
    body = [
        [
            r.case_id,
            str(r.lag or ""),
            str(r.insats or ""),
            "" if r.beslutsdatum is None else r.beslutsdatum.isoformat(),
            "" if r.trigger_date is None else f"{r.trigger_date.isoformat()} ({r.trigger})",
            r.reportable_from.isoformat(),
            "" if r.verkstallt is None else r.verkstallt.isoformat(),
            str(r.days_waiting),
            r.citations[0].text if r.citations else "",
        ]
        for r in rows
    ]
    return title + "\n" + _table(head, body)
