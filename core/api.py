"""``sayso.check``: the Python API the ``sayso check`` command is a thin layer over.

:func:`check` returns every report. :class:`CheckRun` is the same run as a stream, for batches
too big to hold in memory: it yields what a ``process`` function makes of each report (rows are
written as each article finishes), can spread the work over processes and skip articles already
stored unchanged.
"""

from __future__ import annotations

import os
import sqlite3
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, Generic, Literal, TypeVar

from .config import load_configuration, load_settings
from .document import article_document, check_document, stored_document
from .errors import InputError
from .manager import PluginFailure, Plugins, get_plugins
from .model import Article, Settings
from .pipeline.checkers import ArticleReport
from .pipeline.engine import BATCH_SIZE, Abandoned, Checking, batched, build_lexicon
from .pipeline.inputs import MAX_BYTES, STDIN, expand_inputs, expand_paths, read_inputs
from .pipeline.workers import collecting_less_often, default_workers, map_report_batches
from .storage.store import (
    article_id_of,
    database_errors,
    finish_run,
    has_pending_migrations,
    migrate,
    move_files,
    open_connection,
    open_existing,
    record_failures,
    report_tables,
    save_batch,
    save_plugin_times,
    start_run,
    stored_checks,
    unchanged_files,
)

if TYPE_CHECKING:
    from .provenance.linking import Linker, Provenance
    from .storage.merge import MergeResult
    from .storage.store import StoredCheck, Table

T = TypeVar("T")
Input = str | Path | Article | InputError


@dataclass
class Unchanged:
    """An article skipped because the database holds it with the same text and fingerprint.

    ``document`` is its stored report (:func:`sayso.document.stored_document`), when the run
    was asked to load it.
    """

    article_id: str
    path: str | None
    score: float
    document: dict[str, Any] | None = None


# Up to this many articles are linked across (provenance) unless a run says otherwise: a set
# read together. An archive's claims are linked on purpose (``link=True``, ``sayso link``).
LINK_LIMIT = 200
# ``time_limit`` left to the configuration file (else DEFAULT_TIME_LIMIT), as ``sayso check`` does.
CONFIGURED: Final = "configured"

# A plugin whose hooks take longer than this per article is slow: the built-in checkers take
# about a millisecond.
SLOW_PLUGIN_SECONDS = 1.0


@dataclass(frozen=True)
class SlowPlugin:
    """A plugin that took more than SLOW_PLUGIN_SECONDS per article in a run."""

    plugin: str
    seconds_per_article: float
    articles: int

    def __str__(self) -> str:
        return (
            f"plugin {self.plugin} is slow: {self.seconds_per_article:.1f} s per article over "
            f"{self.articles} article(s) (more than {SLOW_PLUGIN_SECONDS:g} s)"
        )


@dataclass
class CheckResult:
    """The reports of a check run, the inputs that could not be read, and plugin load failures."""

    reports: list[ArticleReport] = field(default_factory=list)
    errors: list[InputError] = field(default_factory=list)
    plugin_failures: list[PluginFailure] = field(default_factory=list)
    run_id: int | None = None
    # Claim clusters across the articles, when more than one was checked.
    provenance: Provenance | None = None
    # Articles not checked again because they are stored unchanged (``skip_unchanged``).
    unchanged: list[Unchanged] = field(default_factory=list)
    # Seconds each plugin's checking hooks took over the run, and those that were slow.
    plugin_seconds: dict[str, float] = field(default_factory=dict)
    slow_plugins: list[SlowPlugin] = field(default_factory=list)
    # Each distinct plugin failure in checking, with the number of articles it happened in.
    failure_counts: dict[PluginFailure, int] = field(default_factory=dict)
    # Every article in input order, checked or unchanged, for :meth:`document`.
    articles: list[ArticleReport | Unchanged] = field(default_factory=list, repr=False)

    def document(self) -> dict[str, Any]:
        """What ``sayso check --format json`` prints for this run, as a dict: every article
        in input order (an unchanged one from the database, ``"cached": true``), the
        unreadable inputs and the provenance (see :mod:`sayso.document`)."""
        articles = [
            item.document if isinstance(item, Unchanged) else article_document(item)
            for item in self.articles
        ]
        return check_document(
            [a for a in articles if a is not None],
            [str(error) for error in self.errors],
            self.provenance,
        )


