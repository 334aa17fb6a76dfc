"""Paragraph and sentence splitting, statement kinds, and linking attributions to statements.

Analyzers that get sentences elsewhere (a parser) still use :func:`classify_statement`,
:func:`build_statements` and :func:`link_statements`, so every analyzer agrees on what a
headline, a byline or boilerplate is and on which statements an attribution carries.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Sequence

from ..model import Attribution, Span, Statement, StatementKind


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_PARAGRAPH = re.compile(r"[^\n]*\S[^\n]*")
# A full stop, question or exclamation mark, maybe closed by quotes or brackets, before a space.
# A match starts only at the first mark of a run (the lookbehind: no mark before this one) and
# never gives back what it took (possessive repeats): a run of marks with no space after it is
# tried once, not once per mark, which made 200 KB of "." take hours. Opening with the character
# class, before the lookbehind, lets re skip ahead to the next mark rather than try a match at
# every character of the text (three times faster).
_BOUNDARY = re.compile(r"[.!?…](?<![.!?…][.!?…])[.!?…]*+[\"”’'»)\]]*+(?=\s)")
_NEXT_START = re.compile(r"\s+([\"“‘'«(\[]?)(\S)")
_NEXT_WORD = re.compile(r"[\w’']+")
_DOTTED_ACRONYM = re.compile(r"(?:\w\.)+\w")
_ANY_WORD_CHAR = re.compile(r"\w")
_THREE_CAPITALS = re.compile(r"[A-Z]{3}")

# Abbreviations that never end a sentence (titles, months before a date).
_TITLE_ABBREVIATIONS = _words(
    "mr mrs ms dr gen sen rep gov lt col sgt capt adm cmdr maj st prof rev hon pres supt insp "
    "jan feb mar apr jun jul aug sep sept oct nov dec vs mt ft fig approx dept no nos"
)
# Abbreviations that end a sentence only when a typical sentence opener follows ("… in the U.S.
# He said" versus "the U.S. Senate").
_AMBIGUOUS_ABBREVIATIONS = _words("inc corp co ltd jr sr etc bros llc plc")
_SENTENCE_OPENERS = _words(
    "the a an he she it they we i you his her its their our this that these those there but and "
    "yet so in on at for as if when while after before since although though however meanwhile "
    "also still then some many most no one two both all mr mrs ms dr"
)

# "SEOUL, July 27 (Reuters) -", "WASHINGTON —", "MOSCOW (AP) —".
_DATELINE = re.compile(
    r"^[A-Z][A-Z.'’ -]{1,40}(?:,\s*[A-Z][A-Za-z.'’ -]{1,30})?"
    r"(?:,\s*[A-Z][a-z]{2,8}\.?\s+\d{1,2}(?:,\s*\d{4})?)?"
    r"\s*(?:\([^()\n]{1,40}\)\s*)?[-–—]+\s*"
)
_BOILERPLATE = re.compile(
    r"^\W*(?:read (?:also|more)|also read|see also|related(?: articles?| stories)?\s*:|"
    r"advertisement\W*$|sponsored|subscribe|sign up|share (?:this|on)|click here|follow us|"
    r"follow @|copyright|©|all rights reserved|(?:photo|image|video) credits?\s*:|"
    r"watch\s*:|listen\s*:|download (?:the|our) app|this (?:article|story) was|"
    r"reporting by|editing by|additional reporting|"
    # Lines that announce what follows them: a news service's running file ("The Latest on
    # the race (all times EDT):"), a clip or a form ("Watch the full video below:").
    r"the latest on\b[^\n]*:\s*$|(?:watch|see|listen to|enter)\b[^\n]*:\s*$)",
    re.IGNORECASE,
)
# The same by their end ("Partial transcript as follows:"): searched for in lines ending in a
# colon, not matched from the start, so a long line costs one pass.
_ANNOUNCES_WHAT_FOLLOWS = re.compile(r"\b(?:as follows|below)\s*:\s*$", re.IGNORECASE)
_BYLINE = re.compile(
    r"^(?:by|written by|story by)\s+[A-Z][\w.'’-]*(?:[\s,]+(?:and\s+)?[A-Z][\w.'’-]*){0,7}"
    r"(?:\s*[,|–—-]\s*[\w .'’-]{0,40})?$",
    re.IGNORECASE,
)
_NAME_ONLY = re.compile(r"^[-–—\s]*[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){0,3}$")
_HEADLINE_MAX_WORDS = 16
# A "sentence" longer than this is cut, at a space where there is one, into pieces no longer:
# every rule that reads a sentence then works on at most this much text, so an article with no
# sentence boundary in it (a megabyte of "word, word, …") costs time in proportion to its length.
# PolNeAR's longest sentence has 1,094 characters.
MAX_SENTENCE_CHARS = 2_000


def split_paragraphs(text: str) -> list[Span]:
    """Each non-blank line is a paragraph (news text puts one paragraph on a line)."""
    return [_trimmed(text, m.start(), m.end()) for m in _PARAGRAPH.finditer(text)]


def split_sentences(text: str, start: int = 0, end: int | None = None) -> list[Span]:
    """Split ``text[start:end]`` into sentence spans, without leading or trailing spaces."""
    end = len(text) if end is None else end
    spans: list[Span] = []
    sentence_start = start
    for match in _BOUNDARY.finditer(text, start, end):
        if match.start() < sentence_start or not _ends_sentence(text, match, end):
            continue
        # Never empty: the span holds the boundary's punctuation.
        spans += _capped(text, sentence_start, match.end())
        sentence_start = match.end()
    if text[sentence_start:end].strip():
        spans += _capped(text, sentence_start, end)
    return spans


def _capped(text: str, start: int, end: int) -> list[Span]:
    """The sentence from ``start`` to ``end``, cut into pieces of at most MAX_SENTENCE_CHARS."""
    sentence = _trimmed(text, start, end)
    if sentence.end - sentence.start <= MAX_SENTENCE_CHARS:
        return [sentence]
    pieces = []
    start = sentence.start
    while sentence.end - start > MAX_SENTENCE_CHARS:
        limit = start + MAX_SENTENCE_CHARS
        # The last space in the second half of the allowed stretch, if any; else a hard cut.
        cut = text.rfind(" ", start + MAX_SENTENCE_CHARS // 2, limit)
        cut = cut if cut > start else limit
        pieces.append(_trimmed(text, start, cut))
        start = cut
        while start < sentence.end and text[start].isspace():
            start += 1
    pieces.append(_trimmed(text, start, sentence.end))
    return pieces


def _ends_sentence(text: str, match: re.Match[str], end: int) -> bool:
    following = _NEXT_START.match(text, match.end(), end)
    if following is None:
        return False
    opener, first = following.group(1), following.group(2)
    if not (first.isupper() or first.isdigit() or opener):
        return False
    if not match.group().startswith("."):
        return True
    word = _word_before(text, match.start()).strip("’'-").lower()
    if word in _TITLE_ABBREVIATIONS:
        return False
    next_word = _NEXT_WORD.match(text, following.start(2), following.start(2) + 20)
    opens_sentence = bool(next_word) and next_word.group().lower() in _SENTENCE_OPENERS  # type: ignore[union-attr]
    if word in _AMBIGUOUS_ABBREVIATIONS:
        return opens_sentence
    # Initials ("J. Smith") and dotted acronyms ("U.S.", "a.m.").
    if (len(word) == 1 and word.isalpha()) or _DOTTED_ACRONYM.fullmatch(word):
        return opens_sentence
    return True


def _word_before(text: str, end: int) -> str:
    """The run of word characters, dots, apostrophes and hyphens that ends at ``end``."""
    # Walking back is linear in the word; a regex anchored at ``end`` would rescan the article.
    # A character is a regex word character exactly when it is alphanumeric or "_".
    start = end
    while start > 0 and (text[start - 1].isalnum() or text[start - 1] in "_.’'-"):
        start -= 1
    return text[start:end]


def _trimmed(text: str, start: int, end: int) -> Span:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return Span.of(text, start, end)


def split_dateline(text: str, sentence: Span) -> list[Span]:
    """Split a leading dateline ("SEOUL, July 27 (Reuters) -") off a paragraph's first sentence."""
    match = _DATELINE.match(sentence.text)
    if (
        match is None
        or match.end() >= len(sentence.text)
        or not _THREE_CAPITALS.search(match.group())
    ):
        return [sentence]
    cut = sentence.start + match.end()
    dateline = _trimmed(text, sentence.start, cut)
    return [dateline, _trimmed(text, cut, sentence.end)]


