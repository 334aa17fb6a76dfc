"""Single-source reliance: how much of the article's attributed material rests on one source.

The share is the number of claims (body statements: headlines repeat them) carried by the top
source's attributions over the number of claims carried by any attribution with a known source.
At or above ``threshold`` (and with at least ``min_statements`` attributed claims, so a two-line
brief is not flagged) the article gets one warning, pointing at the source's first mention.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

from sayso import hookimpl
from sayso.model import Analysis, Checker, Finding, Settings

CHECKER_ID = "single-source"


@hookimpl
def register_checkers(register: Callable[[Checker], None]) -> None:
    register(
        Checker(
            id=CHECKER_ID,
            description="Articles whose attributed statements mostly rest on one source.",
            options={"threshold": 0.5, "min_statements": 3},
        )
    )


def claims_by_source(analysis: Analysis) -> dict[str, set[int]]:
    """The claims (statement indexes) each canonical source carries, by source key."""
    claims = {statement.index for statement in analysis.statements if statement.is_claim}
    carried: dict[str, set[int]] = defaultdict(set)
    for attribution in analysis.attributions:
        if attribution.source_key in analysis.sources:
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
    source = analysis.sources[top_key]
    first_mention = min(source.mentions, default=None)
    return [
        Finding(
            checker=CHECKER_ID,
            code="single-source-reliance",
            severity="warning",
            message=(
                f"{len(carried[top_key])} of {len(attributed)} attributed claims ({share:.0%}) "
                f"rest on one source, {source.name}; look for another."
            ),
            span=first_mention,
            statement=_statement_at(analysis, first_mention.start) if first_mention else None,
        )
    ]


def _statement_at(analysis: Analysis, offset: int) -> int | None:
    for statement in analysis.statements:
        if statement.start <= offset < statement.end:
            return statement.index
    return None