def check(
    inputs: Iterable[Input] | Input,
    *,
    db: str | Path | None = None,
    analyzer: str = "auto",
    settings: Settings | None = None,
    plugins: Plugins | None = None,
    analyzer_options: dict[str, Any] | None = None,
    on_report: Callable[[ArticleReport], None] | None = None,
    skip_unchanged: bool = True,
    link: bool | None = None,
    workers: int = 0,
    max_bytes: int = MAX_BYTES,
    time_limit: float | Literal["configured"] | None = CONFIGURED,
    config: str | Path | None = None,
) -> CheckResult:
    """Check articles (paths, directories, globs or :class:`Article` objects); return the reports.

    With ``db``, results are written to that SQLite file (one transaction per batch of articles,
    so each article is all old or all new) and a ``runs`` row records the run. Unreadable inputs
    don't stop the run: they are returned in ``CheckResult.errors``. ``on_report`` is called as
    each article is done (for progress). With ``link`` (by default, for 2 to
    :data:`LINK_LIMIT` inputs), ``CheckResult.provenance`` links their claims across articles
    (see :mod:`sayso.provenance.linking`), stored too when there is a ``db`` (from the stored
    rows, see :func:`link`). ``skip_unchanged`` (as ``sayso check`` without ``--force``) leaves
    out articles the database already holds with the same text, versions and settings: they are
    in ``CheckResult.unchanged``, not ``reports``. ``analyzer`` is "auto" (as for
    ``sayso check``) or a registered analyzer's name
    (:func:`sayso.analysis.analyzers.analyzer_names`);
    ``analyzer_options`` go to it (``stanza_dir``, ``device``, ``model``: those it accepts).
    An article that takes longer than ``time_limit`` seconds to check (None: no limit) is
    abandoned, with an error naming it in ``CheckResult.errors``; the others are checked and
    stored. ``workers`` processes check the articles (0: one per CPU when the analyzer gains
    from it; 1: all in this process; a run that links without a database is always one).

    The defaults are ``sayso check``'s: without ``settings``, the checkers are configured, and
    the time limit set, by ``config`` or else the configuration file found from the current
    directory (:func:`sayso.config.load_configuration`).

    >>> result = check(Article(text="Officials said the talks would resume."))
    >>> result.reports[0].analysis.attributions[0].form
    'indirect'
    """
    run = CheckRun(
        inputs,
        _keep,
        db=db,
        analyzer=analyzer,
        settings=settings,
        plugins=plugins,
        analyzer_options=analyzer_options,
        skip_unchanged=skip_unchanged,
        link=link,
        workers=workers,
        max_bytes=max_bytes,
        time_limit=time_limit,
        config=config,
        load_unchanged=True,
    )
    result = CheckResult(errors=run.errors, plugin_failures=run.plugin_failures)
    for item in run:
        result.articles.append(item)
        if isinstance(item, Unchanged):
            result.unchanged.append(item)
            continue
        if on_report:
            on_report(item)
        result.reports.append(item)
    result.run_id = run.run_id
    result.provenance = run.provenance
    result.plugin_seconds = run.plugin_seconds
    result.slow_plugins = run.slow_plugins()
    result.failure_counts = run.failure_counts
    return result


@dataclass(frozen=True)
class CheckerInfo:
    """A checker as ``sayso checkers`` lists it: who provides it, what it reports, its options
    (defaults, and the values the configuration gives them) and whether it is on."""

    id: str
    plugin: str
    description: str
    enabled: bool
    enabled_by_default: bool
    codes: dict[str, str]
    defaults: dict[str, Any]
    options: dict[str, Any]


