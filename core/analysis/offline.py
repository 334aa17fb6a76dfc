"""The default analyzer: attribution extraction by rules over tokens, no model.

Each cue (a verb from the lexicon, "according to") is read in one of three shapes:

* content first, source last: ``“…,” KCNA said.`` / ``…, state media announced.``
* inversion: ``“…,” said Mr. Kirby.``
* source first, content last: ``Kirby said (that) …`` / ``According to the agency, …``

Quotes are tracked over whole paragraphs, so a quote that runs over several sentences or
paragraphs stays one piece of content, and a quoted sentence with no cue of its own continues the
attribution before it.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from operator import itemgetter
from typing import NamedTuple

from ..hookspecs import hookimpl
from ..lexicon import Lexicon
from ..model import (
    Analysis,
    AnalyzerFactory,
    Article,
    Attribution,
    Entity,
    Form,
    Span,
    Statement,
)
from .segment import link_statements, segment


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Possessive repeats: a token's letters are never given back (no other way to match exists), so
# re keeps no note of where it could back off to; a tenth faster, the same tokens.
_TOKEN = re.compile(r"\w++(?:[’'.&-]\w++)*+|[^\w\s]")
# The same pattern as a splitter: its pieces alternate between the blank gaps and the tokens.
_TOKEN_SPLITTER = re.compile(f"({_TOKEN.pattern})")
_OPEN_QUOTES = {"“", "«"}
_CLOSE_QUOTES = {"”", "»"}
_QUOTE_OPENERS = _OPEN_QUOTES | {'"'}
_QUOTE_MARK = re.compile(r"[“”«»\"]")
_FINAL_PUNCTUATION = {".", "!", "?", "…"}

# The entourage of a cue verb that belongs in the cue ("has not yet confirmed").
_AUXILIARIES = _words(
    "is are was were be been being am has have had having do does did will would can could "
    "shall should may might must not never also repeatedly previously already again later "
    "earlier often always just still recently publicly privately reportedly even only then now "
    "once flatly strongly widely openly firmly quickly immediately initially originally "
    "formally officially explicitly separately subsequently frequently consistently sharply "
    "angrily bluntly simply personally specifically generally largely actually really "
    "certainly apparently allegedly since yet long ’s 's "
    "didn’t doesn’t don’t hasn’t haven’t hadn’t isn’t wasn’t aren’t weren’t won’t wouldn’t "
    "can’t couldn’t shouldn’t didn't doesn't don't hasn't haven't hadn't isn't wasn't aren't "
    "weren't won't wouldn't can't couldn't shouldn't"
)
_BE = _words("is are was were be been being am")
_TRUE_AUXILIARIES = _BE | _words(
    "has have had having do does did will would can could shall should may might must not never"
)
# Words that end a subject when walking left from its verb.
_SUBJECT_STOPS = _words(
    ', ; : ( ) [ ] — – - “ ” " « » that but because while when as if after before since where '
    "whether than although though so or nor whereas unless until once how why what"
)
_RELATIVE_PRONOUNS = _words("who whom which")
_PREPOSITIONS = _words("with by to for of from in on at about")
_DETERMINERS = _words(
    "the a an this that these those his her its their our my your whose every each no any some "
    "another such"
)
# Words before a bare cue form ("state", "report", "claims") that make it a noun: "state media",
# "news reports", "his claims".
_NOUN_MAKERS = _DETERMINERS | _words(
    "news media press new recent earlier similar false unfounded many several numerous multiple "
    "both conflicting initial official"
)
# Adjectives and participles before a present cue form make it a noun: "national plans".
_ADJECTIVE_ENDINGS = ("al", "ic", "ive", "ous", "ful", "less", "ary", "ed")
# Subjects that may come right before a bare cue form ("they say", "officials believe").
_PRONOUN_SUBJECTS = _words("i we you they he she it who people police")
# Participles that only work as cues with an auxiliary ("has shown"); alone they are adjectives.
_PARTICIPLE_ONLY = _words("known shown written seen given drawn")
# Lemmas that count only when a clause, a quote or a colon follows ("maintained that …").
_CLAUSE_ONLY_LEMMAS = _words(
    "maintain charge post question observe learn decide figure find see continue state comment "
    "remark"
)
# Participles that open content without "that" or a quote: "…, telling reporters the …".
_OBJECT_PARTICIPLE_LEMMAS = _words("say tell call accuse urge ask blame warn claim argue describe")
# Words that may end a cue's content when it follows the cue: "; …", ", but …".
_CONTENT_STOPS = frozenset([";", "but"])
_CONTENT_OPENERS = frozenset(["that", "“", '"', ":", ","])
# Words after a cue that say its content follows rather than came before.
_CONTENT_OPENING_WORDS = frozenset(["that", "“", '"', ":", "to", "whether", "if"])
_DISCOURSE_MARKERS = _words(
    "also however meanwhile moreover furthermore but and still yet instead indeed separately "
    "earlier later too though nonetheless nevertheless additionally similarly likewise "
    "then now thus therefore notably"
)
_EXPLETIVES = _words("it there this that these those such what which")
# Artifacts that pass on a source's words: "according to information from KCNA".
_RELAY_NOUNS = _words(
    "information reports report statement statements documents data figures estimates a an the"
)
_LEADING_DETERMINERS = _words("the a an")
# Adverbials that may sit between a cue and the "that" opening its content.
_CONTENT_GAP_WORDS = _words(
    "on in at during last this next earlier later to reporters journalists the a an of for "
    "with after before yesterday today tonight monday tuesday wednesday thursday friday "
    "saturday sunday week month year morning afternoon evening night interview statement "
    "briefing conference news press told"
)
_INVERSION_TRAILERS = re.compile(
    r"\s+(?:on|in|at|during|last|this|late|early)\s+"
    r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|a statement|an interview|"
    r"a news conference|a press conference|a briefing|week|month|night|year)\b.*$",
    re.IGNORECASE | re.DOTALL,
)
_CAPITALISED_COMMON = _words(
    "the a an this that these those it its he she they we i you his her their our my your "
    "according however meanwhile also but and in on at for as if when while after before since "
    "though although during some many most one two all both no not yet so then there here "
    "what who which where why how mr mrs ms dr"
)
# Lower-case words a speaker's label may hold ("Clinton camp:") and labels that are no speaker.
_SPEAKER_WORDS = _words("camp campaign spokesman spokeswoman aide official officials of the")
_NOT_SPEAKERS = _words("note update updated correction clarification editor’s editor's photo")
_NAME_CONNECTORS = _words("of de al bin von van")


class _Words(NamedTuple):
    """A statement's tokens column by column, what entities and the cue rules read.

    Columns, not a row per token: every token passes through here, and most are never looked at
    again (a third of the statements cannot hold an attribution at all).
    """

    starts: list[int]
    ends: list[int]
    texts: list[str]
    lowers: list[str]


@dataclass
class _Quote:
    """A quoted stretch of one paragraph; ``continues`` points at its continuation's index."""

    start: int
    end: int
    closed: bool
    continues: int | None = None
    # Where the chain of continuations from this quote ends (set once all quotes are found).
    chain_end: int = 0


