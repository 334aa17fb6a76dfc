"""The run: its context (:class:`Checking`: plugins, settings, lexicon, analyzer) and the
check of each batch of articles: analyze → complete → enrich → resolve sources → run checkers,
within the time limit per article.

Where the articles come from is :mod:`.inputs`'s business, which processes check them
:mod:`.workers`', and running the checkers :mod:`.checkers`'.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, TypeVar

from ..analysis.analyzers import (
    Analyzer,
    accepted_options,
    get_analyzer,
    get_factory,
    resolve_analyzer,
)
from ..analysis.attribution_steps import complete_attributions
from ..analysis.sources import resolve_sources
from ..config import resolve_settings
from ..errors import InputError, SaysoError
from ..lexicon import Lexicon
from ..manager import PluginFailure, Plugins, describe_error, get_plugins
from ..model import Analysis, Article, Settings, Span
from ..version import __version__
from .budget import DEFAULT_TIME_LIMIT, OutOfTime, time_limit
from .checkers import ArticleReport, run_checkers
from .enrich import enrich

BATCH_SIZE = 32
# What analyzes articles an analyzer failed on (the rule analyzer: no model, nothing to miss).
FALLBACK_ANALYZER = "offline"

T = TypeVar("T")


def build_lexicon(plugins: Plugins) -> Lexicon:
    """The default lexicon with what plugins add through ``register_lexicon``."""
    lexicon = Lexicon.default()
    plugins.call("register_lexicon", lexicon=lexicon)
    return lexicon


@dataclass
class Checking:
    """What a check run needs besides the articles: plugins, settings, lexicon, analyzer."""

    plugins: Plugins
    settings: Settings
    lexicon: Lexicon
    analyzer: str = "offline"
    analyzer_options: dict[str, Any] = field(default_factory=dict)
    # Which analyzer "auto" chose and why, for the user (None when one was named).
    analyzer_note: str | None = None
    # Seconds one article may take to analyze and check; None: no limit.
    time_limit: float | None = DEFAULT_TIME_LIMIT
    _analyzer: Analyzer | None = field(default=None, repr=False, compare=False)

    @classmethod
    def prepare(
        cls,
        analyzer: str = "offline",
        settings: Settings | None = None,
        plugins: Plugins | None = None,
        analyzer_options: dict[str, Any] | None = None,
        time_limit: float | None = DEFAULT_TIME_LIMIT,
    ) -> Checking:
        """The run's plugins, settings and lexicon; ``analyzer`` "auto" resolved to a name."""
        plugins = plugins or get_plugins()
        analyzer, note = resolve_analyzer(analyzer, analyzer_options, plugins)
        # Only what the analyzer takes: other options change neither its results nor the
        # fingerprint.
        # None is "the default", as if not given: the CLI and the API then fingerprint alike.
        given = {key: value for key, value in (analyzer_options or {}).items() if value is not None}
        analyzer_options = accepted_options(analyzer, given, plugins)
        return cls(
            plugins=plugins,
            settings=settings or resolve_settings(plugins.checkers),
            lexicon=build_lexicon(plugins),
            analyzer=analyzer,
            analyzer_options=analyzer_options,
            analyzer_note=note,
            time_limit=time_limit,
        )

    def get_analyzer(self) -> Analyzer:
        """The analyzer, built once (a model-backed one loads its model then)."""
        if self._analyzer is None:
            self._analyzer = get_analyzer(self.analyzer, self.plugins, **self.analyzer_options)
        return self._analyzer

    def analyze(self, batch: list[Article]) -> list[tuple[Analysis, list[PluginFailure]]]:
        """Analyze a batch; each analysis comes with the analyzer failures it met.

        An analyzer that raises (other than a :class:`SaysoError`, a message for the user) or
        returns something invalid is a plugin failure, not the end of the run: the batch is
        tried again article by article, and the articles it still fails on are analyzed by the
        rule analyzer, the failure recorded with each, naming the analyzer's plugin.
        """
        analyzer = self.get_analyzer()
        analyses, problem = _analyze_checked(analyzer, batch, self.lexicon)
        if problem is None:
            return [(analysis, []) for analysis in analyses]
        results: list[tuple[Analysis, list[PluginFailure]]] = []
        plugin = self.plugins.analyzer_plugins.get(self.analyzer, self.analyzer)
        for article in batch if len(batch) > 1 else []:
            alone, problem = _analyze_checked(analyzer, [article], self.lexicon)
            if problem is None:
                results.append((alone[0], []))
                continue
            results.append(self._fall_back(article, PluginFailure(plugin, "analyze", problem)))
        if not results:
            failure = PluginFailure(plugin, "analyze", problem or "failed")
            results.append(self._fall_back(batch[0], failure))
        return results

    def _fall_back(
        self, article: Article, failure: PluginFailure
    ) -> tuple[Analysis, list[PluginFailure]]:
        fallback = get_analyzer(FALLBACK_ANALYZER, self.plugins)
        return fallback.analyze([article], self.lexicon)[0], [failure]

    @property
    def fingerprint(self) -> str:
        """What besides the text decides a check's result: versions, analyzer, settings.

        An article stored with the same text and fingerprint would be checked the same way
        again, so a re-check can skip it.
        """
        described = {
            "sayso": __version__,
            "analyzer": self.analyzer,
            "analyzer_options": self.analyzer_options,
            "plugins": sorted((info.name, info.version) for info in self.plugins.info()),
            "enabled": sorted(self.settings.enabled),
            "options": self.settings.options,
        }
        models = get_factory(self.analyzer, self.plugins).models
        if models is not None:
            described["models"] = models(self.analyzer_options)
        encoded = json.dumps(described, sort_keys=True, default=str).encode()
        return hashlib.sha256(encoded).hexdigest()[:16]


