"""The default sourcing score: every finding costs points by its penalty or its severity.

One checker's findings can cost at most ``MAX_POINTS_PER_CHECKER`` together (each then costs its
share of the cap), so a long article with many small problems of one kind is not scored as if it
had every kind of problem. Each finding gets its own deduction, so every lost point traces to it,
but a finding that repeats one on the same statement (the same checker and code: two stray quote
marks, "officials" named twice) costs nothing: one weakness of a statement, one deduction.
"""

from __future__ import annotations

from collections import defaultdict

from sayso import hookimpl
from sayso.model import Analysis, Deduction, Finding

POINTS_BY_SEVERITY = {"error": 10.0, "warning": 4.0, "info": 0.5}
MAX_POINTS_PER_CHECKER = 40.0
# What reliance findings cost. A claim with no source costs a warning (4 points); whatever an
# attribution adds to a score's deductions must cost less than that, so that cutting a source out
# of an article never raises its score (tests/test_score_properties.py):
# - an unnamed source costs half a warning;
WEAK_SOURCE_POINTS = POINTS_BY_SEVERITY["warning"] / 2
# - each claim resting only on state media costs a point, in the article-level finding;
POINTS_PER_STATE_MEDIA_CLAIM = 1.0
# - reliance on one source costs a point for each claim its share is over the threshold by, so the
#   penalty moves by less than a point when one attribution goes, instead of jumping at the
#   threshold.
POINTS_PER_CLAIM_OVER_THRESHOLD = 1.0


@hookimpl(trylast=True)
def score_deductions(analysis: Analysis, findings: list[Finding]) -> list[Deduction]:
    by_checker: dict[str, list[int]] = defaultdict(list)
    counted: set[tuple[str, str, int]] = set()
    for index, finding in enumerate(findings):
        if finding.statement is not None:
            weakness = (finding.checker, finding.code, finding.statement)
            if weakness in counted:
                continue
            counted.add(weakness)
        by_checker[finding.checker].append(index)
    deductions = []
    for indexes in by_checker.values():
        full_points = [_points(findings[index]) for index in indexes]
        total = sum(full_points)
        scale = min(1.0, MAX_POINTS_PER_CHECKER / total) if total > 0 else 0.0
        for index, full in zip(indexes, full_points, strict=True):
            points = round(full * scale, 2)
            if points <= 0:
                continue
            reason = _reason(findings[index])
            if scale < 1.0:
                reason += f", its checker capped at {MAX_POINTS_PER_CHECKER:g} points in all"
            deductions.append(Deduction(points=points, reason=reason, findings=[index]))
    return deductions


def _points(finding: Finding) -> float:
    if finding.penalty is not None:
        return finding.penalty
    return POINTS_BY_SEVERITY[finding.severity]


def _reason(finding: Finding) -> str:
    if finding.penalty is not None:
        return f"{finding.severity}, penalty set by {finding.checker}"
    return f"{finding.severity}"