@hookimpl
def register_analyzers(register: Callable[[AnalyzerFactory], None]) -> None:
    register(
        AnalyzerFactory(
            name="offline",
            description="rules over tokens, no model: the fastest; precise, but misses "
            "attributions whose cue is not a common speech verb",
            build=OfflineAnalyzer,
            parallel=True,
            auto_priority=10,
        )
    )


class OfflineAnalyzer:
    """Rule-based attribution extraction in pure Python (fast, no model)."""

    name = "offline"

    def analyze(self, articles: list[Article], lexicon: Lexicon) -> list[Analysis]:
        rules = _Rules(lexicon)
        return [_ArticleReader(article, rules).read() for article in articles]


class _Rules:
    """What the lexicon says, in the shape the reader looks things up."""

    def __init__(self, lexicon: Lexicon) -> None:
        self.cue_forms = lexicon.cue_forms()
        # The first words of cues: most tokens are none, and need no closer look.
        self.cue_starts = frozenset(form.split()[0] for form in self.cue_forms) | {"according"}
        self.evidence_lemmas = frozenset(lexicon.evidence_verbs)
        self.evidence_nouns = frozenset(lexicon.evidence_nouns)
        self.outlet_anaphors = frozenset(lexicon.outlet_anaphors)
        titles = frozenset(lexicon.person_titles)
        # A title, or one without its full stop: "Gen" makes a person as "Gen." does.
        self.title_words = titles | {title[:-1] for title in titles if title.endswith(".")}
        self.person_nouns = frozenset(lexicon.anonymous_nouns) | {
            title.lower().rstrip(".") for title in lexicon.person_titles
        }


