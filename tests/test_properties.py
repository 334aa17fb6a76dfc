"""Property-based tests: on any text, the engine doesn't raise and every span is exact."""

import codecs
import functools

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from sayso.errors import InputError
from sayso.model import Article
from sayso.pipeline.engine import Checking, check_articles
from sayso.pipeline.inputs import decode, parse_article
from sayso.storage.store import article_rows

from tests.conftest import SEEDS


def words(text: str) -> list[str]:
    return text.split()


NEWS_WORDS = (
    *words("said told according to officials KCNA the agency he she Mr. U.S. Kim Jong Un"),
    *words("reported claimed sources familiar with matter photos showed state media announced"),
    *words("“ ” \" ' , . ? ! — ( ) : ; READ ALSO: By SEOUL, July 27 (Reuters) -"),
    "\n",
    "\n\n",
)
news_text = st.lists(st.sampled_from(NEWS_WORDS) | st.text(max_size=12), max_size=80).map(" ".join)
seed_text = st.sampled_from(sorted(SEEDS.glob("*.txt"))).map(lambda path: path.read_text())


@st.composite
def mangled_seed(draw):
    """A seed article with slices cut out, repeated or swapped for random characters."""
    text = draw(seed_text)
    for _ in range(draw(st.integers(1, 6))):
        start = draw(st.integers(0, len(text)))
        end = draw(st.integers(start, min(len(text), start + 400)))
        replacement = draw(st.sampled_from(["", text[start:end] * 2, "\n\n", "“", '"', "."]))
        text = text[:start] + (replacement or draw(st.text(max_size=20))) + text[end:]
    return text


@functools.cache
def checking() -> Checking:
    return Checking.prepare("offline")


def check_one(text: str):
    [report] = check_articles([Article(text=text)], checking())
    return report


def assert_spans_exact(report) -> None:
    text = report.analysis.article.text
    rows = article_rows(report, run_id=None)
    for row in rows["statements"] + rows["findings"]:
        if row["start"] is not None:
            assert 0 <= row["start"] <= row["end"] <= len(text)
            assert text[row["start"] : row["end"]] == row["text"]
    for row in rows["attributions"]:
        for role in ("source", "cue", "content"):
            if row[f"{role}_start"] is not None:
                assert 0 <= row[f"{role}_start"] <= row[f"{role}_end"] <= len(text)
                assert text[row[f"{role}_start"] : row[f"{role}_end"]] == row[f"{role}_text"]
    for attribution in report.analysis.attributions:
        for fragment in attribution.content:
            assert text[fragment.start : fragment.end] == fragment.text
    for source in report.analysis.sources.values():
        for mention in source.mentions:
            assert text[mention.start : mention.end] == mention.text


fast = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@fast
@given(st.text())
def test_random_text_never_raises_and_spans_are_exact(text):
    assert_spans_exact(check_one(text))


@fast
@given(news_text)
def test_newsy_word_salad_never_raises_and_spans_are_exact(text):
    assert_spans_exact(check_one(text))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mangled_seed())
def test_mangled_articles_never_raise_and_spans_are_exact(text):
    assert_spans_exact(check_one(text))


@fast
@given(st.binary(max_size=2000))
def test_any_bytes_decode_or_fail_with_one_input_error(data):
    try:
        article = parse_article(data, "x.txt")
    except InputError as error:
        assert str(error).startswith("x.txt: ")
    else:
        assert article.text.strip() and "\r" not in article.text


@fast
@given(
    st.text(alphabet=st.characters(exclude_categories=("Cc", "Cs")), min_size=1),
    st.sampled_from(["utf-8", "utf-8-sig", "utf-16-le", "utf-16-be", "cp1252"]),
)
def test_text_round_trips_through_every_supported_encoding(text, encoding):
    bom = {"utf-16-le": codecs.BOM_UTF16_LE, "utf-16-be": codecs.BOM_UTF16_BE}.get(encoding, b"")
    try:
        data = bom + text.encode(encoding)
    except UnicodeEncodeError:
        assume(False)
    if encoding == "cp1252":
        # Bytes that happen to be valid UTF-8 are read as UTF-8: the one ambiguity there is.
        assume(not _is_utf8(data))
    assert decode(data, "x") == text


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True