def classify_statement(
    sentence: str, paragraph: str, previous_paragraph: str = ""
) -> StatementKind:
    """Tell body text from headlines, datelines, bylines and boilerplate.

    ``paragraph`` is the text of the paragraph the sentence belongs to, ``previous_paragraph``
    the one before it (a line holding only a name after a quote is the speaker's tag).
    """
    stripped = sentence.strip()
    if (
        _BOILERPLATE.match(stripped)
        or (stripped.endswith(":") and _ANNOUNCES_WHAT_FOLLOWS.search(stripped))
        or not _ANY_WORD_CHAR.search(stripped)
    ):
        return "boilerplate"
    if _DATELINE.fullmatch(stripped + " ") and _THREE_CAPITALS.search(stripped):
        return "dateline"
    whole_paragraph = stripped == paragraph.strip()
    if whole_paragraph and _BYLINE.match(stripped):
        return "byline"
    if (
        whole_paragraph
        and _NAME_ONLY.match(stripped)
        and previous_paragraph.rstrip()[-1:]
        in (
            "”",
            '"',
        )
    ):
        return "byline"
    if (
        whole_paragraph
        and stripped[-1] not in '.!?”"’:;,)'
        and len(stripped.split()) <= _HEADLINE_MAX_WORDS
    ):
        return "headline"
    return "body"


