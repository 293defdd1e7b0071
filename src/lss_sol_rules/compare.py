"""Compare a caseload's answers under two settings and say why they change.

:func:`diff` evaluates the same cases under an old and a new :class:`Setting` (an engine,
a date, a jurisdiction) and reports the cases whose answer changes, grouped by old → new
value *and* by the rules and parameters whose use differs between the two decisions — with
counts, the cases' rows and ids, and one example explanation per group. Date-valued
questions are summarised by how far the dates move (min / median / max days), not listed
pair by pair.

It refuses what cannot be a comparison (:class:`DiffError`): two identical settings, or new
rules (a proposal file) that do not apply in the jurisdiction compared — the silent
"0 cases change" that would otherwise follow.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

import attrs

from .batch import BatchResult, _as_list, _key, _prepare, evaluate_many
from .engine import Engine
from .errors import Hint, LssSolRulesError
from .model import Decision
from .values import Value, format_number

__all__ = ["Change", "DateShift", "DiffError", "DiffReport", "Difference", "Setting", "diff"]


class DiffError(LssSolRulesError, ValueError):
    """Two settings that cannot be compared as asked; the message says what to pass."""


@attrs.frozen
class Setting:
    """Where and when a caseload is evaluated: an engine, a date, a jurisdiction."""

    engine: Engine
    on: date | None = None
    jurisdiction: str = "se"


@attrs.frozen
class Difference:
    """One way the two decisions of a case were reached differently.

    ``kind`` is ``"rule"`` (``old``/``new``: whether the rule fired on each side) or
    ``"parameter"`` (``old``/``new``: the value read on each side, ``None`` if not read).
    """

    kind: str
    name: str
    old: Any
    new: Any

    def render(self, lang: str = "sv") -> str:
        """``regel a.b: tillämpas inte längre`` / ``parameter x: 99 → 120``."""
        sv = lang == "sv"
        if self.kind == "rule":
            if self.new:
                return f"regel {self.name} tillämpas" if sv else f"rule {self.name} now applies"
            return (
                f"regel {self.name} tillämpas inte längre"
                if sv
                else f"rule {self.name} no longer applies"
            )
        none = "–"
        old = none if self.old is None else _number_text(_show(self.old), lang)
        new = none if self.new is None else _number_text(_show(self.new), lang)
        return f"parameter {self.name}: {old} → {new}"

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        old, new = _json(self.old), _json(self.new)
        return {"kind": self.kind, "name": self.name, "old": old, "new": new}


@attrs.frozen
class DateShift:
    """How far date answers moved: how many, how many later / earlier, and by how many days."""

    moved: int
    later: int
    earlier: int
    min_days: int
    median_days: float
    max_days: int

    @classmethod
    def of(cls, days: Sequence[int]) -> DateShift | None:
        """The summary of shifts in days (``None`` when there are none)."""
        if not days:
            return None
        return cls(
            len(days),
            sum(1 for d in days if d > 0),
            sum(1 for d in days if d < 0),
            min(days),
            statistics.median(days),
            max(days),
        )

    def render(self, lang: str = "sv") -> str:
        """One line: how many move, how far."""
        med = f"{self.median_days:g}"
        if lang == "sv":
            return (
                f"{self.moved} datum flyttas ({self.later} senare, {self.earlier} tidigare): "
                f"min {self.min_days}, median {med}, max {self.max_days} dagar"
            )
        return (
            f"{self.moved} dates move ({self.later} later, {self.earlier} earlier): "
            f"min {self.min_days}, median {med}, max {self.max_days} days"
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return attrs.asdict(self)


@attrs.frozen
class Change:
    """Cases whose answer moved from ``old`` to ``new`` for the same reasons (``because``).

    For a date-valued question, decided dates on both sides are grouped as ``date → date``
    and ``shift`` says how far they moved. ``rows`` are 0-based row indexes; ``example_*``
    the decisions of the group's first case (``None`` on a side that refused it, whose
    message is then in ``example_error_*``).
    """

    old: str
    new: str
    rows: tuple[int, ...]
    example_old: Decision | None
    example_new: Decision | None
    because: tuple[Difference, ...] = ()
    shift: DateShift | None = None
    example_ids: tuple[tuple[str, Any], ...] = ()
    example_error_old: str | None = None
    example_error_new: str | None = None

    @property
    def count(self) -> int:
        """How many cases moved."""
        return len(self.rows)

    def to_dict(self) -> dict[str, Any]:
        """JSON form (the example decisions in full)."""
        return {
            "old": self.old,
            "new": self.new,
            "count": self.count,
            "rows": [r + 1 for r in self.rows],
            "because": [d.to_dict() for d in self.because],
            "shift": None if self.shift is None else self.shift.to_dict(),
            "example": {
                "row": self.rows[0] + 1,
                "ids": {k: _json(v) for k, v in self.example_ids},
                "old": None if self.example_old is None else self.example_old.to_dict(),
                "new": None if self.example_new is None else self.example_new.to_dict(),
                "error_old": self.example_error_old,
                "error_new": self.example_error_new,
            },
        }


@attrs.frozen
class DiffReport:
    """The cases that change answer between two settings, grouped by old → new and why."""

    question: str
    total: int
    changes: tuple[Change, ...]
    old: tuple[str, str] = ("", "")  # (date, jurisdiction) of each side, for the report
    new: tuple[str, str] = ("", "")
    shift: DateShift | None = None
    errors_old: int = 0
    errors_new: int = 0
    ids: Mapping[str, Sequence[Any]] = attrs.field(factory=dict, eq=False, repr=False)
    _before: BatchResult | None = attrs.field(default=None, eq=False, repr=False)
    _after: BatchResult | None = attrs.field(default=None, eq=False, repr=False)

    @property
    def changed(self) -> int:
        """How many cases changed answer."""
        return sum(c.count for c in self.changes)

    def render(self, lang: str = "sv", examples: bool = True) -> str:
        """A readable summary: each group with its count, why, and one example explanation."""
        sv = lang == "sv"
        head = (
            f"{self.changed} av {self.total} ärenden får ett annat svar på {self.question}"
            if sv
            else f"{self.changed} of {self.total} cases get another answer to {self.question}"
        )
        if self.old[0] or self.old[1]:
            head += (
                f" ({self.old[0]} i {self.old[1]} → {self.new[0]} i {self.new[1]})"
                if sv
                else f" ({self.old[0]} in {self.old[1]} → {self.new[0]} in {self.new[1]})"
            )
        lines = [head]
        if self.shift is not None:
            lines.append("  " + self.shift.render(lang))
        word = {"date": "datum", "undetermined": "kan inte avgöras", "error": "fel"}
        for c in self.changes:
            old, new = (word.get(c.old, c.old), word.get(c.new, c.new)) if sv else (c.old, c.new)
            lines.append(f"  {_number_text(old, lang)} → {_number_text(new, lang)}: {c.count}")
            if c.shift is not None and len(self.changes) > 1:
                lines.append("    " + c.shift.render(lang))
            for d in c.because:
                lines.append(("    eftersom " if sv else "    because ") + d.render(lang))
            if examples:
                ex = _example_text(c, lang)
                if ex:
                    lines.append(ex)
        for side, count in (("före", self.errors_old), ("efter", self.errors_new)):
            if count:
                en = "before" if side == "före" else "after"
                lines.append(
                    f"  {count} {'ärende' if count == 1 else 'ärenden'} kunde inte besvaras {side}"
                    if sv
                    else f"  {count} {'case' if count == 1 else 'cases'} could not be answered {en}"
                )
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        """JSON form of the whole report."""
        return {
            "question": self.question,
            "total": self.total,
            "changed": self.changed,
            "old": {"on": self.old[0], "jurisdiction": self.old[1]},
            "new": {"on": self.new[0], "jurisdiction": self.new[1]},
            "shift": None if self.shift is None else self.shift.to_dict(),
            "errors_old": self.errors_old,
            "errors_new": self.errors_new,
            "changes": [c.to_dict() for c in self.changes],
        }

    def to_records(self) -> list[dict[str, Any]]:
        """One dict per changed case: its ids, row, old and new answers (as text), the
        group's number (1-based, in the order of :attr:`changes`), the shift in days for
        dates, and the reasons of its group."""
        texts = self._texts()
        ids = {k: _as_list(v) for k, v in self.ids.items()}
        out = []
        for g, c in enumerate(self.changes, start=1):
            because = "; ".join(d.render("en") for d in c.because)
            for r in c.rows:
                rec: dict[str, Any] = {k: v[r] for k, v in ids.items()}
                old, new = texts[0][r], texts[1][r]
                rec.update(
                    row=r + 1,
                    old=old,
                    new=new,
                    group=g,
                    shift_days=_shift(self._before, self._after, r),
                    because=because,
                )
                out.append(rec)
        out.sort(key=lambda rec: rec["row"])
        return out

    def _texts(self) -> tuple[list[str], list[str]]:
        def texts(res: BatchResult | None) -> list[str]:
            if res is None:
                return []
            return [
                t if s == "decided" else s
                for t, s in zip(res.value_texts(), res.statuses, strict=True)
            ]

        return texts(self._before), texts(self._after)

    def to_pandas(self) -> Any:
        """The changed cases as a pandas ``DataFrame`` (see :meth:`to_records`)."""
        import pandas as pd  # noqa: PLC0415 - optional extra

        cols = [*self.ids, "row", "old", "new", "group", "shift_days", "because"]
        return pd.DataFrame.from_records(self.to_records(), columns=cols)

    def to_arrow(self) -> Any:
        """The changed cases as a ``pyarrow.Table`` (see :meth:`to_records`)."""
        import pyarrow as pa  # noqa: PLC0415 - optional extra

        recs = self.to_records()
        cols = [*self.ids, "row", "old", "new", "group", "shift_days", "because"]
        return pa.table({c: [r[c] for r in recs] for c in cols})


def _shift(before: BatchResult | None, after: BatchResult | None, r: int) -> int | None:
    if before is None or after is None:
        return None
    a, b = before.values[r], after.values[r]
    if isinstance(a, date) and isinstance(b, date):
        return (b - a).days
    return None


def _example_text(c: Change, lang: str) -> str:
    sv = lang == "sv"
    where = ", ".join(f"{k}={v}" for k, v in c.example_ids)
    label = ("    exempel: rad " if sv else "    example: row ") + str(c.rows[0] + 1)
    if where:
        label += f" ({where})"
    parts = [label]
    if c.example_new is not None and c.example_new.reasons:
        parts.append("      " + c.example_new.reasons[0].text.get(lang))
    elif c.example_error_new:
        parts.append("      " + c.example_error_new)
    elif c.example_new is not None and c.example_new.missing:
        needs = "saknar" if sv else "needs"
        parts.append(f"      {needs}: {', '.join(c.example_new.missing)}")
    return "\n".join(parts)


_DECIMAL_TEXT = re.compile(r"-?[0-9]+(\.[0-9]+)?")


def _number_text(text: str, lang: str) -> str:
    """An answer's text as the report's reader writes it: a number with the language's
    decimal mark and grouping (``38,5`` in Swedish); anything else as it is."""
    if _DECIMAL_TEXT.fullmatch(text) and len(text) <= 40:
        return format_number(Decimal(text), lang)
    return text


def _show(value: Any) -> str:
    if isinstance(value, tuple):
        return "[" + ", ".join(str(v) for v in value) + "]"
    if isinstance(value, bool):
        return str(value).lower()
    return str(value)


def _json(value: Any) -> Any:
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, tuple):
        return [_json(v) for v in value]
    return str(value)


# -- the refusals ----------------------------------------------------------------------------
def _applies(rule_jurisdiction: str, jurisdiction: str) -> bool:
    return jurisdiction == rule_jurisdiction or jurisdiction.startswith(rule_jurisdiction + "/")


_ANOTHER_SETTING = Hint(
    python=(
        "give another date (against_on), jurisdiction (against_jurisdiction) or rules (against)",
        "ange ett annat datum (against_on), regelverk (against_jurisdiction) eller andra "
        "regler (against)",
    ),
    cli=(
        "give --against-on DATE, --against-jurisdiction NAME or --against-rules FILE",
        "ange --against-on DATUM, --against-jurisdiction NAMN eller --against-rules FIL",
    ),
    http=(
        "give another date (against_on), jurisdiction (against_jurisdiction) or rules (against)",
        "ange ett annat datum (against_on), regelverk (against_jurisdiction) eller andra "
        "regler (against)",
    ),
    plain=(
        "give another date (against_on / --against-on), jurisdiction (against_jurisdiction "
        "/ --against-jurisdiction) or rules (against / --against-rules)",
        "ange ett annat datum (against_on / --against-on), regelverk (against_jurisdiction "
        "/ --against-jurisdiction) eller andra regler (against / --against-rules)",
    ),
)


def check_settings(old: Setting, new: Setting, question: str) -> None:
    """Refuse settings that cannot be a comparison (see :class:`DiffError`)."""
    if (
        old.engine is new.engine
        and (old.on or date.today()) == (new.on or date.today())
        and old.jurisdiction == new.jurisdiction
    ):
        raise DiffError(
            "nothing to compare: the new setting is the old one",
            sv="inget att jämföra: den nya inställningen är densamma som den gamla",
            hint=_ANOTHER_SETTING,
        )
    if old.engine is new.engine:
        return
    known = {rf.path for rf, _ in old.engine.rulebook.files}
    added = [rf for rf, _ in new.engine.rulebook.files if rf.path not in known]
    outside = [rf for rf in added if not _applies(rf.jurisdiction, new.jurisdiction)]
    if outside:
        files = ", ".join(f"{rf.path} (jurisdiction {rf.jurisdiction!r})" for rf in outside)
        where = sorted({rf.jurisdiction for rf in outside})
        raise DiffError(
            f"the new rules do not apply in the jurisdiction compared, "
            f"{new.jurisdiction!r}: {files}",
            sv=f"de nya reglerna gäller inte i det regelverk som jämförs, "
            f"{new.jurisdiction!r}: {files}",
            hint=Hint(
                python=(
                    f"pass against_jurisdiction={where[0]!r} to compare under them",
                    f"ange against_jurisdiction={where[0]!r} för att jämföra med dem",
                ),
                cli=(
                    f"pass --against-jurisdiction {where[0]} to compare under them",
                    f"ange --against-jurisdiction {where[0]} för att jämföra med dem",
                ),
                http=(
                    f"pass against_jurisdiction={where[0]!r} to compare under them",
                    f"ange against_jurisdiction={where[0]!r} för att jämföra med dem",
                ),
                default="python",
            ),
        )
    if not added and old.on == new.on and old.jurisdiction == new.jurisdiction:
        raise DiffError(
            "nothing to compare: the new engine loads no rule file the old one does not",
            sv="inget att jämföra: den nya uppsättningen läser inte in någon regelfil som "
            "den gamla saknar",
            hint=Hint(
                python=(
                    "load the proposal's rule files into the engine passed as `against`",
                    "läs in förslagets regelfiler i den motor som ges som `against`",
                ),
                cli=(
                    "pass the proposal's rule files (--against-rules FILE)",
                    "ange förslagets regelfiler (--against-rules FIL)",
                ),
                http=(
                    "load the proposal's rule files into the engine passed as `against`",
                    "läs in förslagets regelfiler i den motor som ges som `against`",
                ),
                default="cli",
            ),
        )
    new.engine.view_for(question, new.jurisdiction)


# -- the comparison --------------------------------------------------------------------------
def _fired(d: Decision, out: set[str]) -> set[str]:
    out.update(r.rule_id for r in d.reasons)
    for s in d.supporting:
        _fired(s, out)
    return out


def _params(d: Decision, out: dict[str, Value]) -> dict[str, Value]:
    for p in d.parameters_used:
        out.setdefault(p.name, p.value)
    for s in d.supporting:
        _params(s, out)
    return out


def differences(old: Decision | None, new: Decision | None) -> tuple[Difference, ...]:
    """The rules that fire on one side only and the parameters read with other values."""
    if old is None or new is None:
        return ()
    fo, fn = _fired(old, set()), _fired(new, set())
    out = [Difference("rule", r, False, True) for r in sorted(fn - fo)]
    out += [Difference("rule", r, True, False) for r in sorted(fo - fn)]
    po, pn = _params(old, {}), _params(new, {})
    for name in sorted(set(po) | set(pn)):
        a, b = po.get(name), pn.get(name)
        differ = a is None or b is None or _key(a, "decided") != _key(b, "decided")
        if differ and (a is not None or b is not None):
            out.append(Difference("parameter", name, a, b))
    return tuple(out)


def _facts_key(facts: Mapping[str, Any]) -> Any:
    try:
        return tuple(sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in facts.items()))
    except TypeError:
        return None


def diff(
    question: str,
    cases: Any,
    old: Setting,
    new: Setting,
    *,
    id: str | Sequence[str] | None = None,
    ignore_columns: Sequence[str] = (),
    ignore_unknown_columns: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> DiffReport:
    """Evaluate *cases* under *old* and *new* and report every case whose answer changes.

    Bad cases count as ``error`` on the side that refuses them. *progress* is called with
    (done, total) steps: each side's evaluation, then the explanation of the changed cases.
    Raises :class:`DiffError` for settings that cannot be compared (see
    :func:`check_settings`); columns are checked as :func:`~lss_sol_rules.batch.evaluate_many`
    checks them.
    """
    old.engine.view_for(question, old.jurisdiction)
    check_settings(old, new, question)
    prep = _prepare(old.engine, cases, id, ignore_columns, ignore_unknown_columns)
    rows = cases if not isinstance(cases, Iterable) or _reusable(cases) else list(cases)
    n = prep.n
    ticks = [0]
    steps = 2 * n

    def step(k: int) -> None:
        if progress is not None:
            ticks[0] += k
            progress(min(ticks[0], steps), steps)

    opts: dict[str, Any] = {
        "id": id,
        "ignore_columns": ignore_columns,
        "ignore_unknown_columns": ignore_unknown_columns,
        "errors": "collect",
    }
    last = [0]

    def each(done: int) -> None:
        step(done - last[0])
        last[0] = done

    before = evaluate_many(
        old.engine, question, rows, on=old.on, jurisdiction=old.jurisdiction, progress=each, **opts
    )
    last[0] = 0
    after = evaluate_many(
        new.engine, question, rows, on=new.on, jurisdiction=new.jurisdiction, progress=each, **opts
    )
    qtype = old.engine.question(question).type
    a_keys, b_keys = _keys(before, qtype), _keys(after, qtype)
    changed = [i for i in range(n) if a_keys[i] != b_keys[i] or _date_moved(before, after, i)]
    steps += len(changed)
    groups: dict[tuple[str, str, tuple[Difference, ...]], list[int]] = {}
    cache: dict[Any, tuple[Difference, ...]] = {}
    examples: dict[tuple[str, str, tuple[Difference, ...]], tuple[Any, Any]] = {}
    for k, i in enumerate(changed):
        d_old = None if before.statuses[i] == "error" else before.decision(i)
        d_new = None if after.statuses[i] == "error" else after.decision(i)
        fk = _facts_key(before.facts(i))
        because = cache.get(fk) if fk is not None else None
        if because is None:
            because = differences(d_old, d_new)
            if fk is not None:
                cache[fk] = because
        key = (a_keys[i], b_keys[i], because)
        groups.setdefault(key, []).append(i)
        examples.setdefault(key, (d_old, d_new))
        if k % 1000 == 999:
            step(1000)
    step(len(changed) % 1000)
    id_lists = {k: _as_list(v) for k, v in before.ids.items()}
    changes = []
    for key, idx in sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0][:2])):
        first = idx[0]
        ex_old, ex_new = examples[key]
        changes.append(
            Change(
                key[0],
                key[1],
                tuple(idx),
                ex_old,
                ex_new,
                key[2],
                DateShift.of([d for i in idx if (d := _shift(before, after, i)) is not None]),
                tuple((k, v[first]) for k, v in id_lists.items()),
                before.errors[first],
                after.errors[first],
            )
        )
    shifts = [d for i in changed if (d := _shift(before, after, i)) is not None]
    return DiffReport(
        question,
        n,
        tuple(changes),
        (before.on.isoformat(), before.jurisdiction),
        (after.on.isoformat(), after.jurisdiction),
        DateShift.of(shifts) if qtype == "date" else None,
        sum(1 for s in before.statuses if s == "error"),
        sum(1 for s in after.statuses if s == "error"),
        before.ids,
        before,
        after,
    )


def _reusable(cases: Any) -> bool:
    return isinstance(cases, (list, tuple)) or type(cases).__module__.split(".", 1)[0] in (
        "pyarrow",
        "pandas",
        "polars",
        "lss_sol_rules",
    )


def _keys(result: BatchResult, qtype: str) -> list[str]:
    """Group keys per row: the value as text, ``date`` for a decided date, or the status."""
    out = []
    for v, s in zip(result.values, result.statuses, strict=True):
        if s == "decided" and qtype == "date":
            out.append("date")
        else:
            out.append(_key(v, s))
    return out


def _date_moved(before: BatchResult, after: BatchResult, i: int) -> bool:
    a, b = before.values[i], after.values[i]
    return isinstance(a, date) and isinstance(b, date) and a != b
