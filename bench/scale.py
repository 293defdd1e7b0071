"""How throughput grows with Dask workers: the batch path on a LocalCluster.

Run:  python bench/scale.py [--cases 2000000] [--workers 1 2]

Each worker is a process with one thread; the caseload is a Parquet dataset of partitions
of 250,000 cases that the workers read themselves, answers written back by the workers; the
question is the 20-hour line. Reports cases per second per worker count, and the speed-up
against one worker, measured in the same run.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from datetime import date

import dask
import dask.dataframe as dd
import numpy as np
import pandas as pd
from distributed import Client, LocalCluster

from lss_sol_rules.scale import evaluate_dask

QUESTION = "personlig_assistans.huvudman"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=2_000_000)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    args = parser.parse_args()
    rng = np.random.default_rng(1)
    hours = rng.integers(0, 600, args.cases) / 10
    frame = pd.DataFrame({"grundlaggande_behov_timmar_per_vecka": hours})
    tmp = tempfile.mkdtemp()
    with dask.config.set({"dataframe.convert-string": False}):
        dd.from_pandas(frame, chunksize=250_000).to_parquet(tmp)  # workers read their parts
        ddf = dd.read_parquet(tmp)
    results = {}
    for n in args.workers:
        with (
            LocalCluster(
                n_workers=n, threads_per_worker=1, processes=True, dashboard_address=None
            ) as cluster,
            Client(cluster),
        ):
            evaluate_dask(ddf.partitions[0], QUESTION, on=date(2026, 1, 1)).compute()  # warm
            target = tempfile.mkdtemp()
            t0 = time.perf_counter()
            # Answers written by the workers, as a national run would: no trip to the client.
            evaluate_dask(ddf, QUESTION, on=date(2026, 1, 1)).to_parquet(target)
            seconds = time.perf_counter() - t0
        if len(dd.read_parquet(target)) != args.cases:
            raise SystemExit("the answers do not cover the caseload: this is a bug")
        results[n] = {"seconds": seconds, "cases_per_second": args.cases / seconds}
    base = results[args.workers[0]]["cases_per_second"]
    for r in results.values():
        r["speedup"] = r["cases_per_second"] / base
    print(json.dumps({"cases": args.cases, "workers": results}, indent=2))


if __name__ == "__main__":
    main()
