"""Case events and the caseload they build: what happened to each decision, checked.

A case is one decision on one insats, identified by the host's ``case_id``. Its events, in
date order, fill in the facts the deadline rules read. Which events exist follows from the
rulebooks' watch declarations (``[watches.NAME]``, see :mod:`lss_sol_rules.watchdecl`), not
from a list in this module:

- ``ansokan`` (the case opens), ``beslut`` (the decision) and ``avslutat`` (the decision
  ended; the case closes) are the case's life cycle. A rulebook maps ``ansokan`` and
  ``beslut`` to the date fact they set (the national rules: ``arende_inlett``,
  ``beslutsdatum``). ``beslut`` takes ``data``: any vocabulary fact of the decision (``insats``,
  ``lag``, ``tidsbegransat_till``, ...) and ``utfall`` (``bifall`` by default,
  ``delvis_avslag``, ``avslag``), which also sets the bool fact a watch names as
  ``favourable`` (``beslut_gynnande``) unless that fact is given.
- Every date fact a watch opens, closes or moves by is settable by an event of the fact's
  own name (``{"kind": "verkstallighet_avbruten", ...}``) and by the readable names the watch
  gives it (``verkstallt`` for ``verkstallighetsdatum``). :func:`event_kinds` lists them
  for a rulebook.

How odd input is handled — never silently:

- *Duplicates*: an event identical to one already recorded (same case, kind, date and data)
  is idempotent: it changes nothing and :meth:`Caseload.apply` returns ``"duplicate"``.
- *Contradictions*: a one-off event sent again with another date or data raises
  :class:`~lss_sol_rules.errors.EventError` (repeatable ones: those a watch moves by or
  declares ``repeatable``).
- *Out of order*: an event dated before the case's latest event raises ``EventError``
  (replay a case's events in date order; different cases may interleave freely).
- *Unknown cases*: a case's first event must be ``ansokan`` or ``beslut``; anything else
  raises ``EventError``. Events after ``avslutat`` raise it too.

A case keeps its history, so a watch list can be drawn *as of* any date from a full event
log: :meth:`CaseState.at` gives the case as it stood on a day, events after it not yet known.
"""

from __future__ import annotations

import bisect
import threading
import weakref
from collections.abc import Iterable, Iterator, Mapping
from datetime import date, datetime
from typing import Any

import attrs

from ..engine import Engine
from ..errors import EventError, FactError, did_you_mean
from ..rulebook import Rulebook
from ..values import Value, bad_character, parse_date, safe_repr

__all__ = ["CaseState", "Caseload", "Event", "EventKind", "event_kinds"]

_OUTCOMES = ("bifall", "delvis_avslag", "avslag")
LIFECYCLE = ("ansokan", "beslut", "avslutat")


@attrs.frozen
class EventKind:
    """One kind of case event: the date fact it sets and whether it may come again."""

    name: str
    fact: str | None
    repeatable: bool = False
    lifecycle: bool = False
    watches: tuple[str, ...] = ()  # the watches that name its fact


_KINDS: weakref.WeakKeyDictionary[Rulebook, dict[str, EventKind]] = weakref.WeakKeyDictionary()
_FAVOURABLE: weakref.WeakKeyDictionary[Rulebook, tuple[str, ...]] = weakref.WeakKeyDictionary()
_KINDS_LOCK = threading.Lock()


