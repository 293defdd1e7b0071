"""Synthetic caseloads: reproducible event streams for load tests and benchmarks.

:func:`synthetic_events` gives, for *n* cases, the events a municipality's case system
would send — applications, decisions (some refused, some time-limited), orders, plans,
carried out or not, follow-ups, individuell plan offers, ended cases — spread over a
period, in date order per case. The same *seed* always gives the same stream.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from ..watch.events import Event

__all__ = ["synthetic_events"]

_INSATSER = (
    ("ledsagarservice", "LSS"),
    ("kontaktperson", "LSS"),
    ("boende_barn", "LSS"),
    ("bostad_vuxna", "LSS"),
    ("daglig_verksamhet", "LSS"),
    ("hemtjanst", "SoL"),
    ("boendestod", "SoL"),
    ("korttidsvard", "SoL"),
)


def synthetic_events(
    n: int, start: date = date(2025, 1, 1), days: int = 540, seed: int = 2026
) -> list[Event]:
    """Events for *n* cases applied for between *start* and *start* + *days*, by date.

    ``individuell_plan_erbjuden`` events set a Stockholm plugin fact: replay the stream into
    an engine with the Stockholm plugin (or drop those events for national law only).
    """
    rng = random.Random(seed)  # noqa: S311 - reproducible test data, not secrets
    out: list[Event] = []
    for i in range(n):
        cid = f"case-{i:06d}"
        applied = start + timedelta(days=rng.randrange(days))
        insats, lag = rng.choice(_INSATSER)
        decided = applied + timedelta(days=rng.randrange(5, 90))
        out.append(Event(cid, "ansokan", applied))
        data: dict[str, object] = {"insats": insats, "lag": lag}
        if rng.random() < 0.1:
            data["utfall"] = "avslag"
        if rng.random() < 0.3:
            data["tidsbegransat_till"] = decided + timedelta(days=rng.randrange(90, 720))
        out.append(Event(cid, "beslut", decided, data))
        if data.get("utfall") == "avslag":
            continue
        when = decided
        if rng.random() < 0.85:
            when += timedelta(days=rng.randrange(0, 10))
            out.append(Event(cid, "bestallning", when))
            if rng.random() < 0.7:
                when += timedelta(days=rng.randrange(3, 30))
                out.append(Event(cid, "genomforandeplan", when))
        if rng.random() < 0.8:
            when += timedelta(days=rng.randrange(0, 150))
            out.append(Event(cid, "verkstallt", when))
        if lag == "LSS" and rng.random() < 0.5:
            when += timedelta(days=rng.randrange(0, 60))
            out.append(Event(cid, "individuell_plan_erbjuden", when))
        for _ in range(rng.randrange(0, 3)):
            when += timedelta(days=rng.randrange(100, 400))
            out.append(Event(cid, "uppfoljning", when))
        if rng.random() < 0.1:
            when += timedelta(days=rng.randrange(1, 200))
            out.append(Event(cid, "avslutat", when))
    out.sort(key=lambda e: (e.on, e.case_id))
    return out
