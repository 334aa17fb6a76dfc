"""A claim's terms: what linking compares of a statement, worked out one article at a time.

A claim's terms are its content words cut to five letters, its numbers, the gazetteer names it
mentions (so "Moscow" and "Russia" count as one term) and its capitalised names, after removing
the attribution itself (the source mention and the cue), since "KCNA said" is not part of the
fact. They are kept per clause ("…, which …" tacks background onto a fact), and names are kept
apart from words until the whole set is known ("Shoigu" and "Sergei Shoigu" are matched across
articles, in :class:`~sayso.provenance.linking.Linker`).

Nothing here depends on other articles: :class:`TermExtractor` turns one article (from an
:class:`~sayso.model.Analysis` or from stored rows) into an :class:`ArticleClaims`, plain data
that a worker process can send back, and that :meth:`TermExtractor.encoded` turns into what a
database keeps (the ``article_terms`` table), so that a later link reads an article's terms back
(:meth:`TermExtractor.restored`) instead of working them out again. Stored terms are only as good
as the extractor that made them: each row carries :attr:`TermExtractor.fingerprint`, and terms
made with another lexicon (or by another :data:`TERMS_VERSION`) are worked out again.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import re
import sys
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from itertools import compress
from operator import ne
from typing import NamedTuple

import zstandard

from ..analysis.names import head_before_apposition, name_key
from ..lexicon import GazetteerEntry, Lexicon
from ..memo import Memo
from ..model import Analysis, Source

# Change it with anything that changes the terms a text gives (the words kept, stemming, the
# clause breaks) or how they are stored (2: separators instead of JSON, 3: Zstandard instead of
# zlib, see TermExtractor.encoded): terms stored by another version are then worked out again.
# tests/test_linking.py pins the seeds' terms to it.
TERMS_VERSION = 3
# Zstandard's fastest positive level: a link's terms compressed in a third of zlib's fastest
# time (0.04 s against 0.13 for 2,000 articles), and smaller (3.60 MB against 3.76).
COMPRESSION_LEVEL = 1
# Stored terms that say they are larger than this many times their compressed size are not
# what encoded() wrote (its text compresses to about a half): not decompressed, worked out again.
MAX_EXPANSION = 64
STEM_LENGTH = 5
_SUFFIXES = ("ing", "est", "ed", "es", "s", "e")
_WORD = re.compile(r"[a-z][a-z']*|\d+")
_WORD_RUN = re.compile(r"\w+")
# A capitalised name, captured: splitting a text by it gives the stretches between names and
# the names, in turn.
_NAME_SPLIT = re.compile(r"([A-Z][\w']*(?:-\w+)*(?:\s+[A-Z][\w']*(?:-\w+)*)*)")
# Where a news sentence tacks background onto its fact: "…, which …", "…, but …", "…; …",
# "… — …".
_COMMA_BREAK_PATTERN = r",\s+(?:which|who|where|but|while|although|though)\b"
_DASH_BREAK_PATTERN = r"\s[—–]\s"
_CLAUSE_BREAK = re.compile(f"{_COMMA_BREAK_PATTERN}|;|{_DASH_BREAK_PATTERN}")
# The same breaks for a text without a dash: a pattern opening with "," or ";" only is searched
# for at C speed, where one opening with a space is tried at every space (a third of the time).
_CLAUSE_BREAK_NO_DASH = re.compile(f"{_COMMA_BREAK_PATTERN}|;")
# Byte tables splitting a lower-cased text into words without a regular expression (two thirds
# to under half of its time): each keeps the bytes one kind of word is made of and turns every
# other byte (those of non-ASCII characters too) into a space (see _words, and
# TermExtractor._gazetteer_pattern: every ASCII run \w+ finds, and pieces of those that are not).
_LETTERS = bytes(b if b in b"abcdefghijklmnopqrstuvwxyz'" else 32 for b in range(256))
_DIGITS = bytes(b if b in b"0123456789" else 32 for b in range(256))
_WORD_CHARS = bytes(b if b in b"abcdefghijklmnopqrstuvwxyz0123456789_" else 32 for b in range(256))
_ASCII = bytes(range(128))
# An article's clauses are worked out together, joined by a character that is neither a word
# character nor a space (see TermExtractor._together): no gazetteer name, capitalised name or
# word runs across it, and the byte tables below keep it where the others make it a space.
_SEP = "\x00"
# The byte tables below, keeping the separator and lower-casing ASCII capitals as str.lower does
# (as it does no other character to ASCII but these two, which the articles worked out together
# do not hold).
_LOWER_LETTERS_SEP = bytes(
    b + 32 if 65 <= b <= 90 else c for b, c in enumerate(_LETTERS.replace(b" ", b"\x00", 1))
)
_LOWER_WORD_CHARS_SEP = bytes(
    b + 32 if 65 <= b <= 90 else c for b, c in enumerate(_WORD_CHARS.replace(b" ", b"\x00", 1))
)
_DIGITS_SEP = _DIGITS.replace(b" ", b"\x00", 1)
# Where the claims of an article worked out together break into clauses (_SEP between claims,
# _BREAK at each break inside one), found in three passes: ";" by replacing it, the breaks at a
# comma by a pattern opening with "," (searched for at C speed, as one character), then those at
# a dash where the text holds one. No two of them can meet (none holds a character another may
# open or close with), so the three give the breaks _CLAUSE_BREAK finds.
_BREAK = "\x01"
# Every byte but the separator and _BREAK, deleted to count the names in each clause (see
# TermExtractor._together).
_ALL_BUT_SEP_AND_BREAK = bytes(range(2, 256))
_COMMA_BREAK = re.compile(_COMMA_BREAK_PATTERN)
# The dashes of _DASH_BREAK_PATTERN (see _break_at_dashes).
_DASHES = ("—", "–")
_CITING = re.compile(r"\bciting\s+((?:the\s+)?[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*)*)")
# Demonyms name the same country as the gazetteer's names for its government.
DEMONYMS = {
    "north korean": "North Korea",
    "south korean": "South Korea",
    "russian": "Russia",
    "chinese": "China",
    "american": "United States",
    "soviet": "Soviet Union",
}
# The commonest paraphrases of conflict reporting, each folded onto its first word.
SYNONYMS = (
    ("weapon", "weapons", "arms", "missiles", "missile", "rockets", "rocket", "munitions"),
    ("supply", "supplying", "supplied", "providing", "provide", "provided", "sending", "send"),
)
_STOP_WORDS_TEXT = """
    a about above after again against all also am an and any are as at be because been before
    being below between both but by can could did do does doing down during each few for from
    further had has have having here how if in into is it its itself just more most no nor not
    now of off on once only or other our out over own same she should so some such than that the
    their them then there these they this those through to too under until up very was we were
    what when where which while who whom why will with would you your he his him her i me my
    one two including however though still among according information news"""
STOP_WORDS = frozenset(_STOP_WORDS_TEXT.split())


# A source an article cites for a claim: its key in the article, the words that name it there
# (cut before an apposition) and the source it cites in turn ("X, citing Y"), if any.
Citation = tuple[str, str, str | None]
# One clause's terms: its words (stems, numbers, "@" gazetteer names) and its capitalised names,
# each distinct, as tuples (a third of a small set's memory: a large set keeps every claim's).
Clause = tuple[Sequence[str], Sequence[str]]


# Linking makes a claim's tuples (below) in their tens of thousands by tuple's own __new__: a
# NamedTuple's is a Python function, which takes twice as long.
new_tuple = tuple.__new__


class ClaimText(NamedTuple):
    """What term extraction reads of a claim: its text, where it starts in the article, the
    spans (article offsets) of the sources and cues attributing it, and the sources cited.

    Tuples, not dataclasses: one is made per claim, and a tuple is made several times faster."""

    statement_index: int
    start: int
    text: str
    attribution_spans: tuple[tuple[int, int], ...] = ()
    # (source key, mention text) of each attribution with a resolved source.
    cited: tuple[tuple[str, str], ...] = ()


class ClaimTerms(NamedTuple):
    """A claim as linking keeps it: its text, each clause's terms and the sources cited."""

    statement_index: int
    text: str
    clauses: tuple[Clause, ...]
    cited: tuple[Citation, ...]


