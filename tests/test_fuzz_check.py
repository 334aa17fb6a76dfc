"""Hostile text through the whole of ``sayso.check``, database included: no exception, every span
exact, every stored row consistent, and time bounded.

Examples are few and small enough to keep the suite fast; ``benchmarks/adversarial.py`` holds
large hostile inputs to their time.
"""

from __future__ import annotations

import string
import tempfile
import time
from pathlib import Path

import sqlite_utils
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sayso.api import check
from sayso.model import Article, Span

PUNCTUATION = string.punctuation + "…“”‘’«»„‹›—–¿¡•·\u00a0\u200b\u2028\u202e"
QUOTES = "\"'“”‘’«»„‹›`"
CUES = ("said ", "according to ", "told reporters ", "“", "”", ", officials said. ", "KCNA: ")
# Seconds one example may take: a few hundred times what these sizes take when linear.
MAX_SECONDS = 10

runs = st.builds(
    lambda mark, count: mark * count, st.sampled_from(PUNCTUATION), st.integers(1, 5_000)
)
quote_soup = st.text(alphabet=QUOTES + "ab .,\n", max_size=2_000)
cue_soup = st.lists(st.sampled_from(CUES) | st.text(max_size=8), max_size=300).map("".join)
unicode = st.text(max_size=1_000)
hostile = st.lists(runs | quote_soup | cue_soup | unicode, min_size=1, max_size=4).map(
    lambda parts: "\n".join(parts)
)


def assert_span(span: Span | None, text: str) -> None:
    if span is not None:
        assert 0 <= span.start <= span.end <= len(text)
        assert text[span.start : span.end] == span.text


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(hostile)
def test_hostile_text_checks_cleanly(text: str) -> None:
    if not text.strip():
        text += "x"
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "s.db"
        started = time.monotonic()
        result = check(
            [Article(text, path="a.txt"), Article(text[::-1] + ".", path="b.txt")], db=db
        )
        assert time.monotonic() - started < MAX_SECONDS
        assert result.errors == []
        for report in result.reports:
            analysis = report.analysis
            article = analysis.article.text
            assert report.failures == []
            assert 0 <= report.score <= 100
            for statement in analysis.statements:
                assert_span(statement.span, article)
            for attribution in analysis.attributions:
                for span in (attribution.cue, attribution.source, *attribution.content):
                    assert_span(span, article)
                assert all(0 <= i < len(analysis.statements) for i in attribution.statements)
            for finding in report.findings:
                assert_span(finding.span, article)
                assert finding.statement is None or 0 <= finding.statement < len(
                    analysis.statements
                )
        stored = sqlite_utils.Database(db)
        assert stored["articles"].count == len(
            {report.analysis.article.id for report in result.reports}
        )
        assert list(stored.query("PRAGMA foreign_key_check")) == []
