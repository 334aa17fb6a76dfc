"""Where a check's CPU time goes, one stage at a time, in one process.

    python benchmarks/check_stages.py DIR [--analyzer NAME] [--rounds N]

Checks every ``*.txt`` file under DIR in batches as a worker process does, and prints the CPU
seconds (user and system, this process) of each stage: the analyzer, the steps after it, source
resolution, the checkers, building each report's rows, pickling them there and back (what
travels from a worker to the writing process), then writing them all into a fresh database in
batches of 32 and writing them again over themselves (a re-check of changed articles). With
``--rounds N`` the whole is run N times and each figure is the median.

CPU time, not wall time: on a shared machine it is what two versions of the code can be compared
by, in turns. To compare with older code, run this file with the older checkout first on
``PYTHONPATH`` (a directory holding ``sayso`` as a link to its ``core`` and ``sayso/plugins``
to its ``plugins``); a stage the older code does not have is left out.
"""

from __future__ import annotations

import argparse
import gc
import pickle
import statistics
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sayso.model import Article
from sayso.pipeline import engine
from sayso.pipeline.engine import Checking, check_articles
from sayso.storage import store

# The steps engine._check_batch runs on each analysis, by the names it calls them.
STEPS = ("complete_attributions", "enrich", "resolve_sources", "carry_over_runs", "run_checkers")
WRITE_BATCH = 32


def timed(cpu: dict[str, float], name: str, function: Callable[..., Any]) -> Callable[..., Any]:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        started = time.process_time()
        try:
            return function(*args, **kwargs)
        finally:
            cpu[name] += time.process_time() - started

    return wrapper


def one_round(articles: list[Article], analyzer: str) -> dict[str, float]:
    cpu: dict[str, float] = defaultdict(float)
    originals = {name: getattr(engine, name) for name in STEPS if hasattr(engine, name)}
    analyze = Checking.analyze
    for name, function in originals.items():
        setattr(engine, name, timed(cpu, name, function))
    Checking.analyze = timed(cpu, "analyze", analyze)  # type: ignore[method-assign]
    try:
        checking = Checking.prepare(analyzer)
        tables = []
        started = time.process_time()
        for report in check_articles(articles, checking):
            assert not isinstance(report, engine.Abandoned), report
            at = time.process_time()
            rows = store.report_tables(report, None, "fingerprint")
            cpu["rows"] += time.process_time() - at
            at = time.process_time()
            sent = pickle.dumps(rows, protocol=pickle.HIGHEST_PROTOCOL)
            tables.append(pickle.loads(sent))
            cpu["pickling"] += time.process_time() - at
        checked = time.process_time() - started
    finally:
        for name, function in originals.items():
            setattr(engine, name, function)
        Checking.analyze = analyze  # type: ignore[method-assign]
    cpu["rest of checking"] = checked - sum(cpu.values())
    cpu["checking"] = checked
    with tempfile.TemporaryDirectory() as scratch:
        conn = store.connect(Path(scratch) / "stages.db")
        try:
            for label in ("writing", "writing again"):
                started = time.process_time()
                for first in range(0, len(tables), WRITE_BATCH):
                    store.save_batch(conn, tables[first : first + WRITE_BATCH], 1)
                cpu[label] = time.process_time() - started
        finally:
            conn.close()
    return cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("directory", type=Path)
    parser.add_argument("--analyzer", default="auto")
    parser.add_argument("--rounds", type=int, default=1)
    args = parser.parse_args()
    files = sorted(args.directory.rglob("*.txt"))
    articles = [Article(text=f.read_text(encoding="utf-8"), path=str(f)) for f in files]
    # As a check run's processes do (sayso.pipeline.workers.CHECKING_GC_THRESHOLDS), and the
    # same whichever code is measured.
    gc.freeze()
    gc.set_threshold(100_000, 50, 50)
    rounds = [one_round(articles, args.analyzer) for _ in range(args.rounds)]
    words = sum(len(article.text.split()) for article in articles)
    print(f"{len(articles):,} articles, {words:,} words; CPU seconds, median of {len(rounds)}")
    for stage in rounds[0]:
        figures = [round_[stage] for round_ in rounds]
        print(f"  {stage:<22} {statistics.median(figures):7.2f}")


if __name__ == "__main__":
    main()