def checkers(
    *, config: str | Path | None = None, plugins: Plugins | None = None
) -> list[CheckerInfo]:
    """Every checker the loaded plugins provide, with the settings a check run here would use
    (``config``, else the configuration found from the current directory)."""
    plugins = plugins or get_plugins()
    settings = load_settings(plugins.checkers, Path(config) if config else None)
    return [
        CheckerInfo(
            id=checker.id,
            plugin=plugins.checker_plugins[checker.id],
            description=checker.description,
            enabled=checker.id in settings.enabled,
            enabled_by_default=checker.enabled_by_default,
            codes=dict(checker.codes),
            defaults=dict(checker.options),
            options=dict(settings.options[checker.id]),
        )
        for checker in sorted(plugins.checkers.values(), key=lambda checker: checker.id)
    ]


def link(
    db: str | Path,
    *,
    plugins: Plugins | None = None,
    workers: int = 1,
    full: bool = False,
) -> Provenance | None:
    """Link the claims of every article stored in ``db`` across articles, from the stored rows.

    Runs after checks that did not link, after ``sayso merge``, or after adding articles to a
    linked database. Incremental: the clusters the last ``link`` stored stay, and the claims of
    the articles checked since join them or form new ones; the first ``link`` of a database (or
    one with ``full``) links every stored article from scratch. The clusters replace the stored
    ones in one transaction, so an interrupted call changes nothing. ``workers`` processes
    read the stored articles. A ``runs`` row (with no analyzer) records the call. Returns None
    when fewer than two articles are stored.
    """
    from .provenance.stored import link_database

    plugins = plugins or get_plugins()
    database = open_existing(db)
    try:
        run_id = start_run(database, None, plugins)
        provenance = link_database(
            database, build_lexicon(plugins), run_id, workers=workers, incremental=not full
        )
        articles = len(provenance.articles) if provenance else 0
        finish_run(database, run_id, articles, 0)
        return provenance
    finally:
        database.close()


def merge(
    shards: Iterable[str | Path],
    db: str | Path,
    *,
    link: bool = False,
    plugins: Plugins | None = None,
) -> MergeResult:
    """Merge databases checked apart (shards) into ``db``, as one run of the same inputs.

    Deterministic: the result does not depend on the order of ``shards`` (see
    :mod:`sayso.storage.merge` for the rules). ``link`` links every stored article afterwards
    (:func:`link`). All or nothing: an interrupted merge leaves ``db`` as it was.
    """
    from .storage.merge import merge_databases

    return merge_databases([Path(s) for s in shards], Path(db), plugins=plugins, link=link)


def _keep(report: ArticleReport) -> ArticleReport:
    return report


def expanded(inputs: Iterable[Input]) -> list[Input]:
    """The inputs with directories and globs expanded to files; an argument that names nothing
    stays as its :class:`InputError`, reported when the run reads it."""
    items: list[Input] = []
    for item in inputs:
        if isinstance(item, Article | InputError):
            items.append(item)
        else:
            items += expand_paths([item])
    return items


def links_by_default(inputs: list[Input]) -> bool:
    """Whether a run links its articles' claims when not told: for 2 to :data:`LINK_LIMIT`."""
    return 1 < sum(1 for item in inputs if not isinstance(item, InputError)) <= LINK_LIMIT


# What a worker sends back for each report: its rows, what ``process`` made of it, the seconds
# each plugin took on it and the plugins' failures.
_Worked = tuple[dict[str, "Table"] | None, T, dict[str, float], list[PluginFailure]]


