"""Deadline alerts, the monthly watch list and the quarterly IVO list — computed from case state.

This is the reference path: for each open, favourable case it asks the rulebook's deadline
questions as of the watch date (``engine.evaluate``), so every alert carries the rule that
set the deadline and its citations. :class:`~lss_sol_rules.watch.durable_backend.DurableWatch`
computes the same alerts from the event stream on durable-rules; both must agree.

The watches (:data:`WATCHES`) name only *which question* sets each deadline and which facts
close it; the deadlines themselves — two weeks, a year, three months, parameters and all —
are the rules in the TOML rulebooks of the jurisdiction.

A deadline alert is ``due`` when its date falls from the watch date to the end of that month
(the monthly list), ``overdue`` once the date has passed. The IVO watch reads the rule's
``on > ...`` condition: a decision is ``reportable`` from the day after three months.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from typing import Any

import attrs

from ..engine import Engine, _Context
from ..model import Citation, Label
from ..values import Value, to_json
from .events import Caseload, CaseState
from .translate import IVO_QUESTION, threshold_due

__all__ = [
    "WATCHES",
    "Alert",
    "IvoRow",
    "WatchSpec",
    "alerts_for",
    "ivo_report",
    "month_end",
    "quarter_bounds",
    "render_ivo",
    "render_watchlist",
    "watchlist",
]


@attrs.frozen
class WatchSpec:
    """One kind of deadline to watch: the question that sets it and what closes it."""

    name: str
    question: str
    label: Label
    closed_by: tuple[str, ...] = ()
    laws: tuple[str, ...] | None = None  # only decisions under these laws (``lag``)
    threshold: bool = False  # a bool question with an ``on > deadline`` condition (IVO)


WATCHES: tuple[WatchSpec, ...] = (
    WatchSpec(
        "genomforandeplan",
        "genomforandeplan.senast",
        Label("Genomförandeplan ska ha kommit in", "Implementation plan due"),
        closed_by=("genomforandeplan_inkom",),
    ),
    WatchSpec(
        "uppfoljning",
        "uppfoljning.nasta",
        Label("Uppföljning av beslutet", "Follow-up of the decision"),
    ),
    WatchSpec(
        "individuell_plan",
        "individuell_plan.nasta_erbjudande",
        Label("Erbjud individuell plan (10 § LSS)", "Offer an individual plan (LSS section 10)"),
        laws=("LSS",),
    ),
    WatchSpec(
        "tidsbegransning",
        "tidsbegransning.utredning_senast",
        Label(
            "Tidsbegränsat beslut: utred ny- eller omprövning",
            "Time-limited decision: investigate renewal",
        ),
    ),
    WatchSpec(
        "ej_verkstallt",
        IVO_QUESTION,
        Label(
            "Ej verkställt beslut: rapportera till IVO",
            "Decision not carried out: report to IVO",
        ),
        closed_by=("verkstallighetsdatum",),
        threshold=True,
    ),
)


@attrs.frozen(order=True)
class Alert:
    """A deadline that is due or overdue for one case on the watch date."""

    case_id: str
    watch: str
    status: str  # "due" | "overdue" | "reportable"
    due: date
    rule_id: str
    question: str = attrs.field(eq=False, order=False)
    citations: tuple[Citation, ...] = attrs.field(eq=False, order=False)
    label: Label = attrs.field(eq=False, order=False)

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
    """``"2026Q3"`` → (2026-07-01, 2026-09-30); ``ValueError`` for anything else."""
    text = quarter.strip().upper()
    if len(text) != 6 or text[4] != "Q" or not text[:4].isdigit() or text[5] not in "1234":
        raise ValueError(f"quarter must look like 2026Q3, got {quarter!r}")
    year, q = int(text[:4]), int(text[5])
    start = date(year, 3 * q - 2, 1)
    return start, month_end(date(year, 3 * q, 1))


def applicable(spec: WatchSpec, case: CaseState, engine: Engine, jurisdiction: str) -> bool:
    """Whether *spec* watches *case* at all (open, granted, not yet closed, right law)."""
    if case.closed or not case.favourable:
        return False
    if any(f in case.facts for f in spec.closed_by):
        return False
    if spec.laws is not None and case.facts.get("lag") not in spec.laws:
        return False
    view = engine.rulebook.view(jurisdiction)
    return spec.question in view.rules


def _status(due: date, on: date) -> str | None:
    if on > due:
        return "overdue"
    if due <= month_end(on):
        return "due"
    return None


def alerts_for(engine: Engine, case: CaseState, on: date, jurisdiction: str = "se") -> list[Alert]:
    """Every alert for *case* as of *on*, from the rules in force on *on*."""
    case.check_watch_date(on)
    out: list[Alert] = []
    for spec in WATCHES:
        if not applicable(spec, case, engine, jurisdiction):
            continue
        d = engine.evaluate(spec.question, case.facts, on=on, jurisdiction=jurisdiction)
        if d.status != "decided" or not d.reasons:
            continue
        reason = d.reasons[0]
        if spec.threshold:
            if d.value is not True:
                continue
            rule = engine.rulebook.rule_by_id[reason.rule_id]
            view = engine.rulebook.view(jurisdiction)
            due = threshold_due(rule, _Context(view, case.facts, on))
            if due is None:
                continue
            status: str | None = "reportable"
        else:
            assert isinstance(d.value, date)  # noqa: S101 - deadline questions are dates
            due, status = d.value, _status(d.value, on)
        if status is None:
            continue
        out.append(
            Alert(
                case.case_id,
                spec.name,
                status,
                due,
                reason.rule_id,
                spec.question,
                reason.citations,
                spec.label,
            )
        )
    return out


def _cases(
    caseload: Caseload | Mapping[str, Mapping[str, Any]], engine: Engine
) -> Iterable[CaseState]:
    if isinstance(caseload, Caseload):
        return caseload
    out = []
    for cid, facts in caseload.items():
        clean: dict[str, Value] = engine.check_facts(facts)
        out.append(CaseState(str(cid), clean, decided="beslutsdatum" in clean))
    return out


def watchlist(
    engine: Engine,
    caseload: Caseload | Mapping[str, Mapping[str, Any]],
    on: date,
    jurisdiction: str = "se",
) -> list[Alert]:
    """The monthly watch list: every alert due by the end of *on*'s month or overdue.

    *caseload* is a :class:`Caseload` built from events, or a mapping of case ids to the
    facts of each (open, granted) decision. Sorted by due date, then case and watch.
    """
    alerts = [
        a for case in _cases(caseload, engine) for a in alerts_for(engine, case, on, jurisdiction)
    ]
    return sorted(alerts, key=lambda a: (a.due, a.case_id, a.watch))


@attrs.frozen
class IvoRow:
    """One decision to report to IVO and the municipal auditors for a quarter."""

    case_id: str
    lag: Value | None
    insats: Value | None
    beslutsdatum: date
    reportable_from: date
    days_waiting: int
    rule_id: str
    citations: tuple[Citation, ...]
    verkstallt: date | None = None  # carried out late, within the quarter (LSS 28 g §)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready data."""
        return {
            "case_id": self.case_id,
            "lag": to_json(self.lag),
            "insats": to_json(self.insats),
            "beslutsdatum": self.beslutsdatum.isoformat(),
            "reportable_from": self.reportable_from.isoformat(),
            "verkstallt": None if self.verkstallt is None else self.verkstallt.isoformat(),
            "days_waiting": self.days_waiting,
            "rule_id": self.rule_id,
            "citations": [c.text for c in self.citations],
        }


