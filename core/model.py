"""The plain dataclasses sayso passes between its engine, analyzers, checkers and storage.

Every span is a pair of character offsets into ``Article.text``; the text stored beside a span is
always ``article.text[start:end]``.
"""

from __future__ import annotations

import hashlib
from bisect import bisect_right
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import FrozenInstanceError, dataclass, field, fields
from functools import cached_property
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


@dataclass(frozen=True)
class Article:
    """One input text. ``id`` is a hash of the text, so re-checking the same text finds its row.

    Frozen, so the text can't change under its ``id`` (``dataclasses.replace`` makes a changed
    copy)."""

    text: str
    path: str | None = None
    title: str | None = None
    metadata: dict[str, str] = field(default_factory=dict)
    # Size and modification time of the file the text was read from: a re-check takes a file
    # that still has both as unchanged, without reading it again.
    file_size: int | None = None
    file_mtime_ns: int | None = None

    # Hashing the text is costly and ``id`` is read for every row stored: worked out once.
    @cached_property
    def id(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()[:16]


class _Final:
    """Built freely by an analyzer; read-only once :meth:`Analysis.finalise` has run.

    Finalising switches the object to its class's read-only twin (:func:`_read_only`), whose
    ``__setattr__`` refuses. Not a frozen dataclass, nor a ``__setattr__`` of its own: analyzers
    and source resolution build these step by step, many per article, and either would make
    every assignment while building a Python call.
    """


def _make_final(parts: Iterable[_Final]) -> None:
    # One loop for an article's hundreds of objects: a call for each would be a tenth of the
    # time checkers take.
    twins = _READ_ONLY_TWINS
    for part in parts:
        part.__dict__["_final"] = True
        cls = part.__class__
        twin = twins.get(cls) or _read_only(cls)
        if twin is not cls:
            object.__setattr__(part, "__class__", twin)


_READ_ONLY_TWINS: dict[type, type] = {}


def _read_only(cls: type) -> type:
    """``cls`` (a dataclass) with assignment refused once an object is final; equal to, and
    shown and pickled as, an object of ``cls`` with the same fields. Made once per class."""
    twin = _READ_ONLY_TWINS.get(cls)
    if twin is None:
        twin = _READ_ONLY_TWINS[cls] = _make_read_only(cls)
        _READ_ONLY_TWINS[twin] = twin
    return twin


def _make_read_only(cls: type) -> type:
    compared = [f.name for f in fields(cls) if f.compare]

    def __setattr__(self: object, name: str, value: Any) -> None:
        if self.__dict__.get("_final"):
            raise FrozenInstanceError(
                f"cannot assign to field {name!r}: a {cls.__name__} is read-only once the "
                "analysis is finalised (checkers see it finalised)"
            )
        object.__setattr__(self, name, value)

    def __delattr__(self: object, name: str) -> None:
        if self.__dict__.get("_final"):
            raise FrozenInstanceError(f"cannot delete field {name!r}: the analysis is finalised")
        object.__delattr__(self, name)

    def __eq__(self: object, other: object) -> bool:
        if not isinstance(other, cls):
            return NotImplemented
        return all(getattr(self, name) == getattr(other, name) for name in compared)

    def __reduce__(self: object) -> tuple[Any, ...]:
        return (_restore, (cls, dict(self.__dict__)))

    namespace = {
        "__setattr__": __setattr__,
        "__delattr__": __delattr__,
        "__eq__": __eq__,
        "__hash__": None,
        "__reduce__": __reduce__,
        "__module__": cls.__module__,
        "__qualname__": cls.__qualname__,
    }
    return type(cls.__name__, (cls,), namespace)


def _restore(cls: type, state: dict[str, Any]) -> object:
    """Unpickle a finalised object (see :func:`_read_only`)."""
    restored: Any = object.__new__(cls)
    restored.__dict__.update(state)
    if state.get("_final"):
        object.__setattr__(restored, "__class__", _read_only(cls))
    return restored


class ReadOnlyDict(dict[str, "Source"]):
    """The finalised analysis' sources: a dict that refuses changes (and still pickles)."""

    def _refuse(self, *args: object, **kwargs: object) -> None:
        raise TypeError("the sources of a finalised analysis are read-only")

    __setitem__ = __delitem__ = clear = pop = popitem = setdefault = update = _refuse  # type: ignore[assignment]
    __ior__ = _refuse  # type: ignore[assignment]

    def __reduce__(self) -> tuple[type, tuple[dict[str, Source]]]:
        return (ReadOnlyDict, (dict(self),))


@dataclass
class Statement(_Final):
    """A sentence of the article.

    ``kind`` tells body text from headlines, datelines, bylines and boilerplate ("READ ALSO: …");
    only statements with ``is_claim`` true can be flagged as unattributed. ``quoted`` says most
    of it lies between quote marks (someone's words), as the analysis steps find
    (:func:`sayso.analysis.attribution_steps.quoted_statements`).
    """

    index: int
    start: int
    end: int
    text: str
    paragraph: int
    kind: StatementKind = "body"
    quoted: bool = False

    @property
    def is_claim(self) -> bool:
        return self.kind == "body"

    @property
    def span(self) -> Span:
        return Span(self.start, self.end, self.text)


@dataclass
class Entity(_Final):
    """A named entity an analyzer saw, whether or not it is a source.

    ``label`` is an NER label (PERSON, ORG, GPE, NORP, MISC) or "" when the analyzer only knows
    it is a name. Source resolution uses entities as antecedents ("he" → the last PERSON) and to
    type sources.
    """

    span: Span
    label: str = ""


@dataclass
class Source(_Final):
    """A canonical source within one article: every mention of KCNA points at one Source."""

    key: str
    name: str
    type: SourceType
    mentions: Sequence[Span] = field(default_factory=list)


@dataclass
class Attribution(_Final):
    """Who said what: a source mention, the cue that signals attribution, and the content.

    ``content`` may be several fragments (a quote interrupted by "he said"). ``source`` is the
    mention in the text (possibly a pronoun); ``source_key`` names the canonical :class:`Source`
    it resolved to. ``statements`` lists the indexes of the statements whose claims it carries.
    """

    form: Form
    cue: Span | None
    source: Span | None
    content: Sequence[Span] = field(default_factory=list)
    source_key: str | None = None
    statements: Sequence[int] = field(default_factory=list)

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
    # The finding codes this checker reports, each with what it means: ``sayso checkers`` lists
    # them, and a code two checkers declare is reported when plugins load.
    codes: dict[str, str] = field(default_factory=dict)

    def finding(
        self,
        code: str,
        message: str,
        severity: Severity = "warning",
        span: Span | None = None,
        statement: Statement | int | None = None,
        penalty: float | None = None,
    ) -> Finding:
        """A :class:`Finding` of this checker; ``statement`` may be the statement or its index.

        ``code`` must be one of the checker's declared ``codes`` (when it declares any): a typo
        raises here, in the plugin, rather than reaching the database.
        """
        if self.codes and code not in self.codes:
            raise ValueError(
                f"checker {self.id!r} reports code {code!r}, which it does not declare "
                f"(declared: {', '.join(self.codes)})"
            )
        if isinstance(statement, Statement):
            statement = statement.index
        return Finding(self.id, code, severity, message, span, statement, penalty)


@dataclass
class Settings:
    """The resolved configuration handed to checks: which checkers run, with which options."""

    enabled: set[str] = field(default_factory=set)
    options: dict[str, dict[str, Any]] = field(default_factory=dict)

    def option(self, checker: str, name: str) -> Any:
        return self.options[checker][name]


# Decimals a sourcing score is rounded to. Sums of scores are rounded to them too (the browsing
# figures' ``score_total``), so a sum is exact, whatever order the scores are added in.
SCORE_DECIMALS = 1


@dataclass
class Deduction:
    """Points taken off the 0–100 sourcing score, with the findings (indexes) that cost them."""

    points: float
    reason: str
    findings: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class Enrichment:
    """What an ``enrich_analysis`` implementation changes in an article's attributions.

    ``add`` holds new attributions (their ``statements`` are filled in from their spans when
    left empty); ``drop`` holds indexes into ``analysis.attributions`` of attributions that are
    wrong. A correction is both: drop the wrong one, add the right one.
    """

    add: Sequence[Attribution] = ()
    drop: Sequence[int] = ()


@dataclass(frozen=True)
class AnalysisIndex:
    """What checkers look up, worked out once when the analysis is finalised."""

    statement_starts: tuple[int, ...]
    attributions_by_statement: Mapping[int, tuple[Attribution, ...]]
    non_attributions_by_statement: Mapping[int, tuple[Attribution, ...]]
    claims: tuple[Statement, ...]
    attributed_claims: tuple[Statement, ...]

    @classmethod
    def of(cls, analysis: Analysis) -> AnalysisIndex:
        by_statement = _by_statement(analysis.attributions)
        claims = tuple(statement for statement in analysis.statements if statement.is_claim)
        return cls(
            statement_starts=tuple(statement.start for statement in analysis.statements),
            attributions_by_statement=by_statement,
            non_attributions_by_statement=_by_statement(analysis.non_attributions),
            claims=claims,
            attributed_claims=tuple(claim for claim in claims if claim.index in by_statement),
        )


def _by_statement(attributions: Iterable[Attribution]) -> dict[int, tuple[Attribution, ...]]:
    """Each statement's attributions, in order, each once."""
    by_statement: dict[int, list[Attribution]] = {}
    for attribution in attributions:
        for index in dict.fromkeys(attribution.statements):
            by_statement.setdefault(index, []).append(attribution)
    return {index: tuple(found) for index, found in by_statement.items()}


@dataclass
class Analysis(_Final):
    """An article with its statements, attributions and sources: what checkers look at.

    ``non_attributions`` name sources that did not vouch for anything ("X declined to
    comment"); they are not among ``attributions`` and carry no claim.

    ``paragraphs`` and ``statements`` are in text order and do not overlap (as
    :func:`sayso.analysis.segment.build_statements` makes them); ``Statement.index`` is the
    position in ``statements``.

    Analyzers build it; the engine then resolves sources, lets plugins enrich it and calls
    :meth:`finalise` before any checker sees it, so checkers get an analysis that can't change
    under them: tuples, a read-only ``sources``, objects that refuse assignment, and an
    :class:`AnalysisIndex` behind :meth:`attributions_for`, :meth:`non_attributions_for`,
    :meth:`statement_at`, ``claims`` and ``attributed_claims``.
    """

    article: Article
    analyzer: str
    paragraphs: Sequence[Span] = field(default_factory=list)
    statements: Sequence[Statement] = field(default_factory=list)
    attributions: Sequence[Attribution] = field(default_factory=list)
    entities: Sequence[Entity] = field(default_factory=list)
    sources: Mapping[str, Source] = field(default_factory=dict)
    # Sources named as not vouching for anything: "declined to comment", "had not confirmed".
    # They carry no statement; see :mod:`sayso.analysis.attribution_steps`.
    non_attributions: Sequence[Attribution] = field(default_factory=list)
    index: AnalysisIndex | None = field(default=None, repr=False, compare=False)

    def finalise(self) -> Analysis:
        """Make the analysis read-only and index it (idempotent); returns it."""
        if self.index is not None:
            return self
        for attribution in (*self.attributions, *self.non_attributions):
            attribution.content = tuple(attribution.content)
            attribution.statements = tuple(attribution.statements)
        for source in self.sources.values():
            source.mentions = tuple(source.mentions)
        self.paragraphs = tuple(self.paragraphs)
        self.statements = tuple(self.statements)
        self.attributions = tuple(self.attributions)
        self.non_attributions = tuple(self.non_attributions)
        self.entities = tuple(self.entities)
        self.sources = ReadOnlyDict(self.sources)
        self.index = AnalysisIndex.of(self)
        _make_final(
            (
                *self.statements,
                *self.attributions,
                *self.non_attributions,
                *self.entities,
                *self.sources.values(),
                self,
            )
        )
        return self

    def _index(self) -> AnalysisIndex:
        # Before finalising (while analyzers and enrichment plugins work), worked out each time.
        return self.index or AnalysisIndex.of(self)

    def attributions_for(self, statement: Statement) -> tuple[Attribution, ...]:
        """The attributions carrying ``statement``'s claims, in the order of ``attributions``."""
        return self._index().attributions_by_statement.get(statement.index, ())

    def statement_at(self, offset: int) -> Statement | None:
        """The statement holding the character at ``offset``, if one does."""
        index = self._index()
        candidate = bisect_right(index.statement_starts, offset) - 1
        if candidate >= 0 and offset < self.statements[candidate].end:
            return self.statements[candidate]
        return None

    @property
    def claims(self) -> tuple[Statement, ...]:
        """The statements that make claims (body text, not headlines, bylines, boilerplate)."""
        return self._index().claims

    @property
    def attributed_claims(self) -> tuple[Statement, ...]:
        """The claims some attribution carries."""
        return self._index().attributed_claims

    def non_attributions_for(self, statement: Statement) -> list[Attribution]:
        """The sources the statement names as not vouching ("declined to comment")."""
        return list(self._index().non_attributions_by_statement.get(statement.index, ()))

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
    CoNLL-U), which ``sayso eval`` fills in from the corpus. ``models(options)`` describes the
    model files the analyzer would load (names, sizes, checksums): it goes into the check's
    fingerprint, so an article stored unchanged is checked again once the models change.
    """

    name: str
    description: str
    build: Callable[..., Analyzer]
    options: tuple[str, ...] = ()
    parallel: bool = False
    auto_priority: int | None = None
    unavailable: Callable[[dict[str, Any]], str | None] | None = None
    requires: tuple[str, ...] = ()
    models: Callable[[dict[str, Any]], str] | None = None
