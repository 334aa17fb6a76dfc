"""The check pipeline: read → analyze → resolve sources → run checkers → score → store."""

from __future__ import annotations

import gc
import hashlib
import itertools
import json
import os
import signal
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from ..analysis.analyzers import (
    Analyzer,
    accepted_options,
    get_analyzer,
    get_factory,
    may_run_in_workers,
    resolve_analyzer,
)
from ..analysis.attribution_steps import carry_over_runs, complete_attributions
from ..analysis.sources import resolve_sources
from ..config import resolve_settings
from ..errors import InputError, SaysoError
from ..lexicon import Lexicon
from ..manager import PluginFailure, Plugins, describe_error, get_plugins
from ..model import Analysis, Article, Checker, Deduction, Finding, Settings, Span
from ..version import __version__
from .budget import DEFAULT_TIME_LIMIT, OutOfTime, time_limit
from .enrich import enrich
from .inputs import MAX_BYTES, expand_paths, read_article
from .validation import deduction_problem, finding_problem, not_a_list

BATCH_SIZE = 32
# Batches handed to each worker process ahead of time: enough to keep it busy, few enough that
# memory does not grow with the number of articles.
BATCHES_IN_FLIGHT_PER_WORKER = 2
# What analyzes articles an analyzer failed on (the rule analyzer: no model, nothing to miss).
FALLBACK_ANALYZER = "offline"

if TYPE_CHECKING:
    from multiprocessing.pool import AsyncResult

T = TypeVar("T")


@dataclass
class ArticleReport:
    """Everything sayso found in one article."""

    analysis: Analysis
    findings: list[Finding]
    deductions: list[Deduction]
    failures: list[PluginFailure] = field(default_factory=list)
    # Seconds each plugin's hooks took on this article, by plugin name.
    plugin_seconds: dict[str, float] = field(default_factory=dict)
    # When it was checked (UTC, ISO 8601): what its stored row and its document both say.
    checked_at: str = field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))

    @property
    def score(self) -> float:
        """The 0–100 sourcing score: 100 less every deduction."""
        return round(max(0.0, min(100.0, 100.0 - sum(d.points for d in self.deductions))), 1)


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


def expand_inputs(
    inputs: Iterable[str | Path | Article | InputError], errors: list[InputError]
) -> Iterator[Path | Article]:
    """Paths (directories and globs expanded, ``-`` as is) and Article objects, one at a time.

    Bad inputs (and InputErrors passed in, from an earlier :func:`expand_paths`) are appended to
    ``errors`` as they are met, and expanding goes on.
    """
    for item in inputs:
        if isinstance(item, Article):
            yield item
        elif isinstance(item, InputError):
            errors.append(item)
        else:
            for path in expand_paths([item]):
                if isinstance(path, InputError):
                    errors.append(path)
                else:
                    yield path


def read_inputs(
    inputs: Iterable[str | Path | Article | InputError],
    errors: list[InputError],
    max_bytes: int = MAX_BYTES,
) -> Iterator[Article]:
    """Articles from paths, directories, globs, ``-`` and Article objects, one at a time.

    Inputs that can't be read are appended to ``errors`` as they are met, and reading goes on.
    """
    for item in expand_inputs(inputs, errors):
        if isinstance(item, Article):
            yield item
            continue
        try:
            yield read_article(item, max_bytes)
        except InputError as error:
            errors.append(error)


def default_workers(analyzer: str, plugins: Plugins | None = None) -> int:
    """Worker processes worth starting for ``analyzer`` on this machine."""
    return (os.cpu_count() or 1) if may_run_in_workers(analyzer, plugins) else 1


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


