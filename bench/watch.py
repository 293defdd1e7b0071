"""Benchmark the watch engine: events per second and alert latency, both paths, by size.

Run:  python bench/watch.py [--cases 1000 3000 10000]     (writes bench/watch_results.json)

Measured in one run on the same synthetic caseload (``lss_sol_rules.testing.caseloads``) at
each size, so the growth curve shows, not one point:

* events per second: applying the event stream to a ``Caseload`` (checks and history) and
  posting it to a ``DurableWatch`` (the same, planning deferred to the next tick);
* alert latency: the first ``tick`` (plans every case's deadlines through the engine's
  evaluation, then durable-rules checks them), a second tick the same month (checks only),
  and the pure path (``watchlist``) on the same date;
* as of a past date from the full log (``--on`` a year earlier), both paths;
* ``DurableWatch`` instances created and closed per second (the pooled sessions);
* the lists must be identical on both paths (the script stops if not).

Figures are reported with ratios (durable / pure) so they carry across machines.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from datetime import date
from pathlib import Path
from typing import Any

import lss_sol_rules as lsr
from lss_sol_rules.testing.caseloads import synthetic_events
from lss_sol_rules.watch import Caseload, DurableWatch, watchlist

HERE = Path(__file__).resolve().parent
ON = date(2026, 12, 31)
PAST = date(2025, 12, 15)
JURISDICTION = "se/stockholm"


def _timed(fn: Any) -> tuple[Any, float]:
    t0 = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t0


def one_size(engine: lsr.Engine, n: int) -> dict[str, Any]:
    events = [e for e in synthetic_events(n) if e.on <= ON]
    cl = Caseload(engine)
    _, fold = _timed(lambda: cl.apply_all(events))
    dw = DurableWatch(engine, JURISDICTION)
    _, post = _timed(lambda: dw.post_all(events))
    pure, pure_s = _timed(lambda: watchlist(engine, cl, ON, JURISDICTION))
    durable, tick_s = _timed(lambda: dw.tick(ON))
    if [a.key for a in pure] != [a.key for a in durable]:
        raise SystemExit("the two paths disagree: this is a bug")
    _, retick_s = _timed(lambda: dw.tick(ON))
    past_pure, past_pure_s = _timed(lambda: watchlist(engine, cl, PAST, JURISDICTION))
    past_durable, past_tick_s = _timed(lambda: dw.tick(PAST))
    if [a.key for a in past_pure] != [a.key for a in past_durable]:
        raise SystemExit("the two paths disagree as of a past date: this is a bug")
    dw.close()
    return {
        "cases": len(cl),
        "events": len(events),
        "alerts": len(pure),
        "caseload_events_per_second": len(events) / fold,
        "durable_events_per_second": len(events) / post,
        "durable_first_tick_seconds": tick_s,
        "durable_retick_seconds": retick_s,
        "pure_watchlist_seconds": pure_s,
        "durable_first_tick_us_per_case": tick_s / len(cl) * 1e6,
        "durable_retick_us_per_case": retick_s / len(cl) * 1e6,
        "pure_watchlist_us_per_case": pure_s / len(cl) * 1e6,
        "ratio_first_tick_durable_vs_pure": tick_s / pure_s,
        "ratio_retick_durable_vs_pure": retick_s / pure_s,
        "past_date_pure_seconds": past_pure_s,
        "past_date_durable_seconds": past_tick_s,
    }


def sessions(engine: lsr.Engine, n: int = 10_000) -> float:
    """Instances created and closed per second (each one's session reused by the next)."""
    t0 = time.perf_counter()
    for _ in range(n):
        DurableWatch(engine, JURISDICTION).close()
    return n / (time.perf_counter() - t0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, nargs="+", default=[1_000, 3_000, 10_000])
    parser.add_argument("--out", default=str(HERE / "watch_results.json"))
    args = parser.parse_args()
    engine = lsr.load()
    results = {
        "machine": {
            "python": platform.python_version(),
            "platform": platform.platform(),
            "cores": os.cpu_count(),
        },
        "sizes": [one_size(engine, n) for n in args.cases],
        "durable_instances_created_and_closed_per_second": sessions(engine),
    }
    Path(args.out).write_text(json.dumps(results, indent=2), encoding="utf-8")
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