def ivo_report(
    engine: Engine,
    caseload: Caseload | Mapping[str, Mapping[str, Any]],
    quarter: str,
    jurisdiction: str = "se",
) -> list[IvoRow]:
    """Decisions not carried out within three months, for the quarter's report.

    Two kinds of row: decisions still not carried out on the quarter's last day and more than
    three months old (LSS 28 f §; SoL 2001:453 16 kap. 6 f § to 2025-06-30; SoL 2025:400
    34 kap. 1 §), and decisions carried out during the quarter after the three months had
    passed, with the date (``verkstallt``; LSS 28 g §, SoL 2025:400 34 kap. 2 §).
    """
    start, end = quarter_bounds(quarter)
    cases = list(_cases(caseload, engine))
    late = [a for c in cases if (a := late_alert(engine, c, jurisdiction)) is not None]
    return ivo_rows(
        engine,
        [
            *(a for a in watchlist(engine, caseload, end, jurisdiction) if a.watch == IVO_WATCH),
            *(a for a in late if start <= _carried_out(cases, a.case_id) <= end),
        ],
        cases,
        end,
    )


IVO_WATCH = "ej_verkstallt"


def _carried_out(cases: Iterable[CaseState], case_id: str) -> date:
    for c in cases:
        if c.case_id == case_id:
            v = c.facts["verkstallighetsdatum"]
            assert isinstance(v, date)  # noqa: S101 - a late alert needs it
            return v
    raise KeyError(case_id)


