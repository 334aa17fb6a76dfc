"""The plain dataclasses sayso passes between its engine, analyzers, checkers and storage.

Every span is a pair of character offsets into ``Article.text``; the text stored beside a span is
always ``article.text[start:end]``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, Protocol, get_args

if TYPE_CHECKING:
    from .lexicon import Lexicon

Form = Literal["direct", "indirect", "mixed", "according_to", "evidence"]
FORMS: tuple[Form, ...] = get_args(Form)

SourceType = Literal[
    "person",
    "organization",
    "government",
    "state_media",
    "news_agency",
    "anonymous",
    "document",
    "unknown",
]
SOURCE_TYPES: tuple[SourceType, ...] = get_args(SourceType)

StatementKind = Literal["body", "headline", "dateline", "boilerplate", "byline"]

Severity = Literal["info", "warning", "error"]
SEVERITIES: tuple[Severity, ...] = get_args(Severity)


# Slots: an article makes thousands of spans, and a frozen dataclass with slots is built in half
# the time of one with a __dict__.
@dataclass(frozen=True, order=True, slots=True)
class Span:
    """A stretch of article text: ``text == article.text[start:end]``."""

    start: int
    end: int
    text: str

    @classmethod
    def of(cls, text: str, start: int, end: int) -> Span:
        return cls(start, end, text[start:end])

    def overlaps(self, other: Span) -> bool:
        return self.start < other.end and other.start < self.end

    def contains(self, other: Span) -> bool:
        return self.start <= other.start and other.end <= self.end


def _set_span_fields(span: Span, start: int, end: int, text: str) -> None:
    _set_start(span, start)
    _set_end(span, end)
    _set_text(span, text)


# A frozen dataclass's __init__ sets each field through object.__setattr__, which makes a span
# take three times as long to build as with the slots' own setters; an article makes tens of
# thousands of spans. Built this way a span is still frozen: assigning to one raises.
_set_start, _set_end, _set_text = (vars(Span)[name].__set__ for name in ("start", "end", "text"))
Span.__init__ = _set_span_fields  # type: ignore[method-assign,assignment]


@dataclass
class Article:
    """One input text. ``id`` is a hash of the text, so re-checking the same text finds its row."""

    text: str
    path: str | None = None
    title: str | None = None
    metadata: dict[str, str] = field(default_factory=dict)
    # Size and modification time of the file the text was read from: a re-check takes a file
    # that still has both as unchanged, without reading it again.
    file_size: int | None = None
    file_mtime_ns: int | None = None

    @property
    def id(self) -> str:
        # Hashing the text is costly and ``id`` is read for every row stored: keep the hash with
        # the very text object it came from, so assigning a new text still gives a new id.
        hashed = self.__dict__.get("_hashed")
        if hashed is None or hashed[0] is not self.text:
            hashed = (self.text, hashlib.sha256(self.text.encode("utf-8")).hexdigest()[:16])
            self.__dict__["_hashed"] = hashed
        return hashed[1]


@dataclass
class Statement:
    """A sentence of the article.

    ``kind`` tells body text from headlines, datelines, bylines and boilerplate ("READ ALSO: …");
    only statements with ``is_claim`` true can be flagged as unattributed.
    """

    index: int
    start: int
    end: int
    text: str
    paragraph: int
    kind: StatementKind = "body"

    @property
    def is_claim(self) -> bool:
        return self.kind == "body"

    @property
    def span(self) -> Span:
        return Span(self.start, self.end, self.text)


@dataclass
class Entity:
    """A named entity an analyzer saw, whether or not it is a source.

    ``label`` is an NER label (PERSON, ORG, GPE, NORP, MISC) or "" when the analyzer only knows
    it is a name. Source resolution uses entities as antecedents ("he" → the last PERSON) and to
    type sources.
    """

    span: Span
    label: str = ""


@dataclass
class Source:
    """A canonical source within one article: every mention of KCNA points at one Source."""

    key: str
    name: str
    type: SourceType
    mentions: list[Span] = field(default_factory=list)


@dataclass
class Attribution:
    """Who said what: a source mention, the cue that signals attribution, and the content.

    ``content`` may be several fragments (a quote interrupted by "he said"). ``source`` is the
    mention in the text (possibly a pronoun); ``source_key`` names the canonical :class:`Source`
    it resolved to. ``statements`` lists the indexes of the statements whose claims it carries.
    """

    form: Form
    cue: Span | None
    source: Span | None
    content: list[Span] = field(default_factory=list)
    source_key: str | None = None
    statements: list[int] = field(default_factory=list)

    @property
    def content_bounds(self) -> tuple[int, int] | None:
        """Offsets from the start of the first content fragment to the end of the last."""
        if not self.content:
            return None
        return self.content[0].start, self.content[-1].end


@dataclass
class Finding:
    """Something a checker wants an editor to look at.

    ``span`` points at the exact text concerned; ``statement`` is the index of the statement it
    belongs to, when it belongs to one. ``penalty``, when a checker sets it, is how many points of
    the 0–100 sourcing score the finding should cost; otherwise its severity decides.
    """

    checker: str
    code: str
    severity: Severity
    message: str
    span: Span | None = None
    statement: int | None = None
    penalty: float | None = None


@dataclass
class Checker:
    """A checker a plugin declares through ``register_checkers``.

    ``id`` is stable and unique across all plugins: findings carry it, configuration is keyed by
    it. ``options`` holds the defaults of the checker's settings (thresholds and the like), which
    ``sayso.toml`` and ``--set ID.OPTION=VALUE`` override.

    ``supersedes`` maps a code of this checker to the findings it outranks, named
    ``"checker/code"``: when both are found on the same statement (or both about the whole
    article), only this checker's is kept, so one weakness costs one deduction and an info note
    never contradicts a warning.
    """

    id: str
    description: str
    options: dict[str, Any] = field(default_factory=dict)
    enabled_by_default: bool = True
    supersedes: dict[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass
class Settings:
    """The resolved configuration handed to checks: which checkers run, with which options."""

    enabled: set[str] = field(default_factory=set)
    options: dict[str, dict[str, Any]] = field(default_factory=dict)

    def option(self, checker: str, name: str) -> Any:
        return self.options[checker][name]


@dataclass
class Deduction:
    """Points taken off the 0–100 sourcing score, with the findings (indexes) that cost them."""

    points: float
    reason: str
    findings: list[int] = field(default_factory=list)


@dataclass
class Analysis:
    """An article with its statements, attributions and sources: what checkers look at.

    ``non_attributions`` name sources that did not vouch for anything ("X declined to
    comment"); they are not among ``attributions`` and carry no claim.

    ``paragraphs`` and ``statements`` are in text order and do not overlap (as
    :func:`sayso.analysis.segment.build_statements` makes them); ``Statement.index`` is the
    position in ``statements``.
    """

    article: Article
    analyzer: str
    paragraphs: list[Span] = field(default_factory=list)
    statements: list[Statement] = field(default_factory=list)
    attributions: list[Attribution] = field(default_factory=list)
    entities: list[Entity] = field(default_factory=list)
    sources: dict[str, Source] = field(default_factory=dict)
    # Sources named as not vouching for anything: "declined to comment", "had not confirmed".
    # They carry no statement; see :mod:`sayso.analysis.attribution_steps`.
    non_attributions: list[Attribution] = field(default_factory=list)

    def attributions_for(self, statement: Statement) -> list[Attribution]:
        """The attributions carrying ``statement``'s claims, in the order of ``attributions``."""
        # Every checker asks this for every statement: index the attributions by statement once,
        # and index them again only when the list is replaced or grows or shrinks (it is read
        # after analysis, when attributions no longer change).
        cached = self.__dict__.get("_by_statement")
        attributions = self.attributions
        if cached is None or cached[0] is not attributions or cached[1] != len(attributions):
            by_statement: dict[int, list[Attribution]] = {}
            for attribution in attributions:
                for index in dict.fromkeys(attribution.statements):
                    by_statement.setdefault(index, []).append(attribution)
            cached = (attributions, len(attributions), by_statement)
            self.__dict__["_by_statement"] = cached
        return list(cached[2].get(statement.index, ()))

    def non_attributions_for(self, statement: Statement) -> list[Attribution]:
        """The sources the statement names as not vouching ("declined to comment")."""
        return [a for a in self.non_attributions if statement.index in a.statements]

    def source_of(self, attribution: Attribution) -> Source | None:
        if attribution.source_key is None:
            return None
        return self.sources.get(attribution.source_key)


class Analyzer(Protocol):
    """What an analyzer is: a name and a way to analyze a batch of articles.

    An analyzer takes a batch of articles (so model-backed analyzers can process them together)
    and returns one :class:`Analysis` per article, in the same order, with ``paragraphs``,
    ``statements``, ``attributions`` and ``entities`` filled in. Attributions carry the source
    *mention*; resolving mentions to canonical sources is shared work done afterwards.
    """

    name: str

    def analyze(self, articles: list[Article], lexicon: Lexicon) -> list[Analysis]: ...


@dataclass(frozen=True)
class AnalyzerFactory:
    """An analyzer a plugin declares through ``register_analyzers``.

    ``name`` is what ``--analyzer NAME`` and ``sayso.check(analyzer=NAME)`` take; unique across
    all plugins. ``build(**options)`` makes the analyzer; it is called once per run (once per
    worker process), and should load its model lazily, so importing and registering cost
    nothing. ``options`` names the run options ``build`` accepts (``stanza_dir``, ``device``,
    ``model``); others are not passed. ``parallel`` says the analyzer may run in forked worker
    processes (pure Python, or a model that does not use threads of its own). Among analyzers
    with an ``auto_priority``, "auto" picks the highest whose ``unavailable(options)`` returns
    None (``unavailable`` returns why it can't run, e.g. a model is not installed).
    ``requires`` names the ``Article.metadata`` keys it reads (``conllu_path``: a parse in
    CoNLL-U), which ``sayso eval`` fills in from the corpus.
    """

    name: str
    description: str
    build: Callable[..., Analyzer]
    options: tuple[str, ...] = ()
    parallel: bool = False
    auto_priority: int | None = None
    unavailable: Callable[[dict[str, Any]], str | None] | None = None
    requires: tuple[str, ...] = ()
