"""Quote integrity: unbalanced quote marks, quotes nobody said, speakers who say nothing.

- ``unbalanced-quotes``: within a paragraph, a closing mark with no opening one, or an opening
  mark left open. A quote running on into the next paragraph is fine when that paragraph opens
  with a quote mark again, as style guides ask. A mark opens or closes as a reader tells it: by
  where it stands (after a space and before a word it opens, after a word and before a space it
  closes, whatever its glyph: "”like women in combat”", "“no evidence" yet"), else by its glyph,
  a straight mark opening unless a mark is open. Single quotes are not checked: they double as
  apostrophes.
- ``quote-without-speaker``: a quotation of at least ``min_words`` words that no attribution
  covers. Shorter quoted phrases are usually titles or scare quotes.
- ``speaker-without-quote``: an attribution with a source and a cue but no content, ending its
  line with a colon ("KCNA added:" and then nothing). An attribution with no content anywhere
  else has its words where the analyzer did not find them ("Trump boasted that …", "“…,” Melanie
  said.", "Sixty-two percent of Republicans agreed."): they are not reported missing.
"""

from __future__ import annotations

import itertools
import re
from bisect import bisect_left
from collections.abc import Callable, Iterator
from typing import NamedTuple

from sayso import hookimpl
from sayso.model import Analysis, Checker, Finding, Settings, Span

CHECKER = Checker(
    id="quotes",
    description="Unbalanced quote marks, quotes with no speaker, speakers with no quote.",
    options={"min_words": 5},
    codes={
        "unbalanced-quotes": "A quote mark with no partner in its paragraph.",
        "quote-without-speaker": "A quotation of at least min_words words that no attribution "
        "covers.",
        "speaker-without-quote": "A source and a cue with no content (“KCNA added:” and then "
        "nothing).",
    },
)
CHECKER_ID = CHECKER.id
OPENING = "“«„"
CLOSING = "”»"
_QUOTATION = re.compile(r"[“«„\"]([^“”«»„\"]+)[”»\"]")
_MARK = re.compile(f'[{OPENING}{CLOSING}"]')
_MARKS = (*OPENING, *CLOSING, '"')
# What stands around a mark that opens or closes a quotation besides spaces, letters and digits.
_BEFORE_OPENING = "([{—–/"
_AFTER_OPENING = "…$£€#(‘'"
_BEFORE_CLOSING = ".,;:!?…)’'%"
_AFTER_CLOSING = ".,;:!?)—–"


@hookimpl
def register_checkers(register: Callable[[Checker], None]) -> None:
    register(CHECKER)


@hookimpl
def check_article(analysis: Analysis, settings: Settings) -> list[Finding]:
    findings = [
        CHECKER.finding(
            "unbalanced-quotes",
            marks.message,
            "error",
            marks.span,
            analysis.statement_at(marks.span.start),
        )
        for marks in unbalanced_marks(analysis)
    ]
    min_words = settings.option(CHECKER_ID, "min_words")
    attributed: _Stretches | None = None
    for quotation in quotations(analysis.article.text):
        if len(quotation.text.split()) < min_words:
            continue
        if attributed is None:
            attributed = _Stretches(_attributed_stretches(analysis))
        if not attributed.overlap(quotation.start + 1, quotation.end - 1):
            findings.append(
                CHECKER.finding(
                    "quote-without-speaker",
                    "Nobody is named as saying this quotation.",
                    span=quotation,
                    statement=analysis.statement_at(quotation.start),
                )
            )
    for attribution in analysis.attributions:
        if attribution.source and attribution.cue and not attribution.content:
            span = Span.of(
                analysis.article.text,
                min(attribution.source.start, attribution.cue.start),
                max(attribution.source.end, attribution.cue.end),
            )
            if not _introduces_nothing(analysis.article.text, span):
                continue
            findings.append(
                CHECKER.finding(
                    "speaker-without-quote",
                    f"“{span.text}” introduces words that never follow.",
                    span=span,
                    statement=analysis.statement_at(span.start),
                )
            )
    return findings


def _introduces_nothing(text: str, attribution: Span) -> bool:
    """Whether a source and cue end their line with a colon and no words after it: an
    attribution that found no words there, and whose colon leads to none."""
    line_end = text.find("\n", attribution.end)
    after = text[attribution.end : line_end if line_end >= 0 else len(text)].strip(" \t”\"’'")
    return after.startswith(":") and not any(character.isalnum() for character in after)


def quotations(text: str) -> Iterator[Span]:
    """The quoted passages of a text, quote marks included."""
    for match in _QUOTATION.finditer(text):
        yield Span.of(text, match.start(), match.end())


# A paragraph's first unbalanced marks get a finding each, and the rest of them one together: a
# line of 100,000 stray quote marks is not 100,000 problems for an editor (nor rows to store).
MAX_FINDINGS_PER_PARAGRAPH = 10


