"""``sayso.check``: the Python API the ``sayso check`` command is a thin layer over."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .engine import ArticleReport, Checking, check_articles, read_inputs
from .errors import InputError
from .manager import PluginFailure, Plugins
from .model import Article, Settings
from .provenance import Provenance, link_articles
from .store import (
    finish_run,
    open_database,
    record_failures,
    save_provenance,
    save_report,
    start_run,
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


def check(
    inputs: Iterable[str | Path | Article] | str | Path | Article,
    *,
    db: str | Path | None = None,
    analyzer: str = "offline",
    settings: Settings | None = None,
    plugins: Plugins | None = None,
    analyzer_options: dict[str, Any] | None = None,
    on_report: Callable[[ArticleReport], None] | None = None,
) -> CheckResult:
    """Check articles (paths, directories or :class:`Article` objects) and return the reports.

    With ``db``, results are written to that SQLite file (one transaction per article) and a
    ``runs`` row records the run. Unreadable inputs don't stop the run: they are returned in
    ``CheckResult.errors``. ``on_report`` is called as each article is done (for progress).
    With more than one article, ``CheckResult.provenance`` links their claims across articles
    (see :mod:`sayso.provenance`), stored too when there is a ``db``.

    >>> result = check(Article(text="Officials said the talks would resume."))
    >>> result.reports[0].analysis.attributions[0].form
    'indirect'
    """
    if isinstance(inputs, (str, Path, Article)):
        inputs = [inputs]
    checking = Checking.prepare(analyzer, settings, plugins, analyzer_options)
    result = CheckResult(plugin_failures=list(checking.plugins.failures))
    articles = read_inputs(inputs, result.errors)
    if db is None:
        result.reports = list(check_articles(articles, checking, on_report))
        result.provenance = _link(result.reports, checking)
        return result
    database = open_database(db, checking.plugins)
    result.run_id = start_run(database, analyzer, checking.plugins)
    record_failures(database, result.run_id, result.plugin_failures)
    for report in check_articles(articles, checking, on_report):
        save_report(database, report, result.run_id)
        result.reports.append(report)
    result.provenance = _link(result.reports, checking)
    if result.provenance is not None:
        save_provenance(database, result.provenance, result.run_id)
    finish_run(database, result.run_id, len(result.reports), len(result.errors))
    return result


def _link(reports: list[ArticleReport], checking: Checking) -> Provenance | None:
    return link_articles(reports, checking.lexicon) if len(reports) > 1 else None
