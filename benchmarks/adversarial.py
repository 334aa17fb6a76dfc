"""Hostile text against normal news of the same size: does any input make checking super-linear?

    python benchmarks/adversarial.py [--size CHARS] [--rounds N] [--limit RATIO] [--only WORD]

Generates adversarial articles, class by class (runs of every punctuation mark and quote
character, bare and spaced; repeated cue phrases; repeated attribution sentences in one paragraph;
megabyte paragraphs; deep nesting; quote soup and random Unicode), checks each through
:func:`sayso.check` in this process (offline analyzer, every built-in checker, no database) and
prints its CPU time against a normal article of the same size: the seed articles repeated, one
paragraph per line. Exits 1 if any case takes more than ``--limit`` times as long (default 3).
Each time is the median of ``--rounds`` runs, the case and the normal article checked in turns;
CPU time, since the machine may be shared.
"""

from __future__ import annotations

import argparse
import random
import statistics
import string
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from sayso.api import check
from sayso.model import Article
from sayso.pipeline.engine import Checking

SEEDS = Path(__file__).resolve().parents[1] / "seeds"
MEGABYTE = 1_000_000
# Every ASCII punctuation mark, and the typographic ones news text uses.
PUNCTUATION = string.punctuation + "…“”‘’«»„‹›—–¿¡•·§¶†"
QUOTES = "\"'“”‘’«»„‹›`"
CUE_PHRASES = (
    "according to ",
    "said ",
    "Officials said ",
    "told reporters that ",
    "he said, “",
    "” he said. ",
    ", a spokesman said",
    "KCNA reported: ",
    "READ ALSO: ",
    "By ",
)
ATTRIBUTION_SENTENCES = (
    "X said the plan would fail, according to officials. ",
    "X said the plan would fail, according to officials, ",
    "“The plan will fail,” said Mr. Kim. ",
    "“The plan will fail,” he said, “and soon” ",
    "Officials who declined to be named said that the talks, which KCNA reported, resumed; ",
    "The bridge will reopen in May, the mayor said, after two years of repairs. ",
    "The ministry declined to comment on the plan. ",
)