def event_kinds(book: Rulebook | Engine) -> Mapping[str, EventKind]:
    """Every event kind the rulebook's watches make settable (all jurisdictions)."""
    rb = book.rulebook if isinstance(book, Engine) else book
    with _KINDS_LOCK:
        known = _KINDS.get(rb)
        if known is not None:
            return known
    watches = getattr(rb, "watches", ())
    lifecycle_fact: dict[str, str] = {}
    for w in watches:
        for alias, fact in w.events:
            if alias in ("ansokan", "beslut"):
                lifecycle_fact[alias] = fact
    repeatable = {f for w in watches for f in (*w.moved_by, *w.repeatable)}
    kinds: dict[str, EventKind] = {
        k: EventKind(k, lifecycle_fact.get(k), lifecycle=True) for k in LIFECYCLE
    }
    by_fact: dict[str, list[str]] = {}
    for w in watches:
        for f in w.facts:
            by_fact.setdefault(f, []).append(w.name)
    lifecycle_facts = set(lifecycle_fact.values())
    for w in watches:
        names = [*((a, f) for a, f in w.events), *((f, f) for f in w.facts)]
        for alias, fact in names:
            if alias in LIFECYCLE or fact in lifecycle_facts:
                continue  # set by the life-cycle event only
            kinds[alias] = EventKind(
                alias, fact, fact in repeatable, watches=tuple(dict.fromkeys(by_fact.get(fact, [])))
            )
    favourable = tuple(dict.fromkeys(w.favourable for w in watches if w.favourable))
    with _KINDS_LOCK:
        _KINDS[rb] = kinds
        _FAVOURABLE[rb] = favourable
    return kinds


def favourable_facts(book: Rulebook) -> tuple[str, ...]:
    """The bool facts the watches read as "the decision is favourable"."""
    event_kinds(book)
    return _FAVOURABLE.get(book, ())


@attrs.frozen
class Event:
    """Something that happened to a case on a date."""

    case_id: str
    kind: str
    on: date
    data: Mapping[str, Any] = attrs.field(factory=dict)

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> Event:
        """An event from JSON-like data: ``{"case_id", "kind", "on": "YYYY-MM-DD", "data"}``.

        ``case_id`` is text or a whole number (kept as text), ``kind`` text, ``on`` a date
        written ``YYYY-MM-DD`` (no week dates or times), ``data`` an object of facts.
        Anything else raises :class:`~lss_sol_rules.errors.EventError`.
        """
        if not isinstance(raw, Mapping):
            raise EventError(
                "?",
                "?",
                f"an event must be a JSON object, got {type(raw).__name__}",
                "en händelse ska vara ett JSON-objekt med fälten case_id, kind, on och data",
            )
        cid, kind = _text(raw.get("case_id", "?")), _text(raw.get("kind", "?"))
        for key in ("case_id", "kind", "on"):
            if key not in raw:
                raise EventError(
                    cid, kind, f"missing field {key!r}", f"fältet {key!r} saknas i händelsen"
                )
        raw_id = raw["case_id"]
        if not (
            isinstance(raw_id, str)
            or (isinstance(raw_id, int) and not isinstance(raw_id, bool) and abs(raw_id) < 10**30)
        ):
            raise EventError(
                cid,
                kind,
                "'case_id' must be text or a whole number (< 10^30)",
                "ärendets id ('case_id') ska vara en text eller ett heltal (mindre än 10^30)",
            )
        if not isinstance(raw["kind"], str):
            raise EventError(
                cid, kind, "'kind' must be text", "händelsens slag ('kind') ska vara en text"
            )
        for name, value in (("case_id", cid), ("kind", kind)):
            problem = bad_character(value) if isinstance(value, str) else None
            if problem is not None or not value.strip() or len(value) > 200:
                raise EventError(
                    "?" if name == "case_id" else cid,
                    "?" if name == "kind" else kind,
                    f"'{name}' must be 1-200 printable characters"
                    + (f" ({problem})" if problem else ""),
                    f"fältet '{name}' ska vara 1-200 tecken som går att skriva ut"
                    + (f" ({bad_character(value, 'sv')})" if problem else ""),
                )
        on = raw["on"]
        if isinstance(on, str):
            try:
                on = parse_date(on)
            except ValueError as exc:
                raise EventError(
                    cid,
                    kind,
                    f"'on': {exc}",
                    f"datumet ('on') ska vara ett datum som finns, skrivet ÅÅÅÅ-MM-DD, men är "
                    f"{safe_repr(on)}",
                ) from None
        elif isinstance(on, datetime) or not isinstance(on, date):
            raise EventError(
                cid,
                kind,
                f"'on' must be a date YYYY-MM-DD, got {safe_repr(on)}",
                f"datumet ('on') ska vara ett datum skrivet ÅÅÅÅ-MM-DD, men är {safe_repr(on)}",
            )
        data = raw.get("data") or {}
        if not isinstance(data, Mapping):
            raise EventError(
                cid,
                kind,
                "'data' must be an object of facts",
                "händelsens uppgifter ('data') ska vara ett objekt med namn och värden",
            )
        return cls(cid, kind, on, dict(data))


