"""Assembly: how the tagger's BIO tags become attributions.

The CRF (:mod:`sayso.analysis.tagger`) labels tokens as source, cue or content; here its labels
become spans (:func:`tagged_pieces`), the spans attributions built around their cues
(:func:`assemble`), and those are completed by the rule analyzer's own (:func:`merge_rules`).
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Protocol

from ..lexicon import Lexicon
from ..model import Attribution, Form, Span
from .attribution_steps import speaker_turn
from .dependency import RELATIVE_PRONOUNS, content_form


class TokenOffsets(Protocol):
    """Where each token starts and ends in the text, and which tokens each paragraph holds (the
    tagger's ``Tokens`` is one)."""

    starts: list[int]
    ends: list[int]
    paragraphs: list[range]


@dataclass
class _Piece:
    role: str
    first: int
    last: int
    paragraph: int
    sentence: int


def tagged_pieces(
    labels: list[str], paragraph_index: int, first: int, sentence_of: list[int]
) -> list[_Piece]:
    """Spans of one paragraph's labels, as token ranges."""
    pieces: list[_Piece] = []
    for offset, label in enumerate(labels):
        if label == "O":
            continue
        index = first + offset
        role = label[2]
        previous = labels[offset - 1] if offset else "O"
        if label[0] == "I" and previous != "O" and previous[2] == role:
            pieces[-1].last = index
        else:
            pieces.append(_Piece(role, index, index, paragraph_index, sentence_of[index]))
    return pieces


@dataclass
class _Draft:
    """An attribution being assembled around its cue."""

    cue: _Piece
    cue_span: Span
    source: Span | None = None
    content: list[Span] = field(default_factory=list)


def assemble(
    text: str,
    tokens: TokenOffsets,
    pieces: list[_Piece],
    lexicon: Lexicon,
    cue_forms: dict[str, str] | None = None,
) -> list[Attribution]:
    """Join tagged spans into attributions: one per cue, with the nearest source in its sentence
    and the content spans nearest to it in its paragraph; content in a paragraph without a cue
    continues the attribution before it (a quotation running over paragraphs). Content outside
    its cue's sentence is kept only when it opens a quotation: a half-tagged sentence must not
    lend its end to the next one's cue, nor a said sentence run on into the writer's next one.

    ``cue_forms`` is ``lexicon.cue_forms()``, for a caller that has it already.
    """
    starts, ends = tokens.starts, tokens.ends
    laid_out = laid_out_attributions(text, tokens)
    if laid_out:
        # Each covers its own stretch of text: its source's start to its content's end, or the
        # other way round.
        covered = sorted(
            (min(a.source.start, a.content[0].start), max(a.cue.end, a.content[0].end))
            for a in laid_out
            if a.source is not None and a.cue is not None
        )
        pieces = [p for p in pieces if not _within(starts[p.first], ends[p.last], covered)]
    pieces = _conventions(text, tokens, pieces)

    def span(piece: _Piece) -> Span | None:
        return _trim(text, starts[piece.first], ends[piece.last])

    drafts: list[_Draft] = []
    for piece in pieces:
        cue_span = span(piece) if piece.role == "C" else None
        if cue_span is not None:
            drafts.append(_Draft(piece, cue_span))
    if not drafts:
        return laid_out
    cue_positions = [draft.cue.first for draft in drafts]

    def neighbours(piece: _Piece) -> list[_Draft]:
        """The cues right before and right after ``piece``: the nearest is one of them."""
        index = bisect.bisect_left(cue_positions, piece.first)
        return drafts[max(0, index - 1) : index + 1]

    def content_neighbours(piece: _Piece) -> list[_Draft]:
        """The cue right before ``piece`` and the first after it that can own it: a relative
        clause's cue ("… with Shoigu, who presented him with …") owns nothing before its pronoun,
        which belongs to the sentence's own cue further on."""
        index = bisect.bisect_left(cue_positions, piece.first)
        after = drafts[index : index + RELATIVE_CUES_SKIPPED + 1]
        owner = next((d for d in after if not _relative_after(d, piece, starts)), None)
        return drafts[max(0, index - 1) : index] + ([owner] if owner else [])

    # Nearest pairs first: each cue takes one source from its sentence, each source one cue.
    pairs = sorted(
        (abs(_gap(source, draft.cue)), source.first, draft.cue.first, source, draft)
        for source in pieces
        if source.role == "S"
        for draft in neighbours(source)
        if draft.cue.sentence == source.sentence
    )
    taken: set[int] = set()
    for _, source_first, _, source, draft in pairs:
        if draft.source is None and source_first not in taken:
            taken.add(source_first)
            draft.source = span(source)
    # A cue left without a source shares the one of the cue before it in its sentence: "…
    # has denied the claim, blaming …".
    for previous, draft in itertools.pairwise(drafts):
        if draft.source is None and previous.cue.sentence == draft.cue.sentence:
            draft.source = previous.source
    for piece in pieces:
        fragment = span(piece) if piece.role == "Q" else None
        if fragment is None:
            continue
        around = content_neighbours(piece)
        if not around:
            continue
        near = [d for d in around if d.cue.paragraph == piece.paragraph]
        if near:
            owner = min(near, key=lambda d: (abs(_gap(piece, d.cue)), d.cue.first < piece.first))
        elif around[0].cue.first < piece.first:
            owner = around[0]  # continues the last attribution before its paragraph
        else:
            continue
        # Content outside its cue's sentence is a quotation's: said content ends with its
        # sentence, and an unquoted sentence before or after it is the writer's own.
        if owner.cue.sentence != piece.sentence and not _opens_quote(text, fragment):
            continue
        owner.content.append(fragment)
    cue_forms = cue_forms if cue_forms is not None else lexicon.cue_forms()
    # A cue left with neither source nor content is no attribution (PolNeAR train has 35 among
    # 19,868), and alone it would mark its sentence attributed: "the war, concluded by an
    # armistice, …".
    tagged = [
        Attribution(
            _form(d.cue_span, d.source, d.content, cue_forms, lexicon),
            d.cue_span,
            d.source,
            sorted(d.content),
        )
        for d in drafts
        if d.source is not None or d.content
    ]
    return sorted([*tagged, *laid_out], key=lambda a: a.cue.start if a.cue else 0)


# A transcript prints two speakers' turns or more; one label alone is more often a kicker
# ("UPDATE:", "BYLINE:", "EXCLUSIVE:") than a speaker.
MIN_SPEAKER_TURNS = 2
# A quotation signed with a dash and a name on a line of its own, as readers' comments and
# epigraphs are printed: “I’m so ashamed.” ― Jacklyn Ashley
SIGNED_QUOTATION = re.compile(
    r"^[^\S\n]*(?P<content>[“”\"«][^\n]*[”“\"»])[^\S\n]*(?P<dash>―|—|–|--)[^\S\n]*"
    r"(?P<name>(?:[A-Z][\w’'-]*\.?[^\S\n]+){0,4}[A-Z][\w’'-]*)\.?[^\S\n]*$",
    re.MULTILINE,
)
SIGNATURE_DASHES = ("―", "—", "–", "--")


def laid_out_attributions(text: str, tokens: TokenOffsets) -> list[Attribution]:
    """Attributions that the layout gives, whatever was tagged in their place (PolNeAR does not
    nest attributions, and labels each of these as one):

    - a transcript's turns: a paragraph ``PENCE: Well, look…`` is PENCE's words (cue the colon,
      content the rest of the paragraph), in an article with two such labels or more;
    - a line that is a quotation signed with a dash and a name (cue the dash).
    """
    turns: list[Attribution] = []
    signed: list[Attribution] = []
    # Most articles have no signed quotation, and half of them no dash at all: looking for one
    # in the whole text first spares a search of each paragraph.
    any_signed = any(dash in text for dash in SIGNATURE_DASHES) and bool(
        SIGNED_QUOTATION.search(text)
    )
    for paragraph in tokens.paragraphs:
        if not paragraph:
            continue
        start, end = tokens.starts[paragraph[0]], tokens.ends[paragraph[-1]]
        turn = speaker_turn(text, start, end)
        if turn is not None:
            turns.append(turn)
            continue
        for quotation in SIGNED_QUOTATION.finditer(text, start, end) if any_signed else ():
            dash, name, content = (
                Span.of(text, quotation.start(group), quotation.end(group))
                for group in ("dash", "name", "content")
            )
            signed.append(Attribution("direct", dash, name, [content]))
    return [*turns, *signed] if len(turns) >= MIN_SPEAKER_TURNS else signed


# Marks that open a quotation: content before its cue's sentence is a quotation's start.
OPENING_QUOTES = "\"“'‘«`"


def _opens_quote(text: str, fragment: Span) -> bool:
    before = text[max(0, fragment.start - 2) : fragment.start + 1]
    return any(mark in before for mark in OPENING_QUOTES)


def merge_rules(tagged: Sequence[Attribution], rules: Sequence[Attribution]) -> list[Attribution]:
    """The tagger's attributions, completed by the rules'.

    The rules are precise where they fire. A tagged attribution that lacks a source or content
    gives way to a rule's complete one with an overlapping cue; a rule's attribution that
    overlaps nothing the tagger tagged is added.
    """
    complete = sorted(
        ((r.cue.start, r.cue.end, index) for index, r in enumerate(rules) if r.cue and r.source),
    )
    complete = [item for item in complete if rules[item[2]].content]
    complete_starts = [start for start, _, _ in complete]
    merged: list[Attribution] = []
    used: set[int] = set()
    for attribution in tagged:
        cue = attribution.cue
        if (attribution.source is None or not attribution.content) and cue is not None:
            # Rule cues are short and do not overlap: the one overlapping starts just before.
            index = bisect.bisect_left(complete_starts, cue.end) - 1
            if index >= 0 and complete[index][1] > cue.start and complete[index][2] not in used:
                used.add(complete[index][2])
                attribution = rules[complete[index][2]]
        merged.append(attribution)
    spans = sorted(
        (span.start, span.end)
        for attribution in merged
        for span in (attribution.cue, attribution.source, *attribution.content)
        if span is not None
    )
    starts = [start for start, _ in spans]
    # The largest end among the spans starting before each point: a span [a, b) overlaps one of
    # them when the largest end of those starting before b is past a.
    reach = list(itertools.accumulate((end for _, end in spans), max))
    for attribution in rules:
        own = [s for s in (attribution.cue, attribution.source, *attribution.content) if s]
        if not any(_reaches(span, starts, reach) for span in own):
            merged.append(attribution)
    return sorted(merged, key=lambda a: (a.cue or a.source or a.content[0]).start)


def _reaches(span: Span, starts: list[int], reach: list[int]) -> bool:
    index = bisect.bisect_left(starts, span.end)
    return index > 0 and reach[index - 1] > span.start


# Words PolNeAR ends a cue with rather than starting its content ("complained about", "calling
# for", "accusing her of"): in PolNeAR train, of the contents right after their cue, 1 in 15
# starts with one of them where 14 in 15 cues end with one. Not after a verb of saying: "said of
# Clinton, “…”" and "says on its website that …" keep the word out of the cue.
CUE_PREPOSITIONS = frozenset(["about", "for", "of", "on", "with", "against", "over", "at", "into"])
SAY_WORDS = frozenset(["say", "says", "said", "saying", "tell", "tells", "told", "added", "wrote"])
# A content that opens with one of these and a "that" soon after ("on its website that …", "in the
# letter that …", "via email that …") starts at the "that": where and how it was said is not
# content (in PolNeAR train, 28 contents open that way against hundreds that start at "that").
PLACE_PREPOSITIONS = frozenset(["in", "on", "at", "via", "during", "through", "from"])
THAT_WITHIN = 10


def _conventions(text: str, tokens: TokenOffsets, pieces: list[_Piece]) -> list[_Piece]:
    """Pieces whose cue and content boundaries follow PolNeAR's conventions where the tagger's
    do not (the two rules above); the pieces given are left as they were."""
    starts, ends = tokens.starts, tokens.ends

    def word(index: int) -> str:
        return text[starts[index] : ends[index]].lower()

    pieces = list(pieces)
    for index in range(len(pieces) - 1):
        cue, content = pieces[index], pieces[index + 1]
        if (
            cue.role != "C"
            or content.role != "Q"
            or content.paragraph != cue.paragraph
            or content.first > cue.last + 2
        ):
            continue
        if (
            content.first == cue.last + 1
            and content.last > content.first
            and word(content.first) in CUE_PREPOSITIONS
            and word(cue.last) not in SAY_WORDS
        ):
            cue = replace(cue, last=content.first)
            content = replace(content, first=content.first + 1)
        elif word(content.first) in PLACE_PREPOSITIONS:
            window = range(content.first + 1, min(content.last, content.first + THAT_WITHIN))
            that = next((at for at in window if word(at) == "that"), None)
            if that is not None:
                content = replace(content, first=that)
        pieces[index], pieces[index + 1] = cue, content
    return pieces


def _within(start: int, end: int, stretches: list[tuple[int, int]]) -> bool:
    """Whether [start, end) overlaps one of ``stretches`` (sorted, not overlapping each other)."""
    index = bisect.bisect_right(stretches, (end, end)) - 1
    return index >= 0 and stretches[index][1] > start and stretches[index][0] < end


# How many relative clauses' cues a content before them may pass over to reach its own cue
# ("X, who told Y, which reported …, said Z"): enough for real sentences, bounded for hostile ones.
RELATIVE_CUES_SKIPPED = 3


def _relative_after(draft: _Draft, piece: _Piece, starts: list[int]) -> bool:
    """Whether ``draft`` is a relative clause's ("who presented") whose pronoun comes after
    ``piece``."""
    source = draft.source
    return (
        source is not None
        and source.text.lower() in RELATIVE_PRONOUNS
        and starts[piece.last] < source.start
    )


def _gap(piece: _Piece, cue: _Piece) -> int:
    """Tokens between two pieces (negative when ``piece`` comes first)."""
    if piece.last < cue.first:
        return -(cue.first - piece.last)
    return piece.first - cue.last


def _trim(text: str, start: int, end: int) -> Span | None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return Span.of(text, start, end) if start < end else None


def _form(
    cue: Span,
    source: Span | None,
    content: list[Span],
    cue_words: dict[str, str],
    lexicon: Lexicon,
) -> Form:
    lowered = cue.text.lower()
    if lowered.startswith("according"):
        return "according_to"
    return content_form(cue_words.get(lowered.split()[-1]), source, content, lexicon)
