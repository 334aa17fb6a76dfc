"""The default sourcing score: every finding costs points by its penalty or its severity.

One checker's findings can cost at most ``MAX_POINTS_PER_CHECKER``, so a long article with many
small problems of one kind is not scored as if it had every kind of problem.
"""

from __future__ import annotations

from collections import defaultdict

from sayso import hookimpl
from sayso.model import Analysis, Deduction, Finding

POINTS_BY_SEVERITY = {"error": 10.0, "warning": 4.0, "info": 0.5}
MAX_POINTS_PER_CHECKER = 40.0


@hookimpl(trylast=True)
def score_deductions(analysis: Analysis, findings: list[Finding]) -> list[Deduction]:
    by_checker: dict[str, list[int]] = defaultdict(list)
    for index, finding in enumerate(findings):
        by_checker[finding.checker].append(index)
    deductions = []
    for checker, indexes in by_checker.items():
        points = sum(_points(findings[index]) for index in indexes)
        if points <= 0:
            continue
        capped = min(points, MAX_POINTS_PER_CHECKER)
        reason = f"{len(indexes)} finding(s) from {checker}"
        if capped < points:
            reason += f" (capped at {MAX_POINTS_PER_CHECKER:g} points)"
        deductions.append(Deduction(points=capped, reason=reason, findings=indexes))
    return deductions


def _points(finding: Finding) -> float:
    if finding.penalty is not None:
        return finding.penalty
    return POINTS_BY_SEVERITY[finding.severity]
