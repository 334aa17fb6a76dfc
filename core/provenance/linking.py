"""Claim provenance across articles: which articles report the same fact, and on whose say-so.

:func:`link_articles` takes the reports of one check run and

1. resolves every article's sources to canonical ids shared across the set (the lexicon's
   gazetteer, then names normalised for case, hyphens, titles and "the"), keeping every name a
   source went by as an alias;
2. links claims that report the same fact into :class:`ClaimCluster` objects. Similarity is the
   IDF-weighted cosine of two statements' content terms — words cut to five letters, numbers,
   and gazetteer names (so "Moscow" and "Russia" count as one term) — after removing the
   attribution itself (the source mention and the cue), since "KCNA said" is not part of the
   fact. Rare shared terms (names, "letter", "exhibition") weigh most; only statements sharing
   at least :data:`MIN_SHARED_TERMS` terms are compared, so the work grows with the number of
   candidate pairs, not with all pairs of sentences;
3. reports per cluster which sources each article cites, the article that reported it first,
   and the original source (the one cited as "X, citing Y", else the one most articles cite);
4. emits :class:`CrossFinding` objects: a claim one article attributes and another states
   without a source, and articles whose shared claims all rest on one source.

Plugins extend what counts as the same source through the ``register_lexicon`` hook:
``lexicon.add_source(name, type, aliases)`` puts a name and its aliases in the gazetteer that
both within-article and cross-article resolution read.
"""

from __future__ import annotations

import hashlib
import itertools
import math
import re
import sys
from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from ..analysis.names import head_before_apposition, name_key
from ..lexicon import GazetteerEntry, Lexicon
from ..model import Analysis, Source, SourceType, Span, Statement
from ..pipeline.checkers import ArticleReport
from ..storage.store import source_id

SIMILARITY_THRESHOLD = 0.25
MIN_SHARED_TERMS = 2
# A term in more claims than this (a share of the set, at least MIN_BLOCKING_LIMIT) is too common
# to propose candidate pairs: rare shared terms are what link two reports of one fact.
MAX_BLOCKING_SHARE = 0.002
MIN_BLOCKING_LIMIT = 20
STEM_LENGTH = 5
# Average linkage compares this many members of each group at most: a fact a hundred articles
# repeat should not cost ten thousand comparisons per merge.
LINKAGE_SAMPLE = 8
_SUFFIXES = ("ing", "est", "ed", "es", "s", "e")
# A source carrying at least this share (and this many) of the sourced claims several articles
# share is their common origin.
COMMON_ORIGIN_SHARE = 0.5
COMMON_ORIGIN_CLAIMS = 2

_OUTLET_TYPES = ("state_media", "news_agency")
_WORD = re.compile(r"[a-z][a-z']*|\d+")
_WORD_RUN = re.compile(r"\w+")
_NAME = re.compile(r"[A-Z][\w']*(?:-\w+)*(?:\s+[A-Z][\w']*(?:-\w+)*)*")
# Where a news sentence tacks background onto its fact: "…, which …", "…, but …", "…; …".
_CLAUSE_BREAK = re.compile(r",\s+(?:which|who|where|but|while|although|though)\b|;|\s[—–]\s")
_CITING = re.compile(r"\bciting\s+((?:the\s+)?[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*)*)")
_PRONOUNS = frozenset({"he", "she", "him", "his", "her", "they", "them", "their", "it", "its"})
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


@dataclass(frozen=True)
class CanonicalSource:
    """A source as one row across articles: ``id`` matches the ``sources`` table."""

    id: str
    name: str
    type: SourceType


@dataclass(frozen=True)
class CitedSource:
    """A source an article cites for a claim.

    ``as_written`` keeps the narrower body or wording ("The Biden administration" for the United
    States government); ``origin`` is the source it cites in turn ("X, citing Y"), if any.
    """

    source: CanonicalSource
    as_written: str
    origin: CanonicalSource | None = None


@dataclass(frozen=True)
class ClusterMember:
    """One article's statement in a claim cluster, with the sources the article cites for it."""

    article_id: str
    statement_index: int
    text: str
    cited: tuple[CitedSource, ...] = ()
    similarity: float = 0.0

    @property
    def statement_id(self) -> str:
        return f"{self.article_id}:{self.statement_index}"

    @property
    def attributed(self) -> bool:
        return bool(self.cited)