def ivo_reads(engine: Engine, jurisdiction: str) -> frozenset[str]:
    """The facts the IVO rules read (a case's other facts are left out when looking back)."""
    view = engine.rulebook.view(jurisdiction)
    return frozenset(f for r in view.rules_reached(IVO_QUESTION) for f in r.facts)


def late_alert(engine: Engine, case: CaseState, jurisdiction: str) -> Alert | None:
    """If *case* was carried out after it had become reportable: that alert, else ``None``.

    The IVO rule itself decides, asked about the case as it stood the day before it was
    carried out (its facts without ``verkstallighetsdatum``), on that day.
    """
    carried, decided = case.facts.get("verkstallighetsdatum"), case.facts.get("beslutsdatum")
    if not (isinstance(carried, date) and isinstance(decided, date) and case.favourable):
        return None
    before = carried - timedelta(days=1)
    view = engine.rulebook.view(jurisdiction)
    if before < decided or IVO_QUESTION not in view.rules:
        return None
    reads = ivo_reads(engine, jurisdiction) - {"verkstallighetsdatum"}
    facts = {k: v for k, v in case.facts.items() if k in reads}
    d = engine.evaluate(IVO_QUESTION, facts, on=before, jurisdiction=jurisdiction)
    if d.value is not True or not d.reasons:
        return None
    rule = engine.rulebook.rule_by_id[d.reasons[0].rule_id]
    due = threshold_due(rule, _Context(view, facts, before))
    if due is None:
        return None
    spec = next(s for s in WATCHES if s.name == IVO_WATCH)
    return Alert(
        case.case_id,
        IVO_WATCH,
        "carried_out_late",
        due,
        rule.id,
        IVO_QUESTION,
        rule.citations,
        spec.label,
    )


def ivo_rows(
    engine: Engine, alerts: Iterable[Alert], cases: Iterable[CaseState], end: date
) -> list[IvoRow]:
    """IVO rows for ``ej_verkstallt`` alerts, still open or carried out late (both paths)."""
    facts = {c.case_id: c.facts for c in cases}
    rows = []
    for a in alerts:
        f = facts[a.case_id]
        decided = f["beslutsdatum"]
        assert isinstance(decided, date)  # noqa: S101 - the IVO rule reads it
        carried = f.get("verkstallighetsdatum") if a.status == "carried_out_late" else None
        assert carried is None or isinstance(carried, date)  # noqa: S101 - a date fact
        rows.append(
            IvoRow(
                a.case_id,
                f.get("lag"),
                f.get("insats"),
                decided,
                a.due,
                ((carried or end) - decided).days,
                a.rule_id,
                a.citations,
                carried,
            )
        )
    return sorted(rows, key=lambda r: (r.beslutsdatum, r.case_id))


# -- printable tables ----------------------------------------------------------------------
_STATUS = {
    "sv": {
        "due": "ska göras",
        "overdue": "försenad",
        "reportable": "rapporteras",
        "carried_out_late": "verkställt sent",
    },
    "en": {
        "due": "due",
        "overdue": "overdue",
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
            _STATUS["sv" if sv else "en"][a.status],
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
        ["ärende", "lag", "insats", "beslut", "rapporteras från", "verkställt", "dagar", "lagrum"]
        if sv
        else [
            "case",
            "law",
            "measure",
            "decided",
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
            r.beslutsdatum.isoformat(),
            r.reportable_from.isoformat(),
            "" if r.verkstallt is None else r.verkstallt.isoformat(),
            str(r.days_waiting),
            r.citations[0].text if r.citations else "",
        ]
        for r in rows
    ]
    return title + "\n" + _table(head, body)
