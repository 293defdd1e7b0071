"""Watch deadlines over a caseload: events in, alerts, watch lists and IVO lists out.

- :class:`Event` and :class:`Caseload` — case events, checked as they arrive.
- :func:`watchlist` / :func:`ivo_report` — the monthly watch list and the quarterly list of
  decisions not carried out, computed from case state with the rulebook (pure Python).
- :class:`DurableWatch` — the same from the event stream on durable-rules (the ``durable``
  extra); imported on first use.
"""

from __future__ import annotations

from typing import Any

from .alerts import (
    WATCHES,
    Alert,
    IvoRow,
    WatchSpec,
    alerts_for,
    ivo_report,
    month_end,
    quarter_bounds,
    render_ivo,
    render_watchlist,
    watchlist,
)
from .events import EVENT_KINDS, Caseload, CaseState, Event

__all__ = [
    "EVENT_KINDS",
    "WATCHES",
    "Alert",
    "CaseState",
    "Caseload",
    "DurableWatch",
    "Event",
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


def __getattr__(name: str) -> Any:
    if name == "DurableWatch":
        from .durable_backend import DurableWatch  # noqa: PLC0415 - optional extra

        return DurableWatch
    raise AttributeError(name)