@dataclass
class ClaimCluster:
    """Statements in different articles that report the same fact.

    ``members`` are in article order (the order articles were checked), so the first member's
    article reported the claim first; ``terms`` are the shared terms that linked them.
    """

    id: str
    members: list[ClusterMember]
    terms: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        return min((m.text for m in self.members), key=len)

    @property
    def articles(self) -> list[str]:
        return list(dict.fromkeys(m.article_id for m in self.members))

    @property
    def first_article(self) -> str:
        return self.members[0].article_id

    def sources_by_article(self) -> dict[str, list[CanonicalSource]]:
        """The distinct sources each article cites for the claim (empty: stated unattributed)."""
        cited: dict[str, list[CanonicalSource]] = {a: [] for a in self.articles}
        for member in self.members:
            for citation in member.cited:
                if citation.source not in cited[member.article_id]:
                    cited[member.article_id].append(citation.source)
        return cited

    @property
    def original_source(self) -> CanonicalSource | None:
        """The source cited as "X, citing Y", else the one most articles cite, else None."""
        origins = [c.origin for m in self.members for c in m.cited if c.origin]
        if origins:
            return Counter(origins).most_common(1)[0][0]
        counts = Counter(s for sources in self.sources_by_article().values() for s in sources)
        return counts.most_common(1)[0][0] if counts else None


@dataclass(frozen=True)
class CrossFinding:
    """Something only a set of articles shows. ``statement_index`` is within ``article_id``."""

    code: str
    severity: str
    message: str
    articles: tuple[str, ...]
    cluster_id: str | None = None
    article_id: str | None = None
    statement_index: int | None = None


@dataclass
class Provenance:
    """The claim clusters, canonical sources, aliases and findings of a set of articles."""

    articles: dict[str, str]
    sources: dict[str, CanonicalSource] = field(default_factory=dict)
    aliases: dict[str, set[str]] = field(default_factory=dict)
    clusters: list[ClaimCluster] = field(default_factory=list)
    findings: list[CrossFinding] = field(default_factory=list)
    # Per-article source ids that turned out to name a canonical source with another id.
    same_as: dict[str, str] = field(default_factory=dict)


def link_articles(reports: Iterable[ArticleReport], lexicon: Lexicon) -> Provenance:
    """Link the claims of several checked articles into clusters, with their provenance."""
    linker = Linker(lexicon)
    for report in reports:
        linker.add(report)
    return linker.finish()


@dataclass(frozen=True)
class _Clause:
    words: frozenset[str]
    names: frozenset[str]


@dataclass
class _Claim:
    article_id: str
    index: int
    text: str
    clauses: list[_Clause]
    cited: list[tuple[Source, str, str | None]]
    # Filled in by ``Linker.finish``, once names can be matched across the whole set (which
    # empties ``clauses``): each clause's terms, and all of them.
    terms: list[frozenset[str]] = field(default_factory=list)
    all_terms: frozenset[str] = frozenset()