class _ArticleReader:
    def __init__(self, article: Article, rules: _Rules) -> None:
        self.article = article
        self.text = article.text
        self.rules = rules
        # The content stops of the statement read last (see _content_stops).
        self._stops_of: _Words | None = None
        self._stops: list[int] = []

    def read(self) -> Analysis:
        text = self.text
        paragraphs, statements = segment(text)
        self.paragraphs = paragraphs
        self.paragraph_starts = [paragraph.start for paragraph in paragraphs]
        self.paragraph_ends = [paragraph.end for paragraph in paragraphs]
        self.quotes = _find_quotes(text, paragraphs)
        self.quote_starts = [quote.start for quote in self.quotes]
        self.statement_starts = [statement.start for statement in statements]
        attributions: list[Attribution] = []
        entities: list[Entity] = []
        previous: Attribution | None = None
        for statement in statements:
            words = _tokenize(statement.text, statement.start)
            entities.extend(self._entities(words))
            if statement.kind not in ("body", "headline") or not self._may_attribute(words):
                continue
            found = self._cue_attributions(words, statement)
            if not found:
                continued = self._quote_only(words, statement, previous, statements)
                if continued is not None and continued is not previous:
                    found = [continued]
            attributions.extend(found)
            if found:
                previous = found[-1]
        attributions = self._outermost(attributions)
        link_statements(attributions, statements)
        return Analysis(
            article=self.article,
            analyzer=OfflineAnalyzer.name,
            paragraphs=paragraphs,
            statements=statements,
            attributions=attributions,
            entities=entities,
        )

    def _outermost(self, attributions: list[Attribution]) -> list[Attribution]:
        """Drop attributions nested in another's content (PolNeAR annotates only the outer one)."""
        widest_first = sorted(attributions, key=lambda a: -sum(f.end - f.start for f in a.content))
        # By id: one attribution may be in the list twice (a quote that continues it).
        kept: dict[int, Attribution] = {}
        kept_content = _Cover(f.start for a in attributions for f in a.content)
        for attribution in widest_first:
            anchor = attribution.cue or attribution.source
            nested = anchor is not None and kept_content.contains(anchor)
            if nested or id(attribution) in kept:
                continue
            kept[id(attribution)] = attribution
            for fragment in attribution.content:
                kept_content.add(fragment)
        return sorted(kept.values(), key=lambda a: (a.cue or a.source or a.content[0]).start)

    def _paragraph_at(self, offset: int) -> int:
        """The index of the paragraph holding ``offset`` (or the first after it)."""
        return bisect.bisect_right(self.paragraph_ends, offset)

    # -- quotes ---------------------------------------------------------------------------

    def _quote_at(self, offset: int) -> _Quote | None:
        index = bisect.bisect_right(self.quote_starts, offset) - 1
        if index >= 0 and self.quotes[index].start <= offset < self.quotes[index].end:
            return self.quotes[index]
        return None

    def _quote_chain_end(self, quote: _Quote) -> int:
        return quote.chain_end

    def _fragments(self, start: int, end: int) -> list[Span]:
        """Content from ``start`` to ``end``, one fragment per paragraph, edges trimmed."""
        fragments = []
        # Paragraphs are in text order: begin at the first that ends past ``start``.
        for index in range(self._paragraph_at(start), len(self.paragraphs)):
            paragraph = self.paragraphs[index]
            if paragraph.start >= end:
                break
            span = _trim(self.text, max(start, paragraph.start), min(end, paragraph.end))
            if span is not None:
                fragments.append(span)
        return fragments

    def _last_fragment_end(self, start: int, end: int) -> int:
        """Where the last of ``self._fragments(start, end)`` ends, without making them all."""
        index = bisect.bisect_left(self.paragraph_starts, end) - 1
        while index >= 0 and self.paragraphs[index].end > start:
            paragraph = self.paragraphs[index]
            span = _trim(self.text, max(start, paragraph.start), min(end, paragraph.end))
            if span is not None:
                return span.end
            index -= 1
        return start

    # -- cues -----------------------------------------------------------------------------

    def _may_attribute(self, words: _Words) -> bool:
        """False when no rule can fire: no cue word, no speaker colon, no opening quote."""
        return (
            not self.rules.cue_starts.isdisjoint(words.lowers)
            or ":" in words.lowers[1:6]
            or (bool(words.texts) and words.texts[0] in _QUOTE_OPENERS)
        )

    def _cue_attributions(self, words: _Words, statement: Statement) -> list[Attribution]:
        if len(words.texts) < 2:
            # Every cue needs a source or content beside it: a one-word line ("said") has none.
            return []
        found = []
        speaker = self._speaker_colon(words, statement)
        if speaker is not None:
            found.append(speaker)
        cue_starts = map(self.rules.cue_starts.__contains__, words.lowers)
        for index in itertools.compress(itertools.count(), cue_starts):
            if self._quote_at(words.starts[index]) is not None:
                continue
            attribution = None
            if words.lowers[index] == "according" and _word(words, index + 1) == "to":
                attribution = self._according_to(words, index, statement)
            else:
                lemma, width = self._cue_lemma(words, index)
                if lemma is not None:
                    shared = found[-1].source if found else None
                    attribution = self._verb_cue(words, index, width, lemma, statement, shared)
            if attribution is not None:
                found.append(attribution)
        return found

    def _speaker_colon(self, words: _Words, statement: Statement) -> Attribution | None:
        """A paragraph opening with a name and a colon: "TRUMP: I think …", "Graham: Trump's …"."""
        paragraph = self.paragraphs[statement.paragraph]
        colon = _find(words, ":", 1, min(len(words.texts), 6))
        if statement.start != paragraph.start or colon is None or colon + 1 >= len(words.texts):
            return None
        if (
            not _capitalised(words, 0)
            or words.lowers[colon - 1] in _NOT_SPEAKERS
            or any(
                not (_capitalised(words, index) or words.lowers[index] in _SPEAKER_WORDS)
                for index in range(colon)
            )
        ):
            return None
        content = self._fragments(words.starts[colon + 1], paragraph.end)
        if not content:
            return None
        source = Span.of(self.text, words.starts[0], words.ends[colon - 1])
        cue = Span.of(self.text, words.starts[colon], words.ends[colon])
        return Attribution(self._form(source, content, "say"), cue, source, content)

    def _cue_lemma(self, words: _Words, index: int) -> tuple[str | None, int]:
        pair = f"{words.lowers[index]} {_word(words, index + 1)}"
        if pair in self.rules.cue_forms:
            return self.rules.cue_forms[pair], 2
        return self.rules.cue_forms.get(words.lowers[index]), 1

    def _according_to(self, words: _Words, index: int, statement: Statement) -> Attribution | None:
        cue_end = index + 2
        if _word(words, cue_end) in _RELAY_NOUNS:
            for look in range(cue_end, min(cue_end + 4, len(words.texts))):
                if words.lowers[look] in ("from", "by"):
                    cue_end = look + 1
                    break
        end = _sentence_core_end(words)
        comma = _find(words, ",", cue_end, end)
        source_end = comma if comma is not None else end
        if source_end <= cue_end:
            return None
        source = Span.of(self.text, words.starts[cue_end], words.ends[source_end - 1])
        before = _content_start(words, 0, index)
        content: list[Span] = []
        if before < index and _word(words, index - 1) == ",":
            content += self._fragments(words.starts[before], words.starts[index - 1])
        if comma is not None and comma + 1 < end:
            content += self._content_after(words, comma + 1, statement)
        if not content:
            return None
        cue = Span.of(self.text, words.starts[index], words.ends[cue_end - 1])
        return Attribution("according_to", cue, source, content)

    def _verb_cue(
        self,
        words: _Words,
        index: int,
        width: int,
        lemma: str,
        statement: Statement,
        shared_source: Span | None = None,
    ) -> Attribution | None:
        group_start = _verb_group_start(words, index)
        cue_word = words.lowers[index]
        last = index + width - 1
        if not _verb_use(words, index, group_start, lemma, last):
            return None
        be_before = not _BE.isdisjoint(words.lowers[group_start:index])
        passive = be_before and not cue_word.endswith("ing")
        if passive and _word(words, last + 1) != "by":
            return None
        if _capitalised(words, index) and index > 0 and statement.kind == "body":
            return None
        cue = Span.of(self.text, words.starts[group_start], words.ends[last])
        end = _sentence_core_end(words)
        previous = _word(words, group_start - 1)
        after = last + 1

        if (
            previous in {",", "”", '"'}
            and not cue_word.endswith("ing")
            and self._looks_like_inverted_source(words, after, end)
        ):
            return self._inversion(words, group_start, after, end, cue, lemma, statement)

        if cue_word.endswith("ing") and group_start == index:
            if previous != "," or (
                lemma not in _OBJECT_PARTICIPLE_LEMMAS
                and _word(words, last + 1) not in _CONTENT_OPENERS
            ):
                return None
            if shared_source is not None:
                content = self._content_after(words, after, statement)
                if not content:
                    return None
                form = self._form(shared_source, content, lemma)
                return Attribution(form, cue, shared_source, content)
            source = _sentence_subject(words, 0, group_start)
            if source is None or words.lowers[source[0]] in _EXPLETIVES:
                return None
            content = self._content_after(words, after, statement)
            return self._build(words, source, cue, content, lemma)

        if self._content_is_before(words, after, end, group_start):
            source = _subject_before(words, group_start, 0)
            if source is None:
                return None
            separator = source[0] - 1
            content = self._content_before(words, separator, statement)
            content += self._continuation(words, after, end, statement)
            return self._build(words, source, cue, content, lemma)

        source = _subject_before(words, group_start, 0)
        if source is None and previous in ("and", "but", ","):
            source = _sentence_subject(words, 0, group_start)
        if source is None or (
            words.lowers[source[0]] in _EXPLETIVES and source[1] - source[0] == 1
        ):
            return None
        content = self._content_after(words, after, statement)
        return self._build(words, source, cue, content, lemma)

    def _build(
        self,
        words: _Words,
        source: tuple[int, int],
        cue: Span,
        content: list[Span],
        lemma: str,
    ) -> Attribution | None:
        if not content:
            return None
        mention = Span.of(self.text, words.starts[source[0]], words.ends[source[1] - 1])
        return Attribution(self._form(mention, content, lemma), cue, mention, content)

    def _form(self, source: Span | None, content: list[Span], lemma: str) -> Form:
        if source is not None and lemma in self.rules.evidence_lemmas:
            words = [w for w in source.text.lower().split() if w not in _LEADING_DETERMINERS]
            anaphor = source.text.lower() in self.rules.outlet_anaphors
            if words and words[0] in self.rules.evidence_nouns and not anaphor:
                return "evidence"
        quoted = [self._quote_at(fragment.start) for fragment in content]
        if all(q is not None for q in quoted) and self._quote_at(content[-1].end - 1) is not None:
            return "direct"
        if any(self._quote_in(fragment) for fragment in content):
            return "mixed"
        return "indirect"

    def _quote_in(self, span: Span) -> bool:
        index = bisect.bisect_left(self.quote_starts, span.start)
        return (index < len(self.quotes) and self.quotes[index].start < span.end) or (
            self._quote_at(span.start) is not None
        )

    # -- the three shapes -----------------------------------------------------------------

    def _looks_like_inverted_source(self, words: _Words, after: int, end: int) -> bool:
        if after >= end:
            return False
        first = words.lowers[after]
        if first in ("that", "to", "it", ":", "“", '"', ","):
            return False
        if _capitalised(words, after):
            return True
        following = words.lowers[after + 1 : min(after + 5, end)]
        return first in _DETERMINERS and not self.rules.person_nouns.isdisjoint(following)

    def _inversion(
        self,
        words: _Words,
        group_start: int,
        after: int,
        end: int,
        cue: Span,
        lemma: str,
        statement: Statement,
    ) -> Attribution | None:
        source_end = end
        for look in range(after, end):
            if words.lowers[look] == "," and _word(words, look + 1) in ("“", '"'):
                source_end = look
                break
        source_span = _trim(self.text, words.starts[after], words.ends[source_end - 1])
        if source_span is None:
            return None
        trailer = _INVERSION_TRAILERS.search(source_span.text)
        if trailer is not None and trailer.start() > 0:
            source_span = Span.of(self.text, source_span.start, source_span.start + trailer.start())
        content = self._content_before(words, group_start - 1, statement)
        content += self._continuation(words, source_end, end, statement)
        if not content:
            return None
        return Attribution(self._form(source_span, content, lemma), cue, source_span, content)

    def _content_is_before(self, words: _Words, after: int, end: int, group_start: int) -> bool:
        """True when the cue closes its sentence ("…, KCNA said.") rather than opening content."""
        if group_start == 0:
            return False
        separator = _last_separator(words, group_start)
        if separator is None or separator == 0:
            return False
        rest = words.lowers[after:end]
        if not rest:
            return True
        if rest[0] == "," and _word(words, after + 1) in ("“", '"'):
            return True
        return (
            len(rest) <= 6
            and _CONTENT_OPENING_WORDS.isdisjoint(rest)
            and (rest[0] in _CONTENT_GAP_WORDS)
        )

    def _content_before(self, words: _Words, separator: int, statement: Statement) -> list[Span]:
        """Content from the sentence start (or the quote's start) to ``separator``."""
        if separator <= 0:
            return []
        closes_quote = words.texts[separator] in _CLOSE_QUOTES | {'"'}
        end = words.ends[separator] if closes_quote else words.starts[separator]
        start = words.starts[_content_start(words, 0, separator)]
        quote = self._quote_at(end - 1)
        if quote is not None and quote.start < start:
            start = self._first_of_chain(quote).start
        return self._fragments(start, end)

    def _first_of_chain(self, quote: _Quote) -> _Quote:
        index = bisect.bisect_left(self.quote_starts, quote.start)
        while index > 0 and self.quotes[index - 1].continues == index:
            index -= 1
        return self.quotes[index]

    def _continuation(
        self, words: _Words, after: int, end: int, statement: Statement
    ) -> list[Span]:
        """A quote that resumes after the cue: “…,” she said, “but …”."""
        if _word(words, after) == "," and after + 1 < len(words.texts):
            quote = self._quote_at(words.starts[after + 1])
            if quote is not None:
                return self._fragments(quote.start, self._quote_chain_end(quote))
        return []

    def _content_after(self, words: _Words, begin: int, statement: Statement) -> list[Span]:
        """Content from ``begin`` to the end of the sentence (or of the quote it opens)."""
        end = _sentence_core_end(words)
        while begin < end and words.lowers[begin] in (",", ":", "—", "–"):
            begin += 1
        that = _find(words, "that", begin, min(begin + 10, end))
        if (
            that is not None
            and that > begin
            and all(
                words.lowers[index] in _CONTENT_GAP_WORDS
                or _capitalised(words, index)
                or words.texts[index].isdigit()
                or words.lowers[index] == ","
                for index in range(begin, that)
            )
        ):
            begin = that
        if begin >= end:
            return []
        stop = end
        quoted = self._quote_at(words.starts[begin])
        if quoted is None:
            # Every cue of a sentence looks for the first stop after it: the sentence's stops are
            # found once, not scanned for again by each of its cues.
            stops = self._content_stops(words)
            for position in range(bisect.bisect_right(stops, begin), len(stops)):
                look = stops[position]
                if look >= end:
                    break
                word = words.lowers[look]
                if self._quote_at(words.starts[look]) is not None:
                    continue
                if word == ";" or (
                    _word(words, look - 1) == "," or _word(words, look + 1) in _AUXILIARIES
                ):
                    stop = look - 1 if _word(words, look - 1) == "," else look
                    break
        last = words.ends[stop - 1]
        end_quote = self._quote_at(last - 1)
        if (end_quote is not None and not end_quote.closed) or (
            end_quote is not None and end_quote.end > statement.end
        ):
            last = self._quote_chain_end(end_quote)
        elif quoted is not None and quoted.end > last:
            last = self._quote_chain_end(quoted)
        return self._fragments(words.starts[begin], last)

    def _content_stops(self, words: _Words) -> list[int]:
        """The indexes of the words that may end a cue's content ("; …", ", but …"), in order."""
        if self._stops_of is not words:
            self._stops_of = words
            found = map(_CONTENT_STOPS.__contains__, words.lowers)
            self._stops = list(itertools.compress(itertools.count(), found))
        return self._stops

    def _quote_only(
        self,
        words: _Words,
        statement: Statement,
        previous: Attribution | None,
        statements: list[Statement],
    ) -> Attribution | None:
        """A quoted sentence with no cue: it continues the last quote, or a name line follows it."""
        if not words.texts or words.texts[0] not in _QUOTE_OPENERS:
            return None
        quote = self._quote_at(words.starts[0])
        if quote is None:
            return None
        if previous is not None and previous.content and previous.content[-1].end >= quote.start:
            return previous
        # The fragments are made only if they are kept: quotes left open in thousands of lines
        # make one chain, and each line's quote would make fragments to the end of it.
        chain_end = self._quote_chain_end(quote)
        content_end = self._last_fragment_end(quote.start, chain_end)
        first_after = bisect.bisect_left(self.statement_starts, content_end)
        following = statements[first_after : first_after + 1]
        if (
            following
            and following[0].kind == "byline"
            and following[0].paragraph > statement.paragraph
        ):
            speaker = following[0].span
            return Attribution("direct", None, speaker, self._fragments(quote.start, chain_end))
        if previous is not None and previous.form in ("direct", "mixed") and previous.content:
            gap_start = previous.content[-1].end
            if quote.start - gap_start < 400 and self.text.count("\n", gap_start, quote.start) <= 1:
                fragments = self._fragments(quote.start, chain_end)
                content = list(previous.content)
                content.extend(f for f in fragments if f.start >= content[-1].end)
                previous.content = content
                return previous
        return None

    # -- entities -------------------------------------------------------------------------

    def _entities(self, words: _Words) -> list[Entity]:
        entities = []
        texts, lowers = words.texts, words.lowers
        # Whether each token is a name word; two more for looking past the last token.
        names = [*_name_words(texts), False, False]
        index = -1
        # A run of names starts at a name word past the end of the run before.
        for start in itertools.compress(range(len(texts)), names):
            if start <= index:
                continue
            index = start
            while (
                index + 1 < len(texts)
                and (
                    names[index + 1] or (lowers[index + 1] in _NAME_CONNECTORS and names[index + 2])
                )
                and not _possessive(texts[index])
            ):
                index += 1
            while start <= index and lowers[start] in _CAPITALISED_COMMON:
                start += 1
            if start <= index:
                end = words.ends[index] - (2 if _possessive(texts[index]) else 0)
                span = Span.of(self.text, words.starts[start], end)
                # A title among the words before the last makes a person ("Gen. Kim Jong Un").
                person = not self.rules.title_words.isdisjoint(texts[start:index])
                entities.append(Entity(span, "PERSON" if person else ""))
        return entities


