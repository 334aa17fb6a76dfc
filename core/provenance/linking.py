"""Claim provenance across articles: which articles report the same fact, and on whose say-so.

:func:`link_articles` takes the reports of one check run and

1. resolves every article's sources to canonical ids shared across the set (the lexicon's
   gazetteer, then names normalised for case, hyphens, titles and "the"), keeping every name a
   source went by as an alias;
2. links claims that report the same fact into :class:`ClaimCluster` objects. Similarity is the
   IDF-weighted cosine of two statements' terms (:mod:`.terms`: content words cut to five
   letters, numbers, gazetteer and capitalised names, less the attribution itself). Rare shared
   terms (names, "letter", "exhibition") weigh most; only statements sharing at least
   :data:`MIN_SHARED_TERMS` rare terms are compared, so the work grows with the number of
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
from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field

from ..analysis.names import head_before_apposition, name_key, row_slug
from ..lexicon import Lexicon
from ..memo import once
from ..model import Analysis, Source, SourceType
from ..pipeline.checkers import ArticleReport
from .identity import ARTICLE_SCOPED_TYPES, row_id, source_id
from .terms import (
    ArticleClaims,
    ClaimTerms,
    Clause,
    TermExtractor,
    best_spellings,
    new_tuple,
    stem,
)

SIMILARITY_THRESHOLD = 0.25
MIN_SHARED_TERMS = 2
# A term in more claims than this (a share of the set, at least MIN_BLOCKING_LIMIT) is too common
# to propose candidate pairs: rare shared terms are what link two reports of one fact.
MAX_BLOCKING_SHARE = 0.002
MIN_BLOCKING_LIMIT = 20
# Average linkage compares this many members of each group at most: a fact a hundred articles
# repeat should not cost ten thousand comparisons per merge.
LINKAGE_SAMPLE = 8
# A source carrying at least this share (and this many) of the sourced claims several articles
# share is their common origin.
COMMON_ORIGIN_SHARE = 0.5
COMMON_ORIGIN_CLAIMS = 2

_OUTLET_TYPES = ("state_media", "news_agency")
_PRONOUNS = frozenset({"he", "she", "him", "his", "her", "they", "them", "their", "it", "its"})


@dataclass(frozen=True)
class CanonicalSource:
    """A source as one row across articles: ``id`` matches the ``sources`` table."""

    id: str
    name: str
    type: SourceType


# Slots, and built through the slots' own setters below: a link makes one member per claim
# clustered (42,000 in 2,000 articles), and a frozen dataclass's __init__ sets each field through
# object.__setattr__ (three times as long, as for sayso.model.Span).
@dataclass(frozen=True, slots=True)
class CitedSource:
    """A source an article cites for a claim.

    ``as_written`` keeps the narrower body or wording ("The Biden administration" for the United
    States government); ``origin`` is the source it cites in turn ("X, citing Y"), if any.
    """

    source: CanonicalSource
    as_written: str
    origin: CanonicalSource | None = None


@dataclass(frozen=True, slots=True)
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


def _setters(cls: type, *names: str) -> tuple[Callable[[object, object], None], ...]:
    return tuple(vars(cls)[name].__set__ for name in names)


_set_cited = _setters(CitedSource, "source", "as_written", "origin")
_set_member = _setters(
    ClusterMember, "article_id", "statement_index", "text", "cited", "similarity"
)


def _init_cited(
    self: CitedSource,
    source: CanonicalSource,
    as_written: str,
    origin: CanonicalSource | None = None,
) -> None:
    set_source, set_as_written, set_origin = _set_cited
    set_source(self, source)
    set_as_written(self, as_written)
    set_origin(self, origin)


def _init_member(
    self: ClusterMember,
    article_id: str,
    statement_index: int,
    text: str,
    cited: tuple[CitedSource, ...] = (),
    similarity: float = 0.0,
) -> None:
    set_article, set_index, set_text, set_cited, set_similarity = _set_member
    set_article(self, article_id)
    set_index(self, statement_index)
    set_text(self, text)
    set_cited(self, cited)
    set_similarity(self, similarity)


CitedSource.__init__ = _init_cited  # type: ignore[method-assign]
ClusterMember.__init__ = _init_member  # type: ignore[method-assign]


@dataclass
class ClaimCluster:
    """Statements in different articles that report the same fact.

    ``members`` are in article order (the order articles were checked), so the first member's
    article reported the claim first; ``terms`` are the shared terms that linked them. What is
    worked out from the members is worked out once: the members are not changed after.
    """

    id: str
    members: list[ClusterMember]
    terms: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        return min((m.text for m in self.members), key=len)

    @once
    def articles(self) -> list[str]:
        return list(dict.fromkeys(m.article_id for m in self.members))

    @property
    def first_article(self) -> str:
        return self.members[0].article_id

    def sources_by_article(self) -> dict[str, list[CanonicalSource]]:
        """The distinct sources each article cites for the claim (empty: stated unattributed)."""
        return self._sources_by_article

    @once
    def _sources_by_article(self) -> dict[str, list[CanonicalSource]]:
        cited: dict[str, list[CanonicalSource]] = {a: [] for a in self.articles}
        for member in self.members:
            for citation in member.cited:
                if citation.source not in cited[member.article_id]:
                    cited[member.article_id].append(citation.source)
        return cited

    @once
    def original_source(self) -> CanonicalSource | None:
        """The source cited as "X, citing Y", else the one most articles cite, else None."""
        origins = [c.origin for m in self.members for c in m.cited if c.origin]
        if origins:
            return _most_common(origins)
        cited = [s for sources in self.sources_by_article().values() for s in sources]
        return _most_common(cited) if cited else None


def _most_common(items: list[CanonicalSource]) -> CanonicalSource:
    """The source most of ``items`` are, the first of those if tied (``Counter.most_common``'s
    choice); without a Counter when they are one source (most clusters cite one, or none)."""
    if len(items) == 1 or items.count(items[0]) == len(items):
        return items[0]
    # max() keeps the first of the most frequent, in the order first seen, as most_common does;
    # a Counter costs more than counting a few sources in place.
    return max(dict.fromkeys(items), key=items.count)


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


class Linker:
    """Collects claims article by article (so a streaming run keeps no reports), then links.

    ``add`` keeps only each article's claim terms and cited sources (:mod:`.terms`; worker
    processes can work those out and hand them to :meth:`add_claims`); ``finish`` resolves
    sources across the set, links claims and derives findings.
    """

    def __init__(self, lexicon: Lexicon) -> None:
        self.lexicon = lexicon
        self.extractor = TermExtractor(lexicon)
        self.gazetteer = self.extractor.gazetteer
        self.titles = frozenset(name_key(t) for t in lexicon.person_titles)
        self.articles: dict[str, str] = {}
        self.article_sources: dict[str, Mapping[str, Source]] = {}
        # Every claim, article by article, and the position of its article.
        self.claims: list[ClaimTerms] = []
        self.claim_articles: list[int] = []
        # Every (word term, word) pair of the articles: the word shown for a term ("letter"
        # for the stem "lette") is the preferred of them (:func:`best_spellings`).
        self.spellings: set[tuple[str, str]] = set()
        self.article_ids: list[str] = []
        self.articles_position: dict[str, int] = {}

    def add(self, report: ArticleReport) -> None:
        self.add_analysis(report.analysis)

    def add_analysis(self, analysis: Analysis) -> None:
        """Keep an article's claims: their terms and the sources they are attributed to."""
        self.add_claims(self.extractor.analysis(analysis))

    def add_claims(self, article: ArticleClaims) -> None:
        """Keep an article's claims worked out elsewhere (or read back from a database)."""
        position = len(self.articles)
        self.articles_position[article.id] = position
        self.articles[article.id] = article.name
        self.article_sources[article.id] = article.sources
        self.claims += article.claims
        self.claim_articles += [position] * len(article.claims)
        self.spellings.update(article.spellings.items())

    def finish(
        self, kept: Iterable[Iterable[str]] = (), placed: Collection[str] | None = None
    ) -> Provenance:
        """Link the claims collected. By default all of them, from scratch.

        Incrementally, ``kept`` are clusters linked before (each its members' statement ids)
        and ``placed`` the articles whose claims to place: those claims join the kept clusters
        or one another (and may bring two kept clusters together), by the same average-linkage
        rule, while what was linked before stays linked. Only pairs with a claim of ``placed``
        are compared.
        """
        provenance = Provenance(articles=dict(self.articles))
        canonical = _SourceResolver(self, provenance)
        for article_id, sources in self.article_sources.items():
            for source in sources.values():
                canonical.resolve(source, article_id)
        terms = _SetTerms.of(self.claims, best_spellings(self.spellings))
        similarity = _Similarity(terms)
        self.article_ids = list(self.articles)
        seeds = self._numbered(kept) if placed is not None else []
        active = None
        if placed is not None:
            positions = {self.articles_position[a] for a in placed if a in self.articles_position}
            active = {n for n, position in enumerate(self.claim_articles) if position in positions}
        groups = _average_linkage(self._edges(terms, similarity, active), similarity, seeds)
        for group in groups:
            provenance.clusters.append(self._cluster(group, terms, similarity, canonical))
        canonical.merge_unnamed_outlets(provenance.clusters)
        order = {article_id: position for position, article_id in enumerate(self.article_ids)}
        provenance.clusters.sort(
            key=lambda c: (-len(c.articles), order[c.first_article], c.members[0].statement_index)
        )
        provenance.findings = _findings(provenance)
        return provenance

    def _numbered(self, clusters: Iterable[Iterable[str]]) -> list[list[int]]:
        """Clusters given by statement ids as lists of claim numbers (members no longer stored,
        or no longer claims, left out)."""
        number = {
            f"{self.article_ids[position]}:{claim.statement_index}": n
            for n, (claim, position) in enumerate(
                zip(self.claims, self.claim_articles, strict=True)
            )
        }
        numbered = ([number[s] for s in statements if s in number] for statements in clusters)
        articles = self.claim_articles
        return [sorted(group) for group in numbered if len({articles[n] for n in group}) > 1]

    def _edges(
        self, terms: _SetTerms, similarity: _Similarity, active: set[int] | None = None
    ) -> list[tuple[float, int, int]]:
        """The candidate pairs similar enough to link, with their similarity, most similar
        first (only those with an ``active`` claim, if given)."""
        total = len(self.claims)
        blocking_limit = max(MIN_BLOCKING_LIMIT, int(MAX_BLOCKING_SHARE * total))
        pairs = candidate_pairs(
            self.claim_articles, terms.all, terms.frequency, blocking_limit, active
        )
        # Those under the threshold would only be sorted to the end and never read.
        edges = similarity.scored(pairs, SIMILARITY_THRESHOLD)
        edges.sort(reverse=True)
        return edges

    def _cluster(
        self,
        group: list[int],
        terms: _SetTerms,
        similarity: _Similarity,
        canonical: _SourceResolver,
    ) -> ClaimCluster:
        # Claims are numbered article by article: in number order, they are in article order.
        article_ids = self.article_ids
        articles = self.claim_articles
        # Each member's best similarity to a member of another article (one cosine per pair).
        best = dict.fromkeys(group, 0.0)
        same_as = similarity.same_as
        between = similarity.between
        for first, second in itertools.combinations(group, 2):
            if articles[first] != articles[second]:
                score = between(same_as[first], same_as[second])
                # Compared, not max(): a builtin call per member and pair added up.
                if score > best[first]:
                    best[first] = score
                if score > best[second]:
                    best[second] = score
        members = []
        statement_ids = []
        claims = self.claims
        # Every article's sources were resolved as finish began: looked up, not resolved again.
        resolved = canonical.resolved
        cited: tuple[CitedSource, ...]
        for number in group:
            claim = claims[number]
            article_id = article_ids[articles[number]]
            statement_ids.append(f"{article_id}:{claim.statement_index}")
            # Most members cite nothing: no generator made for them.
            if claim.cited:
                cited = tuple(
                    CitedSource(
                        resolved[article_id, key],
                        as_written,
                        canonical.resolve_name(origin, article_id) if origin else None,
                    )
                    for key, as_written, origin in claim.cited
                )
            else:
                cited = ()
            members.append(
                ClusterMember(
                    article_id, claim.statement_index, claim.text, cited, round(best[number], 3)
                )
            )
        # The terms more than one member holds (those of both, in a pair: over half the clusters).
        all_terms = terms.all
        if len(group) == 2:
            held: Iterable[str] = all_terms[group[0]] & all_terms[group[1]]
        else:
            # Each member's terms met before, by set operations: a fifth less than counting
            # every term of every member.
            seen = set(all_terms[group[0]])
            held = set()
            for number in group[1:]:
                held |= seen & all_terms[number]
                seen |= all_terms[number]
        # Heaviest first, then in code-point order: sorted by term, then (stably) by weight.
        shared = sorted(sorted(held), key=terms.weights.__getitem__, reverse=True)
        digest = hashlib.sha256(" ".join(statement_ids).encode()).hexdigest()
        return ClaimCluster(digest[:16], members, terms.surfaces(shared[:6]))


