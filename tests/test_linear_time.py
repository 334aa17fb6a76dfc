"""Inputs that once took super-linear time: each checks in about the time of normal news.

The figures come from ``python benchmarks/adversarial.py`` (docs/hostile-input.md); these
tests only catch a return of the old behaviour, which took from 20 to thousands of times as
long as normal text at these sizes, so their bound is loose.
"""

from __future__ import annotations

import functools
import time

import pytest
from sayso.analysis.offline import _Cover
from sayso.analysis.segment import MAX_SENTENCE_CHARS, split_sentences
from sayso.api import check
from sayso.model import Article, Span
from sayso.pipeline.engine import Checking

from benchmarks.adversarial import normal_text, repeated

# Slower than normal text by more than this, an input has gone super-linear again.
TOLERANCE = 10


@functools.cache
def checking() -> Checking:
    return Checking.prepare("offline")


def cpu_seconds(text: str) -> float:
    """The least CPU time of three checks of ``text`` (the least is the least disturbed)."""
    times = []
    for _ in range(3):
        start = time.process_time()
        check(Article(text=text), plugins=checking().plugins, settings=checking().settings)
        times.append(time.process_time() - start)
    return min(times)


@pytest.mark.parametrize(
    ("size", "make"),
    [
        # The sentence-boundary pattern tried a run of marks once per mark.
        pytest.param(50_000, lambda size: "!" * size, id="run of !"),
        pytest.param(50_000, lambda size: "." * size, id="run of ."),
        pytest.param(50_000, lambda size: "…" * size, id="run of …"),
        # Each cue of a sentence with no end scanned the rest of it.
        pytest.param(50_000, lambda size: repeated("according to ", size), id="according to"),
        pytest.param(
            50_000,
            lambda size: repeated("X said the plan would fail, according to officials, ", size),
            id="attributions in one sentence",
        ),
        # Every kept attribution of a paragraph was compared with every other.
        pytest.param(
            300_000,
            lambda size: repeated("X said the plan would fail, according to officials. ", size),
            id="attributions in one paragraph",
        ),
        # Each source set off by commas looked up its sentence's attributions by working out
        # the whole analysis's index anew.
        pytest.param(
            300_000,
            lambda size: repeated(
                "The bridge will reopen in May, the mayor said, after repairs. ", size
            ),
            id="sources set off by commas",
        ),
        # Each line of a quote left open made content to the end of the article.
        pytest.param(50_000, lambda size: repeated("“He said ‘x\n", size), id="open quotes"),
        # Each source named by a capitalised word opening its sentence ("Voters said") looked at
        # every use of the word, copying the text before each.
        pytest.param(
            50_000,
            lambda size: repeated("Voters said the plan would fail. ", size),
            id="capitalised word opening every sentence",
        ),
    ],
)
def test_hostile_text_checks_in_linear_time(size: int, make) -> None:
    text = make(size)
    assert cpu_seconds(text) < TOLERANCE * max(cpu_seconds(normal_text(len(text))), 0.01)


def test_linking_stored_articles_is_linear(tmp_path) -> None:
    # Linking read each stored statement's attributions by working out the article's index anew.
    def linked(text: str, name: str) -> float:
        start = time.process_time()
        articles = [Article(text, path="a.txt"), Article(normal_text(2_000), path="b.txt")]
        check(articles, db=tmp_path / name, plugins=checking().plugins)
        return time.process_time() - start

    text = repeated("X said the plan would fail, according to officials. ", 300_000)
    assert linked(text, "hostile.db") < TOLERANCE * linked(normal_text(len(text)), "normal.db")


def test_a_sentence_with_no_end_is_cut_into_capped_pieces() -> None:
    text = "word " * 3_000
    pieces = split_sentences(text)
    assert all(len(piece.text) <= MAX_SENTENCE_CHARS for piece in pieces)
    # Cut at spaces, so no word is split.
    assert all(piece.text.split()[0] == piece.text.split()[-1] == "word" for piece in pieces)
    assert sum(len(piece.text.split()) for piece in pieces) == 3_000
    assert all(text[piece.start : piece.end] == piece.text for piece in pieces)


def test_a_sentence_with_no_space_is_cut_hard() -> None:
    pieces = split_sentences("x" * 5_000)
    assert [len(piece.text) for piece in pieces] == [MAX_SENTENCE_CHARS] * 2 + [1_000]


def test_sentences_up_to_the_cap_are_not_cut() -> None:
    sentence = ("The minister said the talks, which began in July, would go on " * 40)[:1_990]
    assert [s.text for s in split_sentences(sentence + ".")] == [sentence + "."]


def test_cover_tells_whether_a_kept_span_contains_another() -> None:
    text = "x" * 100
    cover = _Cover([10, 20, 50])
    cover.add(Span.of(text, 20, 40))
    assert cover.contains(Span.of(text, 25, 30))
    assert cover.contains(Span.of(text, 20, 40))
    assert not cover.contains(Span.of(text, 15, 30))
    assert not cover.contains(Span.of(text, 30, 45))
    cover.add(Span.of(text, 10, 45))
    assert cover.contains(Span.of(text, 30, 45))
    assert not cover.contains(Span.of(text, 50, 55))
