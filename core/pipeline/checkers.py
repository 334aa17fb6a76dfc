"""Checker dispatch: every enabled checker run on a finalised analysis, what each returns
validated, the findings scored, into an :class:`ArticleReport`.

The plugins' failures and the time each took on the article come back with the report, as
values: nothing is left to pick out of the run's shared :class:`~sayso.manager.Plugins`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from ..manager import PluginFailure, Plugins
from ..model import SCORE_DECIMALS, Analysis, Checker, Deduction, Finding, Settings
from .validation import deduction_problem, finding_problem, not_a_list


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
        points = sum(d.points for d in self.deductions)
        return round(max(0.0, min(100.0, 100.0 - points)), SCORE_DECIMALS)


def run_checkers(analysis: Analysis, plugins: Plugins, settings: Settings) -> ArticleReport:
    """Run every enabled checker on an analysis and score the result.

    What each plugin returns is validated (:mod:`sayso.validation`): an invalid finding or
    deduction is left out and recorded as the plugin's failure; the others count as usual.
    """
    failures: list[PluginFailure] = []
    seconds: dict[str, float] = {}
    findings: list[Finding] = []
    deductions = []
    # As the hook specification promises: a plugin none of whose checkers is on is not asked.
    idle = plugins.with_all_checkers_off(settings)
    check_statement = plugins.caller("check_statement", idle, failures, seconds)
    for statement in analysis.statements:
        results = check_statement(statement, analysis, settings)
        if results:  # most statements give no findings
            findings += _collect(plugins, "check_statement", results, analysis, settings, failures)
    results = plugins.caller("check_article", idle, failures, seconds)(analysis, settings)
    about_article = _collect(plugins, "check_article", results, analysis, settings, failures)
    findings = drop_superseded(findings, plugins.checkers) + drop_superseded(
        about_article, plugins.checkers, whole_article=True
    )
    score_deductions = plugins.caller("score_deductions", (), failures, seconds)
    for plugin, result in score_deductions(analysis, findings):
        deductions += _valid(
            plugin,
            "score_deductions",
            result,
            "Deduction",
            lambda deduction: deduction_problem(deduction, findings),
            failures,
        )
    # A plugin failing on every statement fails the same way each time: keep one of each.
    return ArticleReport(analysis, findings, deductions, list(dict.fromkeys(failures)), seconds)


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
    failures: list[PluginFailure],
) -> list[Finding]:
    """The valid findings of enabled checkers in a hook's results; invalid ones are failures."""
    enabled = settings.enabled
    findings = []
    owners = plugins.checker_plugins
    for plugin, result in results:
        valid = _valid(
            plugin,
            hook,
            result,
            "Finding",
            lambda finding: finding_problem(finding, analysis, plugin, owners),  # noqa: B023
            failures,
        )
        findings += [finding for finding in valid if finding.checker in enabled]
    return findings


def _valid(
    plugin: str,
    hook: str,
    result: object,
    item: str,
    problem_with: Callable[[Any], str | None],
    failures: list[PluginFailure],
) -> list[Any]:
    """The items of a hook's ``result`` that ``problem_with`` finds nothing wrong with.

    Anything else is appended to ``failures`` as the plugin's: a result that is not a list, or
    the first invalid item (with how many more there were, not one failure for each of a
    million).
    """
    problem = not_a_list(result, item)
    if problem is not None:
        failures.append(PluginFailure(plugin, hook, problem))
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
        failures.append(PluginFailure(plugin, hook, problems[0] + more))
    return valid