class Linker:
    """Collects claims article by article (so a streaming run keeps no reports), then links.

    ``add`` keeps only each article's claim terms and cited sources; ``finish`` resolves sources
    across the set, links claims and derives findings.
    """

    def __init__(self, lexicon: Lexicon) -> None:
        self.lexicon = lexicon
        self.titles = frozenset(name_key(t) for t in lexicon.person_titles)
        self.gazetteer: dict[str, GazetteerEntry] = {}
        for entry in lexicon.gazetteer.values():
            for name in (entry.name, *entry.aliases):
                self.gazetteer.setdefault(name_key(name), entry)
        for demonym, country in DEMONYMS.items():
            if name_key(country) in self.gazetteer:
                self.gazetteer.setdefault(demonym, self.gazetteer[name_key(country)])
        self.gazetteer_pattern = re.compile(
            r"\b(?:"
            + "|".join(re.escape(k) for k in sorted(self.gazetteer, key=len)[::-1])
            + r")\b"
        )
        # The first word of every gazetteer name: a clause with none of them names no known
        # source, and is not searched for one (the pattern's many alternatives cost time).
        # None when a name opens with no word to look for.
        openers = [_WORD_RUN.match(name) for name in self.gazetteer]
        self.gazetteer_openers = (
            frozenset(opener.group() for opener in openers if opener) if all(openers) else None
        )
        self.synonyms = {word: group[0] for group in SYNONYMS for word in group}
        # Words that carry no fact: function words, cues ("said"), titles ("President").
        self.name_noise = STOP_WORDS | frozenset(lexicon.cue_forms()) | self.titles
        self.articles: dict[str, str] = {}
        # The first word seen for each term, to show "letter" rather than its stem "lette".
        self.surface: dict[str, str] = {}
        self.claims: list[_Claim] = []
        self.word_terms: dict[str, str] = {}
        self.name_terms: dict[str, str] = {}
        self.article_sources: dict[str, Mapping[str, Source]] = {}

    def add(self, report: ArticleReport) -> None:
        self.add_analysis(report.analysis)

    def add_analysis(self, analysis: Analysis) -> None:
        """Keep an article's claims: their terms and the sources they are attributed to."""
        article_id = analysis.article.id
        self.articles[article_id] = analysis.article.path or analysis.article.title or article_id
        self.article_sources[article_id] = analysis.sources
        for statement in analysis.statements:
            if statement.is_claim:
                self.claims.append(
                    _Claim(
                        article_id,
                        statement.index,
                        statement.text,
                        self._clauses(analysis, statement),
                        self._cited(analysis, statement),
                    )
                )

    def finish(self) -> Provenance:
        provenance = Provenance(articles=dict(self.articles))
        canonical = _SourceResolver(self, provenance)
        for article_id, sources in self.article_sources.items():
            for source in sources.values():
                canonical.resolve(source, article_id)
        groups, similarity = self._link()
        order = {article_id: position for position, article_id in enumerate(self.articles)}
        for group in groups:
            provenance.clusters.append(self._cluster(group, similarity, canonical, order))
        canonical.merge_unnamed_outlets(provenance.clusters)
        provenance.clusters.sort(
            key=lambda c: (-len(c.articles), order[c.first_article], c.members[0].statement_index)
        )
        provenance.findings = _findings(provenance)
        return provenance

    # -- terms ---------------------------------------------------------------------------

    def _clauses(self, analysis: Analysis, statement: Statement) -> list[_Clause]:
        text = _mask(statement, _attribution_spans(analysis, statement)).replace("’", "'")
        return [self._clause(part) for part in _CLAUSE_BREAK.split(text) if part.strip()]

    def _clause(self, text: str) -> _Clause:
        # Terms are interned: the same few thousand words recur in every claim of a large set.
        words: set[str] = set()
        names: set[str] = set()
        known: list[tuple[int, int]] = []

        def known_source(match: re.Match[str]) -> str:
            term = sys.intern("@" + self.gazetteer[match.group()].name)
            self.surface.setdefault(term, term[1:])
            words.add(term)
            known.append(match.span())
            return " " * len(match.group())

        def name(match: re.Match[str]) -> str:
            found = self._name_term(match.group())
            if found:
                names.add(found)
            return " "

        base = text.lower().replace("-", " ")
        openers = self.gazetteer_openers
        named = openers is None or not openers.isdisjoint(_WORD_RUN.findall(base))
        lowered = self.gazetteer_pattern.sub(known_source, base) if named else base
        if len(base) != len(text):
            text = lowered
        for start, end in known:
            # Blank the known sources in the original text too, keeping its capitals for names.
            text = text[:start] + " " * (end - start) + text[end:]
        text = _NAME.sub(name, text)
        for word in _WORD.findall(text.lower()):
            term = self._word_term(word)
            if term:
                words.add(term)
        return _Clause(frozenset(words), frozenset(names))

    # Words and names recur from claim to claim: what each gives is worked out once.

    def _word_term(self, word: str) -> str:
        """The term a word stands for, or "" for a word that carries no fact."""
        term = self.word_terms.get(word)
        if term is None:
            bare = word.removesuffix("'s").removesuffix("'")
            term = ""
            if bare.isdigit() or not (bare in self.name_noise or len(bare) < 3):
                term = sys.intern(self.synonyms.get(bare) or _stem(bare))
                self.surface.setdefault(term, bare)
            self.word_terms[word] = term
        return term

    def _name_term(self, name: str) -> str:
        """A name as compared across articles, less function words, cues and titles."""
        term = self.name_terms.get(name)
        if term is None:
            parts = [w for w in name_key(name).split() if w not in self.name_noise]
            term = self.name_terms[name] = sys.intern(" ".join(parts))
        return term

    def _cited(
        self, analysis: Analysis, statement: Statement
    ) -> list[tuple[Source, str, str | None]]:
        cited = []
        citing = _CITING.search(statement.text)
        for attribution in analysis.attributions_for(statement):
            source = analysis.source_of(attribution)
            if source is None or attribution.source is None:
                continue
            cited.append(
                (
                    source,
                    head_before_apposition(attribution.source.text),
                    citing and citing.group(1),
                )
            )
        return cited

    # -- linking -------------------------------------------------------------------------

    def _link(self) -> tuple[list[list[int]], _Similarity]:
        self._match_names()
        document_frequency = Counter(term for claim in self.claims for term in claim.all_terms)
        total = len(self.claims)
        # Smoothed so that in a handful of articles a term all of them share still counts.
        weights = {t: math.log(1 + total / df) for t, df in document_frequency.items()}
        blocking_limit = max(MIN_BLOCKING_LIMIT, int(MAX_BLOCKING_SHARE * total))
        candidates = self._candidates(document_frequency, blocking_limit)
        similarity = _Similarity(self.claims, weights)
        edges = sorted(
            ((similarity(first, second), first, second) for first, second in candidates),
            reverse=True,
        )
        return _average_linkage(edges, similarity), similarity

    def _candidates(self, document_frequency: Counter[str], limit: int) -> list[tuple[int, int]]:
        """The pairs of claims (from different articles) sharing at least
        :data:`MIN_SHARED_TERMS` terms that are in at most ``limit`` claims, first < second.

        Listing the claims of every such term pairwise would cost the square of the longest
        lists, and with the set's size the limit grows too. So only terms in at most
        :data:`MIN_BLOCKING_LIMIT` claims are listed pairwise (each pair then counted exactly);
        pairs that share none of those but several commoner terms are found through the pairs of
        commoner terms each claim holds, which few claims share. Same pairs, linear work.
        """
        few: dict[str, list[int]] = defaultdict(list)
        many: dict[tuple[str, ...], list[int]] = defaultdict(list)
        in_few = {t for t, count in document_frequency.items() if count <= MIN_BLOCKING_LIMIT}
        in_many = {
            t for t, count in document_frequency.items() if MIN_BLOCKING_LIMIT < count <= limit
        }
        few_terms: list[frozenset[str]] = []
        common_terms: list[frozenset[str]] = []
        for number, claim in enumerate(self.claims):
            few_terms.append(claim.all_terms & in_few)
            common_terms.append(claim.all_terms & in_many)
            for term in few_terms[-1]:
                few[term].append(number)
            for pair in itertools.combinations(sorted(common_terms[-1]), MIN_SHARED_TERMS):
                many[pair].append(number)
        # Claims are numbered article by article: each article's claims follow one another.
        next_article = [0] * len(self.claims)
        end = len(self.claims)
        for number in range(len(self.claims) - 1, -1, -1):
            if number + 1 < len(self.claims) and (
                self.claims[number].article_id != self.claims[number + 1].article_id
            ):
                end = number + 1
            next_article[number] = end
        pairs: set[tuple[int, int]] = set()
        for first, terms in enumerate(few_terms):
            if not terms:
                continue
            after = next_article[first]
            shared = Counter(
                itertools.chain.from_iterable(
                    few[term][bisect_left(few[term], after) :] for term in terms
                )
            )
            common = common_terms[first]
            for second, count in shared.items():
                if count >= MIN_SHARED_TERMS or (
                    common and not common.isdisjoint(common_terms[second])
                ):
                    pairs.add((first, second))
        for numbers in many.values():
            for position, first in enumerate(numbers):
                after = next_article[first]
                pairs.update(
                    (first, second) for second in numbers[position + 1 :] if second >= after
                )
        # A text read twice is one article whose claims come twice: not two reports of a fact.
        claims = self.claims
        return sorted(p for p in pairs if claims[p[0]].article_id != claims[p[1]].article_id)

    def _match_names(self) -> None:
        """Fill each claim's terms, with "Shoigu" and "Sergei Shoigu" as one name."""
        names = {name for claim in self.claims for c in claim.clauses for name in c.names}
        fuller: dict[str, set[str]] = defaultdict(set)
        for name in names:
            for word in name.split()[1:] if " " in name else ():
                fuller[word].add(name)
            if " " in name:
                fuller[name.split()[0]].add(name)
        canonical = {}
        # In sorted order: the surface word kept for a stem must not depend on set order.
        for name in sorted(names):
            if len(fuller.get(name, ())) == 1:
                canonical[name] = "#" + next(iter(fuller[name]))
            elif " " in name:
                canonical[name] = "#" + name
            else:
                # A lone capitalised word ("Thursday", "Four" opening a sentence) is a word.
                canonical[name] = _stem(name)
                self.surface.setdefault(canonical[name], name)
        self.surface.update({t: t[1:].title() for t in canonical.values() if t.startswith("#")})
        for claim in self.claims:
            claim.terms = [
                clause.words | {canonical[name] for name in clause.names}
                for clause in claim.clauses
            ]
            one = len(claim.terms) == 1
            claim.all_terms = claim.terms[0] if one else frozenset().union(*claim.terms)
            claim.clauses = []

    def _cluster(
        self,
        group: list[int],
        similarity: _Similarity,
        canonical: _SourceResolver,
        order: dict[str, int],
    ) -> ClaimCluster:
        numbers = sorted(group, key=lambda n: (order[self.claims[n].article_id], n))
        claims = [self.claims[n] for n in numbers]
        members = [
            ClusterMember(
                claim.article_id,
                claim.index,
                claim.text,
                tuple(
                    CitedSource(
                        canonical.resolve(source, claim.article_id),
                        as_written,
                        canonical.resolve_name(origin, claim.article_id) if origin else None,
                    )
                    for source, as_written, origin in claim.cited
                ),
                round(
                    max(
                        similarity(number, other)
                        for other in group
                        if self.claims[other].article_id != claim.article_id
                    ),
                    3,
                ),
            )
            for number, claim in zip(numbers, claims, strict=True)
        ]
        term_counts = Counter(t for claim in claims for t in claim.all_terms)
        terms = sorted(
            (t for t, count in term_counts.items() if count > 1),
            key=lambda t: (-similarity.weights[t], t),
        )
        digest = hashlib.sha256(" ".join(m.statement_id for m in members).encode()).hexdigest()
        return ClaimCluster(digest[:16], members, [self.surface[t] for t in terms[:6]])


