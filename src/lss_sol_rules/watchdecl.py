"""Watch declarations in rule files: ``[watches.NAME]`` tables, read and checked.

A rulebook says which of its deadlines a case officer watches; the watch engine
(:mod:`lss_sol_rules.watch`) holds no vocabulary of its own. A declaration names:

- ``question``: the deadline. A *date* question (its answer is the deadline) or a *bool*
  question whose rules have an ``on > X`` condition (the IVO rule: the first day it holds).
- ``list``: ``"monthly"`` (the monthly watch list, the default) or ``"ivo"`` (the quarterly
  list of decisions to report to IVO; such a watch is shown on the monthly list too).
- ``kind``: ``"deadline"`` (the default: *due* until the date, *overdue* after), ``"from"``
  (a date from which something may be done: *upcoming*, then *open*) or ``"expiry"`` (a
  period that runs out, such as the appeal period: *expires* this month, then *expired*
  in the rest of the month it ran out in, and off the list after), for date questions.
- ``cases``: which cases it watches: ``"favourable"`` decisions (default), every
  ``"decided"`` case, or ``"all"`` open cases (also before a decision).
- ``opened_by`` / ``closed_by``: date facts. The watch is closed when its latest closing
  date is on or after its latest opening date (a plan received after the order; a
  decision carried out, then interrupted, then resumed). With no ``opened_by`` it is open
  from the decision (or the case's start, for ``cases = "all"``) until a closing fact.
- ``moved_by``: date facts that move the deadline (a follow-up done); repeatable events.
- ``repeatable``: other facts of the watch that may be recorded again with a later date.
- ``events``: readable event names for its facts, ``{ verkstallt = "verkstallighetsdatum" }``.
  Every fact named by a watch is settable by an event of the fact's own name as well; the
  case events ``ansokan`` and ``beslut`` may be mapped to the fact they set.
- ``favourable``: a bool fact saying the decision is favourable; a ``beslut`` event's
  ``utfall`` sets it (``bifall``, ``delvis_avslag`` → true; ``avslag`` → false).
- ``when``: an expression a case must satisfy to be watched (``"lag == 'LSS'"``).
- ``reported_when_closed``: a bool question saying that closing the watch must be reported
  too (LSS 28 g §: a reported decision carried out later); for ``list = "ivo"``.
- ``label``: ``{ sv = "...", en = "..." }``.

A jurisdiction's watches are those of it and every enclosing one; a watch declared again
under the same name in an inner jurisdiction replaces the outer one there.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import attrs

from .errors import ExpressionError, RuleFileError, did_you_mean
from .expr import CompiledExpr, compile_expr
from .expr.ast import Node
from .model import Label
from .values import safe_repr

if TYPE_CHECKING:  # pragma: no cover
    from .rulebook import Rulebook

__all__ = ["LIFECYCLE_EVENTS", "WatchDecl", "check_watches", "read_watches", "watches_for"]

#: Case events the watch engine itself knows: a case starts with ``ansokan`` or ``beslut``
#: and ends with ``avslutat``. A rulebook may map the first two to the date fact they set.
LIFECYCLE_EVENTS = ("ansokan", "beslut", "avslutat")
_LISTS = ("monthly", "ivo")
_KINDS = ("deadline", "from", "expiry")
_CASES = ("favourable", "decided", "all")
_KEYS = {
    "question",
    "label",
    "list",
    "kind",
    "cases",
    "opened_by",
    "closed_by",
    "moved_by",
    "repeatable",
    "events",
    "favourable",
    "when",
    "reported_when_closed",
}


@attrs.frozen
class WatchDecl:
    """One watch a rulebook declares (see the module docstring for each field)."""

    name: str
    question: str
    label: Label
    list: str = "monthly"
    kind: str = "deadline"
    cases: str = "favourable"
    opened_by: tuple[str, ...] = ()
    closed_by: tuple[str, ...] = ()
    moved_by: tuple[str, ...] = ()
    repeatable: tuple[str, ...] = ()
    events: tuple[tuple[str, str], ...] = ()
    favourable: str | None = None
    when: str | None = None
    when_node: Node | None = attrs.field(default=None, eq=False, repr=False)
    when_expr: CompiledExpr | None = attrs.field(default=None, eq=False, repr=False)
    reported_when_closed: str | None = None
    threshold: bool = False  # a bool question with an ``on > X`` rule (set when checked)
    jurisdiction: str = "se"
    file: str = ""
    line: int | None = None

    @property
    def facts(self) -> tuple[str, ...]:
        """Every fact the watch names: opening, closing, moving, repeatable."""
        seen = dict.fromkeys((*self.opened_by, *self.closed_by, *self.moved_by, *self.repeatable))
        return tuple(seen)

    @property
    def where(self) -> str:
        """``file:line`` of the declaration."""
        return self.file if self.line is None else f"{self.file}:{self.line}"


def _names(reader: Any, raw: Any, key: str, line: int | None) -> tuple[str, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise reader.fail(
            f'`{key}` must be a list of fact names, e.g. ["beslutsdatum"]',
            line,
            sv=f'`{key}` ska vara en lista med namn på uppgifter, till exempel ["beslutsdatum"]',
        )
    return tuple(
        reader.name(v, f"a fact in `{key}`", line, what_sv=f"uppgiften i `{key}`") for v in raw
    )


def _choice(reader: Any, raw: Any, key: str, allowed: tuple[str, ...], line: int | None) -> str:
    if raw not in allowed:
        hint = did_you_mean(str(raw), allowed)
        listed = ", ".join(repr(a) for a in allowed)
        raise reader.fail(
            f"`{key}` must be one of {listed}, got {raw!r}{hint}",
            line,
            sv=f"`{key}` ska vara ett av {listed}, men är {safe_repr(raw)}"
            f"{did_you_mean(str(raw), allowed, 'sv')}",
        )
    return str(raw)


def read_watches(
    reader: Any, section: Mapping[str, Any], jurisdiction: str
) -> tuple[WatchDecl, ...]:
    """Shape-check the ``[watches.NAME]`` tables of one file (*reader*: the loader's)."""
    out: list[WatchDecl] = []
    for name, raw in section.items():
        line = reader.loc.table("watches", name)
        reader.name(name, "watch name", line, what_sv="bevakningens namn")
        if not isinstance(raw, Mapping):
            raise reader.fail(
                f"watch {name!r} must be a table [watches.{name}]",
                line,
                sv=f"bevakningen {name!r} ska vara en tabell [watches.{name}]",
            )
        reader.keys(raw, _KEYS, f"watch {name!r}", line, what_sv=f"bevakningen {name!r}")
        if "question" not in raw:
            raise reader.fail(
                f'watch {name!r} needs `question = "..."`, the deadline',
                line,
                sv=f'bevakningen {name!r} behöver `question = "..."`, frågan som ger tidsfristen',
            )
        question = reader.name(raw["question"], "`question`", line, what_sv="`question`")
        label = reader.label(
            raw.get("label"),
            f"`label` of watch {name!r}",
            line,
            what_sv=f"`label` för bevakningen {name!r}",
        )
        events = raw.get("events", {})
        if not isinstance(events, Mapping) or not all(isinstance(v, str) for v in events.values()):
            raise reader.fail(
                f'`events` of watch {name!r} must be a table of event name = "fact"',
                line,
                sv=f"`events` för bevakningen {name!r} ska vara en tabell med "
                f'händelsens namn = "uppgift"',
            )
        pairs = tuple(
            (
                reader.name(k, "an event name", line, what_sv="händelsens namn"),
                reader.name(v, "a fact in `events`", line, what_sv="uppgiften i `events`"),
            )
            for k, v in events.items()
        )
        if any(k == "avslutat" for k, _ in pairs):
            raise reader.fail(
                "the event 'avslutat' closes a case and sets no fact",
                line,
                sv="händelsen 'avslutat' avslutar ett ärende och sätter ingen uppgift",
            )
        when = raw.get("when")
        when_node: Node | None = None
        if when is not None:
            when, when_node = reader.expression(when, "when", line, None)
        optional = {}
        for key in ("favourable", "reported_when_closed"):
            if key in raw:
                optional[key] = reader.name(raw[key], f"`{key}`", line, what_sv=f"`{key}`")
        out.append(
            WatchDecl(
                name=name,
                question=question,
                label=label,
                list=_choice(reader, raw.get("list", "monthly"), "list", _LISTS, line),
                kind=_choice(reader, raw.get("kind", "deadline"), "kind", _KINDS, line),
                cases=_choice(reader, raw.get("cases", "favourable"), "cases", _CASES, line),
                opened_by=_names(reader, raw.get("opened_by"), "opened_by", line),
                closed_by=_names(reader, raw.get("closed_by"), "closed_by", line),
                moved_by=_names(reader, raw.get("moved_by"), "moved_by", line),
                repeatable=_names(reader, raw.get("repeatable"), "repeatable", line),
                events=pairs,
                favourable=optional.get("favourable"),
                when=when,
                when_node=when_node,
                reported_when_closed=optional.get("reported_when_closed"),
                jurisdiction=jurisdiction,
                file=reader.path,
                line=line,
            )
        )
    return tuple(out)


def _fail(w: WatchDecl, problem: str, sv: str) -> RuleFileError:
    return RuleFileError(
        f"watch {w.name!r}: {problem}",
        file=w.file,
        line=w.line,
        problem_sv=f"bevakningen {w.name!r}: {sv}",
    )


def check_watches(book: Rulebook) -> tuple[WatchDecl, ...]:
    """Check every watch against the compiled rulebook; the watches, ready to use.

    Raises :class:`RuleFileError` (file and line of the declaration) for a question or fact
    that does not exist or has the wrong type, a ``when`` that is not a bool expression,
    an event name that means two facts, or a watch declared twice in one jurisdiction.
    """
    out: list[WatchDecl] = []
    seen: dict[tuple[str, str], WatchDecl] = {}
    event_fact: dict[str, tuple[str, WatchDecl]] = {}
    for rf, _layer in book.files:
        for w in getattr(rf, "watches", ()):
            first = seen.get((w.jurisdiction, w.name))
            if first is not None:
                raise _fail(
                    w,
                    f"declared twice for {w.jurisdiction!r} (first at {first.where})",
                    f"deklareras två gånger för {w.jurisdiction!r} (första gången i {first.where})",
                )
            seen[(w.jurisdiction, w.name)] = w
            q = book.questions.get(w.question)
            if q is None:
                hint = did_you_mean(w.question, book.questions)
                raise _fail(
                    w,
                    f"unknown question {w.question!r}{hint}",
                    f"okänd fråga {w.question!r}{did_you_mean(w.question, book.questions, 'sv')}",
                )
            if q.type not in ("date", "bool"):
                raise _fail(
                    w,
                    f"question {w.question!r} is a {q.type}; a watch needs a date question "
                    f"(the deadline) or a bool question with an `on > ...` condition",
                    f"frågan {w.question!r} är av typen {q.type}; en bevakning behöver en fråga "
                    f"av typen date (tidsfristen) eller en fråga av typen bool med ett villkor "
                    f"`on > ...`",
                )
            if q.type == "bool" and w.kind != "deadline":
                raise _fail(
                    w,
                    f"`kind = {w.kind!r}` is for date questions",
                    f"`kind = {w.kind!r}` gäller bara frågor av typen date",
                )
            if w.list == "ivo" and q.type != "bool":
                raise _fail(
                    w,
                    'a list = "ivo" watch needs a bool question (reportable or not)',
                    'en bevakning med list = "ivo" behöver en fråga av typen bool '
                    "(rapporteringspliktigt eller inte)",
                )
            for fact in (*w.facts, *(f for _, f in w.events)):
                decl = book.facts.get(fact)
                if decl is None or decl.type != "date":
                    what = "unknown fact" if decl is None else f"fact of type {decl.type}"
                    what_sv = (
                        f"okänd uppgift {fact!r}{did_you_mean(fact, book.facts, 'sv')}"
                        if decl is None
                        else f"uppgiften {fact!r} är av typen {decl.type}"
                    )
                    raise _fail(
                        w,
                        f"{what} {fact!r}{did_you_mean(fact, book.facts)}; name date facts",
                        f"{what_sv}; ange uppgifter av typen date",
                    )
            if w.favourable is not None:
                decl = book.facts.get(w.favourable)
                if decl is None or decl.type != "bool":
                    raise _fail(
                        w,
                        f"`favourable` must name a bool fact, got {w.favourable!r}",
                        f"`favourable` ska ange en uppgift av typen bool, men anger "
                        f"{w.favourable!r}",
                    )
            if w.reported_when_closed is not None:
                rq = book.questions.get(w.reported_when_closed)
                if rq is None or rq.type != "bool" or w.list != "ivo":
                    raise _fail(
                        w,
                        '`reported_when_closed` names a bool question of a list = "ivo" watch',
                        "`reported_when_closed` ska ange en fråga av typen bool, och bara i en "
                        'bevakning med list = "ivo"',
                    )
            for kind, fact in (*w.events, *((f, f) for f in w.facts)):
                other = event_fact.get(kind)
                if other is not None and other[0] != fact:
                    raise _fail(
                        w,
                        f"event {kind!r} would set {fact!r}, but watch {other[1].name!r} "
                        f"({other[1].where}) makes it set {other[0]!r}",
                        f"händelsen {kind!r} skulle sätta {fact!r}, men bevakningen "
                        f"{other[1].name!r} ({other[1].where}) låter den sätta {other[0]!r}",
                    )
                event_fact[kind] = (fact, w)
            expr = None
            if w.when is not None and w.when_node is not None:
                try:
                    expr = compile_expr(w.when, w.when_node, book.scope)
                except ExpressionError as exc:
                    raise _fail(w, f"in `when`: {exc}", f"i `when`: {exc.message('sv')}") from None
                if expr.type != "bool":
                    raise _fail(
                        w,
                        f"`when` gives a {expr.type}, not a bool",
                        f"`when` ger ett värde av typen {expr.type}, inte bool",
                    )
            threshold = q.type == "bool"
            out.append(attrs.evolve(w, when_expr=expr, threshold=threshold))
    return tuple(out)


def watches_for(book: Rulebook, chain: tuple[str, ...]) -> tuple[WatchDecl, ...]:
    """The watches of a jurisdiction (its *chain*, outermost first): inner ones replace."""
    by_name: dict[str, WatchDecl] = {}
    for j in chain:
        for w in getattr(book, "watches", ()):
            if w.jurisdiction == j:
                by_name[w.name] = w
    return tuple(by_name.values())
