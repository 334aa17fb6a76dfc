"""Analyzer-independent steps that complete an analysis before its sources are resolved.

Whichever analyzer found the attributions (rules, a tagger, a parser), these steps run on its
:class:`~sayso.model.Analysis`, in this order, before source resolution and the checkers:

1. **Headlines are not attributions.** A paragraph of one statement in title case is a headline,
   even when it ends in a full stop; a first line of at most ``LABEL_MAX_WORDS`` words before the
   article ("Copy 3.", a slug or a kicker) is a label, not a claim. An attribution found only
   in a headline or crosshead ("U.S Says Putin Is Reaching Out For Support") is dropped:
   headlines repeat what the body attributes, and a crosshead is the editor's label, not a
   source speaking. A newsroom label before a colon (a kicker: "The Latest:", "UPDATE:",
   "Contributing:") names no speaker: attributions to one are dropped, and a first line
   opened by one is the headline.
2. **Non-attribution is information.** "State media had not confirmed plans for a parade",
   "the ministry declined to comment", "Smith could not be reached": the source is named but
   does not vouch for anything. Such attributions move to ``analysis.non_attributions`` (the
   statement is not carried by them); sentences of that kind an analyzer did not report are
   added there too. Only a source that did not *speak* is one: a thought or an act denied ("He
   does not believe…", "is not expected to", "will not vote for") is reported on the article's
   own say-so, as the thought or act itself would be, and stays an attribution.
3. **Speaker labels.** A paragraph opening with a speaker's name in capitals and a colon
   (``PENCE: Well, look…``, as transcripts are printed) is that speaker's words.
4. **Sources are names, not punctuation or clauses.** A source mention loses the stray quote
   marks at its edges (PolNeAR's LaTeX-style ``''`` taken into the source); one with nothing
   else left is no source. A fronted adverbial clause taken as the source ("As the crowd began
   to chant, Silverman … joked") gives way to the subject named right after it.
5. **Attribution that carries over.** A statement no attribution carries is carried by the
   attribution of the passage it continues: the other sentences of a quotation (one that runs on
   over sentences, or into the next paragraph), a whole quoted paragraph right after an
   attributed quote, and the paragraph after a statement that ends with a colon ("According to
   the agency:", "He added:"). Quotations nest (a question quoted inside a quote does not end
   it), and a sentence of such a passage that reports what someone thinks ("She knows nothing",
   in the governor's words) is the speaker's too.

Carried-over statements are added to the attribution's ``statements``, and their text to its
``content``, so reports list them under the same source.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence

from ..model import Analysis, Attribution, Span, Statement
from .caseless import ascii_words, lowered
from .names import straight_apostrophes, unquoted_bounds
from .needs_source import names_saying, vouches

# A first line this short, before the article, labels it ("Copy 3.").
LABEL_MAX_WORDS = 3
OPENING_MARKS = "“«„"
CLOSING_MARKS = "”»"
_STRAIGHT = '"'
# NYT copy quotes with two apostrophes: ''It's anti-reform,'' he said. A quote mark, or an
# apostrophe that another follows: written to open with a character class, which lets re skip
# ahead to the next mark (an alternation does not).
_DOUBLED = re.compile(r"['“”«»„\"](?:(?<=')'|(?<!'))")
# Words before or inside a cue that say the source did not vouch for the content.
# "n't" closes a word ("didn’t"), so it has no word boundary before it.
_NOT_VOUCHING = re.compile(
    r"\b(?:not|never|no longer|cannot|declined to|refused to)\b|n[’']t\b", re.IGNORECASE
)
# Words of a negated cue, beside the verbs of saying (:func:`vouches`), that make it a source
# declining to speak: "declined to discuss", "would not elaborate", "did not provide details".
_DECLINING = (
    "declined refused discuss discussed elaborate elaborated answer answered specify specified "
    "provide provided give gave identify identified reached contacted"
)
_SPEAKING_OR_DECLINING = frozenset(_DECLINING.split())
_WORD = re.compile(r"\w+")
# Sentences that name a source who did not speak: "X declined to comment", "could not be reached".
_NON_ATTRIBUTION = re.compile(
    r"\b(?:(?:declined|refused|did not want|would not|wouldn[’']t)\s+(?:to\s+)?"
    r"(?:comment|respond|say|elaborate|discuss|confirm|answer|specify|provide|give|identify)|"
    r"(?:cannot|(?:could|can)(?: not|n[’']t))\s+(?:immediately\s+)?(?:be\s+(?:immediately\s+)?"
    r"(?:reached|contacted)|comment|confirm|say|discuss|elaborate)|"
    r"did(?: not|n[’']t)\s+(?:immediately\s+)?(?:respond|reply|return|answer|provide|comment)|"
    r"(?:has|have|had)(?: not|n[’']t)\s+(?:yet\s+)?(?:confirmed|commented|responded))\b",
    re.IGNORECASE,
)
# Every match of _NON_ATTRIBUTION ends in one of these words: a statement holding none of them
# (nineteen in twenty) is not searched.
_NON_ATTRIBUTION_ENDS = frozenset(
    b"comment respond say elaborate discuss confirm answer specify provide give identify reached "
    b"reply return confirmed commented responded contacted".split()
)
# The subject named before such a phrase: a capitalised name or a noun phrase opened by "the"
# or "a" ("A spokesman for the contractor", "The mayor's office"), whole words only (not the
# "an" ending "spokesman"), optionally followed by an aside between commas ("State media,
# however, had not …").
_SUBJECT = re.compile(
    r"(?<![\w.’'&-])"
    r"(?P<subject>(?:[Tt]he\s+)?(?:[A-Z][\w.’'&-]*\s+)*[A-Z][\w.’'&-]*(?:\s+[a-z][\w-]*){0,2}|"
    r"(?:[Tt]he|[Aa]n?)\s+[a-z][\w’'-]*(?:\s+[a-z][\w’'-]*){0,3}|"
    r"[Hh]e|[Ss]he|[Tt]hey|[Ii]t)"
    r"(?:,[^,]{1,100},)?\s+(?:also\s+|however\s+|so\s+far\s+)?$"
)
# A parenthetical source and cue stand after a clause of at least this many words.
_PARENTHESIS_MIN_WORDS = 4
# Words after which a comma opens a clause of its own, not the sentence's main clause.
_OPENING_A_CLAUSE = (
    "which who whom whose that where when and but or because since if though although while as "
    "like especially particularly including"
)
_CLAUSE_OPENERS = frozenset(_OPENING_A_CLAUSE.split())
# A source mention: a name, a pronoun or a noun phrase, not a stray noun ("swing states").
_SOURCE_LIKE = re.compile(
    r"[A-Z]|(?:he|she|they|we|it|the|a|an|some|many|most|several|other|his|her|their|its|our|"
    r"one|two|three|officials|experts|analysts|critics)\b"
)
_INTRODUCTION = re.compile(
    r"(?:(?P<cue_according>[Aa]ccording to)\s+(?P<according_source>[^,:;]{2,60})|"
    r"(?:^|[.;]\s+)(?P<source>(?:[Tt]he\s+)?[A-Z][^,:;]{1,60}?)\s+"
    r"(?P<said>said|says|added|wrote|explained|stated|told reporters))\s*:\s*$"
)
_SUBORDINATOR = re.compile(
    r"(?:when|whenever|while|as|if|after|before|since|although|though|because|once|until|"
    r"unless|whereas)\s",
    re.IGNORECASE,
)
# A clause's subject right after the comma that closes a fronted clause: a name (with titles)
# or a personal pronoun.
_SUBJECT_AFTER_CLAUSE = re.compile(
    r"\s*,\s*(?P<subject>(?:[A-Z][\w.’'-]*\s+)*[A-Z][\w’'-]*|he|she|they|we|I)\b(?!,)"
)
# Newsroom labels written before a colon: a kicker ("The Latest:", "BREAKING:", "UPDATE:",
# "Analysis:") or a credit line ("Contributing: …"). They name no one who speaks.
_KICKERS = (
    "latest breaking news update updated correction clarification editor's note exclusive "
    "analysis opinion commentary editorial explainer factbox fact check live video watch photos "
    "photo gallery related read more see also previously developing developments just in listen "
    "contributing"
)
KICKER_WORDS = frozenset(_KICKERS.split())
_KICKER = re.compile(r"[\"“]?(?P<kicker>[^\W\d][\w’' -]{0,30}?)\s*:\s")
# A speaker's name in capitals and a colon opening a paragraph.
SPEAKER_LABEL = re.compile(r"[\"“]?(?P<speaker>[A-Z][A-Z.'’ -]{1,40}[A-Z.]):\s")


def complete_attributions(analysis: Analysis) -> None:
    """Run every step of the module docs on ``analysis``, in order."""
    mark_headlines(analysis)
    drop_headline_attributions(analysis)
    drop_kicker_attributions(analysis)
    separate_non_attributions(analysis)
    add_speaker_labels(analysis)
    trim_source_mentions(analysis)
    widen_parenthetical_attributions(analysis)
    add_introductions(analysis)
    carry_over(analysis)


def trim_source_mentions(analysis: Analysis) -> None:
    """Cut stray quote marks off source mentions (a mention of nothing else is no source), and
    take the subject after a fronted clause taken as a source."""
    text = analysis.article.text
    for attribution in (*analysis.attributions, *analysis.non_attributions):
        source = attribution.source
        if source is None:
            continue
        subject = _subject_after_fronted_clause(text, attribution)
        if subject is not None:
            attribution.source = source = subject
        start, end = unquoted_bounds(source.text)
        if (start, end) == (0, len(source.text)):
            continue
        if any(character.isalnum() for character in source.text[start:end]):
            attribution.source = Span.of(text, source.start + start, source.start + end)
        else:
            attribution.source = None


def _subject_after_fronted_clause(text: str, attribution: Attribution) -> Span | None:
    """The subject right after the comma closing a fronted clause that was taken as the source,
    when the cue comes after it: "As the crowd began to chant, Silverman … joked" → Silverman."""
    source, cue = attribution.source, attribution.cue
    if source is None or cue is None or cue.start < source.end:
        return None
    if not _SUBORDINATOR.match(source.text):
        return None
    subject = _SUBJECT_AFTER_CLAUSE.match(text, source.end, cue.start)
    if subject is None:
        return None
    return Span.of(text, subject.start("subject"), subject.end("subject"))


def widen_parenthetical_attributions(analysis: Analysis) -> None:
    """Give a source and cue set off by commas inside a sentence the words before them too.

    "Pence was the subject of 60 percent of the conversation, Twitter announced, gaining 22,000
    followers": Twitter is given as saying the whole sentence, not only what follows the cue.
    Not after a relative word or conjunction ("the stadium, which, Tompkins said, is full"), and
    only for a source that reads as one (a name, a pronoun, a noun phrase), not a tagger's noun
    read as a cue ("in swing states,").
    """
    text = analysis.article.text
    starts = [statement.start for statement in analysis.statements]
    # The analysis is not final yet, so attributions_for would work its index out on every call.
    contents_by_statement: dict[int, list[tuple[Attribution, Span]]] = {}
    for attribution in analysis.attributions:
        for index in attribution.statements:
            contents_by_statement.setdefault(index, []).extend(
                (attribution, part) for part in attribution.content
            )
    for attribution in analysis.attributions:
        source, cue, content = attribution.source, attribution.cue, attribution.content
        if attribution.form != "indirect" or source is None or cue is None or not content:
            continue
        if not _SOURCE_LIKE.match(source.text):
            continue
        opening, closing = min(source.start, cue.start), max(source.end, cue.end)
        between = text[closing : content[0].start]
        if content[0].start < closing or not between.lstrip().startswith(","):
            continue
        statement = analysis.statements[bisect.bisect_right(starts, opening) - 1]
        clause = _clause_before(text, statement, opening)
        if clause is not None and not any(
            other is not attribution and clause.overlaps(part)
            for other, part in contents_by_statement.get(statement.index, ())
        ):
            attribution.content = [clause, *content]


def _clause_before(text: str, statement: Statement, opening: int) -> Span | None:
    """The statement's words before a comma right before ``opening``, when they are a main
    clause of at least ``_PARENTHESIS_MIN_WORDS`` words."""
    before = text[statement.start : opening].rstrip()
    if not before.endswith(",") or len(before.split()) < _PARENTHESIS_MIN_WORDS:
        return None
    if before[:-1].split()[-1].lower() in _CLAUSE_OPENERS:
        return None
    return Span.of(text, statement.start, statement.start + len(before) - 1)


def add_introductions(analysis: Analysis) -> None:
    """Attribute "According to the ministry:" and "The minister said:" ending a paragraph.

    Such a statement introduces the next paragraph; an analyzer finds no content for it in its
    own sentence and may report nothing. The attribution made here has no content yet:
    :func:`carry_over` gives it the next paragraph.
    """
    text = analysis.article.text
    carried = _carried(analysis)
    by_paragraph = _statements_by_paragraph(analysis)
    for members in by_paragraph.values():
        last = members[-1]
        # Only a statement ending in a colon can match (most paragraphs end otherwise).
        if last.kind != "body" or last.index in carried or not last.text.rstrip().endswith(":"):
            continue
        found = _INTRODUCTION.search(last.text)
        if found is None:
            continue
        according = found.group("according_source") is not None
        source_group, cue_group = (
            ("according_source", "cue_according")
            if according
            else (
                "source",
                "said",
            )
        )
        analysis.attributions = [
            *analysis.attributions,
            (
                Attribution(
                    form="according_to" if according else "indirect",
                    cue=Span.of(
                        text, last.start + found.start(cue_group), last.start + found.end(cue_group)
                    ),
                    source=Span.of(
                        text,
                        last.start + found.start(source_group),
                        last.start + found.end(source_group),
                    ),
                    statements=[last.index],
                )
            ),
        ]


def mark_headlines(analysis: Analysis) -> None:
    """Mark title-case lines as headlines, whatever the analyzer's sentence splitter said.

    A title or crosshead may end in a full stop (as PolNeAR's titles do): a paragraph of one
    statement in title case ("U.S Says Putin Is Reaching Out For Support") is a headline.
    """
    by_paragraph = _statements_by_paragraph(analysis)
    for members in by_paragraph.values():
        if (
            len(members) == 1
            and members[0].kind == "body"
            and _is_title_case(members[0].text.split())
        ):
            members[0].kind = "headline"
    if len(by_paragraph) > 1:
        first = next(iter(by_paragraph.values()))
        if len(first) == 1 and first[0].kind == "body" and _is_label(first[0].text):
            first[0].kind = "boilerplate"
        elif len(first) == 1 and first[0].kind == "body" and _opens_with_kicker(first[0].text):
            # "The Latest: Cruz to give away engraved shotgun": AP's headline, kicker and all.
            first[0].kind = "headline"


def is_kicker(label: str) -> bool:
    """Whether the words before a colon are a newsroom label (:data:`KICKER_WORDS`), not a name."""
    words = straight_apostrophes(label.lower()).split()
    if words[:1] == ["the"]:
        words = words[1:]
    return bool(words) and all(word.strip(".") in KICKER_WORDS for word in words)


def _opens_with_kicker(text: str) -> bool:
    found = _KICKER.match(text)
    return found is not None and is_kicker(found.group("kicker"))


def drop_kicker_attributions(analysis: Analysis) -> None:
    """Drop attributions to a kicker: a colon after "The Latest" or "UPDATE" introduces no one's
    words."""
    analysis.attributions = [
        attribution
        for attribution in analysis.attributions
        if attribution.source is None
        or attribution.cue is None
        or any(character.isalnum() for character in attribution.cue.text)
        or not is_kicker(attribution.source.text)
    ]


def _is_label(text: str) -> bool:
    """A line too short to assert anything: "Copy 3.", "Exclusive:", "Analysis"."""
    return len(text.split()) <= LABEL_MAX_WORDS and not any(mark in text for mark in '“”"?!')


def _is_title_case(words: list[str]) -> bool:
    """Most words capitalised, small words aside: "Kim Meets Shoigu In Pyongyang"."""
    long_words = [word for word in words if len(word.strip("“”\"'‘’.,:;!?")) > 3]
    if len(words) < 4 or len(long_words) < 3:
        return False
    capitalised = sum(1 for word in long_words if word.strip("“”\"'‘’")[:1].isupper())
    return capitalised == len(long_words)


def drop_headline_attributions(analysis: Analysis) -> None:
    """Drop attributions whose statements are all headlines (or other non-body statements).

    Only in an article with a body: a text of one unpunctuated line is not a headline to drop.
    """
    statements = analysis.statements
    if not any(statement.kind == "body" for statement in statements):
        return
    analysis.attributions = [
        attribution
        for attribution in analysis.attributions
        if not attribution.statements
        or any(statements[index].kind == "body" for index in attribution.statements)
    ]


def does_not_vouch(text: str, attribution: Attribution) -> bool:
    """Whether the cue (with the words just before it) says the source did not speak: a verb of
    saying or of declining, negated ("did not say", "has not commented", "declined to discuss")."""
    if attribution.cue is None:
        return False
    before = text[max(0, attribution.cue.start - 30) : attribution.cue.start]
    # Only the words right before the cue count: "not" further back belongs to something else.
    before = before.rsplit(",", 1)[-1].rsplit(".", 1)[-1]
    # And a negation opening in the cue may end after it: a cue of "declined" before "to comment".
    cue = attribution.cue.text
    running_on = _NOT_VOUCHING.search(cue + text[attribution.cue.end : attribution.cue.end + 4])
    if not (
        (running_on is not None and running_on.start() < len(cue)) or _NOT_VOUCHING.search(before)
    ):
        return False
    # "He does not believe …", "is not expected to": a thought or an act denied, which the
    # article reports on its own say-so, as it does the thought or act itself.
    words = set(_WORD.findall((before + " " + attribution.cue.text).lower()))
    return names_saying(attribution) or not _SPEAKING_OR_DECLINING.isdisjoint(words)


def separate_non_attributions(analysis: Analysis) -> None:
    """Move attributions whose source did not vouch for the content to ``non_attributions``.

    Statements naming a source that did not speak, which no analyzer reported, are added.
    """
    text = analysis.article.text
    kept = []
    for attribution in analysis.attributions:
        if does_not_vouch(text, attribution) and attribution.form != "direct":
            analysis.non_attributions = [*analysis.non_attributions, attribution]
        else:
            kept.append(attribution)
    analysis.attributions = kept
    noted = {index for a in analysis.non_attributions for index in a.statements}
    for statement in analysis.statements:
        if statement.kind != "body" or statement.index in noted:
            continue
        lowered_text = lowered(statement.text)
        if lowered_text is not None and _NON_ATTRIBUTION_ENDS.isdisjoint(ascii_words(lowered_text)):
            continue
        found = _NON_ATTRIBUTION.search(statement.text)
        if found is None:
            continue
        cue = Span.of(text, statement.start + found.start(), statement.start + found.end())
        subject = _SUBJECT.search(statement.text, 0, found.start())
        source = None
        if subject is not None:
            start = statement.start + subject.start("subject")
            source = Span.of(text, start, statement.start + subject.end("subject"))
        analysis.non_attributions = [
            *analysis.non_attributions,
            (
                Attribution(
                    form="indirect",
                    cue=cue,
                    source=source,
                    statements=[statement.index],
                )
            ),
        ]
    analysis.non_attributions = sorted(analysis.non_attributions, key=_first_statement)


def add_speaker_labels(analysis: Analysis) -> None:
    """Attribute paragraphs opened by ``NAME:`` to NAME (transcripts), when nothing carries them."""
    text = analysis.article.text
    carried = _carried(analysis)
    by_paragraph = _statements_by_paragraph(analysis)
    labelled: list[Attribution] = []
    for number, paragraph in enumerate(analysis.paragraphs):
        statements = [s for s in by_paragraph.get(number, []) if s.kind == "body"]
        if not statements or any(s.index in carried for s in statements):
            continue
        turn = speaker_turn(text, paragraph.start, paragraph.end)
        if turn is not None:
            turn.statements = [s.index for s in statements]
            labelled.append(turn)
    analysis.attributions = sorted(
        [*analysis.attributions, *labelled],
        key=lambda a: (_first_statement(a), a.cue.start if a.cue else 0),
    )


def speaker_turn(text: str, start: int, end: int) -> Attribution | None:
    """The paragraph ``text[start:end]`` as its speaker's words when it opens with a speaker's
    label (``PENCE: Well, look…``: source the name, cue the colon, content the rest), else None
    (also when the label is a newsroom kicker, "UPDATE:"). The tagger's assembly reads turns too."""
    label = SPEAKER_LABEL.match(text, start, end)
    if label is None or label.end() >= end or is_kicker(label.group("speaker")):
        return None
    speaker = Span.of(text, label.start("speaker"), label.end("speaker"))
    colon = Span.of(text, speaker.end, speaker.end + 1)
    return Attribution("direct", colon, speaker, [Span.of(text, label.end(), end)])


def quoted_statements(analysis: Analysis) -> dict[int, int]:
    """The statements inside quotation marks, each with the number of the quotation it is in.

    A statement counts as quoted when more than half of its characters lie between quote marks.
    A quotation left open at the end of a paragraph goes on in the next one when that opens with
    a quote mark, as style guides ask; quotations of one passage share their number.
    """
    ranges = _quoted_ranges(analysis.article.text, analysis.paragraphs)
    quoted: dict[int, int] = {}
    first = 0  # ranges and statements are both in text order: walk them together
    for statement in analysis.statements:
        while first < len(ranges) and ranges[first][1][1] <= statement.start:
            first += 1
        for number, (start, end) in ranges[first:]:
            if start >= statement.end:
                break
            overlap = min(end, statement.end) - max(start, statement.start)
            if overlap * 2 > statement.end - statement.start:
                quoted[statement.index] = number
                break
    return quoted


def _quoted_ranges(text: str, paragraphs: Sequence[Span]) -> list[tuple[int, tuple[int, int]]]:
    """(quotation number, (start, end)) for each quoted stretch, marks included.

    Quotations nest: a quote inside a quote ("He read the question: “Do you agree?” Most
    said no.") ends where the outer one closes, not at the inner closing mark. ``open_marks``
    holds the marks still open, innermost last, each as "curly" or "straight".
    """
    ranges: list[tuple[int, tuple[int, int]]] = []
    number = 0
    open_at: int | None = None
    open_marks: list[str] = []
    for paragraph in paragraphs or [Span.of(text, 0, len(text))]:
        skip_first = False
        if open_at is not None:
            # A quotation left open continues only into a paragraph that opens with a mark.
            if paragraph.text[:1] in OPENING_MARKS + _STRAIGHT or paragraph.text[:2] == "''":
                open_at = paragraph.start
                open_marks = open_marks[:1]
                skip_first = True
            else:
                open_at = None
                open_marks = []
                number += 1
        for mark in _DOUBLED.finditer(paragraph.text):
            offset = paragraph.start + mark.start()
            if skip_first and offset == paragraph.start:
                skip_first = False
                continue
            if _opens(mark.group(), paragraph.text, mark.start(), mark.end(), open_marks):
                if open_at is None:
                    open_at = offset
                open_marks.append("curly" if mark.group() in OPENING_MARKS else "straight")
            elif open_marks:
                open_marks.pop()
                if not open_marks and open_at is not None:
                    ranges.append((number, (open_at, paragraph.start + mark.end())))
                    open_at = None
                    number += 1
        if open_at is not None:
            ranges.append((number, (open_at, paragraph.end)))
    return ranges


def _opens(character: str, text: str, start: int, end: int, open_marks: list[str]) -> bool:
    """Whether a quote mark opens a quotation (else it closes the innermost open one).

    Curly marks say which they are. A straight mark closes a quotation a straight mark opened;
    inside one a curly mark opened, it opens a quote within it only when it stands where an
    opening mark does (after a space, before a word), and otherwise closes the curly one, as
    writers who mix the two mean.
    """
    if character in OPENING_MARKS:
        return True
    if character in CLOSING_MARKS:
        return False
    if not open_marks:
        return True
    if open_marks[-1] == "straight":
        return False
    before = text[start - 1] if start else " "
    after = text[end] if end < len(text) else " "
    return (before.isspace() or before in "([—–") and not after.isspace()


def carry_over(analysis: Analysis) -> None:
    """Give statements no attribution carries the attribution of the passage they continue.

    A statement that only attributions of what someone thinks or did carry ("she has no idea
    what happened", inside the governor's quoted words) is continued too: it stands in the
    speaker's words, and the speaker is who vouches for it.
    """
    carried = {
        index
        for attribution in analysis.attributions
        if vouches(attribution)
        for index in attribution.statements
    }
    # Each statement's attribution with a source, one that vouches first.
    owner: dict[int, Attribution] = {}
    for attribution in sorted(analysis.attributions, key=lambda a: not vouches(a)):
        if attribution.source is not None:
            for index in attribution.statements:
                owner.setdefault(index, attribution)
    quoted = quoted_statements(analysis)
    for statement in analysis.statements:
        statement.quoted = statement.index in quoted
    # 1. The other sentences of a quotation some of whose sentences an attribution carries.
    by_quotation: dict[int, Attribution] = {}
    for index in sorted(quoted):
        if index in owner:
            by_quotation.setdefault(quoted[index], owner[index])
    # 2. A wholly quoted paragraph after an attributed quote, and the paragraph after a colon.
    handed: tuple[Attribution, bool] | None = None
    for _, members in sorted(_statements_by_paragraph(analysis).items()):
        members = [statement for statement in members if statement.kind == "body"]
        if not members:
            continue
        all_quoted = all(statement.index in quoted for statement in members)
        for statement in members:
            if statement.index in carried:
                continue
            continued = by_quotation.get(quoted.get(statement.index, -1))
            if continued is None and handed is not None and (all_quoted or not handed[1]):
                continued = handed[0]
            if continued is not None and statement.index not in continued.statements:
                _carry(continued, statement)
                carried.add(statement.index)
                owner[statement.index] = continued
        handed = _handed_on(members, owner)
    for attribution in analysis.attributions:
        attribution.statements = sorted(set(attribution.statements))


def _handed_on(
    members: list[Statement], owner: dict[int, Attribution]
) -> tuple[Attribution, bool] | None:
    """The attribution the next paragraph may continue, and whether only a quoted one may.

    A paragraph whose last statement is attributed and ends with a colon ("He said:") hands its
    attribution to the next paragraph; any other attributed last statement hands it to a next
    paragraph that is wholly quoted (a quote running on without a new speaker).
    """
    last = members[-1]
    if last.index not in owner:
        return None
    if last.text.rstrip().endswith(":"):
        return owner[last.index], False
    return owner[last.index], True


def _carry(attribution: Attribution, statement: Statement) -> None:
    attribution.statements = [*attribution.statements, statement.index]
    attribution.content = sorted([*attribution.content, statement.span])


def _carried(analysis: Analysis) -> set[int]:
    return {index for attribution in analysis.attributions for index in attribution.statements}


def _statements_by_paragraph(analysis: Analysis) -> dict[int, list[Statement]]:
    by_paragraph: dict[int, list[Statement]] = {}
    for statement in analysis.statements:
        by_paragraph.setdefault(statement.paragraph, []).append(statement)
    return by_paragraph


def _first_statement(attribution: Attribution) -> int:
    return attribution.statements[0] if attribution.statements else -1