class _SourceResolver:
    """Maps per-article sources to canonical sources shared across the set, recording aliases."""

    def __init__(self, linker: Linker, provenance: Provenance) -> None:
        self.linker = linker
        self.provenance = provenance
        self.people: dict[str, CanonicalSource] = {}
        # The people whose name has a word, for a lone surname to find its full name.
        self.people_by_word: dict[str, list[CanonicalSource]] = {}
        self.resolved: dict[tuple[str, str], CanonicalSource] = {}

    def resolve(self, source: Source, article_id: str) -> CanonicalSource:
        known = self.resolved.get((article_id, source.key))
        if known is not None:
            return known
        canonical = self._canonical(source.name, source.type, article_id)
        self.resolved[article_id, source.key] = canonical
        own_id = source_id(source, article_id)
        if own_id != canonical.id:
            self.provenance.same_as[own_id] = canonical.id
        self._alias(canonical, source.name)
        for mention in source.mentions:
            self._alias(canonical, head_before_apposition(mention.text))
        return canonical

    def resolve_name(self, name: str, article_id: str) -> CanonicalSource:
        entry = self.linker.gazetteer.get(name_key(name))
        source_type: SourceType = entry.type if entry else "organization"
        return self._canonical(name, source_type, article_id)

    def merge_unnamed_outlets(self, clusters: list[ClaimCluster]) -> None:
        """Treat "North Korean state media" as the named outlet other articles cite for the
        same claims, when exactly one is: the claims say whose report it is."""
        named = {e.name for e in self.linker.lexicon.gazetteer.values() if e.type in _OUTLET_TYPES}
        votes: dict[CanonicalSource, Counter[CanonicalSource]] = defaultdict(Counter)
        for cluster in clusters:
            cited = cluster.sources_by_article()
            for article_id, sources in cited.items():
                others = {
                    s
                    for other, their in cited.items()
                    if other != article_id
                    for s in their
                    if s.name in named
                }
                for source in sources:
                    if source.type in _OUTLET_TYPES and source.name not in named:
                        votes[source].update(o for o in others if o.type == source.type)
        replacements = {
            unnamed: counts.most_common(1)[0][0]
            for unnamed, counts in votes.items()
            if len(counts) == 1
        }
        if not replacements:
            return
        for unnamed, outlet in replacements.items():
            self.provenance.same_as[unnamed.id] = outlet.id
            for alias in self.provenance.aliases.pop(unnamed.id, set()) | {unnamed.name}:
                self._alias(outlet, alias)
            self.provenance.sources.pop(unnamed.id, None)
        for key, source in self.resolved.items():
            self.resolved[key] = replacements.get(source, source)
        for cluster in clusters:
            cluster.members = [_replace_sources(m, replacements) for m in cluster.members]

    def _canonical(self, name: str, source_type: SourceType, article_id: str) -> CanonicalSource:
        entry = self.linker.gazetteer.get(name_key(name))
        if entry is not None:
            name, source_type = entry.name, entry.type
        elif source_type == "person":
            name = self._person(name)
        own = Source(key="", name=name, type=source_type)
        canonical = CanonicalSource(source_id(own, article_id), name, source_type)
        self.provenance.sources.setdefault(canonical.id, canonical)
        return self.provenance.sources[canonical.id]

    def _person(self, name: str) -> str:
        """One spelling per person: the first seen, matching "Kim Jong-un" and "Kim Jong Un",
        and a lone surname to the one full name containing it."""
        words = [w for w in name_key(name).split() if w not in self.linker.titles]
        key = " ".join(words)
        if key in self.people:
            return self.people[key].name
        if len(words) == 1:
            fuller = self.people_by_word.get(words[0], [])
            if len(fuller) == 1:
                return fuller[0].name
        self.people[key] = CanonicalSource("", name, "person")
        for word in set(words):
            self.people_by_word.setdefault(word, []).append(self.people[key])
        return name

    def _alias(self, canonical: CanonicalSource, alias: str) -> None:
        alias = " ".join(alias.split())
        known = self.provenance.aliases.get(canonical.id, set())
        if alias and alias.lower() not in {n.lower() for n in (*known, canonical.name, *_PRONOUNS)}:
            self.provenance.aliases[canonical.id] = known | {alias}