def map_report_batches(
    articles: Iterable[Article],
    checking: Checking,
    process: Callable[[ArticleReport], T],
    workers: int = 1,
    started: Callable[[], object] | None = None,
) -> Iterator[list[T]]:
    """Check articles and yield ``process(report)`` for each, in input order, a batch at a time.

    An article that ran out of time comes as its :class:`Abandoned`, not processed.

    With ``workers`` > 1 (and more than one batch of articles), batches are checked in forked
    worker processes and only what ``process`` returns travels back, so it should make a report
    into something small: rows, rendered text. A few batches per worker are in flight at a time,
    so memory stays flat however many articles stream in; those already done when the caller
    asks for the next come as one. ``started`` is called once, when the
    workers have their first batches (or before checking, without workers): what the caller does
    there overlaps with their work.
    """
    articles = iter(articles)
    first = list(itertools.islice(articles, BATCH_SIZE))
    if workers <= 1 or len(first) < BATCH_SIZE or not _can_fork():
        if started:
            started()
        reports = check_articles(itertools.chain(first, articles), checking)
        # check_articles analyzes BATCH_SIZE articles at a time: these batches are the same.
        yield from batched((_processed(process, report) for report in reports), BATCH_SIZE)
        return
    import multiprocessing  # only here: a run that checks nothing (a re-check) starts faster

    global _WORK
    _WORK = (checking, process)
    batches = itertools.chain([first], batched(articles, BATCH_SIZE))
    with _terminate_blocked():
        pool = multiprocessing.get_context("fork").Pool(workers, initializer=_start_worker)
    with pool:
        pending: deque[AsyncResult[list[T]]] = deque()
        for batch in batches:
            pending.append(pool.apply_async(_process_batch, (batch,)))
            if len(pending) >= workers * BATCHES_IN_FLIGHT_PER_WORKER:
                if started:
                    started()
                    started = None
                yield _done_in_order(pending)
        if started:
            started()
        while pending:
            yield _done_in_order(pending)


def _done_in_order(pending: deque[AsyncResult[list[T]]]) -> list[T]:
    """The oldest batch (waiting for it) and the ones after it already done, as one batch.

    A caller that writes each batch in one transaction writes fewer, larger ones when it falls
    behind, which costs less (SQLite writes a page changed by several batches once).
    """
    done = pending.popleft().get()
    while pending and pending[0].ready():
        done += pending.popleft().get()
    return done


def collect_less_often() -> None:
    """Tune the garbage collector for a process that does nothing but check articles.

    Checking makes millions of small objects that live for one article; at the default
    threshold (700 new objects) the collector scans them so often that it takes about a tenth
    of the CPU. Objects made before the checking starts are frozen out of the scans altogether.
    """
    gc.freeze()
    gc.set_threshold(20_000, 20, 20)


@contextmanager
def _terminate_blocked() -> Iterator[None]:
    """SIGTERM held back in this thread, so that processes and threads started here inherit that.

    ``Pool.terminate`` ends its workers with SIGTERM. A worker forked from a process that has a
    Python handler for it (a server embedding sayso; ``sayso serve``) inherits the handler, and
    a Python handler can lose the signal: the interpreter drops signals that arrive between the
    fork and its re-initialisation, and one that lands just before the worker blocks on the
    pool's queue lock only marks the handler due, which runs when the lock is free: never, as the
    terminating parent holds it. The parent then waits for that worker forever. Held back, the
    signal waits until :func:`_start_worker` has restored its default action, which cannot be
    lost. The pool's own threads, started here too, keep it held back: the workers they start to
    replace one that died are covered as well.
    """
    held = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)


