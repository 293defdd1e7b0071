"""How throughput grows with Dask workers: the batch path on a LocalCluster.

Run:  python bench/scale.py [--cases 2000000] [--workers 1 2]

Each worker is a process with one thread; the caseload is a Parquet dataset of partitions
of 250,000 cases (a case id and the hours) that the workers read themselves, answers (with
the ids) written back by the workers; the question is the 20-hour line alone
(``bench.troskel`` of bench/peers.py). Reports cases per second per worker count, the
speed-up against one worker, and each worker's rate against the same work in one process
without Dask (read the Parquet files, evaluate, write the answers) — all in the same run.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import dask
import dask.dataframe as dd
import numpy as np
import pandas as pd
import pyarrow.parquet as pq
from distributed import Client, LocalCluster

sys.path.insert(0, str(Path(__file__).parent))  # bench/peers.py: the question
from peers import THRESHOLD, THRESHOLD_RULES

import lss_sol_rules as lsr
from lss_sol_rules.scale import EngineSpec, evaluate_dask

QUESTION = THRESHOLD
ON = date(2026, 1, 1)


def in_process(source: str, spec: EngineSpec) -> float:
    """Seconds for the same work in this process: read, evaluate, write, no Dask."""
    engine = lsr.load(list(spec.paths), plugins=spec.plugins)
    target = tempfile.mkdtemp()
    t0 = time.perf_counter()
    for k, part in enumerate(sorted(Path(source).glob("*.parquet"))):
        table = pq.read_table(part)
        aside = [c for c in table.column_names if c.startswith("__")]  # Dask's own index
        result = engine.evaluate_many(QUESTION, table, on=ON, id="case_id", ignore_columns=aside)
        pq.write_table(result.to_arrow(), Path(target) / f"part.{k}.parquet")
    return time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=2_000_000)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--out", default=str(Path(__file__).parent / "scale_results.json"))
    args = parser.parse_args()
    load = os.getloadavg()
    rng = np.random.default_rng(1)
    hours = rng.integers(0, 600, args.cases) / 10
    frame = pd.DataFrame(
        {
            "case_id": np.arange(args.cases, dtype=np.int64),
            "grundlaggande_behov_timmar_per_vecka": hours,
        }
    )
    rules = Path(tempfile.mkdtemp()) / "troskel.toml"
    rules.write_text(THRESHOLD_RULES, encoding="utf-8")
    spec = EngineSpec(paths=[rules])
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
            warm = evaluate_dask(ddf.partitions[0], QUESTION, on=ON, spec=spec, id="case_id")
            warm.compute()
            target = tempfile.mkdtemp()
            t0 = time.perf_counter()
            # Answers written by the workers, as a national run would: no trip to the client.
            evaluate_dask(ddf, QUESTION, on=ON, spec=spec, id="case_id").to_parquet(target)
            seconds = time.perf_counter() - t0
            # Dask's own floor on the same cluster: read the caseload and write it back.
            copy = tempfile.mkdtemp()
            t0 = time.perf_counter()
            ddf.to_parquet(copy)
            io_seconds = time.perf_counter() - t0
        if len(dd.read_parquet(target)) != args.cases:
            raise SystemExit("the answers do not cover the caseload: this is a bug")
        results[n] = {
            "seconds": seconds,
            "cases_per_second": args.cases / seconds,
            "dask_read_write_only_seconds": io_seconds,
        }
    alone = min(in_process(tmp, spec) for _ in range(3))
    alone_rate = args.cases / alone
    base = results[args.workers[0]]["cases_per_second"]
    for n, r in results.items():
        r["speedup"] = r["cases_per_second"] / base
        r["per_worker_vs_in_process"] = r["cases_per_second"] / n / alone_rate
    out = {
        "cases": args.cases,
        "question": QUESTION,
        "in_process": {"seconds": alone, "cases_per_second": alone_rate},
        "workers": results,
        "load_average_at_start": load,
    }
    Path(args.out).write_text(json.dumps(out, indent=2), encoding="utf-8")
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