class CheckRun(Generic[T]):
    """A check run as a stream: iterate it to get ``process(report)`` per article, in order.

    Each batch of articles is written to ``db`` (one transaction) as soon as it is checked, and
    the report is dropped once ``process`` has made what the caller keeps of it, so memory stays
    flat. ``workers`` > 1 checks batches in that many processes (0: one per CPU when the analyzer
    may run in workers, else 1); ``process`` then runs in them
    and only its result travels back. With ``skip_unchanged``, an article the database holds
    with the same text and :attr:`Checking.fingerprint` yields an :class:`Unchanged` instead.
    ``link`` links the claims of the run's articles (checked and unchanged) across articles
    (:attr:`provenance` after the run): with a database, from the stored rows once every
    article is written (:func:`sayso.provenance.stored.link_database`); without one, from the
    reports, which keeps the run in this process.

    With ``load_unchanged``, each :class:`Unchanged` carries its stored report as a document.

    ``checking``, a :class:`Checking` another run prepared, is used instead of preparing one
    from ``analyzer``, ``settings``, ``plugins``, ``analyzer_options``, ``time_limit`` and
    ``config``: its analyzer comes with its model loaded and its caches filled.

    With ``shard``, ``db`` is a shard that only a merge reads (a partition of a Dask check,
    :mod:`sayso.pipeline.cluster`): written without a journal on disk or syncing, and its rows
    not counted in the browsing figures, which the merge counts as it inserts them.

    ``errors`` fills with unreadable inputs as the run reads them; ``run_id``, ``checked`` and
    ``skipped`` are set as it goes.
    """

    def __init__(
        self,
        inputs: Iterable[Input] | Input,
        process: Callable[[ArticleReport], T],
        *,
        db: str | Path | None = None,
        analyzer: str = "auto",
        settings: Settings | None = None,
        plugins: Plugins | None = None,
        analyzer_options: dict[str, Any] | None = None,
        workers: int = 1,
        skip_unchanged: bool = False,
        link: bool | None = None,
        max_bytes: int = MAX_BYTES,
        time_limit: float | Literal["configured"] | None = CONFIGURED,
        config: str | Path | None = None,
        load_unchanged: bool = False,
        shard: bool = False,
        checking: Checking | None = None,
    ) -> None:
        self.inputs = [inputs] if isinstance(inputs, (str, Path, Article, InputError)) else inputs
        self.process = process
        self.db = db
        if checking is None:
            plugins = plugins or get_plugins()
            limit = time_limit
            if settings is None or isinstance(limit, str):
                configuration = load_configuration(
                    plugins.checkers, Path(config) if config else None
                )
                settings = configuration.settings if settings is None else settings
                limit = configuration.time_limit if isinstance(limit, str) else limit
            checking = Checking.prepare(analyzer, settings, plugins, analyzer_options, limit)
        self.checking = checking
        if link is None:
            self.inputs = expanded(self.inputs)
            link = links_by_default(self.inputs)
        # 0: as many as the analyzer gains from.
        workers = workers or default_workers(self.checking.analyzer, self.checking.plugins)
        self.workers = 1 if link and db is None else workers
        self.skip_unchanged = skip_unchanged and db is not None
        self.max_bytes = max_bytes
        self.load_unchanged = load_unchanged
        self.shard = shard
        self.link = link
        self.linker: Linker | None = None
        if link and db is None:
            # Only linking runs need it: a plain re-check starts without importing it.
            from .provenance.linking import Linker

            self.linker = Linker(self.checking.lexicon)
        # The articles of the run, checked or unchanged, which a linking run links.
        self.article_ids: list[str] = []
        self.errors: list[InputError] = []
        self.plugin_failures = list(self.checking.plugins.failures)
        self.run_id: int | None = None
        self.checked = 0
        self.skipped = 0
        # Articles found stored unchanged, yielded in turn with the checked ones.
        self.unchanged: deque[Unchanged] = deque()
        self.provenance: Provenance | None = None
        # Seconds each plugin's checking hooks took, over the articles checked so far.
        self.plugin_seconds: dict[str, float] = {}
        # Each distinct plugin failure in checking, with the number of articles it happened in.
        self.failure_counts: dict[PluginFailure, int] = {}

    def slow_plugins(self) -> list[SlowPlugin]:
        """Plugins that took more than :data:`SLOW_PLUGIN_SECONDS` per article checked."""
        return [
            SlowPlugin(plugin, seconds / self.checked, self.checked)
            for plugin, seconds in sorted(self.plugin_seconds.items())
            if self.checked and seconds / self.checked > SLOW_PLUGIN_SECONDS
        ]

    def __iter__(self) -> Iterator[T | Unchanged]:
        # Every run, the CLI's and the API's alike, with the garbage collector tuned for it.
        with collecting_less_often():
            yield from self._run()

    def _run(self) -> Iterator[T | Unchanged]:
        if self.db is None:
            yield from self._check(read_inputs(self.inputs, self.errors, self.max_bytes), None)
            self._link(None)
            return
        database = open_connection(self.db, scratch=self.shard)
        # Each batch is one transaction: whatever SQLite reports (a full disk, a lock held past
        # the timeout), the batches before it are stored, and the error is one line.
        try:
            with database_errors(self.db):
                # A database still to migrate holds no check by this version of sayso.
                if self.skip_unchanged and not has_pending_migrations(database):
                    articles = self._changed(database)
                else:
                    articles = read_inputs(self.inputs, self.errors, self.max_bytes)
                yield from self._check(articles, database)
                run_id = self._start(database)
                self._link(database)
                finish_run(database, run_id, self.checked, len(self.errors), self.skipped)
                save_plugin_times(database, run_id, self.plugin_seconds, self.checked)
        finally:
            database.close()

    def _changed(self, database: sqlite3.Connection) -> Iterator[Article]:
        """The inputs as articles, less those stored unchanged (kept in :attr:`unchanged`)."""
        inputs = expand_inputs(self.inputs, self.errors)
        fingerprint = self.checking.fingerprint
        for item in sort_out_unchanged(database, inputs, fingerprint, self.errors, self.max_bytes):
            if isinstance(item, Unchanged):
                self._skip(database, item)
            else:
                yield item

    def _skip(self, database: sqlite3.Connection, unchanged: Unchanged) -> None:
        if self.load_unchanged:
            unchanged.document = stored_document(database, unchanged.article_id, unchanged.path)
        self.unchanged.append(unchanged)

    def _start(self, database: sqlite3.Connection) -> int:
        """Migrate the database and record the run, once.

        Migrating a new database (and importing sqlite-utils to do it) takes a while, which
        worker processes spend checking the first articles: it runs once they have them.
        """
        if self.run_id is None:
            migrate(database, self.checking.plugins)
            self.run_id = start_run(database, self.checking.analyzer, self.checking.plugins)
            record_failures(database, self.run_id, self.plugin_failures)
        return self.run_id

    def _check(
        self, articles: Iterator[Article], database: sqlite3.Connection | None
    ) -> Iterator[T | Unchanged]:
        fingerprint = self.checking.fingerprint

        def work(report: ArticleReport) -> _Worked[T]:
            # Runs in a worker process when there are workers: rows and output are plain data.
            if self.linker is not None:
                self.linker.add(report)
            rows = None if database is None else report_tables(report, None, fingerprint)
            return rows, self.process(report), report.plugin_seconds, report.failures

        # A database is migrated and the run recorded while the first articles are checked.
        started = (lambda: self._start(database)) if database is not None else None
        for results in map_report_batches(articles, self.checking, work, self.workers, started):
            # An article out of time is an error naming it; the rest of its batch is stored.
            batch = []
            for item in results:
                if isinstance(item, Abandoned):
                    self.errors.append(item.error())
                else:
                    batch.append(item)
            if database is not None:
                run_id = self._start(database)
                tables = [rows for rows, *_ in batch if rows is not None]
                save_batch(database, tables, run_id, figures=not self.shard)
                if self.link:
                    self.article_ids += map(article_id_of, tables)
            for _, output, seconds, failures in batch:
                for plugin, spent in seconds.items():
                    self.plugin_seconds[plugin] = self.plugin_seconds.get(plugin, 0.0) + spent
                for failure in failures:
                    self.failure_counts[failure] = self.failure_counts.get(failure, 0) + 1
                yield from self._drain()
                self.checked += 1
                yield output
        yield from self._drain()

    def _drain(self) -> Iterator[Unchanged]:
        while self.unchanged:
            self.skipped += 1
            unchanged = self.unchanged.popleft()
            if self.link:
                self.article_ids.append(unchanged.article_id)
            yield unchanged

    def _link(self, database: sqlite3.Connection | None) -> None:
        if database is not None and self.link and len(set(self.article_ids)) > 1:
            from .provenance.stored import link_database

            self.provenance = link_database(
                database, self.checking.lexicon, self.run_id, self.article_ids, self.workers
            )
        elif self.linker is not None and len(self.linker.articles) > 1:
            self.provenance = self.linker.finish()


