"""Hedging and weasel words: wording that hints at a source without naming one.

Each match is reported at the exact words. In a statement that also carries an attribution to a
named source (other than the hedge itself, as in "critics say") the words are info: the reader
can see who is speaking. Otherwise they are warnings. The
stricter rule flagging every passive verb with no "by" agent ("was arrested") is noisy on news
copy, so it is off by default: turn it on with ``--set hedging.passive_voice=true``.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from sayso import hookimpl
from sayso.analysis.caseless import CaselessPattern, ascii_words, lowered, union_at_word_starts
from sayso.model import Analysis, Checker, Finding, Settings, Severity, Span, Statement

_BE = r"(?:is|are|was|were|has been|have been|had been|is being|are being)"
_WEASEL_ADVERBS = "reportedly|allegedly|purportedly|supposedly|reputedly|ostensibly|apparently"
_REPORTING_PARTICIPLES = (
    "believed|said|thought|understood|reported|rumoured|rumored|alleged|claimed|feared|expected|"
    "suggested|known|estimated|tipped|considered"
)
_VAGUE_VERBS = (
    "say|says|said|believe|believed|think|thought|argue|argued|claim|claimed|suggest|suggested|"
    "fear|feared"
)
_SEEMING = "appears|appear|appeared|seems|seem|seemed"
# code -> (pattern, what the editor is told)
PATTERNS = {
    "weasel-adverb": (
        rf"\b(?:{_WEASEL_ADVERBS})\b",
        "“{words}” hints at a source without naming it; say who reported or alleges this.",
    ),
    "agentless-attribution": (
        rf"\bit {_BE} (?:widely |generally )?(?:{_REPORTING_PARTICIPLES})\b",
        "“{words}” does not say by whom; name the source or drop the claim.",
    ),
    "vague-attribution": (
        r"\b(?:some|many|most|others|critics|observers|experts|analysts|people)\s+"
        rf"(?:{_VAGUE_VERBS})\b",
        "“{words}” attributes the claim to an unidentified group; say who.",
    ),
    "agentless-expectation": (
        rf"\b{_BE} (?:widely |generally )?(?:{_REPORTING_PARTICIPLES}) to\b(?! [^.]*\bby\b)",
        "“{words}” does not say who expects or believes this; name the source.",
    ),
    "hedge": (
        rf"\b(?:{_SEEMING}) to\b",
        "“{words}” signals an assessment without saying whose it is.",
    ),
}
CHECKER = Checker(
    id="hedging",
    description="Weasel words and attributions with no agent ('reportedly', 'some say').",
    options={"passive_voice": False},
    codes={
        "weasel-adverb": "“Reportedly”, “allegedly” and the like: a source hinted at, not named.",
        "agentless-attribution": "“It is said/believed/reported that…”, with no one saying it.",
        "vague-attribution": "“Some say”, “critics argue”: an unidentified group as the source.",
        "agentless-expectation": "“Is expected/believed to…”, with no one expecting it.",
        "hedge": "“Appears to”, “seems to”: an assessment without saying whose.",
        "passive-no-agent": "A passive with no agent (info; with passive_voice).",
    },
    # A hedge shows the statement is a claim: a note calling it scene-setting would contradict it.
    # And "critics say" names the one weakness the anonymous checker sees in "critics": an
    # unidentified source, which costs once.
    supersedes={
        **{
            code: ("unattributed/unattributed-statement",)
            for code in ("weasel-adverb", "agentless-attribution", "agentless-expectation", "hedge")
        },
        "vague-attribution": (
            "unattributed/unattributed-statement",
            "anonymous/unexplained-anonymity",
        ),
    },
)
CHECKER_ID = CHECKER.id
# A form of "to be" and a past participle, with no "by" agent later in the sentence.
PASSIVE = re.compile(
    rf"\b{_BE}\s+(?:\w+ly\s+)?(?:\w+ed|known|seen|told|given|taken|shown|held|made|found|"
    r"built|sent|kept|written|done|brought|hit|shot|led)\b(?![^.]*\bby\b)",
    re.IGNORECASE,
)
_COMPILED = {
    code: (re.compile(pattern, re.IGNORECASE), message)
    for code, (pattern, message) in PATTERNS.items()
}
# Matches wherever one of the patterns does: one pass tells the many statements with no hedge.
_ANY_PATTERN = CaselessPattern(union_at_word_starts(pattern for pattern, _ in PATTERNS.values()))
# Every match has one of these as a whole word: the adverb, participle or verb its pattern names.
_HEDGING_WORDS = frozenset(
    word.encode()
    for words in (_WEASEL_ADVERBS, _REPORTING_PARTICIPLES, _VAGUE_VERBS, _SEEMING)
    for word in words.split("|")
)


@hookimpl
def register_checkers(register: Callable[[Checker], None]) -> None:
    register(CHECKER)


@hookimpl
def check_statement(statement: Statement, analysis: Analysis, settings: Settings) -> list[Finding]:
    if statement.kind != "body":
        return []
    text = analysis.article.text
    findings = []
    covered: list[Span] = []
    lowered_text = lowered(statement.text)
    if _may_hedge(lowered_text) and _ANY_PATTERN.search(statement.text, lowered_text):
        findings += _hedges(statement, analysis, covered)
    if settings.option(CHECKER_ID, "passive_voice"):
        for match in PASSIVE.finditer(statement.text):
            span = Span.of(text, statement.start + match.start(), statement.start + match.end())
            if not any(span.overlaps(other) for other in covered):
                message = f"“{span.text}” is passive with no agent; say who did it."
                findings.append(
                    CHECKER.finding("passive-no-agent", message, "info", span, statement)
                )
    return findings


def _may_hedge(lowered_text: str | None) -> bool:
    """False for the many statements without a word that any pattern needs (see _HEDGING_WORDS)."""
    if lowered_text is None:
        return True
    return not _HEDGING_WORDS.isdisjoint(ascii_words(lowered_text))


def _hedges(statement: Statement, analysis: Analysis, covered: list[Span]) -> list[Finding]:
    """What the patterns find, each stretch of words once; ``covered`` collects the stretches."""
    named = [
        attribution.source
        for attribution in analysis.attributions_for(statement)
        if attribution.source is not None
        and (source := analysis.source_of(attribution)) is not None
        and source.type not in ("anonymous", "unknown")
    ]
    findings = []
    for code, (pattern, message) in _COMPILED.items():
        for match in pattern.finditer(statement.text):
            span = Span.of(
                analysis.article.text,
                statement.start + match.start(),
                statement.start + match.end(),
            )
            if any(span.overlaps(other) for other in covered):
                continue
            covered.append(span)
            # "Critics say" is itself an attribution: its source does not name anyone.
            severity: Severity = (
                "info" if any(not span.overlaps(mention) for mention in named) else "warning"
            )
            findings.append(
                CHECKER.finding(code, message.format(words=span.text), severity, span, statement)
            )
    return findings