def build_statements(
    text: str, paragraphs: list[Span], sentences: Iterable[Span]
) -> list[Statement]:
    """Turn sentence spans (from any splitter or parser) into classified, numbered statements."""
    paragraph_starts = [paragraph.start for paragraph in paragraphs]
    statements: list[Statement] = []
    for sentence in sentences:
        number = max(bisect.bisect_right(paragraph_starts, sentence.start) - 1, 0)
        paragraph = paragraphs[number].text if paragraphs else sentence.text
        previous = paragraphs[number - 1].text if number > 0 else ""
        pieces = (
            split_dateline(text, sentence)
            if sentence.start == _start_of(paragraphs, number)
            else [sentence]
        )
        for piece in pieces:
            kind = classify_statement(piece.text, paragraph, previous)
            if piece is not sentence and piece is pieces[0]:
                kind = "dateline"
            statements.append(
                Statement(len(statements), piece.start, piece.end, piece.text, number, kind)
            )
    return statements


def _start_of(paragraphs: list[Span], number: int) -> int:
    return paragraphs[number].start if paragraphs else 0


def segment(text: str) -> tuple[list[Span], list[Statement]]:
    """Paragraphs and classified statements of an article."""
    paragraphs = split_paragraphs(text)
    sentences = [s for p in paragraphs for s in split_sentences(text, p.start, p.end)]
    return paragraphs, build_statements(text, paragraphs, sentences)


def link_statements(attributions: Iterable[Attribution], statements: Sequence[Statement]) -> None:
    """Set each attribution's ``statements``: those its content or its cue overlaps."""
    starts = [statement.start for statement in statements]
    for attribution in attributions:
        spans = list(attribution.content) or [s for s in (attribution.cue, attribution.source) if s]
        if attribution.cue is not None:
            spans.append(attribution.cue)
        found: set[int] = set()
        for span in spans:
            first = max(bisect.bisect_right(starts, span.start) - 1, 0)
            for index in range(first, len(statements)):
                statement = statements[index]
                if statement.start >= span.end:
                    break
                if statement.end > span.start:
                    found.add(statement.index)
        attribution.statements = sorted(found)
