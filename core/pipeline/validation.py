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

from ..model import FORMS, SEVERITIES, Analysis, Attribution, Deduction, Enrichment, Finding, Span

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
    # Every finding passes here (a hostile article can make hundreds of thousands): a valid one
    # is told in one expression, and only an invalid one is looked at field by field.
    if type(finding) is Finding and type(finding.checker) is str:
        span, statement = finding.span, finding.statement
        if (
            checker_plugins.get(finding.checker) == plugin
            and type(finding.code) is str
            and finding.code
            and type(finding.message) is str
            and finding.message
            and finding.severity in SEVERITIES
            and (finding.penalty is None or _points(finding.penalty))
            and (span is None or _within(span, analysis.article.text))
            and (statement is None or _index(statement, len(analysis.statements)))
        ):
            return None
    if not isinstance(finding, Finding):
        return f"returned {_kind(finding)} in its list, not a Finding"
    checker = finding.checker
    owner = checker_plugins.get(checker) if isinstance(checker, str) else None
    if owner != plugin:
        return f"finding names checker {checker!r}, which this plugin did not register" + (
            f" ({owner} did)" if owner else ""
        )
    if not (isinstance(finding.code, str) and finding.code):
        return f"finding's code is {_kind(finding.code)}, not a non-empty string"
    if not (isinstance(finding.message, str) and finding.message):
        return f"finding's message is {_kind(finding.message)}, not a non-empty string"
    if finding.severity not in SEVERITIES:
        return f"finding's severity {finding.severity!r} is not one of {', '.join(SEVERITIES)}"
    if finding.penalty is not None and not _points(finding.penalty):
        return f"finding's penalty {finding.penalty!r} is not a number from 0 to {MAX_POINTS:g}"
    span = finding.span
    if span is not None:
        problem = span_problem(span, analysis.article.text)
        if problem:
            return f"finding's span {problem}"
    statement = finding.statement
    if statement is not None and not (
        type(statement) is int and 0 <= statement < len(analysis.statements)
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


def enrichment_problem(enrichment: object, analysis: Analysis) -> str | None:
    """What is wrong with an enrichment, or None when sayso can apply it."""
    if not isinstance(enrichment, Enrichment):
        return f"returned {_kind(enrichment)}, not an Enrichment"
    if not isinstance(enrichment.drop, list | tuple) or not all(
        _integer(index) and 0 <= index < len(analysis.attributions) for index in enrichment.drop
    ):
        return (
            f"enrichment's drop {_shortened(enrichment.drop)} is not a list of indexes of the "
            f"article's {len(analysis.attributions)} attributions"
        )
    if not isinstance(enrichment.add, list | tuple):
        return f"enrichment's add is {_kind(enrichment.add)}, not a list of Attributions"
    for attribution in enrichment.add:
        problem = _attribution_problem(attribution, analysis)
        if problem:
            return f"enrichment adds an attribution whose {problem}"
    return None


def _attribution_problem(attribution: object, analysis: Analysis) -> str | None:
    if not isinstance(attribution, Attribution):
        return f"type is {_kind(attribution)}, not Attribution"
    if attribution.form not in FORMS:
        return f"form {attribution.form!r} is not one of {', '.join(FORMS)}"
    text = analysis.article.text
    spans = {"cue": attribution.cue, "source": attribution.source}
    spans.update((f"content[{i}]", span) for i, span in enumerate(attribution.content))
    for name, span in spans.items():
        problem = span is not None and span_problem(span, text)
        if problem:
            return f"{name} {problem}"
    if not all(
        _integer(index) and 0 <= index < len(analysis.statements)
        for index in attribution.statements
    ):
        return f"statements {_shortened(attribution.statements)} are not statement indexes"
    return None


def span_problem(span: object, text: str) -> str | None:
    """Why ``span`` is not a Span of ``text`` (inside it, its text matching), or None."""
    if not isinstance(span, Span):
        return f"is {_kind(span)}, not a Span"
    start, end = span.start, span.end
    if not (type(start) is int and type(end) is int and 0 <= start <= end):
        return f"has offsets {start!r}–{end!r}"
    if end > len(text):
        return f"ends at {end:,}, past the end of the {len(text):,}-character text"
    if span.text != text[start:end]:
        return f"text {_shortened(span.text)} is not the article's text at {start}–{end}"
    return None


def _within(span: Any, text: str) -> bool:
    if type(span) is not Span:
        return False
    start, end = span.start, span.end
    return (
        type(start) is int
        and type(end) is int
        and 0 <= start <= end <= len(text)
        and text[start:end] == span.text
    )


def _index(value: Any, count: int) -> bool:
    return type(value) is int and 0 <= value < count


def _points(value: Any) -> bool:
    return (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and math.isfinite(value)
        and 0 <= value <= MAX_POINTS
    )


def _integer(value: Any) -> bool:
    # Not a bool, which is an int too.
    return type(value) is int


def _kind(value: object) -> str:
    """A value as an error message shows it: its type, and the value (shortened)."""
    return f"{type(value).__name__} {_shortened(value)}"


def _shortened(value: object) -> str:
    shown = repr(value)
    return shown if len(shown) <= 40 else shown[:37] + "…"
