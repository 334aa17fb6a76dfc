"""The check pipeline: read → analyze → resolve sources → run checkers → score → store."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .analyzers import get_analyzer
from .config import resolve_settings
from .errors import InputError
from .inputs import expand_paths, read_article
from .lexicon import Lexicon
from .manager import PluginFailure, Plugins, get_plugins
from .model import Analysis, Article, Deduction, Finding, Settings
from .sources import resolve_sources

BATCH_SIZE = 32


@dataclass
class ArticleReport:
    """Everything sayso found in one article."""

    analysis: Analysis
    findings: list[Finding]
    deductions: list[Deduction]
    failures: list[PluginFailure] = field(default_factory=list)

    @property
    def score(self) -> float:
        """The 0–100 sourcing score: 100 less every deduction."""
        return round(max(0.0, min(100.0, 100.0 - sum(d.points for d in self.deductions))), 1)


@dataclass
class Checking:
    """What a check run needs besides the articles: plugins, settings, lexicon, analyzer."""

    plugins: Plugins
    settings: Settings
    lexicon: Lexicon
    analyzer: str = "offline"
    analyzer_options: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def prepare(
        cls,
        analyzer: str = "offline",
        settings: Settings | None = None,
        plugins: Plugins | None = None,
        analyzer_options: dict[str, Any] | None = None,
    ) -> Checking:
        plugins = plugins or get_plugins()
        lexicon = Lexicon.default()
        plugins.call("register_lexicon", lexicon=lexicon)
        return cls(
            plugins=plugins,
            settings=settings or resolve_settings(plugins.checkers),
            lexicon=lexicon,
            analyzer=analyzer,
            analyzer_options=analyzer_options or {},
        )


def read_inputs(
    inputs: Iterable[str | Path | Article], errors: list[InputError]
) -> Iterator[Article]:
    """Articles from paths, directories and Article objects; bad inputs go to ``errors``."""
    for item in inputs:
        if isinstance(item, Article):
            yield item
            continue
        for path in expand_paths([item]):
            if isinstance(path, InputError):
                errors.append(path)
                continue
            try:
                yield read_article(path)
            except InputError as error:
                errors.append(error)


def check_articles(
    articles: Iterable[Article],
    checking: Checking,
    on_report: Callable[[ArticleReport], None] | None = None,
) -> Iterator[ArticleReport]:
    """Analyze and check articles in batches, yielding one report per article as it is done."""
    analyzer = get_analyzer(checking.analyzer, **checking.analyzer_options)
    batch: list[Article] = []
    for article in articles:
        batch.append(article)
        if len(batch) == BATCH_SIZE:
            yield from _check_batch(batch, analyzer, checking, on_report)
            batch = []
    if batch:
        yield from _check_batch(batch, analyzer, checking, on_report)


def _check_batch(
    batch: list[Article],
    analyzer: Any,
    checking: Checking,
    on_report: Callable[[ArticleReport], None] | None,
) -> Iterator[ArticleReport]:
    for analysis in analyzer.analyze(batch, checking.lexicon):
        resolve_sources(analysis, checking.lexicon)
        report = run_checkers(analysis, checking.plugins, checking.settings)
        if on_report:
            on_report(report)
        yield report


def run_checkers(analysis: Analysis, plugins: Plugins, settings: Settings) -> ArticleReport:
    """Run every enabled checker on an analysis and score the result."""
    failures_before = len(plugins.failures)
    findings: list[Finding] = []
    for statement in analysis.statements:
        findings += _collect(
            plugins, "check_statement", statement=statement, analysis=analysis, settings=settings
        )
    findings += _collect(plugins, "check_article", analysis=analysis, settings=settings)
    deductions = [
        deduction
        for _, result in plugins.call("score_deductions", analysis=analysis, findings=findings)
        for deduction in result or []
    ]
    failures = plugins.failures[failures_before:]
    del plugins.failures[failures_before:]
    return ArticleReport(analysis, findings, deductions, failures)


def _collect(plugins: Plugins, hook: str, **kwargs: Any) -> list[Finding]:
    enabled = kwargs["settings"].enabled
    findings = []
    for plugin, result in plugins.call(hook, **kwargs):
        for finding in result or []:
            if plugins.checker_plugins.get(finding.checker) != plugin:
                plugins.failures.append(
                    PluginFailure(
                        plugin,
                        hook,
                        f"finding names checker {finding.checker!r}, "
                        "which this plugin did not register",
                    )
                )
            elif finding.checker in enabled:
                findings.append(finding)
    return findings