def normal_text(size: int, paragraph_breaks: bool = True) -> str:
    """The seed articles repeated to ``size`` characters: what news looks like."""
    paragraphs = [
        line.strip()
        for path in sorted(SEEDS.glob("*.txt"))
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    separator = "\n\n" if paragraph_breaks else " "
    pieces: list[str] = []
    length = 0
    while length < size:
        for paragraph in paragraphs:
            pieces.append(paragraph)
            length += len(paragraph) + len(separator)
    return separator.join(pieces)[:size]


def repeated(piece: str, size: int) -> str:
    return (piece * (size // len(piece) + 1))[:size]


def nested(opening: str, closing: str, size: int) -> str:
    depth = size // (len(opening) + len(closing))
    return opening * depth + closing * depth


def soup(alphabet: str, size: int, seed: int) -> str:
    chooser = random.Random(seed)
    return "".join(chooser.choice(alphabet) for _ in range(size))


def random_unicode(size: int, seed: int) -> str:
    chooser = random.Random(seed)
    # Anything but surrogates, which can't be encoded, and mostly below the CJK planes.
    points = (chooser.choice((chooser.randrange(0x20, 0x3000), 0x20, 0x0A)) for _ in range(size))
    return "".join(chr(point) for point in points)


def cases(size: int) -> Iterator[tuple[str, str, Callable[[], str]]]:
    """(class, case, text maker): the inputs that were super-linear, and their relatives."""
    for mark in PUNCTUATION:
        yield "punctuation run", repr(mark), lambda mark=mark: mark * size
        yield "punctuation run", f"{mark!r} spaced", lambda mark=mark: repeated(mark + " ", size)
        yield "punctuation run", f"'a{mark}' glued", lambda mark=mark: repeated("a" + mark, size)
    for phrase in CUE_PHRASES:
        yield "repeated cue phrase", repr(phrase), lambda phrase=phrase: repeated(phrase, size)
    for sentence in ATTRIBUTION_SENTENCES:
        yield (
            "attribution sentences, one paragraph",
            repr(sentence[:32] + "…"),
            lambda sentence=sentence: repeated(sentence, size),
        )
    yield (
        "megabyte paragraph",
        "news as one line",
        lambda: normal_text(MEGABYTE, paragraph_breaks=False),
    )
    yield (
        "megabyte paragraph",
        "attributions, no full stop",
        lambda: repeated(ATTRIBUTION_SENTENCES[1], MEGABYTE),
    )
    yield (
        "megabyte paragraph",
        "attribution sentences",
        lambda: repeated(ATTRIBUTION_SENTENCES[0], MEGABYTE),
    )
    for opening, closing in ("()", "[]", "{}", "“”", "‘’", "«»", "<>"):
        yield "deep nesting", opening + closing, lambda o=opening, c=closing: nested(o, c, size)
    yield "deep nesting", "quotes in quotes", lambda: nested("“He said ‘", "’ ”", size)
    yield "deep nesting", "unclosed quote per line", lambda: repeated("“He said ‘x\n", size)
    yield "deep nesting", "unclosed quote per line", lambda: repeated("“Kim said x\n", size)
    yield "quote soup", "quote characters", lambda: soup(QUOTES, size, 1)
    yield "quote soup", "quotes, words, spaces", lambda: soup(QUOTES + "ab said .\n ", size, 2)
    yield "random text", "Unicode", lambda: random_unicode(size, 3)
    yield "random text", "one long word", lambda: "a" * size
    yield "random text", "capitalised words", lambda: repeated("Kim Jong Un ", size)
    yield "random text", "blank lines", lambda: repeated("\n \n\t", size)
    yield "random text", "one word per line", lambda: repeated("said\n", size)


def cpu_seconds(text: str, checking: Checking) -> float:
    """The CPU time of checking ``text`` as one article."""
    start = time.process_time()
    result = check(
        Article(text=text, path="adversarial.txt"),
        plugins=checking.plugins,
        settings=checking.settings,
    )
    seconds = time.process_time() - start
    if result.errors:
        raise SystemExit(f"checking failed: {result.errors[0]}")
    return seconds


def in_turns(text: str, checking: Checking, rounds: int) -> tuple[float, float]:
    """The median CPU times of ``text`` and of normal text as long, checked in turns.

    In turns, so that both meet the same load on a shared machine.
    """
    normal = normal_text(len(text))
    times = [(cpu_seconds(text, checking), cpu_seconds(normal, checking)) for _ in range(rounds)]
    return statistics.median(t for t, _ in times), statistics.median(n for _, n in times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=200_000, metavar="CHARS")
    parser.add_argument("--rounds", type=int, default=3, metavar="N")
    parser.add_argument("--limit", type=float, default=3.0, metavar="RATIO")
    parser.add_argument("--only", metavar="WORD", help="Only cases whose class holds WORD.")
    options = parser.parse_args()
    checking = Checking.prepare("offline")
    worst = 0.0
    print(f"{'class':<37} {'case':<36} {'chars':>9} {'CPU s':>7} {'normal':>7} {'ratio':>6}")
    for group, case, make in cases(options.size):
        if options.only and options.only not in group:
            continue
        text = make()
        seconds, normal = in_turns(text, checking, options.rounds)
        ratio = seconds / normal
        worst = max(worst, ratio)
        mark = "  TOO SLOW" if ratio > options.limit else ""
        print(
            f"{group:<37} {case:<36} {len(text):>9,} {seconds:>7.2f} {normal:>7.2f} "
            f"{ratio:>6.2f}{mark}",
            flush=True,
        )
    print(f"worst ratio {worst:.2f} (limit {options.limit:g})")
    if worst > options.limit:
        sys.exit(1)


if __name__ == "__main__":
    main()
