"""Names: every way sayso normalises a source's name or mention, in one place.

They differ on purpose, and each is named for what it is for: resolving mentions within an
article, looking names up in the lexicon's gazetteer, comparing names across articles, and
making keys and row ids. Changing one changes which sources are found the same; the database
dumps (``benchmarks/dump_tables.py``) show by how much.
"""

from __future__ import annotations

import re
from functools import lru_cache

_HEAD_END = re.compile(r",|\s(?:who|which|whose|that)\s|\s\(")
_APPOSITION = re.compile(r",|\s\(")
_LEADING_DETERMINER = re.compile(r"^(?:the|a|an|this|that|these|those)\s+", re.IGNORECASE)
_LEADING_THE = re.compile(r"^the\s+")
_LEADING_ARTICLE = re.compile(r"^(?:the|a|an)\s+")
_POSSESSIVE = re.compile(r"'s\b")
_NON_WORD_RUNS = re.compile(r"[^\w]+")
_NON_SLUG_RUNS = re.compile(r"[^a-z0-9]+")


def straight_apostrophes(text: str) -> str:
    """“Kim’s” and "Kim's" alike."""
    return text.replace("’", "'")


def source_head(mention: str) -> str:
    """The part of a mention that names the source, without an apposition or a relative
    clause: "Lee, a spokesperson for …" and "Lee, who spoke …" give "Lee"."""
    match = _HEAD_END.search(mention)
    named = mention[: match.start()] if match else mention
    return named.strip() or mention.strip()


def head_before_apposition(mention: str) -> str:
    """A mention cut at its first comma or parenthesis (linking across articles)."""
    return _APPOSITION.split(mention, maxsplit=1)[0].strip()


def without_leading_determiner(text: str) -> str:
    """ "the ministry" → "ministry" (the, a, an, this, that, these, those)."""
    return _LEADING_DETERMINER.sub("", text.strip())


def mention_key(name: str) -> str:
    """A name as source resolution compares it within an article: apostrophes, a leading
    determiner and case do not count."""
    return without_leading_determiner(straight_apostrophes(name)).lower()


def lexicon_key(name: str) -> str:
    """A name as the lexicon's gazetteer stores and looks it up: apostrophes, case and a
    leading "the" do not count."""
    return _LEADING_THE.sub("", straight_apostrophes(name).lower().strip())


# Linking asks for the same names again and again, across articles.
@lru_cache(maxsize=1 << 16)
def name_key(name: str) -> str:
    """A name compared across articles: "the Kim Jong-un" and "Kim Jong Un" give "kim jong un"."""
    name = straight_apostrophes(name).replace("-", " ").lower()
    name = _POSSESSIVE.sub("", name)
    name = _LEADING_ARTICLE.sub("", name.strip())
    return " ".join(name.replace(".", " ").split())


def key_slug(name: str) -> str:
    """A source's key within an analysis: "Kim's office" → "kims-office"."""
    cleaned = straight_apostrophes(name.lower()).replace("'", "")
    return _NON_WORD_RUNS.sub("-", cleaned).strip("-")


def row_slug(name: str) -> str:
    """A source's part of its database row id: ASCII letters and digits, "source" if none."""
    return _NON_SLUG_RUNS.sub("-", name.lower()).strip("-") or "source"