def sort_out_unchanged(
    database: sqlite3.Connection,
    inputs: Iterable[Path | Article],
    fingerprint: str,
    errors: list[InputError],
    max_bytes: int = MAX_BYTES,
) -> Iterator[Article | Unchanged]:
    """Each input as the article to check, or as :class:`Unchanged` when ``database`` holds it
    checked with ``fingerprint``: how a re-check decides what to skip.

    A file with the size and modification time it had when checked is not read again; any
    other input is read, and unchanged if its text is stored with the same fingerprint. Both are
    looked up a batch at a time. Inputs that can't be read are appended to ``errors``. A stored
    text found in a file it was renamed or moved to (the file its row names is gone or changed)
    gets that file's path, size and modification time in its row, as a check would store them.
    """
    for batch in batched(iter(inputs), BATCH_SIZE):
        files = _stats(item for item in batch if isinstance(item, Path))
        settled = unchanged_files(database, files, fingerprint) if files else {}
        # In input order, which ``files`` keeps and the database's answer does not.
        for path in filter(settled.__contains__, files):
            article_id, score = settled[path]
            yield Unchanged(article_id, path, score)
        unsettled = [i for i in batch if not (isinstance(i, Path) and str(i) in settled)]
        articles = list(read_inputs(unsettled, errors, max_bytes))
        stored = stored_checks(database, [article.id for article in articles])
        unchanged = {
            article.id: stored[article.id]
            for article in articles
            if article.id in stored and stored[article.id].fingerprint == fingerprint
        }
        moved = [
            (article.path, article.file_size, article.file_mtime_ns, article.id)
            for article in articles
            if article.id in unchanged and _moved(article, unchanged[article.id])
        ]
        move_files(database, moved)
        for article in articles:
            if article.id in unchanged:
                yield Unchanged(article.id, article.path, unchanged[article.id].score)
            else:
                yield article


def _moved(article: Article, stored: StoredCheck) -> bool:
    """Whether a stored text was renamed or moved to the file ``article`` was read from: the
    file the row names is gone or has changed since. A copy beside a stored file that still
    holds the text leaves the row as it is."""
    if article.path in (None, stored.path) or article.file_size is None:
        return False
    try:
        there = os.stat(stored.path) if stored.path is not None else None
    except OSError:
        return True
    return there is None or (there.st_size, there.st_mtime_ns) != (
        stored.file_size,
        stored.file_mtime_ns,
    )


def _stats(paths: Iterable[Path]) -> dict[str, os.stat_result]:
    """Each readable file's stat, by path (``-``, standard input, has none)."""
    stats = {}
    for path in paths:
        name = str(path)
        if name != STDIN:
            # A file that can't be stat'ed is read, which says what is wrong with it.
            with suppress(OSError):
                stats[name] = os.stat(name)
    return stats
