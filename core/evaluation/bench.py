"""``sayso bench``: time ``sayso check`` on a directory, as whole processes, into a fresh database.

The first run checks every article; the second re-checks the unchanged directory, which should
skip every article by its content hash. Each run is a separate ``python -m sayso check``
process, so start-up, reading, analysis and SQLite writes are all counted. On a shared machine
one round says little: ``rounds`` repeats the pair, each into a fresh database, and the summary
gives the median and the extremes.

sayso's modules are compiled to bytecode first, as installing a package does: in a source
checkout where ``PYTHONDONTWRITEBYTECODE`` is set, each timed process would otherwise compile
them again (about 0.1 s, half a re-check).
"""

from __future__ import annotations

import compileall
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

FIRST = "first check"
AGAIN = "re-check (unchanged)"


@dataclass
class Timing:
    """One ``sayso check`` process: wall time, peak memory, what it stored."""

    label: str
    seconds: float
    cpu_seconds: float
    peak_rss_mb: float
    # Articles the run went through, and how many of them it checked rather than skipped.
    articles: int
    checked: int
    words: int

    @property
    def words_per_second(self) -> float:
        return self.words / self.seconds

    @property
    def articles_per_second(self) -> float:
        return self.articles / self.seconds


def run_benchmark(
    directory: Path,
    check_options: list[str],
    rounds: int = 1,
    on_timing: Callable[[Timing], None] | None = None,
) -> list[Timing]:
    """Check ``directory`` into a fresh database, then re-check it unchanged; ``rounds`` times.

    Returns the timings in the order run: first check, re-check, first check, …
    ``on_timing`` is called with each as it is measured (for progress).
    """
    compile_sayso()
    timings: list[Timing] = []
    for _ in range(rounds):
        with tempfile.TemporaryDirectory(prefix="sayso-bench-") as scratch:
            db = Path(scratch) / "bench.db"
            command = [sys.executable, "-m", "sayso", "check", str(directory), "--db", str(db)]
            command += ["--quiet", *check_options]
            for label in (FIRST, AGAIN):
                timings.append(_timed(label, command, db))
                if on_timing:
                    on_timing(timings[-1])
    return timings


def compile_sayso() -> None:
    """Write the bytecode of sayso's modules (where the directories are writable)."""
    import sayso.plugins

    for directory in {*sayso.__path__, *sayso.plugins.__path__}:
        compileall.compile_dir(directory, quiet=2)


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
        articles, checked, words = connection.execute(
            "SELECT articles + skipped, articles, (SELECT sum(words) FROM articles) "
            "FROM runs ORDER BY id DESC LIMIT 1"
        ).fetchone()
    return Timing(label, seconds, cpu_seconds, peak / 1024, articles, checked, words or 0)


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
    firsts, agains = timings[0::2], timings[1::2]
    shares = [again.seconds / first.seconds for first, again in zip(firsts, agains, strict=True)]
    if len(shares) == 1:
        lines += ["", f"re-check took {shares[0]:.1%} of the first check's time"]
    elif shares:
        speeds = sorted(t.words_per_second for t in firsts)
        seconds = statistics.median(t.seconds for t in firsts)
        lines += [
            "",
            f"{len(shares)} rounds: first check median {seconds:.2f} s "
            f"({statistics.median(speeds):,.0f} words/s), "
            f"slowest {speeds[0]:,.0f} words/s, fastest {speeds[-1]:,.0f} words/s",
            f"re-check median {statistics.median(shares):.1%} of its first check, "
            f"at most {max(shares):.1%}",
        ]
    return "\n".join(lines)