def _analyze_checked(
    analyzer: Analyzer, articles: list[Article], lexicon: Lexicon
) -> tuple[list[Analysis], str | None]:
    """The analyzer's analyses, and what is wrong with them or the error it raised, if any."""
    try:
        analyses = analyzer.analyze(articles, lexicon)
    except SaysoError:
        raise
    except Exception as error:
        return [], describe_error(error)
    return analyses, invalid_analyses(articles, analyses)


def invalid_analyses(articles: list[Article], analyses: object) -> str | None:
    """Why ``analyses`` is not one valid Analysis per article, in order; None when it is.

    Valid: an Analysis of the very article, whose spans all hold the text they point at.
    """
    if not isinstance(analyses, list) or len(analyses) != len(articles):
        count = len(analyses) if isinstance(analyses, list) else type(analyses).__name__
        return f"returned {count} analyses for {len(articles)} articles"
    for article, analysis in zip(articles, analyses, strict=True):
        if not isinstance(analysis, Analysis) or analysis.article is not article:
            return f"returned {type(analysis).__name__} that is not the analysis of its article"
        text = article.text
        spans: list[Span | None] = [*analysis.paragraphs, *(e.span for e in analysis.entities)]
        spans += [s.span for s in analysis.statements]
        for attribution in analysis.attributions:
            spans += [attribution.cue, attribution.source, *attribution.content]
        for span in spans:
            if span is not None and (
                not isinstance(span, Span)
                or not 0 <= span.start <= span.end <= len(text)
                or text[span.start : span.end] != span.text
            ):
                return f"returned a span that is not the article's text there: {span!r}"
    return None


def batched(items: Iterator[T], size: int) -> Iterator[list[T]]:
    """Lists of ``size`` items, the last one shorter (``itertools.batched`` is Python 3.12+)."""
    while batch := list(itertools.islice(items, size)):
        yield batch


def check_articles(
    articles: Iterable[Article], checking: Checking
) -> Iterator[ArticleReport | Abandoned]:
    """Analyze and check articles in batches, yielding one report per article as it is done.

    An article that runs out of time (:attr:`Checking.time_limit`) yields :class:`Abandoned`.
    """
    batch: list[Article] = []
    for article in articles:
        batch.append(article)
        if len(batch) == BATCH_SIZE:
            yield from _check_batch(batch, checking)
            batch = []
    if batch:
        yield from _check_batch(batch, checking)


@dataclass(frozen=True)
class Abandoned:
    """An article that took longer than the time limit, in place of its report."""

    article: Article
    seconds: float

    def error(self) -> InputError:
        name = self.article.path or f"article {self.article.id}"
        return InputError(
            f"{name}: abandoned after {self.seconds:g} s, the time limit for one article "
            "(--time-limit, or time_limit in sayso.toml, sets it)"
        )


def check_one(article: Article, checking: Checking) -> ArticleReport:
    """Check one article; raise the :class:`InputError` naming it if it runs out of time."""
    [report] = check_articles([article], checking)
    if isinstance(report, Abandoned):
        raise report.error()
    return report


def _check_batch(batch: list[Article], checking: Checking) -> Iterator[ArticleReport | Abandoned]:
    """Reports of a batch's articles; :class:`Abandoned` for those that ran out of time.

    The batch is analyzed in one call given the time of all its articles; a batch out of time is
    analyzed again article by article, so that only the slow one is abandoned. Each article's
    checking then has what is left of its share.
    """
    limit = checking.time_limit
    started = time.perf_counter()
    try:
        # The analyzer is built at the first batch: a re-check that skips every article needs
        # none.
        with time_limit(limit * len(batch) if limit else None):
            analyzed = checking.analyze(batch)
    except OutOfTime:
        if len(batch) == 1:
            yield Abandoned(batch[0], limit or 0.0)
            return
        for article in batch:
            yield from _check_batch([article], checking)
        return
    share = (time.perf_counter() - started) / len(batch)
    for by_analyzer, failures in analyzed:
        try:
            with time_limit(max(limit - share, 0.001) if limit else None):
                # The analyzer-independent steps first, so enrichment plugins see their result.
                complete_attributions(by_analyzer)
                analysis, enrich_failures = enrich(by_analyzer, checking.plugins, checking.lexicon)
                resolve_sources(analysis, checking.lexicon)
                report = run_checkers(analysis.finalise(), checking.plugins, checking.settings)
        except OutOfTime:
            yield Abandoned(by_analyzer.article, limit or 0.0)
            continue
        report.failures[:0] = failures + enrich_failures
        yield report
