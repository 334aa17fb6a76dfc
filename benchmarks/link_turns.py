"""A first link's CPU per article in turns with another checkout of sayso (the reference).

    python benchmarks/link_turns.py CORPUS_DIR --reference PYTHON [--size 2000] [--rounds 10]
        [--callgrind] [--work /tmp/sayso-link-turns]

PYTHON is the interpreter of an environment where the reference checkout is installed (its own
venv: `/work/venv-old/bin/python`). This machine's CPU time drifts by a fifth from run to run
and from one day to the next, so a first link is compared only with one taken in the same
minutes: the figure the linking goal is tracked by (docs/linking.md) is a ratio to the code
measured at 2.89 ms per article, scaled.

The first `--size` articles of CORPUS_DIR (copies with changed names past its end, as
`link_scale.py` makes them) are checked with `--no-link` by each side's own `sayso check`, and
two of them for the start-up. Each side's modules are compiled to bytecode first, by its own
`sayso.evaluation.bench.compile_sayso` (any checkout since 2026-12-04 has it). Then `--rounds`
rounds: each side's `python -m sayso link --db COPY` on a fresh copy of its own database, the
order swapped every round (this checkout first, then the reference first), timed as in
`link_scale.py`: user + system CPU less that side's start-up (the least of three links of the
two-article database), per article. Reported: each side's runs and median, each round's ratio
(this checkout to the reference) and their median, and the load average.
`--callgrind` also counts each side's instructions for one first link less its start-up
(valgrind, `PYTHONHASHSEED=0`; about fifty times a link's time), a steadier figure that does not
weigh instructions by what they cost.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
from pathlib import Path

from link_scale import build_corpus, timed  # beside this script

_COLLECTED = re.compile(rb"Collected : (\d+)")


class Side:
    """One checkout: its interpreter and the databases its own `sayso check` wrote."""

    def __init__(self, name: str, python: str, work: Path) -> None:
        self.name = name
        self.python = python
        self.checked = work / f"checked-{name}.db"
        self.start_up_db = work / f"start-up-{name}.db"
        self.copy = work / f"link-{name}.db"
        self.runs: list[float] = []
        self.start_up = 0.0

    def sayso(self, *arguments: str) -> list[str]:
        return [self.python, "-m", "sayso", *arguments]

    def compile(self) -> None:
        """Compile the side's sayso and built-in plugins to bytecode (see link_scale.py for
        why), by its own ``compile_sayso``."""
        compiling = "from sayso.evaluation.bench import compile_sayso; compile_sayso()"
        subprocess.run([self.python, "-c", compiling], check=True)

    def check(self, corpus: Path, db: Path) -> None:
        subprocess.run(
            self.sayso("check", str(corpus), "--db", str(db), "--no-link", "--quiet"),
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    def link(self, db: Path) -> float:
        """CPU seconds of a first link of a fresh copy of ``db``."""
        shutil.copy(db, self.copy)
        return timed(self.sayso("link", "--db", str(self.copy)))[1]

    def instructions(self, db: Path) -> int:
        shutil.copy(db, self.copy)
        valgrind = ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null"]
        finished = subprocess.run(
            [*valgrind, *self.sayso("link", "--db", str(self.copy))],
            env={**os.environ, "PYTHONHASHSEED": "0"},
            capture_output=True,
            check=True,
        )
        found = _COLLECTED.search(finished.stderr)
        if found is None:
            raise SystemExit(f"valgrind gave no instruction count for {self.name}")
        return int(found.group(1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", type=Path, help="directory of .txt articles")
    parser.add_argument("--reference", required=True, help="the reference side's python")
    parser.add_argument("--size", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--callgrind", action="store_true", help="count instructions too")
    parser.add_argument("--work", type=Path, default=Path("/tmp/sayso-link-turns"))
    args = parser.parse_args()
    shutil.rmtree(args.work, ignore_errors=True)
    corpus, start_up = args.work / "corpus", args.work / "start-up"
    build_corpus(args.corpus, args.size, corpus)
    build_corpus(args.corpus, 2, start_up)
    sides = [Side("this", sys.executable, args.work), Side("reference", args.reference, args.work)]
    for side in sides:
        side.compile()
        side.check(corpus, side.checked)
        side.check(start_up, side.start_up_db)
        side.start_up = min(side.link(side.start_up_db) for _ in range(3))
    print(f"load average before: {_load()}")
    ratios = []
    for round_number in range(args.rounds):
        for side in sides if round_number % 2 == 0 else sides[::-1]:
            side.runs.append(_per_article(side.link(side.checked), side, args.size))
        ratios.append(sides[0].runs[-1] / sides[1].runs[-1])
    print(f"load average after:  {_load()}")
    print(f"extra CPU per article of a first link of {args.size:,} articles, ms")
    for side in sides:
        runs = ", ".join(f"{run:.2f}" for run in side.runs)
        print(f"  {side.name:>9}: median {statistics.median(side.runs):.2f} ({runs})")
    print(
        f"  this / reference: median round {statistics.median(ratios):.3f} "
        f"({min(ratios):.3f}-{max(ratios):.3f}), of the medians "
        f"{statistics.median(sides[0].runs) / statistics.median(sides[1].runs):.3f}"
    )
    if args.callgrind:
        counts = [
            side.instructions(side.checked) - side.instructions(side.start_up_db) for side in sides
        ]
        print(
            f"instructions of a first link less start-up: this {counts[0] / 1e9:.2f} billion, "
            f"reference {counts[1] / 1e9:.2f} billion, ratio {counts[0] / counts[1]:.3f}"
        )


def _per_article(cpu: float, side: Side, size: int) -> float:
    return (cpu - side.start_up) / size * 1000


def _load() -> str:
    return " ".join(f"{load:.2f}" for load in os.getloadavg())


if __name__ == "__main__":
    main()