class ArticleClaims(NamedTuple):
    """An article as linking keeps it: its claims' terms, its sources (with mentions) and, for
    each word term, the word shown for it (the preferred of the article's words giving it; see
    :func:`best_spellings`)."""

    id: str
    name: str
    claims: tuple[ClaimTerms, ...]
    sources: Mapping[str, Source]
    spellings: Mapping[str, str]


def stem(word: str) -> str:
    """Strip an inflection, then cut to five letters: "discussed" and "discussion" → "discu".

    Truncation is crude but cheap, and within one story the words it confuses rarely meet.
    """
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)]
            break
    return word[:STEM_LENGTH]


def best_spellings(spellings: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Each term's preferred spelling of those given as (term, word) pairs: the shorter word,
    then the first in code-point order, so that the choice does not depend on the order
    articles (or the workers reading them) come in."""
    # Worst first: a dict keeps the last value given for a key.
    ordered = sorted(spellings, key=_spelling_order, reverse=True)
    return dict(ordered)


def _spelling_order(spelling: tuple[str, str]) -> str:
    return _shorter_first(spelling[1])


def _shorter_first(word: str) -> str:
    """A key ordering words by length, then by code point: the length as one character before
    the word (one string compares in C at a third of the cost of a tuple (length, word))."""
    return chr(len(word)) + word


class TermExtractor:
    """Turns articles into :class:`ArticleClaims`, with the lexicon's gazetteer and cue words.

    Words and names recur from claim to claim: the term each gives is worked out once and
    cached.
    """

    def __init__(self, lexicon: Lexicon) -> None:
        self.lexicon = lexicon
        self.gazetteer = gazetteer_keys(lexicon)
        # Longest first: of the names starting at one place, the pattern takes the first listed.
        self.gazetteer_names = sorted(self.gazetteer, key=len)[::-1]
        self.gazetteer_pattern = _any_of(self.gazetteer_names)
        # The first word of every gazetteer name: a clause is searched only for the names whose
        # first word it has (each alternative of the pattern costs time at every place), and a
        # clause with none of them not at all. None when a name opens with no word to look for.
        openers = [_WORD_RUN.match(name) for name in self.gazetteer_names]
        self.gazetteer_openers = (
            frozenset(opener.group() for opener in openers if opener) if all(openers) else None
        )
        self.opener_of = {
            name: m.group() for name, m in zip(self.gazetteer_names, openers, strict=True) if m
        }
        # Words found by byte tables lose non-ASCII letters: only ASCII openers are sure to
        # be found that way.
        self.ascii_openers = all(opener.isascii() for opener in self.opener_of.values())
        # The same first words as bytes: a clause's byte-table words are compared undecoded.
        self.opener_bytes = frozenset(o.encode() for o in self.gazetteer_openers or ())
        # The pattern of the names opening with each first word a clause had alone.
        self.patterns: dict[frozenset[str], re.Pattern[str]] = {}
        # The same, by the first words as bytes (see _places).
        self.byte_patterns: dict[frozenset[bytes], re.Pattern[str]] = {}
        self.synonyms = {word: group[0] for group in SYNONYMS for word in group}
        titles = frozenset(name_key(t) for t in lexicon.person_titles)
        # Words that carry no fact: function words, cues ("said"), titles ("President").
        self.name_noise = STOP_WORDS | frozenset(lexicon.cue_forms()) | titles
        self.word_terms = Memo(self._word_term)
        self.name_terms = Memo(self._name_term)
        self.bare_words = Memo(_bare)
        # A mention's words before an apposition: the same mentions cite claim after claim.
        self.heads = Memo(head_before_apposition)
        # The words whose term is "" (see _word_term).
        self.no_term: set[str] = set()
        self.spelling_order: Memo[str, str] = Memo(
            lambda word: _shorter_first(self.bare_words[word])
        )
        # The words of the article being worked on (for its spellings).
        self._words: set[str] = set()
        self.fingerprint = self._fingerprint()
        # One context each, made once: a Zstandard context is not for two threads at once, and
        # a link uses its extractor from one.
        self.compressor = zstandard.ZstdCompressor(level=COMPRESSION_LEVEL)
        self.decompressor = zstandard.ZstdDecompressor()

    def analysis(self, analysis: Analysis) -> ArticleClaims:
        """An analysed article's claims and sources."""
        article = analysis.article
        claims = []
        for statement in analysis.claims:
            spans = []
            cited = []
            for attribution in analysis.attributions_for(statement):
                spans += [(s.start, s.end) for s in (attribution.source, attribution.cue) if s]
                source = analysis.source_of(attribution)
                if source is not None and attribution.source is not None:
                    cited.append((source.key, attribution.source.text))
            claims.append(
                ClaimText(
                    statement.index, statement.start, statement.text, tuple(spans), tuple(cited)
                )
            )
        name = article.path or article.title or article.id
        return self.article(article.id, name, claims, analysis.sources)

    def article(
        self, article_id: str, name: str, claims: Iterable[ClaimText], sources: Mapping[str, Source]
    ) -> ArticleClaims:
        self._words = set()
        claims = tuple(claims)
        terms = self._together(claims)
        if terms is None:
            self._words = set()
            terms = tuple(map(self._claim, claims))
        return ArticleClaims(article_id, name, terms, sources, self._spellings(self._words))

    def restored(
        self,
        article_id: str,
        name: str,
        claims: Iterable[ClaimText],
        sources: Mapping[str, Source],
        stored: bytes,
    ) -> ArticleClaims | None:
        """The article with the claim terms ``stored`` (:meth:`encoded`) instead of worked out:
        None if they are not its claims' (the article then needs :meth:`article`)."""
        try:
            size = zstandard.frame_content_size(stored)
            if not 0 <= size <= MAX_EXPANSION * len(stored):
                return None
            data = self.decompressor.decompress(stored)
            clauses, stored_spellings = _restored_clauses(data)
            # A word term whose preferred word was the term itself was stored without one.
            words = itertools.chain.from_iterable(w for c in clauses.values() for w, _ in c)
            spellings = {word: word for word in words if not word.startswith("@")}
            spellings.update(stored_spellings)
        except (zstandard.ZstdError, ValueError, LookupError, TypeError):
            # Not what encoded() writes (a row edited by hand, or damaged): worked out again.
            return None
        terms = []
        for claim in claims:
            known = clauses.pop(claim.statement_index, None)
            if known is None:
                return None
            cited = self._cited(claim)
            terms.append(new_tuple(ClaimTerms, (claim.statement_index, claim.text, known, cited)))
        if clauses:
            return None
        return ArticleClaims(article_id, name, tuple(terms), sources, spellings)

    def encoded(self, article: ArticleClaims) -> bytes:
        """An article's claim terms as stored for it (:meth:`restored` reads them back): each
        claim's statement index and clauses, then the spellings that are not the term itself, as
        text split by four control characters (:data:`_TERM`, :data:`_LIST`, :data:`_CLAUSE`,
        :data:`_CLAIM`), compressed by Zstandard (to under a half). Where a term holds one of
        those (only a plugin's gazetteer name could), JSON instead (:func:`_terms_json`).

        Plain separators, not JSON: joined from the strings as they are, with a quarter fewer bytes
        to compress, a stored first link's terms took 0.7 of JSON's time to encode, and 0.77 of its
        room."""
        spellings = article.spellings
        # The spellings that are not the term itself, without a Python step per spelling.
        pairs = list(compress(spellings.items(), map(ne, spellings, spellings.values())))
        parts: list[str] = []
        append = parts.append
        # Every separator there should be, counted as the text is made (one _CLAIM before each
        # claim and the spellings, a _CLAUSE and a _LIST per clause, n - 1 _TERMs in a list of n
        # terms): more found, and a term holds one.
        separators = len(article.claims) + 1 + (2 * len(pairs) - 1 if pairs else 0)
        for claim in article.claims:
            append(f"{_CLAIM}{claim.statement_index}")
            for words, names in claim.clauses:
                append(f"{_CLAUSE}{_TERM.join(words)}{_LIST}{_TERM.join(names)}")
                separators += (len(words) or 1) + (len(names) or 1)
        append(_CLAIM)
        append(_TERM.join(itertools.chain.from_iterable(pairs)))
        data = "".join(parts).encode()
        if len(data.translate(None, _NOT_SEPARATORS)) != separators:
            data = _terms_json(article.claims, dict(pairs))
        return self.compressor.compress(data)

    def _together(self, claims: tuple[ClaimText, ...]) -> tuple[ClaimTerms, ...] | None:
        """The claims' terms as :meth:`_claim` gives them, each step worked out once over all
        the article's clauses joined by :data:`_SEP` instead of once per clause: the clause
        breaks, the capitalised names, lower-casing and splitting the words. No match of a step
        runs across the separator, and a clause sits between separators as it sat between a
        text's ends. None (worked out claim by claim) for an article whose text holds a
        separator, a non-ASCII digit (see _words) or a character whose lower case is ASCII or
        longer ("İ" and the Kelvin sign: words are lower-cased by byte tables, ASCII only)."""
        if not claims:
            return ()
        joined = _SEP.join(map(_masked, claims))
        if (
            joined.count(_SEP) != len(claims) - 1
            or _BREAK in joined
            or "\u0130" in joined
            or "\u212a" in joined
        ):
            return None
        joined = _COMMA_BREAK.sub(_BREAK, joined.replace("’", "'").replace(";", _BREAK))
        if "—" in joined or "–" in joined:
            joined = _break_at_dashes(joined)
        # How many clauses each claim has.
        counts = [claim.count(_BREAK) + 1 for claim in joined.split(_SEP)]
        text = joined.replace(_BREAK, _SEP)
        data = text.encode("utf-8", "surrogatepass")
        if len(data) != len(text) and _other_digits(data):
            return None
        places = self._places(text, data)
        if places:
            # Blanked in the text, as _clause does.
            blanked: list[str] = []
            at = 0
            for start, end, _, _ in places:
                blanked += (text[at:start], " " * (end - start))
                at = end
            blanked.append(text[at:])
            text = "".join(blanked)
        # Capitalised names, and the stretches between them joined again by _BREAK (which the
        # text no longer holds) where each name was: the byte tables below make it a space for
        # the words, and the _BREAKs between two separators are how many names a clause has.
        pieces = _NAME_SPLIT.split(text)
        names = list(map(self.name_terms.__getitem__, pieces[1::2]))
        data = _BREAK.join(pieces[0::2]).encode("utf-8", "surrogatepass")
        names_per_clause = data.translate(None, _ALL_BUT_SEP_AND_BREAK).split(b"\x00")
        # The words outside names, as _words finds them in their lower case.
        letters = data.translate(_LOWER_LETTERS_SEP)
        if b"'" in letters:
            # As in _words, the start of each clause taken for a space.
            letters = (b" " + letters).replace(b"\x00", b"\x00 ")
            while b" '" in letters:
                letters = letters.replace(b" '", b"  ")
        letter_text = letters.decode()
        digit_text = data.translate(_DIGITS_SEP).decode()
        words_of: dict[int, list[str]] = defaultdict(list)
        for _, _, clause, term in places:
            words_of[clause].append(term)
        word_terms = self.word_terms.__getitem__
        terms: list[ClaimTerms] = []
        clauses: list[Clause] = []
        counts.reverse()
        left = counts.pop()
        at = 0
        for clause, (letter_part, digit_part, marks) in enumerate(
            zip(letter_text.split(_SEP), digit_text.split(_SEP), names_per_clause, strict=True)
        ):
            found = letter_part.split()
            found += digit_part.split()
            self._words.update(found)
            words = set(map(word_terms, found))
            words.discard("")
            if clause in words_of:
                words.update(words_of[clause])
            clause_names: Sequence[str] = ()
            if marks:
                held = set(names[at : at + len(marks)])
                at += len(marks)
                held.discard("")
                if held:
                    clause_names = tuple(sorted(held))
            if words or clause_names:
                clauses.append((tuple(sorted(words)), clause_names))
            left -= 1
            if not left:
                claim = claims[len(terms)]
                cited = self._cited(claim)
                made = (claim.statement_index, claim.text, tuple(clauses), cited)
                terms.append(new_tuple(ClaimTerms, made))
                clauses = []
                if counts:
                    left = counts.pop()
        return tuple(terms)

    def _places(self, text: str, data: bytes) -> list[tuple[int, int, int, str]]:
        """The gazetteer names in an article's joined clauses (``data``: the text as UTF-8),
        as _clause finds them: where each is in the text, its clause and its term. Only the
        clauses holding a first word of one (a fifth of them) are lower-cased and searched."""
        starts = [0, *itertools.accumulate(len(part) + 1 for part in text.split(_SEP))]
        # Each clause holding a first word, with its words as bytes; the first words it holds
        # are those _gazetteer_pattern finds in it (see there), not looked for again.
        hits: list[tuple[int, list[bytes] | None]]
        if self.gazetteer_openers is not None and self.ascii_openers:
            isdisjoint = self.opener_bytes.isdisjoint
            clauses = data.translate(_LOWER_WORD_CHARS_SEP).split(b"\x00")
            hits = [
                (i, words)
                for i, words in enumerate(map(bytes.split, clauses))
                if not isdisjoint(words)
            ]
        else:
            hits = [(i, None) for i in range(len(starts) - 1)]
        places = []
        for clause, words in hits:
            start = starts[clause]
            clause_text = text[start : starts[clause + 1] - 1]
            base = clause_text.lower().replace("-", " ")
            if words is None:
                pattern = self._gazetteer_pattern(base)
                if pattern is None:
                    continue
            else:
                present = self.opener_bytes.intersection(words)
                pattern = self.byte_patterns.get(present)
                if pattern is None:
                    openers = frozenset(opener.decode() for opener in present)
                    pattern = self.byte_patterns[present] = self._pattern_of(openers)
            for m in pattern.finditer(base):
                term = sys.intern("@" + self.gazetteer[m.group()].name)
                places.append((start + m.start(), start + m.end(), clause, term))
        return places

    def _claim(self, claim: ClaimText) -> ClaimTerms:
        clauses = self._clauses(_masked(claim).replace("’", "'"))
        return ClaimTerms(claim.statement_index, claim.text, clauses, self._cited(claim))

    def _cited(self, claim: ClaimText) -> tuple[Citation, ...]:
        if not claim.cited:
            return ()
        citing = _CITING.search(claim.text) if "citing" in claim.text else None
        origin = citing.group(1) if citing else None
        heads = self.heads
        return tuple([(key, heads[text], origin) for key, text in claim.cited])

    def _spellings(self, words: set[str]) -> dict[str, str]:
        """Each word term's preferred spelling among ``words`` (see :func:`best_spellings`)."""
        # Worst first: a dict keeps the last value given for a key.
        # Words that give no term (a quarter of an article's) have no spelling to choose.
        ordered = sorted(words - self.no_term, key=self.spelling_order.__getitem__, reverse=True)
        terms = map(self.word_terms.__getitem__, ordered)
        return dict(zip(terms, map(self.bare_words.__getitem__, ordered), strict=True))

    def _fingerprint(self) -> str:
        """What the terms depend on besides the text: this module's version and the lexicon."""
        facts = (
            TERMS_VERSION,
            sorted((key, entry.name) for key, entry in self.gazetteer.items()),
            sorted(self.name_noise),
            sorted(self.synonyms.items()),
        )
        return hashlib.sha256(json.dumps(facts).encode()).hexdigest()[:16]

    def _clauses(self, text: str) -> tuple[Clause, ...]:
        clauses = []
        if "—" in text or "–" in text:
            parts = _CLAUSE_BREAK.split(text)
        elif "," in text or ";" in text:
            parts = _CLAUSE_BREAK_NO_DASH.split(text)
        else:
            # No break can open without a comma, a semicolon or a dash.
            parts = [text]
        for part in parts:
            # A clause without terms adds nothing to compare: a claim's terms are its clauses'.
            words, names = clause = self._clause(part)
            if words or names:
                clauses.append(clause)
        return tuple(clauses)

    def _clause(self, text: str) -> Clause:
        words: set[str] = set()
        base = text.lower().replace("-", " ")
        pattern = self._gazetteer_pattern(base)
        if pattern is not None:
            known = [(m.span(), m.group()) for m in pattern.finditer(base)]
            if known:
                # Blanked in the original text, keeping its capitals for names (in the lowered
                # text where lowering changed the length, so that offsets still match).
                if len(base) != len(text):
                    text = base
                for (start, end), key in known:
                    words.add(sys.intern("@" + self.gazetteer[key].name))
                    text = text[:start] + " " * (end - start) + text[end:]
        # One pass for the names and the words outside them.
        pieces = _NAME_SPLIT.split(text)
        names = set(map(self.name_terms.__getitem__, pieces[1::2]))
        names.discard("")
        found = _words(" ".join(pieces[0::2]).lower())
        self._words.update(found)
        words.update(map(self.word_terms.__getitem__, found))
        words.discard("")
        # Sorted: stored terms are the same bytes whatever order the sets came in.
        return tuple(sorted(words)), tuple(sorted(names))

    def _gazetteer_pattern(self, base: str) -> re.Pattern[str] | None:
        """The pattern finding the gazetteer names in a lower-cased clause: of the names whose
        first word it has only (the same matches: a name whose first word it lacks matches
        nowhere in it), None if it has none of them."""
        openers = self.gazetteer_openers
        if openers is None:
            return self.gazetteer_pattern
        if self.ascii_openers:
            # Most clauses hold none of them: the words are decoded only where one is.
            data = base.encode("utf-8", "surrogatepass").translate(_WORD_CHARS)
            if self.opener_bytes.isdisjoint(data.split()):
                return None
            words = data.decode().split()
        else:
            words = _WORD_RUN.findall(base)
        present = openers.intersection(words)
        if not present:
            return None
        return self._pattern_of(present)

    def _pattern_of(self, openers: frozenset[str]) -> re.Pattern[str]:
        """The pattern of the gazetteer names opening with these first words; for several,
        that of every name, which finds the same matches: a name matches only where the word
        its first word is stands, and of the names matching at one place it takes the first
        listed, as a pattern of fewer names in the same order does. A pattern per set of first
        words cost more to compile than searching with every name costs (2,000 articles: 420
        sets, 0.05 s to compile; one in nine of the clauses searched holds several)."""
        if len(openers) > 1:
            return self.gazetteer_pattern
        pattern = self.patterns.get(openers)
        if pattern is None:
            names = [name for name in self.gazetteer_names if self.opener_of[name] in openers]
            pattern = self.patterns[openers] = _any_of(names)
        return pattern

    def _word_term(self, word: str) -> str:
        """The term a word stands for, or "" for a word that carries no fact."""
        bare = self.bare_words[word]
        if not bare.isdigit() and (bare in self.name_noise or len(bare) < 3):
            self.no_term.add(word)
            return ""
        return sys.intern(self.synonyms.get(bare) or stem(bare))

    def _name_term(self, name: str) -> str:
        """A name as compared across articles, less function words, cues and titles."""
        return sys.intern(" ".join(w for w in name_key(name).split() if w not in self.name_noise))


def gazetteer_keys(lexicon: Lexicon) -> dict[str, GazetteerEntry]:
    """Every gazetteer name, alias and demonym (as :func:`name_key` gives it) to its entry."""
    gazetteer: dict[str, GazetteerEntry] = {}
    for entry in lexicon.gazetteer.values():
        for name in (entry.name, *entry.aliases):
            gazetteer.setdefault(name_key(name), entry)
    for demonym, country in DEMONYMS.items():
        if name_key(country) in gazetteer:
            gazetteer.setdefault(demonym, gazetteer[name_key(country)])
    return gazetteer


def _restored_clauses(data: bytes) -> tuple[dict[int, tuple[Clause, ...]], dict[str, str]]:
    """Each claim's clauses by statement index, and the spellings, from what
    :meth:`TermExtractor.encoded` wrote (decompressed). Terms are interned as when worked out:
    each term is one string however many claims hold it."""
    intern = sys.intern
    clauses: dict[int, tuple[Clause, ...]]
    if data[:1] == b"{":
        terms = json.loads(data)
        clauses = {
            index: tuple((tuple(map(intern, w)), tuple(map(intern, n))) for w, n in claim)
            for index, claim in terms["claims"]
        }
        spellings: dict[str, str] = terms["spellings"]
        return clauses, spellings
    # The text opens with a separator (JSON with "{"): the claims, then the spellings.
    opening, *claims, spelled = data.decode().split(_CLAIM)
    if opening:
        raise ValueError("not stored terms")
    clauses = {}
    for claim in claims:
        index, *claim_clauses = claim.split(_CLAUSE)
        made: list[Clause] = []
        for clause in claim_clauses:
            words, names = clause.split(_LIST)
            made.append(
                (
                    tuple(map(intern, words.split(_TERM))) if words else (),
                    tuple(map(intern, names.split(_TERM))) if names else (),
                )
            )
        clauses[int(index)] = tuple(made)
    pairs = spelled.split(_TERM) if spelled else []
    return clauses, dict(zip(pairs[0::2], pairs[1::2], strict=True))


# What separates the stored terms (see encoded): the terms of a list and a spelling's term and
# word, a clause's words and its names, clauses, claims. No term is made of them but a plugin's
# gazetteer name (words are letters, digits and apostrophes; a name's words are split at them,
# which Python takes for spaces).
_TERM = "\x1f"
_LIST = "\x1e"
_CLAUSE = "\x1d"
_CLAIM = "\x1c"
# Every byte but the separators (UTF-8 of anything else is other bytes), deleted to count them.
_NOT_SEPARATORS = bytes(b for b in range(256) if b not in b"\x1c\x1d\x1e\x1f")


def _terms_json(claims: Sequence[ClaimTerms], spellings: dict[str, str]) -> bytes:
    """The terms as JSON, for an article where a term holds a separator of
    :meth:`TermExtractor.encoded`."""
    terms: dict[str, object] = {
        "claims": [(claim.statement_index, claim.clauses) for claim in claims],
        "spellings": spellings,
    }
    # Tuples of strings cannot hold themselves: no cycles to check for.
    text = json.dumps(terms, ensure_ascii=False, separators=(",", ":"), check_circular=False)
    return text.encode()


def _any_of(names: Sequence[str]) -> re.Pattern[str]:
    """A pattern finding any of ``names`` as whole words, trying them in the order given."""
    return re.compile(r"\b(?:" + "|".join(map(re.escape, names)) + r")\b")


def _break_at_dashes(text: str) -> str:
    """``re.sub(_DASH_BREAK_PATTERN, _BREAK, text)``, found from the dashes: the pattern opens
    with a space, so it is tried at every place in the text (a tenth of the time it took, where
    the dashes are found by ``str.find``; a pattern of the dashes alone is no quicker to search
    with). ``str.isspace`` is what ``\\s`` matches; a break opens no earlier than the last one
    closed, as the pattern's matches do."""
    dashes = []
    for dash in _DASHES:
        at = text.find(dash)
        while at >= 0:
            dashes.append(at)
            at = text.find(dash, at + 1)
    dashes.sort()
    pieces: list[str] = []
    at = 0
    last = len(text) - 1
    for middle in dashes:
        if at < middle < last and text[middle - 1].isspace() and text[middle + 1].isspace():
            pieces += (text[at : middle - 1], _BREAK)
            at = middle + 2
    if not pieces:
        return text
    pieces.append(text[at:])
    return "".join(pieces)


def _words(text: str) -> list[str]:
    """The words ``_WORD`` finds in a lower-cased text (letters' first, then numbers), found by
    byte tables: two thirds of the regular expression's time."""
    data = text.encode("utf-8", "surrogatepass")
    if len(data) != len(text) and _other_digits(data):
        return _WORD.findall(text)
    letters = data.translate(_LETTERS)
    if b"'" in letters:
        # A word opens with a letter: apostrophes opening a run are not part of it ("''it", a
        # quotation mark as some corpora write it, or "90's" once the digits are spaces).
        letters = b" " + letters
        while b" '" in letters:
            letters = letters.replace(b" '", b"  ")
    words = letters.decode().split()
    digits = data.translate(_DIGITS)
    if not digits.isspace():
        words += digits.decode().split()
    return words


def _other_digits(data: bytes) -> bool:
    """Whether a text (as UTF-8) holds a non-ASCII digit: ``\\d`` finds one, a byte table would
    take it for a space."""
    others = data.translate(None, _ASCII).decode("utf-8", "surrogatepass")
    return any(map(str.isdecimal, others))


def _bare(word: str) -> str:
    return word.removesuffix("'s").removesuffix("'")


def _masked(claim: ClaimText) -> str:
    """The claim's text with its attribution spans blanked out."""
    text = claim.text
    spans = claim.attribution_spans
    if not spans:
        return text
    start = claim.start
    length = len(text)
    pieces = []
    at = 0
    # Compared, not max() and min(): builtin calls per span added up (three claims in five
    # have spans, two or three each).
    for span_start, span_end in sorted(spans):
        begin = span_start - start
        if begin < at:
            begin = at
        end = span_end - start
        if end > length:
            end = length
        if begin < end:
            pieces.append(text[at:begin])
            pieces.append(" " * (end - begin))
            at = end
    pieces.append(text[at:])
    return "".join(pieces)
