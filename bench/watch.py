"""Benchmark the watch engine: events per second and alert latency, both paths.

Run:  python bench/watch.py [--cases 10000]     (writes bench/watch_results.json)

Measured in one run on the same synthetic caseload (``lss_sol_rules.testing.caseloads``):

* events per second: applying the event stream to a ``Caseload`` (checks only) and posting
  it to a ``DurableWatch`` (checks plus recomputing the case's deadlines with the rules);
* alert latency: the time one ``tick`` takes to produce the whole monthly watch list, on
  durable-rules and from case state (``watchlist``), and per case;
* the two lists must be identical (the script stops if not).

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

import lss_sol_rules as lsr
from lss_sol_rules.testing.caseloads import synthetic_events
from lss_sol_rules.watch import Caseload, DurableWatch, watchlist

HERE = Path(__file__).resolve().parent
ON = date(2026, 12, 31)
JURISDICTION = "se/stockholm"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--out", default=str(HERE / "watch_results.json"))
    args = parser.parse_args()
    engine = lsr.load()
    events = [e for e in synthetic_events(args.cases) if e.on <= ON]

    t0 = time.perf_counter()
    cl = Caseload(engine)
    cl.apply_all(events)
    fold = time.perf_counter() - t0

    dw = DurableWatch(engine, JURISDICTION)
    t0 = time.perf_counter()
    dw.post_all(events)
    post = time.perf_counter() - t0

    t0 = time.perf_counter()
    pure = watchlist(engine, cl, ON, JURISDICTION)
    pure_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    durable = dw.tick(ON)
    tick_s = time.perf_counter() - t0
    if [a.key for a in pure] != [a.key for a in durable]:
        raise SystemExit("the two paths disagree: this is a bug")
    t0 = time.perf_counter()
    dw.tick(ON)
    retick_s = time.perf_counter() - t0

    results = {
        "machine": {
            "python": platform.python_version(),
            "platform": platform.platform(),
            "cores": os.cpu_count(),
        },
        "cases": len(cl),
        "events": len(events),
        "alerts": len(pure),
        "caseload_events_per_second": len(events) / fold,
        "durable_events_per_second": len(events) / post,
        "durable_tick_seconds": tick_s,
        "durable_retick_seconds": retick_s,
        "pure_watchlist_seconds": pure_s,
        "durable_tick_us_per_case": tick_s / len(cl) * 1e6,
        "pure_watchlist_us_per_case": pure_s / len(cl) * 1e6,
        "ratio_tick_durable_vs_pure": tick_s / pure_s,
    }
    Path(args.out).write_text(json.dumps(results, indent=2), encoding="utf-8")
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