class Unbalanced(NamedTuple):
    """Quote marks with no partner: one, a run of them, or the rest of a paragraph's."""

    span: Span
    marks: int

    @property
    def message(self) -> str:
        text = self.span.text
        consequence = "so the reader cannot tell where the quotation starts or ends."
        if self.marks == 1:
            return f"This quote mark ({text}) has no partner, {consequence}"
        if self.marks == len(text):
            shown = text if len(text) <= 5 else text[:5] + "…"
            return (
                f"These {self.marks:,} quote marks in a row ({shown}) have no partner, "
                + consequence
            )
        return (
            f"{self.marks:,} more quote marks in this paragraph have no partner (the first "
            f"{MAX_FINDINGS_PER_PARAGRAPH} are flagged one by one), {consequence}"
        )


def unbalanced_marks(analysis: Analysis) -> list[Unbalanced]:
    """Quote marks with no partner in their paragraph (see the module docs).

    Marks in a row are one finding, and past :data:`MAX_FINDINGS_PER_PARAGRAPH` in a paragraph
    the rest are one more.
    """
    text = analysis.article.text
    paragraphs = analysis.paragraphs or [Span.of(text, 0, len(text))]
    # Every mark of the text, found in one pass; each paragraph takes its own by bisection.
    offsets = [match.start() for match in _MARK.finditer(text)]
    found = []
    for number, paragraph in enumerate(paragraphs):
        first = bisect_left(offsets, paragraph.start)
        last = bisect_left(offsets, paragraph.end, first)
        if first == last:
            continue
        marks = []
        open_marks: list[int] = []
        for offset in offsets[first:last]:
            if _opens(text, offset, paragraph, bool(open_marks)):
                open_marks.append(offset)
            elif open_marks:
                open_marks.pop()
            else:
                marks.append(offset)
        following = paragraphs[number + 1].text if number + 1 < len(paragraphs) else ""
        if not following.startswith(_MARKS):
            marks += open_marks
        found += _grouped(text, sorted(marks))
    return found


def _opens(text: str, offset: int, paragraph: Span, one_is_open: bool) -> bool:
    """Whether the quote mark at ``offset`` opens a quotation, as a reader tells it: by where it
    stands (opening its paragraph, or after a space and before a word, "said ”like women …”";
    after a word and before a space, "were “Mostly False.“"), else by its glyph, a straight mark
    opening unless a mark is open before it."""
    if offset == paragraph.start:
        # Nothing is open to close before a paragraph: "” … what I learned …," he said.
        return True
    before = text[offset - 1]
    after = text[offset + 1] if offset + 1 < paragraph.end else " "
    if (before.isspace() or before in _BEFORE_OPENING) and (
        after.isalnum() or after in _AFTER_OPENING
    ):
        return True
    if (before.isalnum() or before in _BEFORE_CLOSING) and (
        after.isspace() or after in _AFTER_CLOSING
    ):
        return False
    character = text[offset]
    return character in OPENING or (character == '"' and not one_is_open)


def _grouped(text: str, offsets: list[int]) -> list[Unbalanced]:
    """One paragraph's unbalanced marks: runs together, and past the limit the rest together."""
    runs: list[list[int]] = []
    for offset in offsets:
        if runs and runs[-1][1] == offset:
            runs[-1][1] = offset + 1
        else:
            runs.append([offset, offset + 1])
    grouped = [Unbalanced(Span.of(text, start, end), end - start) for start, end in runs]
    if len(grouped) > MAX_FINDINGS_PER_PARAGRAPH + 1:
        rest = grouped[MAX_FINDINGS_PER_PARAGRAPH:]
        span = Span.of(text, rest[0].span.start, rest[-1].span.end)
        grouped[MAX_FINDINGS_PER_PARAGRAPH:] = [Unbalanced(span, sum(r.marks for r in rest))]
    return grouped


def _attributed_stretches(analysis: Analysis) -> list[tuple[int, int]]:
    """Offsets of the attributed content fragments and of the statements attributions carry."""
    stretches = [
        (fragment.start, fragment.end)
        for attribution in analysis.attributions
        for fragment in attribution.content
    ]
    # The statements attributions_for() gives attributions for, without a list for each one.
    carried = {index for attribution in analysis.attributions for index in attribution.statements}
    stretches += [
        (statement.start, statement.end)
        for statement in analysis.statements
        if statement.index in carried
    ]
    return stretches


class _Stretches:
    """Offset ranges, to ask whether a range overlaps any of them."""

    def __init__(self, stretches: list[tuple[int, int]]) -> None:
        ordered = sorted(stretches)
        self.starts = [start for start, _ in ordered]
        # How far the ranges reach, up to each one: an article can have thousands of them.
        self.reach = list(itertools.accumulate((end for _, end in ordered), max))

    def overlap(self, start: int, end: int) -> bool:
        # One of the ranges starting before ``end`` overlaps if the furthest of them ends after
        # ``start``.
        starting_before = bisect_left(self.starts, end)
        return starting_before > 0 and self.reach[starting_before - 1] > start
