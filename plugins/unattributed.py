"""Unattributed claims: statements asserting something that no attribution carries.

Check-worthy claims (numbers, allegations, assessments, predictions, causes) are warnings;
other unattributed statements, usually scene-setting, are reported as info only.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from sayso import hookimpl
from sayso.model import Analysis, Checker, Finding, Settings, Statement

CHECKER_ID = "unattributed"

CHECK_WORTHY_PATTERNS = {
    "a number": r"\b\d[\d,.]*\b(?!\s*(?:BC|AD)\b)|\b(?:hundreds|thousands|millions|billions|dozens)\b",
    "an allegation": r"\b(?:accus\w*|alleg\w*|suppl(?:y|ying|ied|ies)|providing|killed|attack\w*|"
    r"violat\w*|illegal\w*|crim\w*|fraud\w*|corrupt\w*|lie[sd]?|blam\w*)\b",
    "an assessment": r"\b(?:first|largest|biggest|most|least|only|never|important|significant|"
    r"clear(?:ly)?|historic|unprecedented|few|many|new(?:est)?|major|key|main)\b",
    "a prediction": r"\b(?:will|would|expected to|set to|plans? to|preparing|likely|could|"
    r"may|might|aims? to)\b",
    "a causal claim": r"\b(?:because|due to|caused?|led to|leading to|linked to|result(?:ed|s)? in|"
    r"suggesting|in order to|so that|therefore|thanks to)\b",
}
_CHECK_WORTHY = {
    reason: re.compile(pattern, re.IGNORECASE) for reason, pattern in CHECK_WORTHY_PATTERNS.items()
}


def check_worthy_reasons(text: str) -> list[str]:
    """What makes a sentence worth checking: "a number", "an allegation", …"""
    return [reason for reason, pattern in _CHECK_WORTHY.items() if pattern.search(text)]


@hookimpl
def register_checkers(register: Callable[[Checker], None]) -> None:
    register(
        Checker(
            id=CHECKER_ID,
            description="Claims that no attribution carries.",
            options={"report_scene_setting": True},
        )
    )


@hookimpl
def check_statement(statement: Statement, analysis: Analysis, settings: Settings) -> list[Finding]:
    if not statement.is_claim or analysis.attributions_for(statement):
        return []
    reasons = check_worthy_reasons(statement.text)
    if reasons:
        return [
            Finding(
                checker=CHECKER_ID,
                code="unattributed-claim",
                severity="warning",
                message=f"No source is given for this claim, which contains {_join(reasons)}.",
                span=statement.span,
                statement=statement.index,
            )
        ]
    if not settings.option(CHECKER_ID, "report_scene_setting"):
        return []
    return [
        Finding(
            checker=CHECKER_ID,
            code="unattributed-statement",
            severity="info",
            message="No source is given; fine for scene-setting, not for a claim.",
            span=statement.span,
            statement=statement.index,
        )
    ]


def _join(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]
