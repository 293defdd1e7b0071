"""Case events and the caseload they build: what happened to each decision, checked.

A case is one decision on one insats, identified by the host's ``case_id``. Its events, in
date order, fill in the facts the deadline rules read:

- ``ansokan``: application received (opens the case; sets no fact).
- ``beslut``: decision made; sets ``beslutsdatum``. ``data``: ``insats``, ``lag``, optionally
  ``tidsbegransat_till``, ``utfall`` (``bifall`` by default, ``delvis_avslag``, ``avslag``)
  and any other vocabulary fact of the decision.
- ``bestallning``: order sent to the provider; sets ``bestallningsdatum``.
- ``genomforandeplan``: implementation plan received; sets ``genomforandeplan_inkom``.
- ``verkstallt``: decision carried out; sets ``verkstallighetsdatum``.
- ``uppfoljning``: follow-up done (repeatable); sets ``senaste_uppfoljning``.
- ``individuell_plan_erbjuden``: individuell plan offered (repeatable); sets
  ``individuell_plan_senast_erbjuden`` (a Stockholm plugin fact).
- ``avslutat``: decision ended (closes the case; sets no fact).

How odd input is handled — never silently:

- *Duplicates*: an event identical to one already recorded (same case, kind, date and data)
  is idempotent: it changes nothing and :meth:`Caseload.apply` returns ``"duplicate"``.
- *Contradictions*: a one-off event (``beslut``, ``bestallning``, ...) sent again with another
  date or data raises :class:`~lss_sol_rules.errors.EventError`.
- *Out of order*: an event dated before the case's latest event raises ``EventError``
  (replay a case's events in date order; different cases may interleave freely).
- *Unknown cases*: a case's first event must be ``ansokan`` or ``beslut``; anything else
  raises ``EventError``. Events after ``avslutat`` raise it too.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from datetime import date, datetime
from typing import Any

import attrs

from ..engine import Engine
from ..errors import EventError, FactError, did_you_mean
from ..values import Value

__all__ = ["EVENT_KINDS", "CaseState", "Caseload", "Event"]

#: Each event kind and the date fact it sets (``None``: it sets none).
EVENT_KINDS: Mapping[str, str | None] = {
    "ansokan": None,
    "beslut": "beslutsdatum",
    "bestallning": "bestallningsdatum",
    "genomforandeplan": "genomforandeplan_inkom",
    "verkstallt": "verkstallighetsdatum",
    "uppfoljning": "senaste_uppfoljning",
    "individuell_plan_erbjuden": "individuell_plan_senast_erbjuden",
    "avslutat": None,
}
_REPEATABLE = frozenset({"uppfoljning", "individuell_plan_erbjuden"})
_OUTCOMES = ("bifall", "delvis_avslag", "avslag")


@attrs.frozen
class Event:
    """Something that happened to a case on a date."""

    case_id: str
    kind: str
    on: date
    data: Mapping[str, Any] = attrs.field(factory=dict)

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> Event:
        """An event from JSON-like data: ``{"case_id", "kind", "on": "YYYY-MM-DD", "data"}``."""
        try:
            on = raw["on"]
            when = date.fromisoformat(on) if isinstance(on, str) else on
            return cls(str(raw["case_id"]), str(raw["kind"]), when, dict(raw.get("data") or {}))
        except KeyError as exc:
            raise EventError(
                str(raw.get("case_id", "?")), str(raw.get("kind", "?")), f"missing field {exc}"
            ) from None
        except ValueError:
            raise EventError(
                str(raw.get("case_id", "?")),
                str(raw.get("kind", "?")),
                f"'on' must be a date YYYY-MM-DD, got {raw.get('on')!r}",
            ) from None


@attrs.define
class CaseState:
    """What is known about one case after its events."""

    case_id: str
    facts: dict[str, Value] = attrs.field(factory=dict)
    last: date | None = None
    decided: bool = False
    closed: bool = False
    outcome: str = "bifall"
    seen: dict[str, tuple[date, tuple[tuple[str, Any], ...]]] = attrs.field(factory=dict)

    def check_watch_date(self, on: date) -> None:
        """Raise ``EventError`` if the case has events after *on* (lists look back only)."""
        if self.last is not None and self.last > on:
            raise EventError(
                self.case_id,
                "-",
                f"has events after the watch date {on.isoformat()} (latest "
                f"{self.last.isoformat()}); a watch list looks at the past only",
            )

    @property
    def favourable(self) -> bool:
        """Whether anything was granted (only then is there something to watch)."""
        return self.decided and self.outcome != "avslag"


class Caseload:
    """The cases built from a stream of events, checked as they arrive.

    Not thread-safe by itself: feed one caseload from one thread (or guard it).
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.cases: dict[str, CaseState] = {}
        self.duplicates = 0

    def __len__(self) -> int:
        return len(self.cases)

    def __iter__(self) -> Iterator[CaseState]:
        return iter(self.cases.values())

    def apply_all(self, events: Iterable[Event]) -> None:
        """Apply events in the order given (see :meth:`apply`)."""
        for e in events:
            self.apply(e)

    def apply(self, event: Event) -> str:
        """Record *event*; return ``"applied"`` or ``"duplicate"``; raise ``EventError``."""
        kind, cid = event.kind, event.case_id
        if kind not in EVENT_KINDS:
            hint = did_you_mean(kind, EVENT_KINDS)
            raise EventError(
                cid, kind, f"unknown event kind{hint}; known: {', '.join(EVENT_KINDS)}"
            )
        if isinstance(event.on, datetime) or not isinstance(event.on, date):
            raise EventError(cid, kind, f"'on' must be a date, got {event.on!r}")
        case = self.cases.get(cid)
        if case is None:
            if kind not in ("ansokan", "beslut"):
                raise EventError(
                    cid, kind, "unknown case: a case starts with 'ansokan' or 'beslut'"
                )
            case = CaseState(cid)
        fingerprint = (event.on, tuple(sorted((k, repr(v)) for k, v in event.data.items())))
        earlier = case.seen.get(kind)
        if earlier is not None:
            if earlier == fingerprint:
                self.duplicates += 1
                return "duplicate"
            if kind not in _REPEATABLE:
                raise EventError(
                    cid,
                    kind,
                    f"already recorded on {earlier[0].isoformat()} with other data; a new "
                    f"decision is a new case (new case_id)",
                )
        if case.closed:
            raise EventError(cid, kind, "the case was closed by 'avslutat'")
        if case.last is not None and event.on < case.last:
            raise EventError(
                cid,
                kind,
                f"out of order: dated {event.on.isoformat()}, before the case's latest event "
                f"({case.last.isoformat()}); send each case's events in date order",
            )
        if kind not in ("ansokan", "beslut") and not case.decided:
            raise EventError(cid, kind, "no decision recorded yet; send 'beslut' first")
        facts = dict(case.facts)
        outcome = case.outcome
        if kind == "beslut":
            data = dict(event.data)
            outcome = str(data.pop("utfall", "bifall"))
            if outcome not in _OUTCOMES:
                raise EventError(cid, kind, f"utfall must be one of {', '.join(_OUTCOMES)}")
            facts.update(data)
        elif event.data:
            raise EventError(cid, kind, f"takes no data, got {sorted(event.data)}")
        fact = EVENT_KINDS[kind]
        if fact is not None:
            if fact not in self.engine.rulebook.facts:
                raise EventError(
                    cid, kind, f"the loaded rules do not know {fact!r} (install the plugin)"
                )
            facts[fact] = event.on
        try:
            clean = self.engine.check_facts(facts, on=event.on)
        except FactError as exc:
            raise EventError(cid, kind, str(exc)) from None
        case.facts = clean
        case.outcome = outcome
        case.last = event.on
        case.seen[kind] = fingerprint
        case.decided = case.decided or kind == "beslut"
        case.closed = kind == "avslutat"
        self.cases[cid] = case
        return "applied"