class _Cover:
    """Spans added so far, answering "does one of them contain this span?" in logarithmic time.

    Looking through every kept span made a paragraph of thousands of attributions quadratic. A
    Fenwick tree over the spans' possible starts holds, for each prefix of them, the farthest end
    of a span starting there: some span contains [a, b) exactly when, among the spans starting
    at or before a, the farthest end reaches b.
    """

    def __init__(self, starts: Iterable[int]) -> None:
        self.starts = sorted(set(starts))
        self.farthest_end = [-1] * (len(self.starts) + 1)

    def add(self, span: Span) -> None:
        position = bisect.bisect_left(self.starts, span.start) + 1
        while position < len(self.farthest_end):
            self.farthest_end[position] = max(self.farthest_end[position], span.end)
            position += position & -position

    def contains(self, span: Span) -> bool:
        position = bisect.bisect_right(self.starts, span.start)
        farthest = -1
        while position > 0:
            farthest = max(farthest, self.farthest_end[position])
            position -= position & -position
        return farthest >= span.end


def _find_quotes(text: str, paragraphs: list[Span]) -> list[_Quote]:
    """Quoted stretches, each within one paragraph; a quote left open continues in the next."""
    quotes: list[_Quote] = []
    for paragraph in paragraphs:
        opened: int | None = None
        straight = False
        for mark in _QUOTE_MARK.finditer(text, paragraph.start, paragraph.end):
            offset, char = mark.start(), mark.group()
            if opened is None and (char in _OPEN_QUOTES or char == '"'):
                opened, straight = offset, char == '"'
            elif opened is not None and (
                (char in _CLOSE_QUOTES and not straight) or (char == '"' and straight)
            ):
                quotes.append(_Quote(opened, offset + 1, closed=True))
                opened = None
        if opened is not None:
            quotes.append(_Quote(opened, paragraph.end, closed=False))
    for index, quote in enumerate(quotes[:-1]):
        following = quotes[index + 1]
        between = text[quote.end : following.start]
        if not quote.closed and not between.strip():
            quote.continues = index + 1
    # From the last: a quote left open in every paragraph makes one chain of them all.
    for quote in reversed(quotes):
        after = quote.continues
        quote.chain_end = quote.end if after is None else quotes[after].chain_end
    return quotes


