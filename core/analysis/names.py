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
# A quote mark: curly, straight, or the doubled apostrophe of LaTeX-style copy (''Hail!'').
_QUOTE_MARK = re.compile("''|[\"“”«»„]")
_LEADING_QUOTE = re.compile("(?:''|[\"“”«»„]|\\s)+")
_TRAILING_QUOTE = re.compile("(?:''|[\"“”«»„]|\\s|[,.;:])+$")
# A subordinating conjunction opening a clause, not a name: "When Mr. Rubio …", "While many
# Republicans …".
_CLAUSE_OPENER = re.compile(
    r"^(?:when|whenever|while|as|if|after|before|since|although|though|because|once|until|"
    r"unless|whereas)\s+(?=\S)",
    re.IGNORECASE,
)
# A subject relative pronoun followed by its verb ("which helps"): the pronoun is the mention.
_RELATIVE_SUBJECT = re.compile(r"^(which|who|whom|whose)\s+[a-z]", re.IGNORECASE)
# An object relative clause inside a mention: its subject is the source ("the start of a new
# year in which he", "which the department"); a subject relative ("the man who …") is not this.
_OBJECT_RELATIVE = re.compile(
    r"(?:^|\s)(?:(?:in|of|for|to|with|by|from|on|at|under|about)\s+)?(?:which|whom|that)\s+"
    r"(?=(?:the|a|an|he|she|they|we|i|you|it)\b|[A-Z])",
)
# Adverbs a tagger may take into a mention before its cue ("which the department first", "Cruz
# gingerly", "you very aptly"): those without "-ly", and words in lower case with it but for the
# nouns and the adjectives a mention may end in ("a member of the family", "the elderly").
_TRAILING_ADVERB = re.compile(
    r"(?:\s+(?:first|also|later|now|then|still|once|again|already|often|never|too|almost|very|"
    r"(?!(?:family|ally|rally|tally|reply|assembly|supply|monopoly|anomaly|bully|belly|folly|"
    r"elderly|weekly|daily|monthly|quarterly|yearly)\b)[a-z]{2,}ly))+$"
)
# A clitic on the last word: "Trump’s" (possessive or "is"), "We’re", "I’m", "They’ve".
_CLITIC = re.compile(r"(?<=\w)['’](?:s|re|m|ve|ll|d)$", re.IGNORECASE)
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
    clause: "Lee, a spokesperson for …" and "Lee, who spoke …" give "Lee".

    Quote marks around it, what opens an object relative clause ("in which he" gives "he",
    "which the department" "the department"), a clause opener ("When Mr. Rubio"), an adverb
    after it ("the department first") and a clitic ("Trump’s", "We’re") are not part of the
    name either.
    """
    start, end = unquoted_bounds(mention)
    mention = mention[start:end]
    relative = _OBJECT_RELATIVE.search(mention)
    if relative is not None and "," not in mention[: relative.start()]:
        mention = mention[relative.end() :]
    subject = _RELATIVE_SUBJECT.match(mention)
    if subject is not None:
        return subject.group(1)
    mention = _CLAUSE_OPENER.sub("", mention)
    match = _HEAD_END.search(mention)
    named = (mention[: match.start()] if match else mention).strip() or mention.strip()
    return _CLITIC.sub("", _TRAILING_ADVERB.sub("", named))


def unquoted_bounds(mention: str) -> tuple[int, int]:
    """Where a mention is without the stray quote marks at its edges: ``'' Monica Crowley``
    gives "Monica Crowley", ``''`` nothing (start == end). Marks that pair with one inside
    ("“Daily Show” host Trevor Noah") stay."""
    start, end = 0, len(mention)
    marks = len(_QUOTE_MARK.findall(mention))
    leading = _LEADING_QUOTE.match(mention)
    if leading and _QUOTE_MARK.search(leading.group()):
        paired = marks % 2 == 0 and _QUOTE_MARK.search(mention, leading.end())
        start = start if paired else leading.end()
    trailing = _TRAILING_QUOTE.search(mention, start)
    if trailing and _QUOTE_MARK.search(trailing.group()):
        paired = marks % 2 == 0 and _QUOTE_MARK.search(mention, start, trailing.start())
        end = end if paired else trailing.start()
    return start, max(start, end)


# Mentions repeat article after article: linking asks this of each one, for its terms and its
# sources alike.
@lru_cache(maxsize=1 << 16)
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


# Sources are named alike article after article: storing and linking each ask for every name.
@lru_cache(maxsize=1 << 16)
def row_slug(name: str) -> str:
    """A source's part of its database row id: ASCII letters and digits, "source" if none."""
    return _NON_SLUG_RUNS.sub("-", name.lower()).strip("-") or "source"