def _shown(value: object) -> str:
    """A value for a message: a date and time as written, else :func:`safe_repr`."""
    if isinstance(value, datetime):
        try:
            return datetime.isoformat(value, " ")
        except Exception:  # a hostile subclass
            return "<datetime>"
    return safe_repr(value)


def _text(value: Any) -> str:
    """An id or kind as text for messages and keys (never raises)."""
    if isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) < 10**30:
        return str(value)
    return safe_repr(value, 40)


@attrs.frozen
class _Snapshot:
    """A case at the end of one day: the facts set, changed or removed that day (a delta
    from the day before, so a long history costs little), and its life-cycle state."""

    on: date
    changed: Mapping[str, Value]
    removed: tuple[str, ...]
    decided: bool
    closed: bool
    outcome: str


def _fold(history: Iterable[_Snapshot]) -> dict[str, Value]:
    facts: dict[str, Value] = {}
    for snap in history:
        facts.update(snap.changed)
        for name in snap.removed:
            facts.pop(name, None)
    return facts


@attrs.define
class CaseState:
    """What is known about one case after its events (and, in ``history``, before them)."""

    case_id: str
    facts: dict[str, Value] = attrs.field(factory=dict)
    last: date | None = None
    decided: bool = False
    closed: bool = False
    outcome: str = "bifall"
    seen: dict[str, tuple[date, tuple[tuple[str, Any], ...]]] = attrs.field(factory=dict)
    history: list[_Snapshot] = attrs.field(factory=list, repr=False)
    favourable_fact: tuple[str, ...] = ()

    def at(self, on: date) -> CaseState | None:
        """The case as it stood at the end of *on*; ``None`` if it had not started then.

        Events dated after *on* are not known on *on*: a watch list drawn as of a past date
        from a full event log sees exactly what a list drawn that day would have seen.
        """
        if self.last is None or self.last <= on:
            return self
        i = bisect.bisect_right([s.on for s in self.history], on)
        if i == 0:
            return None
        s = self.history[i - 1]
        return CaseState(
            self.case_id,
            _fold(self.history[:i]),
            s.on,
            s.decided,
            s.closed,
            s.outcome,
            favourable_fact=self.favourable_fact,
        )

    @property
    def favourable(self) -> bool:
        """Whether anything was granted (only then is there something to carry out)."""
        if not self.decided:
            return False
        for name in self.favourable_fact:
            v = self.facts.get(name)
            if isinstance(v, bool):
                return v
        return self.outcome != "avslag"


