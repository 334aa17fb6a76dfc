"""What plugins return, checked at the boundary before sayso scores or stores any of it.

A finding or deduction that is not what the hook specification promises (a string instead of a
list, an unknown severity, a penalty of NaN, a span outside the text, a statement index past the
last statement, a checker another plugin owns) would otherwise crash the run far from the plugin,
score an article 100/100 by mistake, or break the database's foreign keys. Each check says what
is wrong in words the plugin's author can act on; the engine records it as that plugin's failure
and goes on with what is valid.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from ..model import SEVERITIES, Analysis, Deduction, Finding, Span

# A score runs from 0 to 100: a penalty or deduction outside that range is a mistake.
MAX_POINTS = 100.0


def not_a_list(result: object, item: str) -> str | None:
    """Why a hook's return value is not a list of ``item``s, or None when it is a list."""
    if isinstance(result, list | tuple):
        return None
    return f"returned {_kind(result)}, not a list of {item}"


def finding_problem(
    finding: object, analysis: Analysis, plugin: str, checker_plugins: Mapping[str, str]
) -> str | None:
    """What is wrong with a finding ``plugin`` returned, or None when sayso can use it."""
    if not isinstance(finding, Finding):
        return f"returned {_kind(finding)} in its list, not a Finding"
    owner = checker_plugins.get(finding.checker) if isinstance(finding.checker, str) else None
    if owner != plugin:
        return f"finding names checker {finding.checker!r}, which this plugin did not register" + (
            f" ({owner} did)" if owner else ""
        )
    for name in ("code", "message"):
        value = getattr(finding, name)
        if not isinstance(value, str) or not value:
            return f"finding's {name} is {_kind(value)}, not a non-empty string"
    if finding.severity not in SEVERITIES:
        return f"finding's severity {finding.severity!r} is not one of {', '.join(SEVERITIES)}"
    if finding.penalty is not None and not _points(finding.penalty):
        return f"finding's penalty {finding.penalty!r} is not a number from 0 to {MAX_POINTS:g}"
    if finding.span is not None:
        problem = span_problem(finding.span, analysis.article.text)
        if problem:
            return f"finding's span {problem}"
    statement = finding.statement
    if statement is not None and not (
        _integer(statement) and 0 <= statement < len(analysis.statements)
    ):
        return (
            f"finding's statement {statement!r} is not an index of the article's "
            f"{len(analysis.statements)} statements"
        )
    return None


def deduction_problem(deduction: object, findings: list[Finding]) -> str | None:
    """What is wrong with a deduction, or None when sayso can use it."""
    if not isinstance(deduction, Deduction):
        return f"returned {_kind(deduction)} in its list, not a Deduction"
    if not _points(deduction.points):
        return f"deduction's points {deduction.points!r} are not a number from 0 to {MAX_POINTS:g}"
    if not isinstance(deduction.reason, str):
        return f"deduction's reason is {_kind(deduction.reason)}, not a string"
    if not isinstance(deduction.findings, list | tuple) or not all(
        _integer(index) and 0 <= index < len(findings) for index in deduction.findings
    ):
        return (
            f"deduction's findings {deduction.findings!r} are not indexes of the article's "
            f"{len(findings)} findings"
        )
    return None


def span_problem(span: object, text: str) -> str | None:
    """Why ``span`` is not a Span of ``text`` (inside it, its text matching), or None."""
    if not isinstance(span, Span):
        return f"is {_kind(span)}, not a Span"
    if not (_integer(span.start) and _integer(span.end) and 0 <= span.start <= span.end):
        return f"has offsets {span.start!r}–{span.end!r}"
    if span.end > len(text):
        return f"ends at {span.end:,}, past the end of the {len(text):,}-character text"
    if span.text != text[span.start : span.end]:
        return f"text {_shortened(span.text)} is not the article's text at {span.start}–{span.end}"
    return None


def _points(value: Any) -> bool:
    return (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and math.isfinite(value)
        and 0 <= value <= MAX_POINTS
    )


def _integer(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _kind(value: object) -> str:
    """A value as an error message shows it: its type, and the value (shortened)."""
    return f"{type(value).__name__} {_shortened(value)}"


def _shortened(value: object) -> str:
    shown = repr(value)
    return shown if len(shown) <= 40 else shown[:37] + "…"
