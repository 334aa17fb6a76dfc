"""How linking scales: extra CPU per article and peak memory of `sayso link` at several sizes.

    python benchmarks/link_scale.py CORPUS_DIR [--sizes 200 840 2000] [--work /tmp/sayso-link]

For each size N, the first N articles of CORPUS_DIR (PolNeAR train's text/ in the README's
figures) are checked into a fresh database with `--no-link`; where N is more than the corpus
holds, the articles are used again as copies whose names are changed (every capitalised word
of four letters or more inside a sentence gets a suffix), so a copy is a new article that tells
the same story about other people. Then `python -m sayso link --db …` runs as its own process,
timed as a whole: its CPU time (user + system) and its peak resident memory. "Extra CPU per
article" is that CPU time less the start-up of a `sayso link` over a two-article database,
divided by N.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

_NAME_INSIDE = re.compile(r"(?<=[a-z,] )([A-Z][a-z]{3,})")


def build_corpus(source: Path, size: int, target: Path) -> None:
    """``size`` articles from ``source`` in ``target``, copies with changed names past its end."""
    texts = sorted(source.glob("*.txt"))
    target.mkdir(parents=True)
    for number in range(size):
        original = texts[number % len(texts)]
        copy = number // len(texts)
        text = original.read_text(encoding="utf-8")
        if copy:
            suffix = "abcdefghij"[copy % 10] * (copy // 10 + 1)
            text = _NAME_INSIDE.sub(lambda match, s=suffix: match.group(1) + s, text)
        name = original.stem if not copy else f"{original.stem}-copy{copy}"
        (target / f"{name}.txt").write_text(text, encoding="utf-8")


def timed(command: list[str]) -> tuple[float, float, float]:
    """Run ``command``; its wall seconds, CPU seconds (user + system) and peak memory in MB."""
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        assert process.stderr is not None
        raise SystemExit(f"{' '.join(command)} failed: {process.stderr.read().decode()}")
    return seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def sayso(*arguments: str) -> list[str]:
    return [sys.executable, "-m", "sayso", *arguments]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", type=Path, help="directory of .txt articles")
    parser.add_argument("--sizes", type=int, nargs="+", default=[200, 840, 2000])
    parser.add_argument("--work", type=Path, default=Path("/tmp/sayso-link-scale"))
    args = parser.parse_args()
    shutil.rmtree(args.work, ignore_errors=True)
    start_up = args.work / "start-up"
    build_corpus(args.corpus, 2, start_up)
    subprocess.run(sayso("check", str(start_up), "--db", f"{start_up}.db", "-q"), check=True)
    start_up_cpu = min(timed(sayso("link", "--db", f"{start_up}.db"))[1] for _ in range(3))
    print(f"start-up of sayso link: {start_up_cpu:.2f} s CPU (the least of 3)")
    print(
        f"{'articles':>8} {'claims':>7} {'clusters':>8} {'seconds':>7} {'CPU s':>6} "
        f"{'extra CPU ms/article':>20} {'peak MB':>7}"
    )
    for size in args.sizes:
        corpus = args.work / f"corpus-{size}"
        db = args.work / f"linked-{size}.db"
        build_corpus(args.corpus, size, corpus)
        subprocess.run(
            sayso("check", str(corpus), "--db", str(db), "--no-link", "--quiet"),
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        seconds, cpu, peak = timed(sayso("link", "--db", str(db)))
        with sqlite3.connect(db) as connection:
            claims, clusters = connection.execute(
                "SELECT (SELECT count(*) FROM statements WHERE is_claim = 1), "
                "(SELECT count(*) FROM claim_clusters)"
            ).fetchone()
        extra = (cpu - start_up_cpu) / size * 1000
        print(
            f"{size:>8,} {claims:>7,} {clusters:>8,} {seconds:>7.2f} {cpu:>6.2f} "
            f"{extra:>20.2f} {peak:>7.0f}"
        )


if __name__ == "__main__":
    main()