def _verb_use(words: _Words, index: int, group_start: int, lemma: str, last: int) -> bool:
    """Whether a cue form is used as a verb here, not as a noun or an adjective."""
    word = words.lowers[index]
    previous = _word(words, index - 1)
    has_auxiliary = any(
        word in _TRUE_AUXILIARIES or "’" in word for word in words.lowers[group_start:index]
    )
    if (word in _PARTICIPLE_ONLY and not has_auxiliary) or previous in _DETERMINERS:
        return False
    following = _word(words, last + 1)
    if lemma in _CLAUSE_ONLY_LEMMAS and following not in _CONTENT_OPENERS | {".", ""}:
        return False
    base = lemma.split()[0]
    if has_auxiliary or word not in _present_forms(base):
        return True
    if (
        previous in _NOUN_MAKERS
        or previous.endswith(("’s", "'s"))
        or (previous.endswith(_ADJECTIVE_ENDINGS) and words.texts[index - 1].islower())
    ):
        return False
    if word == base:
        return previous in _PRONOUN_SUBJECTS or (previous.endswith("s") and previous != "news")
    return True


def _present_forms(base: str) -> tuple[str, ...]:
    if base.endswith("y"):
        return base, base[:-1] + "ies"
    return base, base + "s", base + "es"


def _tokenize(text: str, offset: int) -> _Words:
    """The tokens of ``text``, a statement found at ``offset`` in its article."""
    # Every word of the corpus passes here: splitting builds no Match per token, and running sums
    # of the pieces' lengths (gap, token, gap, …, gap) give the offsets, all in C-level maps.
    pieces = _TOKEN_SPLITTER.split(text)
    bounds = list(itertools.accumulate(map(len, pieces), initial=offset))
    texts = pieces[1::2]
    return _Words(bounds[1:-1:2], bounds[2::2], texts, list(map(str.lower, texts)))


