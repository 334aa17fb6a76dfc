"""Anonymous sourcing: attributions to unnamed sources, and how much of the article rests on them.

Each attribution to a source of type ``anonymous`` is reported where its source is mentioned: as
a warning when the sentence gives no reason for the anonymity, as info when it does ("who spoke
on condition of anonymity"). When unnamed sources carry more than ``max_share`` of the
attributed claims, the article gets one more warning.
"""

from __future__ import annotations

from collections.abc import Callable

from sayso import hookimpl
from sayso.model import Analysis, Attribution, Checker, Finding, Settings, Statement

CHECKER_ID = "anonymous"
# Phrases that say why a source is unnamed. "Familiar with the matter" says what the source
# knows, not why they are unnamed, so it is not one of them.
REASON_PHRASES = (
    "anonymity",
    "to be named",
    "not to be identified",
    "not authorized to",
    "not authorised to",
    "for fear of",
    "fearing reprisal",
    "to speak publicly",
    "to speak freely",
)


@hookimpl
def register_checkers(register: Callable[[Checker], None]) -> None:
    register(
        Checker(
            id=CHECKER_ID,
            description="Claims resting on unnamed sources, and articles resting mostly on them.",
            options={"max_share": 0.3, "min_statements": 3},
        )
    )


def is_anonymous(analysis: Analysis, attribution: Attribution) -> bool:
    source = analysis.source_of(attribution)
    return source is not None and source.type == "anonymous"


@hookimpl
def check_statement(statement: Statement, analysis: Analysis, settings: Settings) -> list[Finding]:
    findings = []
    for attribution in analysis.attributions_for(statement):
        # An attribution spanning several statements is reported once, at its first.
        if not is_anonymous(analysis, attribution) or attribution.statements[0] != statement.index:
            continue
        mention = attribution.source or statement.span
        if _explains_anonymity(statement.text):
            findings.append(
                Finding(
                    checker=CHECKER_ID,
                    code="anonymous-source",
                    severity="info",
                    message=f"This rests on an unnamed source (“{mention.text}”); the reason "
                    "for anonymity is given.",
                    span=mention,
                    statement=statement.index,
                )
            )
        else:
            findings.append(
                Finding(
                    checker=CHECKER_ID,
                    code="unexplained-anonymity",
                    severity="warning",
                    message=f"This rests on an unnamed source (“{mention.text}”) without saying "
                    "why the source could not be named.",
                    span=mention,
                    statement=statement.index,
                )
            )
    return findings


@hookimpl
def check_article(analysis: Analysis, settings: Settings) -> list[Finding]:
    claims = {statement.index for statement in analysis.statements if statement.is_claim}
    attributed: set[int] = set()
    anonymous: set[int] = set()
    for attribution in analysis.attributions:
        carried = claims.intersection(attribution.statements)
        attributed |= carried
        if is_anonymous(analysis, attribution):
            anonymous |= carried
    if len(attributed) < settings.option(CHECKER_ID, "min_statements") or not anonymous:
        return []
    share = len(anonymous) / len(attributed)
    if share <= settings.option(CHECKER_ID, "max_share"):
        return []
    return [
        Finding(
            checker=CHECKER_ID,
            code="anonymous-reliance",
            severity="warning",
            message=f"{len(anonymous)} of {len(attributed)} attributed claims ({share:.0%}) "
            "rest on unnamed sources.",
        )
    ]


def _explains_anonymity(text: str) -> bool:
    lowered = text.lower().replace("’", "'")
    return any(phrase in lowered for phrase in REASON_PHRASES)