@dataclass
class _SetTerms:
    """The terms of every claim of the set, once names are matched across it, with their IDF
    weights. A claim's terms are a set per clause, and ``all`` their union; ``same_as`` gives
    each claim the first claim with the same terms clause for clause (itself if none), whose
    sets it shares: the copies of a syndicated story are compared as one claim."""

    clauses: list[list[frozenset[str]]]
    all: list[frozenset[str]]
    frequency: Counter[str]
    weights: dict[str, float]
    spellings: Mapping[str, str]
    same_as: list[int]

    @classmethod
    def of(cls, claims: list[ClaimTerms], spellings: Mapping[str, str]) -> _SetTerms:
        """The set's terms, from the claims' words and names, which the claims then no longer
        keep (replaced claim by claim, so that both are never held whole)."""
        names = _matched_names(claims)
        name_term = names.__getitem__
        clauses = []
        all_terms = []
        same_as = []
        first_with: dict[tuple[Clause, ...], int] = {}
        for number, claim in enumerate(claims):
            first = first_with.setdefault(claim.clauses, number)
            same_as.append(first)
            if first == number:
                sets = [
                    frozenset(words).union(map(name_term, clause_names))
                    if clause_names
                    else frozenset(words)
                    for words, clause_names in claim.clauses
                ]
                clauses.append(sets)
                all_terms.append(sets[0] if len(sets) == 1 else frozenset().union(*sets))
            else:
                clauses.append(clauses[first])
                all_terms.append(all_terms[first])
            # Made anew: _replace() takes three times as long, and this is once per claim.
            made = (claim.statement_index, claim.text, (), claim.cited)
            claims[number] = new_tuple(ClaimTerms, made)
        del first_with
        frequency = Counter(itertools.chain.from_iterable(all_terms))
        total = len(claims)
        # Smoothed so that in a handful of articles a term all of them share still counts.
        weights = {t: math.log(1 + total / df) for t, df in frequency.items()}
        # Lone capitalised words that are words after all ("Thursday") show as their name when
        # no lower-case word gave the same stem: the first of those names in code-point order
        # (the least, found without sorting every name).
        lone: dict[str, str] = {}
        for name, term in names.items():
            if term[:1] != "#" and term not in spellings:
                known = lone.get(term)
                if known is None or name < known:
                    lone[term] = name
        return cls(clauses, all_terms, frequency, weights, {**spellings, **lone}, same_as)

    def surfaces(self, terms: Iterable[str]) -> list[str]:
        """How each term is shown: "letter" for the stem "lette", "Kim Jong Un" for a name (a
        cluster's terms in one call, not a call per term)."""
        spellings = self.spellings
        shown = []
        for term in terms:
            mark = term[:1]
            if mark == "@":
                shown.append(term[1:])
            elif mark == "#":
                shown.append(term[1:].title())
            else:
                shown.append(spellings.get(term, term))
        return shown