def _word(words: _Words, index: int) -> str:
    return words.lowers[index] if 0 <= index < len(words.texts) else ""


def _find(words: _Words, word: str, start: int, end: int) -> int | None:
    try:
        return words.lowers.index(word, start, end)
    except ValueError:
        return None


def _capitalised(words: _Words, index: int) -> bool:
    return words.texts[index][:1].isupper()


def _sentence_core_end(words: _Words) -> int:
    """Index just past the last token that is not closing punctuation."""
    end = len(words.texts)
    while end > 0 and words.texts[end - 1] in _FINAL_PUNCTUATION:
        end -= 1
    return end


def _content_start(words: _Words, start: int, end: int) -> int:
    """Skip a leading discourse marker ("Also, …", "However, …")."""
    if (
        start + 1 < end
        and words.lowers[start] in _DISCOURSE_MARKERS
        and words.texts[start + 1] == ","
    ):
        return start + 2
    return start


def _verb_group_start(words: _Words, index: int) -> int:
    start = index
    while start > 0 and words.lowers[start - 1] in _AUXILIARIES:
        start -= 1
    if start > 1 and words.lowers[start - 1] == "to" and words.texts[start - 2].islower():
        start -= 2
        while start > 0 and words.lowers[start - 1] in _AUXILIARIES:
            start -= 1
    return start


