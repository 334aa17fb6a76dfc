"""Hedging and weasel words: wording that hints at a source without naming one.

Each match is reported at the exact words. In a statement that also carries an attribution to a
named source (other than the hedge itself, as in "critics say") the words are info: the reader
can see who is speaking. Otherwise they are warnings. A conclusion drawn after a comma ("This
year marks the return of foreign guests, suggesting a relaxation of border controls") is the
writer's, a warning, unless the main clause's subject or a source given the participle is
someone. The stricter rule flagging every passive verb with no "by" agent ("was arrested") is
noisy on news copy, so it is off by default: turn it on with
``--set hedging.passive_voice=true``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

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
# A participle of inference opening a clause after a comma: the conclusion drawn from the clause
# before it ("The guests are back, suggesting a relaxation of border controls"), whose no one
# says unless a source of the statement is named.
_INFERRING = "suggesting|indicating|signaling|signalling|implying"
# What may stand before a main clause's subject: conjunctions, and phrases opened by these words
# and closed by a comma ("In his first reaction, during an interview, Mr. Trump …").
_BEFORE_SUBJECT = re.compile(
    r"[\"“”‘’' ]*(?:(?:and|but|so|still|yet)\s+|(?:after|although|amid|as|at|before|by|despite|"
    r"during|for|from|in|on|since|though|under|when|while|with|without)\b[^,]*,\s+)*",
    re.IGNORECASE,
)
# A subject that is someone (a personal pronoun), and the openings of one that is a thing
# (capitalised only because it opens the sentence: "This year", "The poll").
_SOMEONE = re.compile(r"(?:he|she|they|we|i)\b", re.IGNORECASE)
_THING = re.compile(r"(?:a|an|the|this|that|these|those|it|its|there|such)\b", re.IGNORECASE)
_FIRST_WORD = re.compile(r"[\w.’'-]+")
# A word written capitalised after a lower-case word or a comma: a name wherever it stands.
_CAPITALISED_INSIDE = re.compile(r"(?<=[a-z,;] )[A-Z][\w.’'-]*")
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
    "unsourced-inference": (
        rf"\b(?<=, )(?:{_INFERRING})\b",
        "“{words}” draws a conclusion without saying whose it is; name who draws it.",
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
        "unsourced-inference": "“…, suggesting”, “…, indicating”: a conclusion drawn from "
        "the clause before, with no one named as drawing it.",
        "passive-no-agent": "A passive with no agent (info; with passive_voice).",
    },
    # A hedge shows the statement is a claim: a note calling it scene-setting would contradict it.
    # And "critics say" names the one weakness the anonymous checker sees in "critics": an
    # unidentified source, which costs once.
    supersedes={
        **{
            code: ("unattributed/unattributed-statement",)
            for code in (
                "weasel-adverb",
                "agentless-attribution",
                "agentless-expectation",
                "hedge",
                "unsourced-inference",
            )
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
    for words in (_WEASEL_ADVERBS, _REPORTING_PARTICIPLES, _VAGUE_VERBS, _SEEMING, _INFERRING)
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


def _drawn_by_someone(inference: Span, statement: Statement, analysis: Analysis) -> bool:
    """Whether someone draws the conclusion at ``inference``: a source the analyzer gave the
    participle that holds a name, even one not resolved to it ("…, said former executive Carly
    Fiorina during the debate, suggesting …"), or the main clause's subject."""
    text = analysis.article.text
    return any(
        attribution.source is not None
        and attribution.cue is not None
        and inference.overlaps(attribution.cue)
        and _holds_a_name(attribution.source.text, text)
        for attribution in analysis.attributions_for(statement)
    ) or _opens_with_someone(text[statement.start : inference.start], text)


def _opens_with_someone(clause: str, article_text: str) -> bool:
    """Whether the main clause of ``clause`` opens with someone who may draw a conclusion: a
    personal pronoun, or a name ("Mrs. Clinton", "Trump": a word the article writes capitalised
    inside a sentence too, unlike "Prices" or "Foreign"), past any fronted phrases ("Before the
    attacks, Trump took …") and a leading conjunction.

    The participle's subject is the main clause's: in "Trump took a hands-off approach,
    suggesting the U.S. outsource the fight" Trump suggests; in "This year marks the return of
    foreign guests, suggesting a relaxation of border controls" the writer concludes.
    """
    fronted = _BEFORE_SUBJECT.match(clause)
    subject = clause[fronted.end() :] if fronted else clause
    if _SOMEONE.match(subject):
        return True
    first = _FIRST_WORD.match(subject)
    return (
        first is not None
        and first.group()[:1].isupper()
        and not _THING.match(subject)
        and first.group() in _names_written_in(article_text)
    )


def _holds_a_name(mention: str, article_text: str) -> bool:
    """Whether a source's words hold a personal pronoun or a name (see _opens_with_someone)."""
    names = _names_written_in(article_text)
    return any(_SOMEONE.fullmatch(word) or word in names for word in _FIRST_WORD.findall(mention))


@lru_cache(maxsize=8)
def _names_written_in(article_text: str) -> frozenset[str]:
    """The words the article writes capitalised inside a sentence, found once per article (the
    hook runs per statement)."""
    return frozenset(_CAPITALISED_INSIDE.findall(article_text))


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
            someones = any(not span.overlaps(mention) for mention in named) or (
                code == "unsourced-inference" and _drawn_by_someone(span, statement, analysis)
            )
            severity: Severity = "info" if someones else "warning"
            findings.append(
                CHECKER.finding(code, message.format(words=span.text), severity, span, statement)
            )
    return findings
