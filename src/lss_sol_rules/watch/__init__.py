"""Watch deadlines over a caseload: events in, alerts, watch lists and IVO lists out.

Which deadlines are watched is declared by the rulebooks (``[watches.NAME]`` tables, see
:mod:`lss_sol_rules.watchdecl`); this package holds no rule vocabulary of its own.

- :class:`Event` and :class:`Caseload` — case events, checked as they arrive; the event
  kinds follow from the declared watches (:func:`event_kinds`).
- :func:`watchlist` / :func:`ivo_report` — the monthly watch list and the quarterly list of
  decisions to report to IVO, computed from case state with the rulebook (pure Python), as
  of any date.
- :class:`DurableWatch` — the same from the event stream on durable-rules (the ``durable``
  extra); imported on first use.
"""

from __future__ import annotations

from typing import Any

from ..watchdecl import WatchDecl
from .alerts import (
    Alert,
    IvoRow,
    alerts_for,
    ivo_report,
    month_end,
    quarter_bounds,
    render_ivo,
    render_watchlist,
    watches,
    watchlist,
)
from .events import Caseload, CaseState, Event, EventKind, event_kinds

__all__ = [
    "Alert",
    "CaseState",
    "Caseload",
    "DurableWatch",
    "Event",
    "EventKind",
    "IvoRow",
    "WatchCapacityError",
    "WatchClosedError",
    "WatchDecl",
    "alerts_for",
    "event_kinds",
    "ivo_report",
    "month_end",
    "quarter_bounds",
    "render_ivo",
    "render_watchlist",
    "watches",
    "watchlist",
]


_MOVED = {
    "WATCHES": "watches(engine, jurisdiction)",
    "WatchSpec": "WatchDecl",
    "EVENT_KINDS": "event_kinds(engine)",
}


def __getattr__(name: str) -> Any:
    if name in ("DurableWatch", "WatchCapacityError", "WatchClosedError"):
        from . import durable_backend  # noqa: PLC0415 - optional extra

        return getattr(durable_backend, name)
    if name in _MOVED:
        raise AttributeError(
            f"lss_sol_rules.watch.{name} is gone: the rulebooks declare their watches "
            f"([watches.NAME] in the rule files); use lss_sol_rules.watch.{_MOVED[name]}"
        )
    raise AttributeError(f"module 'lss_sol_rules.watch' has no attribute {name!r}")
