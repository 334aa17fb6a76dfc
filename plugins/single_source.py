"""Single-source reliance: how much of the article's attributed material rests on one source.

The share is the number of claims (body statements: headlines repeat them) carried by the top
source's attributions over the number of claims carried by any attribution with a known source,
counting only the attributions that give their source as saying the claim
(:func:`sayso.analysis.needs_source.vouches`): what a source thinks, wants or did is the
article's own say-so.
At or above ``threshold`` (and with at least ``min_statements`` attributed claims, so a two-line
brief is not flagged) the article gets one warning, pointing at the source's first mention.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

from sayso import hookimpl
from sayso.analysis.needs_source import vouches
from sayso.model import Analysis, Checker, Finding, Settings
from sayso.plugins.score import MAX_POINTS_PER_CHECKER, POINTS_PER_CLAIM_OVER_THRESHOLD

CHECKER = Checker(
    id="single-source",
    description="Articles whose attributed statements mostly rest on one source.",
    options={"threshold": 0.5, "min_statements": 3},
    codes={
        "single-source-reliance": "At least threshold of the article's attributed claims rest "
        "on one source.",
    },
)
CHECKER_ID = CHECKER.id


@hookimpl
def register_checkers(register: Callable[[Checker], None]) -> None:
    register(CHECKER)


def claims_by_source(analysis: Analysis) -> dict[str, set[int]]:
    """The claims (statement indexes) each canonical source vouches for, by source key."""
    claims = {claim.index for claim in analysis.claims}
    carried: dict[str, set[int]] = defaultdict(set)
    for attribution in analysis.attributions:
        if attribution.source_key in analysis.sources and vouches(attribution):
            carried[attribution.source_key].update(claims.intersection(attribution.statements))
    return carried


@hookimpl
def check_article(analysis: Analysis, settings: Settings) -> list[Finding]:
    carried = claims_by_source(analysis)
    attributed = set().union(*carried.values()) if carried else set()
    if len(attributed) < settings.option(CHECKER_ID, "min_statements"):
        return []
    top_key = max(carried, key=lambda key: len(carried[key]))
    share = len(carried[top_key]) / len(attributed)
    if share < settings.option(CHECKER_ID, "threshold"):
        return []
    # Claims over the threshold: continuous in the counts, so the score never jumps.
    over_threshold = len(carried[top_key]) - settings.option(CHECKER_ID, "threshold") * len(
        attributed
    )
    source = analysis.sources[top_key]
    first_mention = min(source.mentions, default=None)
    return [
        CHECKER.finding(
            "single-source-reliance",
            f"{len(carried[top_key])} of {len(attributed)} attributed claims ({share:.0%}) "
            f"rest on one source, {source.name}; look for another.",
            span=first_mention,
            statement=analysis.statement_at(first_mention.start) if first_mention else None,
            # An article of thousands of claims costs what a checker may cost at most, not more
            # than a score has.
            penalty=min(
                round(POINTS_PER_CLAIM_OVER_THRESHOLD * over_threshold, 2), MAX_POINTS_PER_CHECKER
            ),
        )
    ]
