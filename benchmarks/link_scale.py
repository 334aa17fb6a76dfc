"""How linking scales: extra CPU per article and peak memory of `sayso link` at several sizes.

    python benchmarks/link_scale.py CORPUS_DIR [--sizes 200 840 2000] [--workers 1 2]
        [--add 100] [--work /tmp/sayso-link-scale]

For each size N, the first N articles of CORPUS_DIR (PolNeAR train's text/ in the figures of
docs/linking.md) are checked into a fresh database with `--no-link`; where N is more than the
corpus holds, the articles are used again as copies whose names are changed (every capitalised word
of four letters or more inside a sentence gets a suffix), so a copy is a new article that tells
the same story about other people. Then `python -m sayso link --db …` runs as its own process
on a copy of that database, once per `--workers` value, timed as a whole: its wall time, its
CPU time (user + system, worker processes included) and its peak resident memory (the largest
process). "Extra CPU per article" is that CPU time less the start-up of a `sayso link` over a
two-article database, divided by N. sayso's modules are compiled to bytecode first, as
`sayso bench` does.

Then `--add` more articles (the next ones, copies past the corpus's end) are checked into the
linked database with `--no-link`, and linking them is timed three times on copies of it:
incrementally (`sayso link`, which keeps the clusters, reads the stored articles' terms back and
works out the new articles' only), from scratch (`sayso link --full`, which reads the stored
terms back too), and from scratch without stored terms (the `article_terms` rows deleted first,
as a database's first link finds it).
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

from sayso.evaluation.bench import compile_sayso

_NAME_INSIDE = re.compile(r"(?<=[a-z,] )([A-Z][a-z]{3,})")


def build_corpus(source: Path, size: int, target: Path, start: int = 0) -> None:
    """Articles ``start`` to ``size`` of ``source`` in ``target``, copies with changed names
    past its end."""
    texts = sorted(source.glob("*.txt"))
    target.mkdir(parents=True)
    for number in range(start, size):
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
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--add", type=int, default=100, help="articles added after linking")
    parser.add_argument("--work", type=Path, default=Path("/tmp/sayso-link-scale"))
    args = parser.parse_args()
    # Uncompiled modules (a checkout under PYTHONDONTWRITEBYTECODE) would be compiled in every
    # timed process, some during the link itself, so two checkouts could not be compared.
    compile_sayso()
    shutil.rmtree(args.work, ignore_errors=True)
    start_up = args.work / "start-up"
    build_corpus(args.corpus, 2, start_up)
    subprocess.run(sayso("check", str(start_up), "--db", f"{start_up}.db", "-q"), check=True)
    start_up_cpu = min(timed(sayso("link", "--db", f"{start_up}.db"))[1] for _ in range(3))
    print(f"start-up of sayso link: {start_up_cpu:.2f} s CPU (the least of 3)")
    print(
        f"{'articles':>8} {'link':>16} {'claims':>7} {'clusters':>8} {'seconds':>7} "
        f"{'CPU s':>6} {'extra CPU ms/article':>20} {'peak MB':>7}"
    )

    def report(size: int, how: str, db: Path, command: list[str]) -> None:
        seconds, cpu, peak = timed(command)
        with sqlite3.connect(db) as connection:
            claims, clusters = connection.execute(
                "SELECT (SELECT count(*) FROM statements WHERE is_claim = 1), "
                "(SELECT count(*) FROM claim_clusters)"
            ).fetchone()
        extra = (cpu - start_up_cpu) / size * 1000
        print(
            f"{size:>8,} {how:>16} {claims:>7,} {clusters:>8,} {seconds:>7.2f} {cpu:>6.2f} "
            f"{extra:>20.2f} {peak:>7.0f}"
        )

    for size in args.sizes:
        corpus = args.work / f"corpus-{size}"
        checked = args.work / f"checked-{size}.db"
        build_corpus(args.corpus, size, corpus)
        check_quietly(corpus, checked)
        for workers in args.workers:
            db = args.work / f"linked-{size}-{workers}.db"
            shutil.copy(checked, db)
            how = f"{workers} worker" + ("s" if workers > 1 else "")
            report(size, how, db, sayso("link", "--db", str(db), "--workers", str(workers)))
        if args.add:
            added = args.work / f"added-{size}"
            build_corpus(args.corpus, size + args.add, added, start=size)
            linked = args.work / f"linked-{size}-{args.workers[0]}.db"
            check_quietly(added, linked)
            for how, options in (
                ("+added, incr.", []),
                ("+added, full", ["--full"]),
                ("+added, no terms", ["--full"]),
            ):
                db = args.work / f"{how}-{size}.db".replace(" ", "").replace(",", "")
                shutil.copy(linked, db)
                if how.endswith("no terms"):
                    with sqlite3.connect(db) as connection:
                        connection.execute("DELETE FROM article_terms")
                    connection.close()
                report(size + args.add, how, db, sayso("link", "--db", str(db), *options))


def check_quietly(corpus: Path, db: Path) -> None:
    subprocess.run(
        sayso("check", str(corpus), "--db", str(db), "--no-link", "--quiet"),
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


if __name__ == "__main__":
    main()
