"""``sayso bench``: time ``sayso check`` on a directory, as whole processes, into a fresh database.

The first run checks every article; the second re-checks the unchanged directory, which should
skip every article by its content hash. Each run is a separate ``python -m sayso check``
process, so start-up, reading, analysis and SQLite writes are all counted.
"""

from __future__ import annotations

import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Timing:
    """One ``sayso check`` process: wall time, peak memory, what it stored."""

    label: str
    seconds: float
    cpu_seconds: float
    peak_rss_mb: float
    articles: int
    words: int

    @property
    def words_per_second(self) -> float:
        return self.words / self.seconds

    @property
    def articles_per_second(self) -> float:
        return self.articles / self.seconds


def run_benchmark(directory: Path, check_options: list[str]) -> list[Timing]:
    """Check ``directory`` into a fresh database, then re-check it unchanged."""
    with tempfile.TemporaryDirectory(prefix="sayso-bench-") as scratch:
        db = Path(scratch) / "bench.db"
        command = [sys.executable, "-m", "sayso", "check", str(directory), "--db", str(db)]
        command += ["--quiet", *check_options]
        first = _timed("first check", command, db)
        again = _timed("re-check (unchanged)", command, db)
    return [first, again]


def _timed(label: str, command: list[str], db: Path) -> Timing:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    finished = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    # User and system time of the process and its workers: on a shared machine the wall time
    # varies from run to run far more than the work done.
    cpu_seconds = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    if finished.returncode not in (0, 1):
        raise RuntimeError(f"sayso check exited {finished.returncode}: {finished.stderr.strip()}")
    # ru_maxrss (KiB on Linux) of the largest child so far: a later run shows only if larger.
    peak = max(before.ru_maxrss, after.ru_maxrss)
    with sqlite3.connect(db) as connection:
        # Articles the run went through, checked or skipped; in a fresh database these are all
        # the stored ones.
        articles, words = connection.execute(
            "SELECT articles + skipped, (SELECT sum(words) FROM articles) "
            "FROM runs ORDER BY id DESC LIMIT 1"
        ).fetchone()
    return Timing(label, seconds, cpu_seconds, peak / 1024, articles, words or 0)


def format_timings(directory: Path, timings: list[Timing]) -> str:
    """A table of the runs, and how the re-check compares with the first check."""
    lines = [f"sayso bench {directory}", ""]
    lines.append(
        f"{'run':<22} {'articles':>8} {'words':>9} {'seconds':>8} {'words/s':>9} "
        f"{'articles/s':>10} {'CPU s':>6} {'peak MB':>8}"
    )
    for t in timings:
        lines.append(
            f"{t.label:<22} {t.articles:>8,} {t.words:>9,} {t.seconds:>8.2f} "
            f"{t.words_per_second:>9,.0f} {t.articles_per_second:>10,.1f} {t.cpu_seconds:>6.2f} "
            f"{t.peak_rss_mb:>8.0f}"
        )
    if len(timings) == 2:
        share = timings[1].seconds / timings[0].seconds
        lines += ["", f"re-check took {share:.1%} of the first check's time"]
    return "\n".join(lines)