def _findings(provenance: Provenance) -> list[CrossFinding]:
    findings: list[CrossFinding] = []
    shared = [c for c in provenance.clusters if len(c.articles) > 1]
    for cluster in shared:
        for member in cluster.members:
            elsewhere = [
                m for m in cluster.members if m.attributed and m.article_id != member.article_id
            ]
            if member.attributed or not elsewhere:
                continue
            names = ", ".join(
                c.source.name + (f" citing {c.origin.name}" if c.origin else "")
                for c in elsewhere[0].cited
            )
            where = provenance.articles[elsewhere[0].article_id]
            findings.append(
                CrossFinding(
                    "attributed-elsewhere",
                    "warning",
                    f"Stated here without a source; “{where}” attributes it to {names}.",
                    tuple(cluster.articles),
                    cluster.id,
                    member.article_id,
                    member.statement_index,
                )
            )
    return _common_origins(provenance, shared) + findings


def _common_origins(provenance: Provenance, shared: list[ClaimCluster]) -> list[CrossFinding]:
    """Articles that look independent but whose shared claims rest on one source."""
    carried: Counter[CanonicalSource] = Counter()
    articles: dict[CanonicalSource, set[str]] = defaultdict(set)
    sourced = [c for c in shared if any(c.sources_by_article().values())]
    for cluster in sourced:
        origin = cluster.original_source
        citing = [a for a, sources in cluster.sources_by_article().items() if origin in sources]
        if origin is not None and len(citing) > 1:
            carried[origin] += 1
            articles[origin].update(citing)
    findings = []
    for origin, count in carried.most_common():
        if count < COMMON_ORIGIN_CLAIMS or count / len(sourced) < COMMON_ORIGIN_SHARE:
            break
        findings.append(
            CrossFinding(
                "common-origin",
                "warning",
                f"{len(articles[origin])} articles rest on one source: {count} of the "
                f"{len(sourced)} sourced claims they share trace to {origin.name} "
                f"({origin.type.replace('_', ' ')}) in each; their coverage is not independent.",
                tuple(a for a in provenance.articles if a in articles[origin]),
            )
        )
    return findings