def _start_worker() -> None:
    """Set up a forked worker: SIGTERM ends it (see :func:`_terminate_blocked`); GC tuned."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM})
    collect_less_often()


# What forked workers run: set just before the pool forks, so nothing needs pickling.
_WORK: tuple[Checking, Callable[[ArticleReport], Any]] | None = None


def _process_batch(batch: list[Article]) -> list[Any]:
    assert _WORK is not None, "worker started without work"
    checking, process = _WORK
    return [_processed(process, report) for report in check_articles(batch, checking)]


def _processed(process: Callable[[ArticleReport], T], report: ArticleReport | Abandoned) -> Any:
    return report if isinstance(report, Abandoned) else process(report)


def _can_fork() -> bool:
    import multiprocessing

    return "fork" in multiprocessing.get_all_start_methods()


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
                carry_over_runs(analysis)
                report = run_checkers(analysis.finalise(), checking.plugins, checking.settings)
        except OutOfTime:
            yield Abandoned(by_analyzer.article, limit or 0.0)
            continue
        report.failures[:0] = failures + enrich_failures
        yield report


def run_checkers(analysis: Analysis, plugins: Plugins, settings: Settings) -> ArticleReport:
    """Run every enabled checker on an analysis and score the result.

    What each plugin returns is validated (:mod:`sayso.validation`): an invalid finding or
    deduction is left out and recorded as the plugin's failure; the others count as usual.
    """
    failures_before = len(plugins.failures)
    seconds_before = dict(plugins.seconds)
    findings: list[Finding] = []
    deductions = []
    # As the hook specification promises: a plugin none of whose checkers is on is not asked.
    idle = plugins.with_all_checkers_off(settings)
    try:
        check_statement = plugins.caller("check_statement", idle)
        for statement in analysis.statements:
            results = check_statement(statement, analysis, settings)
            if results:  # most statements give no findings
                findings += _collect(plugins, "check_statement", results, analysis, settings)
        results = plugins.call("check_article", skip=idle, analysis=analysis, settings=settings)
        about_article = _collect(plugins, "check_article", results, analysis, settings)
        findings = drop_superseded(findings, plugins.checkers) + drop_superseded(
            about_article, plugins.checkers, whole_article=True
        )
        for plugin, result in plugins.call(
            "score_deductions", analysis=analysis, findings=findings
        ):
            deductions += _valid(
                plugins,
                plugin,
                "score_deductions",
                result,
                "Deduction",
                lambda deduction: deduction_problem(deduction, findings),
            )
    except BaseException:
        # Abandoned (out of time): its failures must not be the next article's.
        del plugins.failures[failures_before:]
        raise
    # A plugin failing on every statement fails the same way each time: keep one of each.
    failures = list(dict.fromkeys(plugins.failures[failures_before:]))
    del plugins.failures[failures_before:]
    seconds = {
        plugin: spent - seconds_before.get(plugin, 0.0)
        for plugin, spent in plugins.seconds.items()
        if spent > seconds_before.get(plugin, 0.0)
    }
    return ArticleReport(analysis, findings, deductions, failures, seconds)


def drop_superseded(
    findings: list[Finding], checkers: dict[str, Checker], whole_article: bool = False
) -> list[Finding]:
    """The findings less those another finding on the same statement supersedes.

    With ``whole_article`` (the findings of ``check_article``, about the article as a whole)
    any finding supersedes the ones it names wherever they point. See
    :attr:`sayso.model.Checker.supersedes`.
    """
    outranked: dict[str, set[str]] = {}
    for checker in checkers.values():
        for code, others in checker.supersedes.items():
            outranked.setdefault(f"{checker.id}/{code}", set()).update(others)
    if not outranked:
        return findings

    def scope(finding: Finding) -> int | None:
        return None if whole_article else finding.statement

    superseded: set[tuple[int | None, str]] = set()
    for finding in findings:
        for other in outranked.get(f"{finding.checker}/{finding.code}", ()):
            superseded.add((scope(finding), other))
    return [
        finding
        for finding in findings
        if (scope(finding), f"{finding.checker}/{finding.code}") not in superseded
    ]


def _collect(
    plugins: Plugins,
    hook: str,
    results: list[tuple[str, Any]],
    analysis: Analysis,
    settings: Settings,
) -> list[Finding]:
    """The valid findings of enabled checkers in a hook's results; invalid ones are failures."""
    enabled = settings.enabled
    findings = []
    owners = plugins.checker_plugins
    for plugin, result in results:
        valid = _valid(
            plugins,
            plugin,
            hook,
            result,
            "Finding",
            lambda finding: finding_problem(finding, analysis, plugin, owners),  # noqa: B023
        )
        findings += [finding for finding in valid if finding.checker in enabled]
    return findings


def _valid(
    plugins: Plugins,
    plugin: str,
    hook: str,
    result: object,
    item: str,
    problem_with: Callable[[Any], str | None],
) -> list[Any]:
    """The items of a hook's ``result`` that ``problem_with`` finds nothing wrong with.

    Anything else is recorded as the plugin's failure: a result that is not a list, or the first
    invalid item (with how many more there were, not one failure for each of a million).
    """
    problem = not_a_list(result, item)
    if problem is not None:
        plugins.failures.append(PluginFailure(plugin, hook, problem))
        return []
    valid = []
    problems = []
    for candidate in result:  # type: ignore[attr-defined]
        problem = problem_with(candidate)
        if problem is None:
            valid.append(candidate)
        else:
            problems.append(problem)
    if problems:
        more = f" (and {len(problems) - 1} more invalid)" if len(problems) > 1 else ""
        plugins.failures.append(PluginFailure(plugin, hook, problems[0] + more))
    return valid