def _matched_names(claims: Sequence[ClaimTerms]) -> dict[str, str]:
    """Each name's term, with "Shoigu" and "Sergei Shoigu" as one name: a lone word that is
    part of exactly one longer name is that name; any other lone word is a word ("Thursday")."""
    names: set[str] = set()
    # Clause by clause, not name by name: most clauses hold none.
    add_names = names.update
    for claim in claims:
        for _, clause_names in claim.clauses:
            if clause_names:
                add_names(clause_names)
    fuller: dict[str, set[str]] = defaultdict(set)
    for name in names:
        if " " in name:
            words = name.split()
            for word in words:
                fuller[word].add(name)
    terms = {}
    for name in names:
        if len(fuller.get(name, ())) == 1:
            terms[name] = "#" + next(iter(fuller[name]))
        elif " " in name:
            terms[name] = "#" + name
        else:
            terms[name] = stem(name)
    return terms


def candidate_pairs(
    claim_articles: Sequence[int],
    term_sets: Sequence[frozenset[str]],
    frequency: Mapping[str, int],
    limit: int,
    active: set[int] | None = None,
) -> list[tuple[int, int]]:
    """The pairs of claims (from different articles) sharing at least
    :data:`MIN_SHARED_TERMS` terms that are in at most ``limit`` claims, first < second, in
    order; with ``active``, only the pairs with an active claim (an incremental link's new
    claims), and only the lists of claims holding one are paired.

    Claims are numbered article by article (``claim_articles`` gives each one's article).
    Claims with the same terms that may pair claims (the copies of a syndicated story; terms in
    one claim or in too many tell nothing apart here) are listed once, as one *kind*, whose
    pairs are given out for each of its claims at the end. Listing the kinds of
    every such term pairwise would cost the square of the longest lists, and with the set's
    size the limit grows too. So only terms in at most :data:`MIN_BLOCKING_LIMIT` claims are
    listed pairwise (each pair counted, in C, by ``Counter``); pairs that share one of those
    and a commoner term, or several commoner terms, are found through the pairs of commoner
    terms each kind holds, which few kinds share. Same pairs, linear work.
    """
    # A term one claim holds pairs nothing (most terms: names and numbers a story gives once).
    rare = {t for t, count in frequency.items() if 1 < count <= MIN_BLOCKING_LIMIT}
    commoner = {t for t, count in frequency.items() if MIN_BLOCKING_LIMIT < count <= limit}
    kinds = _Kinds(claim_articles, term_sets, rare | commoner, active)
    few: dict[str, list[int]] = defaultdict(list)
    many: dict[tuple[str, ...], list[int]] = defaultdict(list)
    common_terms: list[frozenset[str]] = []
    no_terms: frozenset[str] = frozenset()
    # Kinds of claims in several articles whose claims pair with one another.
    paired_within = []
    for kind, terms in enumerate(kinds.term_sets):
        rare_terms = terms & rare
        for term in rare_terms:
            few[term].append(kind)
        common = terms & commoner
        common_terms.append(common or no_terms)
        if len(common) >= MIN_SHARED_TERMS:
            for term_pair in itertools.combinations(sorted(common), MIN_SHARED_TERMS):
                many[term_pair].append(kind)
        if len(rare_terms) + len(common) >= MIN_SHARED_TERMS and kind in kinds.spread:
            paired_within.append(kind)
    # A pair is counted as one number (first * size + second): a few hundred thousand pairs
    # take half the memory tuples would.
    size = len(kinds.term_sets)
    # What is read no more is given back as soon as it is not (the kinds' term sets here, the
    # lists by term below): listing the pairs was a first link's peak of memory, and each page
    # a process's memory grows by costs a page fault.
    del kinds.term_sets
    shared_rare: Counter[int] = Counter()
    for numbers in kinds.paired(few.values()):
        shared_rare.update(_codes(numbers, size))
    del few
    pairs = {
        pair
        for pair, count in shared_rare.items()
        if count >= MIN_SHARED_TERMS
        or not common_terms[pair // size].isdisjoint(common_terms[pair % size])
    }
    del shared_rare, common_terms
    for numbers in kinds.paired(many.values()):
        pairs.update(_codes(numbers, size))
    del many
    pairs.update(kind * size + kind for kind in paired_within)
    return kinds.claim_pairs(pairs)


def _codes(numbers: list[int], size: int) -> list[int]:
    """The pairs of ``numbers`` (in order), each as one number: first * size + second."""
    # A comprehension: a function mapped over the pairs cost a call per pair.
    return [first * size + second for first, second in itertools.combinations(numbers, 2)]


class _Kinds:
    """The distinct sets of the terms that may pair claims (``blocking``) that claims hold,
    numbered in the order of their first claim, with each one's claims (:func:`candidate_pairs`
    pairs kinds, then their claims). Claims holding fewer than :data:`MIN_SHARED_TERMS` of
    those terms pair with none, and are left out (two in five)."""

    def __init__(
        self,
        claim_articles: Sequence[int],
        term_sets: Sequence[frozenset[str]],
        blocking: set[str],
        active: set[int] | None,
    ) -> None:
        self.claim_articles = claim_articles
        self.active = active
        numbered: dict[frozenset[str], int] = {}
        self.claims: list[list[int]] = []
        for number, terms in enumerate(term_sets):
            held = terms & blocking
            if len(held) < MIN_SHARED_TERMS:
                continue
            kind = numbered.setdefault(held, len(self.claims))
            if kind == len(self.claims):
                self.claims.append([number])
            else:
                self.claims[kind].append(number)
        self.term_sets = list(numbered)
        # Each kind's first article, and the kinds whose claims are in several articles.
        self.articles = [claim_articles[claims[0]] for claims in self.claims]
        self.spread = {
            kind
            for kind, claims in enumerate(self.claims)
            if claim_articles[claims[0]] != claim_articles[claims[-1]]
        }
        self.active_kinds = None
        if active is not None:
            self.active_kinds = {
                kind for kind, claims in enumerate(self.claims) if not active.isdisjoint(claims)
            }

    def paired(self, lists: Iterable[list[int]]) -> Iterator[list[int]]:
        """The lists of kinds whose pairs may be candidates: those spanning several articles (a
        term only one article uses pairs no claims of different articles: a name a story
        repeats in five sentences would list ten pairs for nothing), holding an active claim if
        asked. Kinds are in article order, so a list whose first and last kinds are in one
        article and that holds no kind spread over several is all in that article."""
        articles = self.articles
        for kinds in lists:
            spans = articles[kinds[0]] != articles[kinds[-1]] or not self.spread.isdisjoint(kinds)
            if spans and (self.active_kinds is None or not self.active_kinds.isdisjoint(kinds)):
                yield kinds

    def claim_pairs(self, kind_pairs: Iterable[int]) -> list[tuple[int, int]]:
        """The pairs of claims of these pairs of kinds (each as one number, one * kinds +
        other; a kind with itself: its claims' pairs), in order: of different articles (a text
        read twice is one article whose claims come twice, not two reports of a fact), with an
        active claim if asked."""
        articles = self.claim_articles
        active = self.active
        claims = self.claims
        size = len(claims)
        total = len(articles)
        # Each pair as one number too (first * claims + second): numbers sort faster than tuples.
        found = []
        for pair in kind_pairs:
            one, other = divmod(pair, size)
            ones, others = claims[one], claims[other]
            if len(ones) == 1 and len(others) == 1:
                # Most kinds are one claim: their one pair, without a product of the lists (a
                # kind is paired with itself only when it has several claims).
                first, second = ones[0], others[0]
                if first > second:
                    first, second = second, first
                if articles[first] != articles[second] and (
                    active is None or first in active or second in active
                ):
                    found.append(first * total + second)
                continue
            if one == other:
                combined: Iterable[tuple[int, int]] = itertools.combinations(ones, 2)
            else:
                combined = itertools.product(ones, others)
            for first, second in combined:
                if first > second:
                    first, second = second, first
                if articles[first] != articles[second] and (
                    active is None or first in active or second in active
                ):
                    found.append(first * total + second)
        found.sort()
        return [divmod(pair, total) for pair in found]


class _SourceResolver:
    """Maps per-article sources to canonical sources shared across the set, recording aliases."""

    def __init__(self, linker: Linker, provenance: Provenance) -> None:
        self.linker = linker
        self.provenance = provenance
        self.people: dict[str, CanonicalSource] = {}
        # The people whose name has a word, for a lone surname to find its full name.
        self.people_by_word: dict[str, list[CanonicalSource]] = {}
        self.resolved: dict[tuple[str, str], CanonicalSource] = {}
        # Each source's name and aliases, lower-cased: an alias differing only in case is none.
        self.taken_names: dict[str, set[str]] = {}
        # The canonical source of each name and type that is one source in every article.
        self.named: dict[tuple[str, str], CanonicalSource] = {}
        # The name, type and row slug of each name and type that is an article's own source.
        self.unnamed: dict[tuple[str, str], tuple[str, SourceType, str]] = {}
        # Each (source id, wording) given as an alias: an outlet or a person is named the same
        # way in article after article, and recording an alias twice changes nothing.
        self.aliased: set[tuple[str, str]] = set()
        # Each (source id, mention's wording) whose words before an apposition were given as an
        # alias: the same wordings come article after article, and their head is a regex split.
        self.worded: set[tuple[str, str]] = set()

    def resolve(self, source: Source, article_id: str) -> CanonicalSource:
        known = self.resolved.get((article_id, source.key))
        if known is not None:
            return known
        canonical = self._canonical(source.name, source.type, article_id)
        self.resolved[article_id, source.key] = canonical
        # A source kept its name and type (most do): its own id is the canonical one.
        if source.name != canonical.name or source.type != canonical.type:
            own_id = source_id(source, article_id)
            if own_id != canonical.id:
                self.provenance.same_as[own_id] = canonical.id
        self._alias(canonical, source.name)
        # A name an article repeats is one alias: each wording is looked at once per source.
        worded = self.worded
        for mention in source.mentions:
            given = (canonical.id, mention.text)
            if given not in worded:
                worded.add(given)
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
            if not any(
                source.type in _OUTLET_TYPES and source.name not in named
                for sources in cited.values()
                for source in sources
            ):
                continue
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
            self.taken_names.pop(unnamed.id, None)
            for alias in self.provenance.aliases.pop(unnamed.id, set()) | {unnamed.name}:
                self._alias(outlet, alias)
            self.provenance.sources.pop(unnamed.id, None)
        for key, source in self.resolved.items():
            self.resolved[key] = replacements.get(source, source)
        for asked, source in self.named.items():
            self.named[asked] = replacements.get(source, source)
        for number, cluster in enumerate(clusters):
            if any(c.source in replacements for m in cluster.members for c in m.cited):
                members = [_replace_sources(m, replacements) for m in cluster.members]
                clusters[number] = ClaimCluster(cluster.id, members, cluster.terms)

    def _canonical(self, name: str, source_type: SourceType, article_id: str) -> CanonicalSource:
        asked = (name, source_type)
        known = self.named.get(asked)
        if known is not None:
            return known
        settled = True
        unnamed = self.unnamed.get(asked)
        if unnamed is not None:
            name, source_type, slug = unnamed
        else:
            entry = self.linker.gazetteer.get(name_key(name))
            if entry is not None:
                name, source_type = entry.name, entry.type
            elif source_type == "person":
                name, settled = self._person(name)
            slug = row_slug(name)
        canonical = CanonicalSource(row_id(source_type, slug, article_id), name, source_type)
        canonical = self.provenance.sources.setdefault(canonical.id, canonical)
        # An unnamed source is the article's own, and a lone surname's spelling depends on the
        # people seen before: any other name and type give this source wherever they come.
        if source_type in ARTICLE_SCOPED_TYPES:
            # What it is named, its type and slug are the same wherever the words come: only
            # its article changes ("officials", "we": 9,500 of 21,000 sources in 2,000 articles).
            self.unnamed[asked] = (name, source_type, slug)
        elif settled:
            self.named[asked] = canonical
        return canonical

    def _person(self, name: str) -> tuple[str, bool]:
        """One spelling per person: the first seen, matching "Kim Jong-un" and "Kim Jong Un",
        and a lone surname to the one full name containing it. With whether the spelling is
        settled: once a name's words are a person's, later people do not change it (a lone
        surname taken as the one full name holding it may be another's once a second one is
        seen)."""
        words = [w for w in name_key(name).split() if w not in self.linker.titles]
        key = " ".join(words)
        if key in self.people:
            return self.people[key].name, True
        if len(words) == 1:
            fuller = self.people_by_word.get(words[0], [])
            if len(fuller) == 1:
                return fuller[0].name, False
        self.people[key] = CanonicalSource("", name, "person")
        for word in set(words):
            self.people_by_word.setdefault(word, []).append(self.people[key])
        return name, True

    def _alias(self, canonical: CanonicalSource, alias: str) -> None:
        """Record a name the source went by, unless it is its name or one it had, in any case."""
        given = (canonical.id, alias)
        if given in self.aliased:
            return
        self.aliased.add(given)
        alias = " ".join(alias.split())
        if not alias:
            return
        key = alias.lower()
        if key in _PRONOUNS:
            return
        taken = self.taken_names.get(canonical.id)
        if taken is None:
            known = self.provenance.aliases.get(canonical.id, ())
            taken = self.taken_names[canonical.id] = {n.lower() for n in (*known, canonical.name)}
        if key not in taken:
            taken.add(key)
            self.provenance.aliases.setdefault(canonical.id, set()).add(alias)


def _findings(provenance: Provenance) -> list[CrossFinding]:
    findings: list[CrossFinding] = []
    shared = [c for c in provenance.clusters if len(c.articles) > 1]
    for cluster in shared:
        # ``cited``, not the ``attributed`` property: a call per member added up.
        attributed = [m for m in cluster.members if m.cited]
        for member in cluster.members if attributed else ():
            if member.cited:
                continue
            elsewhere = [m for m in attributed if m.article_id != member.article_id]
            if not elsewhere:
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


class _Similarity:
    """Cached similarity of two claims: the best IDF-weighted cosine of their clauses or of the
    whole statements, so background tacked on with "…, which …" does not hide a shared fact.

    Sums are exact (``math.fsum``): a float sum over a set would depend on the set's order,
    which changes from one process to the next, and so would ties and rounded similarities."""

    def __init__(self, terms: _SetTerms) -> None:
        self.terms = terms
        # A claim's copies have its terms: their similarities are its own, worked out once
        # (every pair is scored as its claims' first copies).
        self.same_as = terms.same_as
        self.squared = {term: weight**2 for term, weight in terms.weights.items()}
        # Each claim's term sets with their norms, worked out for the claims compared only.
        self.parts: dict[int, list[tuple[frozenset[str], float]]] = {}
        # By pair, as one number (first * size + second, first the smaller): an int hashes and
        # compares more cheaply than a tuple made for each look-up.
        self.size = len(terms.all)
        self.cache: dict[int, float] = {}

    def scored(
        self, pairs: Iterable[tuple[int, int]], at_least: float
    ) -> list[tuple[float, int, int]]:
        """Each pair of claims with a similarity of ``at_least`` or more, as (similarity,
        first, second)."""
        # One comprehension, not a call of this object per pair: scoring is per candidate pair.
        same_as = self.same_as
        between = self.between
        return [
            (score, one, other)
            for one, other in pairs
            if (score := between(same_as[one], same_as[other])) >= at_least
        ]

    def mean(self, ones: list[int], others: list[int]) -> float:
        """The mean similarity of the first :data:`LINKAGE_SAMPLE` of ``ones`` to those of
        ``others`` (summed in that order)."""
        same_as = self.same_as.__getitem__
        seconds = list(map(same_as, others[:LINKAGE_SAMPLE]))
        between = self.between
        scores = [
            between(first, second)
            for first in map(same_as, ones[:LINKAGE_SAMPLE])
            for second in seconds
        ]
        return sum(scores) / len(scores)

    def between(self, first: int, second: int) -> float:
        """The similarity of two claims, each given as the first claim with its terms."""
        pair = first * self.size + second if first < second else second * self.size + first
        known = self.cache.get(pair)
        if known is None:
            weight = self.squared.__getitem__
            # The parts looked up here: a method call per claim and pair added up.
            parts = self.parts
            ones = parts.get(first) or self._parts(first)
            others = parts.get(second) or self._parts(second)
            if len(ones) == 1 and len(others) == 1:
                # Most claims are one clause: one cosine.
                (a, norm_a), (b, norm_b) = ones[0], others[0]
                known = math.fsum(map(weight, a & b)) / (norm_a * norm_b)
            else:
                # A list, not a generator: resuming one per clause pair cost more than the list.
                known = max(
                    [
                        math.fsum(map(weight, a & b)) / (norm_a * norm_b)
                        for a, norm_a in ones
                        for b, norm_b in others
                    ],
                    default=0.0,
                )
            self.cache[pair] = known
        return known

    def _parts(self, number: int) -> list[tuple[frozenset[str], float]]:
        parts = self.parts.get(number)
        if parts is None:
            clauses = self.terms.clauses[number]
            # A claim of one clause has that clause's terms as all its terms: compared once.
            sets = (self.terms.all[number], *clauses) if len(clauses) > 1 else clauses
            parts = self.parts[number] = [
                (terms, norm) for terms in sets if (norm := self._norm(terms))
            ]
        return parts

    def _norm(self, terms: frozenset[str]) -> float:
        return math.sqrt(math.fsum(map(self.squared.__getitem__, terms)))


def _average_linkage(
    edges: list[tuple[float, int, int]],
    similarity: _Similarity,
    seeds: Iterable[list[int]] = (),
) -> list[list[int]]:
    """Greedy average-linkage clustering over candidate edges, best first, starting from the
    ``seeds`` groups (clusters linked before).

    Two groups merge only if their members are similar on average (same-article pairs included),
    so one sentence that mixes two facts does not chain both facts' clusters together.
    """
    group_of: dict[int, list[int]] = {}
    for seed in seeds:
        for number in seed:
            group_of[number] = seed
    # The pairs of groups found too far apart, in the order compared: the edges between two
    # groups come one by one, and a third of the averages asked for were of two groups found
    # apart before. A group is named by its identity (a merge makes a new list; those named
    # are kept here, so that no later list takes an identity), a lone claim by its number.
    apart: dict[tuple[int, int], tuple[list[int], list[int]]] = {}
    for score, first, second in edges:
        if score < SIMILARITY_THRESHOLD:
            break
        # A lone claim's group is made only when it is one (a default list is made per call).
        one = group_of.get(first) or [first]
        other = group_of.get(second) or [second]
        if one is other:
            continue
        # Two lone claims: their average is this edge's score, above the threshold.
        if len(one) > 1 or len(other) > 1:
            compared = (
                id(one) if len(one) > 1 else ~first,
                id(other) if len(other) > 1 else ~second,
            )
            if compared in apart:
                continue
            if similarity.mean(one, other) < SIMILARITY_THRESHOLD:
                apart[compared] = (one, other)
                continue
        merged = one + other
        for number in merged:
            group_of[number] = merged
    # Each group once (sorted once, not once per member), in the order of its first member.
    unique = {id(group): group for group in group_of.values()}
    return [sorted(group) for group in unique.values()]