def _last_separator(words: _Words, group_start: int) -> int | None:
    """The comma or closing quote before the subject of a cue that ends its sentence."""
    source = _subject_before(words, group_start, 0)
    if source is None or source[0] == 0:
        return None
    separator = source[0] - 1
    if words.texts[separator] in {",", "”", '"', "—", "–"}:
        return separator
    return None


def _subject_before(words: _Words, group_start: int, floor: int) -> tuple[int, int] | None:
    """The noun phrase (with any apposition) that ends just before the verb group."""
    end = group_start
    if end - 1 >= floor and words.texts[end - 1] == ",":
        comma = end - 1
        previous_comma = _previous(words, ",", comma - 1, floor)
        middle = words.lowers[(previous_comma if previous_comma is not None else floor) + 1 : comma]
        if previous_comma is not None and all(word in _DISCOURSE_MARKERS for word in middle):
            end = previous_comma
            name = _name_before(words, end, floor)
        elif previous_comma is not None:
            name = _name_before(words, previous_comma, floor)
            if name is None:
                return None
            return name[0], comma
        else:
            return None
    else:
        name = _name_before(words, end, floor)
    return name


def _previous(words: _Words, word: str, start: int, floor: int) -> int | None:
    for index in range(start, floor - 1, -1):
        if words.lowers[index] == word:
            return index
        if words.texts[index] in {"“", "”", '"', ";"}:
            return None
    return None