class Caseload:
    """The cases built from a stream of events, checked as they arrive.

    Not thread-safe by itself: feed one caseload from one thread (or guard it).
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.cases: dict[str, CaseState] = {}
        self.duplicates = 0
        self.kinds = event_kinds(engine)
        self._favourable = favourable_facts(engine.rulebook)

    def __len__(self) -> int:
        return len(self.cases)

    def __iter__(self) -> Iterator[CaseState]:
        return iter(self.cases.values())

    def at(self, on: date) -> list[CaseState]:
        """Every case as it stood at the end of *on* (cases not started yet left out)."""
        return [s for c in self.cases.values() if (s := c.at(on)) is not None]

    def apply_all(self, events: Iterable[Event]) -> None:
        """Apply events in the order given (see :meth:`apply`)."""
        for e in events:
            self.apply(e)

    def _unknown_kind(self, cid: str, kind: str) -> EventError:
        hint = did_you_mean(kind, self.kinds)
        known = ", ".join(sorted(self.kinds))
        return EventError(
            cid,
            kind,
            f"unknown event kind{hint}; the loaded rules' watches make these settable: "
            f"{known} (a plugin's events need the plugin installed)",
            f"okänt slag av händelse{did_you_mean(kind, self.kinds, 'sv')}; de bevakningar "
            f"som finns i regelverket tar emot: {known} (en kommuns egna händelser kräver "
            f"att kommunens tillägg är installerat)",
        )

    def apply(self, event: Event) -> str:
        """Record *event*; return ``"applied"`` or ``"duplicate"``; raise ``EventError``."""
        kind, cid = event.kind, event.case_id
        if not isinstance(kind, str) or not isinstance(cid, str):
            raise EventError(
                _text(cid),
                _text(kind),
                "'case_id' and 'kind' must be text",
                "ärendets id ('case_id') och händelsens slag ('kind') ska vara texter",
            )
        if not isinstance(event.data, Mapping):
            raise EventError(
                cid,
                kind,
                "'data' must be a mapping of facts",
                "händelsens uppgifter ('data') ska vara namn med värden",
            )
        spec = self.kinds.get(kind)
        if spec is None:
            raise self._unknown_kind(cid, kind)
        if isinstance(event.on, datetime) or not isinstance(event.on, date):
            raise EventError(
                cid,
                kind,
                f"'on' must be a date, got {_shown(event.on)}",
                f"datumet ('on') ska vara ett datum utan klockslag, men är {_shown(event.on)}",
            )
        case = self.cases.get(cid)
        if case is None:
            if kind not in ("ansokan", "beslut"):
                raise EventError(
                    cid,
                    kind,
                    "unknown case: a case starts with 'ansokan' or 'beslut'",
                    "ärendet är okänt: ett ärende börjar med en ansökan ('ansokan') eller ett "
                    "beslut ('beslut')",
                )
            case = CaseState(cid, favourable_fact=self._favourable)
        try:
            fingerprint = (event.on, tuple(sorted((k, repr(v)) for k, v in event.data.items())))
        except Exception:  # a hostile __repr__ is the caller's bad data
            raise EventError(
                cid,
                kind,
                "'data' holds a value that cannot be shown",
                "händelsens uppgifter ('data') innehåller ett värde som inte går att läsa",
            ) from None
        key = kind if spec.lifecycle or spec.fact is None else spec.fact  # one fact, one record
        earlier = case.seen.get(key)
        if earlier is not None:
            if earlier == fingerprint:
                self.duplicates += 1
                return "duplicate"
            if not spec.repeatable:
                raise EventError(
                    cid,
                    kind,
                    f"already recorded on {earlier[0].isoformat()} with other data; "
                    + (
                        "a new decision is a new case (new case_id)"
                        if spec.lifecycle or spec.fact is None
                        else f"the rules read one {spec.fact} per case (a new decision is a "
                        f"new case_id)"
                    ),
                    f"händelsen är redan registrerad den {earlier[0].isoformat()} med andra "
                    f"uppgifter; "
                    + (
                        "ett nytt beslut är ett nytt ärende (nytt case_id)"
                        if spec.lifecycle or spec.fact is None
                        else f"reglerna läser en enda uppgift {spec.fact} per ärende (ett nytt "
                        f"beslut är ett nytt ärende med nytt case_id)"
                    ),
                )
        if case.closed:
            raise EventError(
                cid,
                kind,
                "the case was closed by 'avslutat'",
                "ärendet är redan avslutat ('avslutat')",
            )
        if kind == "ansokan" and case.last is not None:
            raise EventError(
                cid,
                kind,
                "the application opens a case; this case already has events",
                "en ansökan inleder ett ärende, men det här ärendet har redan händelser",
            )
        if case.last is not None and event.on < case.last:
            raise EventError(
                cid,
                kind,
                f"out of order: dated {event.on.isoformat()}, before the case's latest event "
                f"({case.last.isoformat()}); send each case's events in date order",
                f"fel ordning: händelsen är daterad {event.on.isoformat()}, före ärendets "
                f"senaste händelse ({case.last.isoformat()}); skicka varje ärendes händelser "
                f"i datumordning",
            )
        if (
            kind not in ("ansokan", "beslut")
            and not case.decided
            and not _before_decision(self.engine.rulebook, kind)
        ):
            raise EventError(
                cid,
                kind,
                "no decision recorded yet; send 'beslut' first",
                "inget beslut är registrerat ännu; skicka beslutet ('beslut') först",
            )
        facts = dict(case.facts)
        outcome = case.outcome
        if kind == "beslut":
            data = dict(event.data)
            outcome = str(data.pop("utfall", "bifall"))
            if outcome not in _OUTCOMES:
                raise EventError(
                    cid,
                    kind,
                    f"utfall must be one of {', '.join(_OUTCOMES)}",
                    f"utfallet ('utfall') ska vara ett av {', '.join(_OUTCOMES)}",
                )
            for name in self._favourable:
                given = data.get(name)
                if (
                    "utfall" in event.data
                    and isinstance(given, bool)
                    and given != (outcome != "avslag")
                ):
                    raise EventError(
                        cid,
                        kind,
                        f"utfall {outcome!r} contradicts {name} = {given}",
                        f"utfallet {outcome!r} motsäger uppgiften {name} = "
                        f"{'sant' if given else 'falskt'}",
                    )
                if name not in data:
                    data[name] = outcome != "avslag"
            facts.update(data)
        elif event.data:
            raise EventError(
                cid,
                kind,
                f"takes no data, got {safe_repr(sorted(map(_text, event.data)))}",
                f"den här händelsen tar inte emot några uppgifter, men fick "
                f"{safe_repr(sorted(map(_text, event.data)))}",
            )
        if spec.fact is not None:
            if spec.fact not in self.engine.rulebook.facts:
                raise EventError(
                    cid,
                    kind,
                    f"the loaded rules do not know {spec.fact!r} (install the plugin)",
                    f"regelverket saknar uppgiften {spec.fact!r} (installera tillägget som "
                    f"har den)",
                )
            facts[spec.fact] = event.on
        try:
            clean = self.engine.check_facts(facts, on=event.on)
        except FactError as exc:
            raise EventError(cid, kind, str(exc), exc.message("sv")) from None
        before = case.facts
        case.facts = clean
        case.outcome = outcome
        case.last = event.on
        case.seen[key] = fingerprint
        case.decided = case.decided or kind == "beslut"
        case.closed = kind == "avslutat"
        same_day = bool(case.history) and case.history[-1].on == event.on
        base = _fold(case.history[:-1]) if same_day else before
        changed = {k: v for k, v in clean.items() if k not in base or base[k] != v}
        removed = tuple(k for k in base if k not in clean)
        snap = _Snapshot(event.on, changed, removed, case.decided, case.closed, outcome)
        if same_day:
            case.history[-1] = snap  # the end of the day is what counts
        else:
            case.history.append(snap)
        self.cases[cid] = case
        return "applied"


def _before_decision(book: Rulebook, kind: str) -> bool:
    """Whether *kind* may come before the decision (its fact opens a ``cases = "all"`` watch)."""
    spec = event_kinds(book).get(kind)
    if spec is None or spec.fact is None:
        return False
    return any(w.cases == "all" and spec.fact in w.facts for w in getattr(book, "watches", ()))
