"""Anonymous sourcing: attributions to unnamed sources, and how much of the article rests on them.

Each attribution to a source of type ``anonymous`` is reported where its source is mentioned: as
a warning when the sentence gives no reason for the anonymity, as info when it does ("who spoke
on condition of anonymity"). When unnamed sources carry more than ``max_share`` of the
attributed claims, the article gets one more warning.
"""

from __future__ import annotations

from collections.abc import Callable

from sayso import hookimpl
from sayso.model import Analysis, Attribution, Checker, Finding, Settings, Span, Statement
from sayso.plugins.score import WEAK_SOURCE_POINTS

CHECKER = Checker(
    id="anonymous",
    description="Claims resting on unnamed sources, and articles resting mostly on them.",
    options={"max_share": 0.3, "min_statements": 3},
    codes={
        "unexplained-anonymity": "A claim resting on an unnamed source, with no reason given "
        "for the anonymity.",
        "anonymous-source": "A claim resting on an unnamed source whose anonymity is explained "
        "(info).",
        "anonymous-reliance": "More than max_share of the article's attributed claims rest on "
        "unnamed sources.",
    },
)
CHECKER_ID = CHECKER.id
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
    register(CHECKER)


def is_anonymous(analysis: Analysis, attribution: Attribution) -> bool:
    source = analysis.source_of(attribution)
    return source is not None and source.type == "anonymous"


@hookimpl
def check_statement(statement: Statement, analysis: Analysis, settings: Settings) -> list[Finding]:
    findings = []
    reported: set[Span] = set()
    for attribution in analysis.attributions_for(statement):
        # An attribution spanning several statements is reported once, at its first.
        if not is_anonymous(analysis, attribution) or attribution.statements[0] != statement.index:
            continue
        mention = attribution.source or statement.span
        # One mention with two cues ("His aides say … and add …") is one unnamed source.
        if mention in reported:
            continue
        reported.add(mention)
        if _explains_anonymity(statement.text):
            findings.append(
                CHECKER.finding(
                    "anonymous-source",
                    f"This rests on an unnamed source (“{mention.text}”); the reason "
                    "for anonymity is given.",
                    "info",
                    span=mention,
                    statement=statement,
                )
            )
        else:
            findings.append(
                CHECKER.finding(
                    "unexplained-anonymity",
                    f"This rests on an unnamed source (“{mention.text}”) without saying "
                    "why the source could not be named.",
                    span=mention,
                    statement=statement,
                    penalty=WEAK_SOURCE_POINTS,
                )
            )
    return findings


@hookimpl
def check_article(analysis: Analysis, settings: Settings) -> list[Finding]:
    attributed = analysis.attributed_claims
    anonymous = [
        claim
        for claim in attributed
        if any(is_anonymous(analysis, a) for a in analysis.attributions_for(claim))
    ]
    if len(attributed) < settings.option(CHECKER_ID, "min_statements") or not anonymous:
        return []
    share = len(anonymous) / len(attributed)
    if share <= settings.option(CHECKER_ID, "max_share"):
        return []
    return [
        CHECKER.finding(
            "anonymous-reliance",
            f"{len(anonymous)} of {len(attributed)} attributed claims ({share:.0%}) "
            "rest on unnamed sources.",
            # Each of these claims already cost its unexplained-anonymity warning.
            penalty=0.0,
        )
    ]


def _explains_anonymity(text: str) -> bool:
    lowered = text.lower().replace("’", "'")
    return any(phrase in lowered for phrase in REASON_PHRASES)