def _replace_sources(
    member: ClusterMember, replacements: dict[CanonicalSource, CanonicalSource]
) -> ClusterMember:
    cited = tuple(
        CitedSource(replacements.get(c.source, c.source), c.as_written, c.origin)
        for c in member.cited
    )
    return ClusterMember(
        member.article_id, member.statement_index, member.text, cited, member.similarity
    )


def _stem(word: str) -> str:
    """Strip an inflection, then cut to five letters: "discussed" and "discussion" → "discu".

    Truncation is crude but cheap, and within one story the words it confuses rarely meet.
    """
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)]
            break
    return word[:STEM_LENGTH]


def _attribution_spans(analysis: Analysis, statement: Statement) -> list[Span]:
    spans = []
    for attribution in analysis.attributions_for(statement):
        spans += [s for s in (attribution.source, attribution.cue) if s is not None]
    return spans


def _mask(statement: Statement, spans: list[Span]) -> str:
    """The statement's text with the given spans blanked out."""
    characters = list(statement.text)
    for span in spans:
        for offset in range(max(span.start, statement.start), min(span.end, statement.end)):
            characters[offset - statement.start] = " "
    return "".join(characters)


class _Similarity:
    """Cached similarity of two claims: the best IDF-weighted cosine of their clauses or of the
    whole statements, so background tacked on with "…, which …" does not hide a shared fact.

    Sums are exact (``math.fsum``): a float sum over a set would depend on the set's order,
    which changes from one process to the next, and so would ties and rounded similarities."""

    def __init__(self, claims: list[_Claim], weights: dict[str, float]) -> None:
        self.claims = claims
        self.weights = weights
        self.squared = {term: weight**2 for term, weight in weights.items()}
        # Each claim's term sets with their norms, worked out for the claims compared only.
        self.parts: dict[int, list[tuple[frozenset[str], float]]] = {}
        self.cache: dict[tuple[int, int], float] = {}

    def __call__(self, first: int, second: int) -> float:
        pair = (min(first, second), max(first, second))
        if pair not in self.cache:
            self.cache[pair] = max(
                math.fsum(self.squared[t] for t in a & b) / (norm_a * norm_b)
                for a, norm_a in self._parts(first)
                for b, norm_b in self._parts(second)
                if norm_a and norm_b
            )
        return self.cache[pair]

    def _parts(self, number: int) -> list[tuple[frozenset[str], float]]:
        parts = self.parts.get(number)
        if parts is None:
            claim = self.claims[number]
            # A claim of one clause has that clause's terms as all its terms: compared once.
            sets = (claim.all_terms, *claim.terms) if len(claim.terms) > 1 else (claim.all_terms,)
            parts = self.parts[number] = [(terms, self._norm(terms)) for terms in sets]
        return parts

    def _norm(self, terms: frozenset[str]) -> float:
        return math.sqrt(math.fsum(self.squared[t] for t in terms))


def _average_linkage(
    edges: list[tuple[float, int, int]], similarity: _Similarity
) -> list[list[int]]:
    """Greedy average-linkage clustering over candidate edges, best first.

    Two groups merge only if their members are similar on average (same-article pairs included),
    so one sentence that mixes two facts does not chain both facts' clusters together.
    """
    group_of: dict[int, list[int]] = {}
    for score, first, second in edges:
        if score < SIMILARITY_THRESHOLD:
            break
        one = group_of.get(first, [first])
        other = group_of.get(second, [second])
        if one is other:
            continue
        pairs = [similarity(a, b) for a in one[:LINKAGE_SAMPLE] for b in other[:LINKAGE_SAMPLE]]
        if sum(pairs) / len(pairs) >= SIMILARITY_THRESHOLD:
            merged = one + other
            for number in merged:
                group_of[number] = merged
    unique = {id(group): sorted(group) for group in group_of.values()}
    return list(unique.values())
