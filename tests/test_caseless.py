"""Searching lower-cased text finds what a case-insensitive search of the text finds."""

import re

import pytest
from sayso.analysis.caseless import CaselessPattern, lowered, union_at_word_starts

TEXTS = [
    "Officials EXPECT Hundreds of guests; it Is Widely Believed they will come.",
    "May 3: the talks may resume, or MAY not.",
    "ſome ſay the ſtrike was crıminal; İt is alleged that 5,000 died.",
    "KELVIN: the Kelvin sign K lowers to k like K does.",
    "",
]
PATTERNS = [
    r"\b(?:will|would|(?-i:may)|might)\b",
    r"\b(?:some|many)\s+(?:say|said)\b",
    r"\bit (?:is|was) (?:widely )?(?:believed|alleged)\b",
    r"\b(?:crim\w*|alleg\w*|strike|kelvin)\b",
    r"(?<![\w-])\d(?:[\d,.]*\d)?(?![\w-])|\b(?:hundreds|thousands)\b",
    r"\bk\b",
]


@pytest.mark.parametrize("pattern", PATTERNS)
@pytest.mark.parametrize("text", TEXTS)
def test_same_matches_as_ignorecase(pattern, text):
    caseless = CaselessPattern(pattern)
    expected = re.compile(pattern, re.IGNORECASE)
    found = caseless.search(text, lowered(text))
    wanted = expected.search(text)
    assert (found and (found.span(), found.group())) == (wanted and (wanted.span(), wanted.group()))
    assert list(caseless.spans(text, lowered(text))) == [m.span() for m in expected.finditer(text)]


def test_letters_lowered_elsewhere_are_searched_as_they_are():
    assert lowered("İstanbul") is None
    assert lowered("crıminal") is None
    assert lowered("ſay") is None
    assert lowered("Kelvin K") == "kelvin k"


def test_union_at_word_starts_matches_where_any_pattern_does():
    patterns = [r"\b(?:some|many)\s+say\b", r"\bit is\b", r"\breportedly\b"]
    union = re.compile(union_at_word_starts(patterns))
    for text in ["Many say so.", "Manysay it is.", "so, it is", "unreportedly", "x reportedly_"]:
        expected = min((m.start() for p in patterns if (m := re.search(p, text))), default=None)
        found = union.search(text)
        assert (found and found.start()) == expected
    with pytest.raises(ValueError):
        union_at_word_starts([r"(?<![\w-])\d"])


@pytest.mark.parametrize("pattern", PATTERNS)
@pytest.mark.parametrize("text", TEXTS)
def test_starts_include_every_offset_where_the_pattern_matches(pattern, text):
    caseless = CaselessPattern(pattern)
    starts = list(caseless.starts(text, lowered(text)))
    assert starts == sorted(set(starts))
    matching = [offset for offset in range(len(text) + 1) if caseless.pattern.match(text, offset)]
    assert set(matching) <= set(starts)
    if "(?-i" not in pattern:
        assert starts == matching
