"""Non-independent sources: state media, governments speaking about themselves, wire copy.

- Reliance on state media is a finding about the article, stated once with its share ("8 of 9
  attributed claims rest only on state media (KCNA)"): a warning when the share reaches
  ``state_media_share``, else info. Each statement resting only on state media gets an info
  note that costs nothing, so the reader sees which they are without the article losing points
  for each.
- A government is "speaking about its own actions" when the attributed content names that
  government: its canonical name without "government"/"administration" (and with a demonym's
  final "n" dropped, so "North Korean government" matches "North Korea"), one of its aliases in
  sayso's lexicon ("Pyongyang"), one of the ways the article mentions it, or "we"/"our"/"us".
  This is a heuristic: it misses a government described only by its leader's name.
- An attribution to a news agency is wire copy, reported as info.

A claim rests on the sources the article gives as saying it (attributions that vouch for it:
:func:`sayso.analysis.needs_source.vouches`). What a source thinks, wants or did ("North Korea
invited delegations", "Shoigu presented him with a letter") is the article's own say-so: it
neither makes a claim rest on that source nor counts among the claims that rest on any.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from sayso import hookimpl
from sayso.analysis.caseless import lowered
from sayso.analysis.needs_source import vouches
from sayso.lexicon import GOVERNMENTS
from sayso.model import (
    Analysis,
    Attribution,
    Checker,
    Finding,
    Settings,
    Severity,
    Source,
    Statement,
)
from sayso.plugins.score import MAX_POINTS_PER_CHECKER, POINTS_PER_STATE_MEDIA_CLAIM

CHECKER = Checker(
    id="independence",
    description="Claims resting only on state media, government self-reports, wire copy.",
    options={"report_self_reports": True, "report_wire_copy": True, "state_media_share": 0.4},
    codes={
        "state-media-reliance": "The article's claims resting only on state media, with their "
        "share (a warning from state_media_share, else info).",
        "state-media-only": "A claim whose only sources are state media (info, no points).",
        "government-self-report": "A government as the source for a claim about its own actions "
        "(info; with report_self_reports).",
        "wire-copy": "A claim taken from a news agency's wire copy (info; with report_wire_copy).",
    },
    # Resting on state media is the article's one weakness, not a second one of resting on one
    # source.
    supersedes={"state-media-reliance": ("single-source/single-source-reliance",)},
)
CHECKER_ID = CHECKER.id
_GOVERNMENT_WORDS = re.compile(r"\b(?:the\s+)?(?:government|administration)\b", re.IGNORECASE)
_FIRST_PERSON_PLURAL = re.compile(r"\b(?:we|our|ours|us)\b", re.IGNORECASE)


@hookimpl
def register_checkers(register: Callable[[Checker], None]) -> None:
    register(CHECKER)


@hookimpl
def check_statement(statement: Statement, analysis: Analysis, settings: Settings) -> list[Finding]:
    sourced = _sourced(statement, analysis)
    findings = []
    if sourced and all(source.type == "state_media" for _, source in sourced):
        names = sorted({source.name for _, source in sourced})
        findings.append(
            CHECKER.finding(
                "state-media-only",
                f"This claim rests only on state media ({', '.join(names)}), which "
                "cannot confirm it independently.",
                severity="info",
                span=statement.span,
                statement=statement,
                # The article-level state-media-reliance finding is the one that costs points.
                penalty=0.0,
            )
        )
    for attribution, source in sourced:
        # An attribution spanning several statements is reported once, at its first.
        if attribution.statements[0] != statement.index:
            continue
        mention = attribution.source or statement.span
        if (
            source.type == "government"
            and settings.option(CHECKER_ID, "report_self_reports")
            and is_about_itself(attribution, source)
        ):
            findings.append(
                CHECKER.finding(
                    "government-self-report",
                    f"The {source.name} is the source for a claim about its own "
                    "actions; look for independent confirmation.",
                    "info",
                    span=mention,
                    statement=statement,
                )
            )
        if source.type == "news_agency" and settings.option(CHECKER_ID, "report_wire_copy"):
            findings.append(
                CHECKER.finding(
                    "wire-copy",
                    f"This comes from {source.name} wire copy rather than the outlet's "
                    "own reporting.",
                    "info",
                    span=mention,
                    statement=statement,
                )
            )
    return findings


@hookimpl
def check_article(analysis: Analysis, settings: Settings) -> list[Finding]:
    sourced = {
        claim.index: {source.key for _, source in sources}
        for claim in analysis.attributed_claims
        if (sources := _sourced(claim, analysis))
    }
    state_media = {
        index
        for index, keys in sourced.items()
        if all(analysis.sources[key].type == "state_media" for key in keys)
    }
    if not state_media:
        return []
    names = sorted({analysis.sources[key].name for index in state_media for key in sourced[index]})
    share = len(state_media) / len(sourced)
    severity: Severity = (
        "warning" if share >= settings.option(CHECKER_ID, "state_media_share") else "info"
    )
    return [
        CHECKER.finding(
            "state-media-reliance",
            f"{len(state_media)} of {len(sourced)} attributed claims ({share:.0%}) rest only on "
            f"state media ({', '.join(names)}), which cannot confirm them independently; look "
            "for another source.",
            severity=severity,
            penalty=min(POINTS_PER_STATE_MEDIA_CLAIM * len(state_media), MAX_POINTS_PER_CHECKER),
        )
    ]


def _sourced(statement: Statement, analysis: Analysis) -> list[tuple[Attribution, Source]]:
    """The attributions vouching for ``statement`` that have a source, each with its source."""
    return [
        (attribution, source)
        for attribution in analysis.attributions_for(statement)
        if vouches(attribution) and (source := analysis.source_of(attribution)) is not None
    ]


def is_about_itself(attribution: Attribution, source: Source) -> bool:
    """Whether the attributed content names the government it comes from (see module docs)."""
    content = " ".join(fragment.text for fragment in attribution.content)
    if _FIRST_PERSON_PLURAL.search(content):
        return True
    names = _self_references(source)
    # Each source needs its own pattern, and compiling it costs far more than the search: a name
    # can only match where its lower-cased letters are in the lower-cased content, which a
    # substring test tells exactly for ASCII names (see sayso.analysis.caseless).
    lowered_content = lowered(content)
    if (
        lowered_content is not None
        and all(name.isascii() for name, _ in names)
        and not any(name.lower() in lowered_content for name, _ in names)
    ):
        return False
    pattern = "|".join(rf"\b{re.escape(name)}{end}" for name, end in names)
    return bool(re.search(pattern, content, re.IGNORECASE))


def _self_references(source: Source) -> list[tuple[str, str]]:
    """What names the government in its own words: each name, and what must follow it."""
    names = {source.name, *GOVERNMENTS.get(source.name, ())}
    # Mentions starting in lower case are pronouns and common nouns ("he", "officials").
    names |= {m.text for m in source.mentions if m.text[:1].isupper()}
    references = [(_without_article(name), r"\b") for name in names]
    stem = _GOVERNMENT_WORDS.sub("", source.name).strip()
    if stem:
        references.append((stem[:-1] if stem.endswith("n") else stem, ""))
    return references


def _without_article(name: str) -> str:
    return re.sub(r"^the\s+", "", name, flags=re.IGNORECASE)
