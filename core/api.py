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
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from .errors import InputError
from .manager import PluginFailure, Plugins
from .model import Article, Settings
from .pipeline.engine import (
    BATCH_SIZE,
    ArticleReport,
    Checking,
    batched,
    default_workers,
    expand_inputs,
    map_report_batches,
    read_inputs,
)
from .pipeline.inputs import MAX_BYTES, STDIN
from .storage.store import (
    finish_run,
    has_pending_migrations,
    migrate,
    open_connection,
    record_failures,
    report_tables,
    save_batch,
    save_provenance,
    start_run,
    stored_checks,
    unchanged_files,
)

if TYPE_CHECKING:
    from .provenance.linking import Linker, Provenance
    from .storage.store import Table

T = TypeVar("T")
Input = str | Path | Article | InputError


@dataclass
class Unchanged:
    """An article skipped because the database holds it with the same text and fingerprint."""

    article_id: str
    path: str | None
    score: float


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


def check(
    inputs: Iterable[Input] | Input,
    *,
    db: str | Path | None = None,
    analyzer: str = "auto",
    settings: Settings | None = None,
    plugins: Plugins | None = None,
    analyzer_options: dict[str, Any] | None = None,
    on_report: Callable[[ArticleReport], None] | None = None,
    skip_unchanged: bool = False,
    max_bytes: int = MAX_BYTES,
) -> CheckResult:
    """Check articles (paths, directories, globs or :class:`Article` objects); return the reports.

    With ``db``, results are written to that SQLite file (one transaction per batch of articles,
    so each article is all old or all new) and a ``runs`` row records the run. Unreadable inputs
    don't stop the run: they are returned in ``CheckResult.errors``. ``on_report`` is called as
    each article is done (for progress). With more than one article, ``CheckResult.provenance``
    links their claims across articles (see :mod:`sayso.provenance.linking`), stored too when
    there is a ``db``. ``skip_unchanged`` leaves out articles the database already holds with the
    same text, versions and settings. ``analyzer`` is "auto" (as for ``sayso check``) or a
    registered analyzer's name (:func:`sayso.analysis.analyzers.analyzer_names`);
    ``analyzer_options`` go to it (``stanza_dir``, ``device``, ``model``: those it accepts).

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
        link=True,
        max_bytes=max_bytes,
    )
    result = CheckResult(errors=run.errors, plugin_failures=run.plugin_failures)
    for item in run:
        if isinstance(item, Unchanged):
            result.unchanged.append(item)
            continue
        if on_report:
            on_report(item)
        result.reports.append(item)
    result.run_id = run.run_id
    result.provenance = run.provenance
    return result


def _keep(report: ArticleReport) -> ArticleReport:
    return report


class CheckRun(Generic[T]):
    """A check run as a stream: iterate it to get ``process(report)`` per article, in order.

    Each batch of articles is written to ``db`` (one transaction) as soon as it is checked, and
    the report is dropped once ``process`` has made what the caller keeps of it, so memory stays
    flat. ``workers`` > 1 checks batches in that many processes (0: one per CPU when the analyzer
    may run in workers, else 1); ``process`` then runs in them
    and only its result travels back. With ``skip_unchanged``, an article the database holds
    with the same text and :attr:`Checking.fingerprint` yields an :class:`Unchanged` instead.
    ``link`` collects claims for cross-article provenance (:attr:`provenance` after the run);
    it needs every report in this process, so it checks without workers.

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
        link: bool = False,
        max_bytes: int = MAX_BYTES,
    ) -> None:
        self.inputs = [inputs] if isinstance(inputs, (str, Path, Article, InputError)) else inputs
        self.process = process
        self.db = db
        self.checking = Checking.prepare(analyzer, settings, plugins, analyzer_options)
        # 0: as many as the analyzer gains from.
        workers = workers or default_workers(self.checking.analyzer, self.checking.plugins)
        self.workers = 1 if link else workers
        self.skip_unchanged = skip_unchanged and db is not None
        self.max_bytes = max_bytes
        self.linker: Linker | None = None
        if link:
            # Only linking runs need it: a plain re-check starts without importing it.
            from .provenance.linking import Linker

            self.linker = Linker(self.checking.lexicon)
        self.errors: list[InputError] = []
        self.plugin_failures = list(self.checking.plugins.failures)
        self.run_id: int | None = None
        self.checked = 0
        self.skipped = 0
        # Articles found stored unchanged, yielded in turn with the checked ones.
        self.unchanged: deque[Unchanged] = deque()
        self.provenance: Provenance | None = None

    def __iter__(self) -> Iterator[T | Unchanged]:
        if self.db is None:
            yield from self._check(read_inputs(self.inputs, self.errors, self.max_bytes), None)
            self._link(None)
            return
        database = open_connection(self.db)
        try:
            # A database still to migrate holds no check by this version of sayso.
            if self.skip_unchanged and not has_pending_migrations(database):
                articles = self._changed(database)
            else:
                articles = read_inputs(self.inputs, self.errors, self.max_bytes)
            yield from self._check(articles, database)
            run_id = self._start(database)
            self._link(database)
            finish_run(database, run_id, self.checked, len(self.errors), self.skipped)
        finally:
            database.close()

    def _changed(self, database: sqlite3.Connection) -> Iterator[Article]:
        """The inputs as articles, less those stored unchanged (kept in :attr:`unchanged`).

        A file with the size and modification time it had when checked is not read again;
        any other input is read, and skipped if its text is stored with the same fingerprint.
        Both are looked up a batch at a time.
        """
        fingerprint = self.checking.fingerprint
        for batch in batched(expand_inputs(self.inputs, self.errors), BATCH_SIZE):
            files = _stats(item for item in batch if isinstance(item, Path))
            settled = unchanged_files(database, files, fingerprint) if files else {}
            # In input order, which ``files`` keeps and the database's answer does not.
            for path in filter(settled.__contains__, files):
                article_id, score = settled[path]
                self.unchanged.append(Unchanged(article_id, path, score))
            unsettled = [i for i in batch if not (isinstance(i, Path) and str(i) in settled)]
            articles = list(read_inputs(unsettled, self.errors, self.max_bytes))
            stored = stored_checks(database, [article.id for article in articles])
            for article in articles:
                fingerprint_and_score = stored.get(article.id)
                if fingerprint_and_score is not None and fingerprint_and_score[0] == fingerprint:
                    self.unchanged.append(
                        Unchanged(article.id, article.path, fingerprint_and_score[1])
                    )
                else:
                    yield article

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

        def work(report: ArticleReport) -> tuple[dict[str, Table] | None, T]:
            # Runs in a worker process when there are workers: rows and output are plain data.
            if self.linker is not None:
                self.linker.add(report)
            if database is None:
                return None, self.process(report)
            return report_tables(report, None, fingerprint), self.process(report)

        # A database is migrated and the run recorded while the first articles are checked.
        started = (lambda: self._start(database)) if database is not None else None
        for batch in map_report_batches(articles, self.checking, work, self.workers, started):
            if database is not None:
                run_id = self._start(database)
                save_batch(database, [rows for rows, _ in batch if rows is not None], run_id)
            for _, output in batch:
                yield from self._drain()
                self.checked += 1
                yield output
        yield from self._drain()

    def _drain(self) -> Iterator[Unchanged]:
        while self.unchanged:
            self.skipped += 1
            yield self.unchanged.popleft()

    def _link(self, database: sqlite3.Connection | None) -> None:
        if self.linker is None or len(self.linker.articles) < 2:
            return
        self.provenance = self.linker.finish()
        if database is not None and self.run_id is not None:
            save_provenance(database, self.provenance, self.run_id)


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
