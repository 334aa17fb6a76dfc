"""Plain `sayso check` and `sayso check --dask` on one corpus, in turns, results compared.

    python benchmarks/dask_check.py CORPUS_DIR [--copies 10] [--workers 2] [--rounds 1] [--work DIR]

With ``--copies N``, the corpus checked is CORPUS_DIR's articles N times over, copies with
changed names (built as ``benchmarks/link_scale.py`` builds its corpora: PolNeAR train ×10 is
8,400 files). Each round runs, as whole processes into fresh databases, `sayso check CORPUS
--quiet --no-link --workers N` and `sayso check CORPUS --quiet --no-link --dask --workers N` (a
local cluster of N processes, start-up and merge included), and prints the wall time, the CPU
time of each process tree, the load average before each and the ratio. Then the two databases
are compared table by table, the times of runs and checks, run numbers, plugin-error numbers and
plugin timings aside: the merged database must be the plain one row for row. The medians of
the rounds come last.
"""

from __future__ import annotations

import argparse
import ctypes
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from dump_tables import table_rows  # beside this script
from link_scale import build_corpus

# prctl's option making this process the reaper of its orphaned descendants (Linux).
PR_SET_CHILD_SUBREAPER = 36


def adopt_orphans() -> None:
    """Make this process the parent of its descendants whose parent exits before them.

    A local cluster's workers are forked by a fork server, which outlives the command and is
    waited for by no one: adopted and waited for here, its CPU and its workers' count in.
    """
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0:
        raise SystemExit(f"prctl(PR_SET_CHILD_SUBREAPER): {os.strerror(ctypes.get_errno())}")


def timed(command: list[str]) -> tuple[float, float]:
    """Wall and CPU seconds of ``command`` and every process it started (once all have ended)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    seconds = time.perf_counter() - started
    # Its orphans, adopted (see adopt_orphans): they end once it has.
    while True:
        try:
            os.wait()
        except ChildProcessError:
            break
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    return seconds, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--copies", type=int, default=1, help="check the corpus N times over")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--work", type=Path, default=Path("/tmp/sayso-dask-check"))
    args = parser.parse_args()
    adopt_orphans()
    shutil.rmtree(args.work, ignore_errors=True)
    args.work.mkdir(parents=True)
    corpus = args.corpus
    if args.copies > 1:
        corpus = args.work / "corpus"
        build_corpus(args.corpus, args.copies * len(list(args.corpus.glob("*.txt"))), corpus)
    base = [sys.executable, "-m", "sayso", "check", str(corpus), "--quiet", "--no-link"]
    base += ["--workers", str(args.workers)]
    ratios, walls, cpus = [], {"plain": [], "dask": []}, {"plain": [], "dask": []}
    for number in range(args.rounds):
        plain, dask = args.work / f"plain-{number}.db", args.work / f"dask-{number}.db"
        line = f"round {number + 1}:"
        for name, command in (
            ("plain", [*base, "--db", str(plain)]),
            ("dask", [*base, "--db", str(dask), "--dask"]),
        ):
            load = os.getloadavg()[0]
            seconds, cpu = timed(command)
            walls[name].append(seconds)
            cpus[name].append(cpu)
            line += f" {name} {seconds:.1f} s ({cpu:.1f} s CPU, load {load:.1f}),"
        ratios.append(walls["dask"][-1] / walls["plain"][-1])
        print(f"{line} {ratios[-1]:.2f}x", flush=True)
        same = list(table_rows(plain, across_runs=True)) == list(table_rows(dask, across_runs=True))
        print(f"  merged database equal to the plain one row for row: {same}", flush=True)
    for name in ("plain", "dask"):
        print(
            f"median {name}: {statistics.median(walls[name]):.1f} s, "
            f"{statistics.median(cpus[name]):.1f} s CPU"
        )
    print(f"median dask/plain wall time: {statistics.median(ratios):.2f}x")


if __name__ == "__main__":
    main()
