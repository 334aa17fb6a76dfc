"""Plain `sayso check` and `sayso check --dask` on one corpus, in turns, results compared.

    python benchmarks/dask_check.py CORPUS_DIR [--workers 2] [--rounds 1] [--work DIR]

Each round runs, as whole processes into fresh databases, `sayso check CORPUS --quiet --no-link
--workers N` and `sayso check CORPUS --quiet --no-link --dask --workers N` (a local cluster of N
processes, start-up and merge included), and prints the wall time, the CPU time of each process
tree and the ratio. Then the two databases are compared table by table, the times of runs and
checks, run numbers, plugin-error numbers and plugin timings aside: the merged database must be
the plain one row for row.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from dump_tables import table_rows  # beside this script


def timed(command: list[str]) -> tuple[float, float]:
    """Wall and CPU seconds (the process and its children) of ``command``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    return seconds, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--work", type=Path, default=Path("/tmp/sayso-dask-check"))
    args = parser.parse_args()
    shutil.rmtree(args.work, ignore_errors=True)
    args.work.mkdir(parents=True)
    base = [sys.executable, "-m", "sayso", "check", str(args.corpus), "--quiet", "--no-link"]
    base += ["--workers", str(args.workers)]
    ratios = []
    for number in range(args.rounds):
        plain, dask = args.work / f"plain-{number}.db", args.work / f"dask-{number}.db"
        plain_seconds, plain_cpu = timed([*base, "--db", str(plain)])
        dask_seconds, dask_cpu = timed([*base, "--db", str(dask), "--dask"])
        ratios.append(dask_seconds / plain_seconds)
        print(
            f"round {number + 1}: plain {plain_seconds:.1f} s ({plain_cpu:.1f} s CPU), "
            f"dask {dask_seconds:.1f} s ({dask_cpu:.1f} s CPU): {ratios[-1]:.2f}x",
            flush=True,
        )
        same = list(table_rows(plain, across_runs=True)) == list(table_rows(dask, across_runs=True))
        print(f"  merged database equal to the plain one row for row: {same}", flush=True)
    print(f"median dask/plain wall time: {statistics.median(ratios):.2f}x")


if __name__ == "__main__":
    main()
