"""Unattributed claims: statements asserting something that no attribution carries.

A statement no attribution carries is a warning when it is a claim that needs a source
(:func:`needs_source`: decided by a model trained on PolNeAR, see
:mod:`sayso.analysis.needs_source`), naming what makes it check-worthy when it can (numbers,
allegations, assessments, predictions, causes). Questions, fragments and quoted words are not
claims. The rest — scene-setting ("The meeting took place in Pyongyang."), reports of what
someone said or did whose cue the analyzer missed, sources that declined to comment — are listed
with ``report_scene_setting`` as info that costs no points, so an editor can still scan them.

Dates are not numbers here: years, days of the month and the "19" of "COVID-19" don't make a
sentence a statistic.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from sayso import hookimpl
from sayso.analysis.caseless import CaselessPattern, lowered, union_at_word_starts
from sayso.analysis.needs_source import (
    NeedsSourceModel,
    context,
    declined_by,
    shipped_model,
    vouched_for,
    vouches,
)
from sayso.model import Analysis, Attribution, Checker, Finding, Settings, Statement

HEDGING_CODES = (
    "hedging/weasel-adverb",
    "hedging/agentless-attribution",
    "hedging/vague-attribution",
    "hedging/agentless-expectation",
    "hedging/hedge",
    "hedging/unsourced-inference",
)
CHECKER = Checker(
    id="unattributed",
    description="Claims that no attribution carries; claims that need a source are warnings.",
    options={"report_scene_setting": True},
    codes={
        "unattributed-claim": "A claim that needs a source (an assertion about events, numbers, "
        "intentions, evaluations, predictions) that no attribution carries.",
        "unattributed-statement": "A statement no attribution carries that needs no source: "
        "scene-setting, a report of what someone said or did, a source that declined to "
        "comment (info, costs no points; with report_scene_setting).",
    },
    # A hedge in an unsourced claim is the same missing source: one deduction.
    supersedes={"unattributed-claim": HEDGING_CODES},
)
MIN_CLAIM_WORDS = 4
# Scene-setting is short: a longer sentence says more than who met or went where.
SCENE_MAX_WORDS = 12
# Statements that set the scene: who met or went where, when something was held, what a name
# stands for.
_SCENE_SETTING = re.compile(
    r"\b(?:met|meets|visited|visits|arrived|arrives|took place|takes place|was held|were held|"
    r"is held|attended|attends|stands for|is located|was born|traveled|travelled|gathered|"
    r"led the|headed by|invited)\b",
    re.IGNORECASE,
)
CHECKER_ID = CHECKER.id

_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
    r"Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_YEAR = re.compile(r"(?:1[89]\d\d|20\d\d)s?")
_MONTH_BEFORE = re.compile(rf"\b{_MONTH} $", re.IGNORECASE)
_MONTH_AFTER = re.compile(rf"^ (?:of )?{_MONTH}", re.IGNORECASE)
# Digits not within a word: the lookbehind follows the first digit rather than preceding it, which
# says the same and lets re skip ahead to digits.
_DIGITS = re.compile(r"\d(?<![\w-]\d)(?:[\d,.]*\d)?(?:\s?%)?(?![\w-])")
_QUANTITY_WORDS = ("hundreds", "thousands", "millions", "billions", "dozens", "percent", "per cent")
_QUANTITY = rf"\b(?:{'|'.join(_QUANTITY_WORDS)})\b"
_NUMBER = CaselessPattern(f"{_DIGITS.pattern}|{_QUANTITY}")
CHECK_WORTHY_PATTERNS = {
    "an allegation": r"\b(?:accus\w*|alleg\w*|suppl(?:y|ying|ied|ies)|providing|killed|"
    r"attack\w*|violat\w*|illegal\w*|crim\w*|fraud\w*|corrupt\w*|lie[sd]?|blam\w*|denied|"
    r"invade[sd]?|invasion)\b",
    "an assessment": r"\b(?:largest|biggest|most|least|only|never|important|significant|"
    r"clear(?:ly)?|historic|unprecedented|few|many|newest|major|key|main|best|worst|"
    r"successful|failed|failure)\b",
    "a prediction": r"\b(?:will|would|expected to|set to|plans? to|preparing|likely|could|"
    r"(?-i:may)|might|aims? to)\b",
    "a causal claim": r"\b(?:because|due to|caused?|led to|leading to|linked to|"
    r"result(?:ed|s)? in|suggesting|in order to|so that|therefore|thanks to)\b",
}
_CHECK_WORTHY = {
    reason: re.compile(pattern, re.IGNORECASE) for reason, pattern in CHECK_WORTHY_PATTERNS.items()
}
_ANY_CHECK_WORTHY = CaselessPattern(union_at_word_starts(CHECK_WORTHY_PATTERNS.values()))


def check_worthy_reasons(text: str) -> list[tuple[str, str]]:
    """What makes a sentence worth checking, with the words that show it.

    >>> check_worthy_reasons("Officials expect 2,000 guests in July 2023.")
    [('a number', '2,000')]
    """
    lowered_text = lowered(text)
    number = _first_quantity(text, lowered_text)
    reasons = [("a number", number)] if number is not None else []
    # Each pattern first matches where one of them may: trying them only there takes one pass over
    # the text instead of one for each, and none for the many claims with no check-worthy words.
    found: dict[str, str] = {}
    for start in _ANY_CHECK_WORTHY.starts(text, lowered_text):
        for reason, pattern in _CHECK_WORTHY.items():
            if reason not in found and (match := pattern.match(text, start)):
                found[reason] = match.group()
        if len(found) == len(_CHECK_WORTHY):
            break
    return reasons + [(reason, found[reason]) for reason in _CHECK_WORTHY if reason in found]


def _first_quantity(text: str, lowered_text: str | None) -> str | None:
    """The first number in the text that is not a date."""
    if lowered_text is None or any(word in lowered_text for word in _QUANTITY_WORDS):
        spans = _NUMBER.spans(text, lowered_text)
    else:
        # Then only digits can be a number; digits have no case.
        spans = (match.span() for match in _DIGITS.finditer(text))
    for start, end in spans:
        if not _is_date(text, start, end):
            return text[start:end]
    return None


def _is_date(text: str, start: int, end: int) -> bool:
    return bool(
        _YEAR.fullmatch(text[start:end])
        # A match ends at ``start``, or before a newline just before it, and is at most 11
        # characters long ("September. "): none starts before the 12 characters searched.
        or _MONTH_BEFORE.search(text, max(0, start - 12), start)
        or _MONTH_AFTER.match(text[end:])
    )


@hookimpl
def register_checkers(register: Callable[[Checker], None]) -> None:
    register(CHECKER)


@hookimpl
def check_statement(statement: Statement, analysis: Analysis, settings: Settings) -> list[Finding]:
    if not statement.is_claim:
        return []
    if vouched_for(statement, analysis):
        return []
    carried = analysis.attributions_for(statement)
    declined = declined_by(statement, analysis)
    if declined is not None and declined.cue is not None:
        kind, words = "declined", declined.cue.text
    else:
        kind, words = needs_source(statement, analysis)
    if kind == "not-a-claim":
        return []
    if kind == "claim":
        reasons = check_worthy_reasons(statement.text)
        described = [f"{reason} (“{found}”)" for reason, found in reasons]
        message = "No source is given for this claim" + (
            f", which contains {_join(described)}." if described else "."
        )
        if carried and carried[0].cue is not None:
            who, cue = _who(carried[0]), carried[0].cue.text
            if vouches(carried[0]):
                # Someone is given as saying a part of it (:func:`vouched_for`).
                message += f" Only part of it rests on {who} (“{cue}”); the rest has no source."
            else:
                # It reports what someone thinks, wants or did: on whose say-so?
                message += f" It says what {who} {cue}; nobody is given as saying so."
        return [
            CHECKER.finding("unattributed-claim", message, span=statement.span, statement=statement)
        ]
    # A statement carried by what someone thinks or did needs no note when it needs no source.
    if carried or not settings.option(CHECKER_ID, "report_scene_setting"):
        return []
    if kind == "reported" and not words:
        # No cue word to name: background ("the two Koreas are still officially at war") reads
        # to the model as a report does.
        kind = "background"
    return [
        CHECKER.finding(
            "unattributed-statement",
            _NO_SOURCE_NEEDED[kind].format(words=words),
            "info",
            span=statement.span,
            statement=statement,
            penalty=0.0,
        )
    ]


_NO_SOURCE_NEEDED = {
    "declined": "This names a source that did not vouch for anything (“{words}”); nothing here "
    "rests on it.",
    "reported": "No source is given, but this reads as a report of what someone said, did or "
    "thinks (“{words}”): the one reported on is the source.",
    "background": "No source is given; this reads as background or as a report of what someone "
    "said, did or thinks, not as a claim that needs a source.",
    "scene-setting": "No source is given; fine for scene-setting, not for a claim.",
}


def needs_source(
    statement: Statement, analysis: Analysis, model: NeedsSourceModel | None = None
) -> tuple[str, str]:
    """Whether an unattributed statement is a claim that needs a source, and why not if not.

    Returns a kind and the words that show it:

    - ``not-a-claim``: a question, a fragment of fewer than ``MIN_CLAIM_WORDS`` words, or
      quoted words (whose speaker the ``quotes`` checker asks for);
    - ``reported``: it reports what someone said, thinks or did, by a cue the analyzer did not
      read ("Scholars have long debated …"), as :mod:`sayso.analysis.needs_source`'s model,
      trained on PolNeAR, tells;
    - ``scene-setting``: at most ``SCENE_MAX_WORDS`` words, nothing check-worthy, and words of
      time, place or background ("The delegation arrived on Wednesday.");
    - ``claim``: anything else: an assertion a journalist would attribute.

    ``model`` is the shipped one unless given (training tries others).
    """
    text = statement.text.strip()
    if text.endswith("?") or len(text.split()) < MIN_CLAIM_WORDS:
        return "not-a-claim", ""
    if statement.quoted:
        return "not-a-claim", ""
    model = model or shipped_model(analysis.analyzer)
    if not model.needs_source(text, context(statement, analysis)):
        return "reported", model.strongest_reported_word(text) or ""
    if (
        len(text.split()) <= SCENE_MAX_WORDS
        and not check_worthy_reasons(text)
        and _SCENE_SETTING.search(text)
    ):
        return "scene-setting", ""
    return "claim", ""


def _who(attribution: Attribution) -> str:
    return attribution.source.text if attribution.source is not None else "someone"


def _join(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]