def _name_before(words: _Words, end: int, floor: int) -> tuple[int, int] | None:
    start = end
    while start > floor:
        word = words.lowers[start - 1]
        if word == "who" and start < end and _word(words, start - 2) not in _PREPOSITIONS:
            start -= 1
            continue
        if word in _SUBJECT_STOPS:
            break
        if word in ("and", "or") and not (
            _capitalised(words, start - 2) if start - 2 >= floor else False
        ):
            break
        start -= 1
        if end - start > 12:
            return None
    if start == end or words.lowers[end - 1] in _RELATIVE_PRONOUNS | {"and", "or", "of"}:
        return None
    return start, end


def _sentence_subject(words: _Words, start: int, end: int) -> tuple[int, int] | None:
    """The subject a participle or a coordinated verb shares: the sentence's first noun phrase."""
    start = _content_start(words, start, end)
    stop = start
    while stop < end and words.lowers[stop] not in _AUXILIARIES and words.texts[stop] != ",":
        if (
            stop > start
            and not _capitalised(words, stop)
            and _capitalised(words, stop - 1)
            and (words.lowers[stop].endswith(("s", "ed")))
        ):
            break
        stop += 1
    if stop == start or stop - start > 6 or not _capitalised(words, start):
        return None
    first = words.lowers[start]
    if first.endswith(("ed", "ing")) or first in _PREPOSITIONS:
        return None
    return start, stop


def _name_words(texts: list[str]) -> list[bool]:
    """Whether each token is a name word: capitalised, with a letter in it.

    Every token passes here: the test of the first letter runs as C-level maps, and only
    capitalised words are looked at again (a capital is almost always a letter; Ⓐ or Ⅷ is not).
    """
    names = list(map(str.isupper, map(itemgetter(0), texts)))
    for index in itertools.compress(range(len(texts)), names):
        word = texts[index]
        names[index] = word[0].isalpha() or any(c.isalpha() for c in word)
    return names


def _possessive(word: str) -> bool:
    return word.endswith(("’s", "'s"))


def _trim(text: str, start: int, end: int) -> Span | None:
    while start < end and (text[start].isspace() or text[start] in ",;:"):
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in ",;:"):
        end -= 1
    return Span.of(text, start, end) if start < end else None
