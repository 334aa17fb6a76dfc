"""Which unattributed statements need a source: two small logistic models over a statement's words.

An analyzer finds most attributions but not all: PolNeAR's annotators mark "Trump likened the
refugees to a vicious snake", "Scholars have long debated…", "By Trump's own admission…" as
attributions, and no rule list covers every such cue. A statement no attribution carries is
therefore either a claim the article makes on its own say-so (it needs a source) or a report of
what someone said, thinks or did whose cue the analyzer missed (the one reported on is the
source).

The models tell the two apart from the statement's text and place, so they work after any
analyzer. They were trained
(:func:`sayso.evaluation.needs_source_training.train_needs_source`) on PolNeAR's train split,
each against the same "reported" examples, statements the annotators attributed but the
analyzer left unattributed:

- the claim model, on statements outside every gold attribution and on cut contents: the
  contents of gold ``SOURCE said CONTENT`` attributions with their source and cue cut out, what
  someone was given as saying, now on nobody's say-so;
- the cut model, on cut contents alone (rare beside the claims, they read like reports).

A statement needs a source when either model says so (:class:`NeedsSourceModel`).

Features: each word; each word of the main clause's first ``OPENING_WORDS`` words (where the
subject and its verb are); the first word; first-person words; quote marks (not apostrophes),
and for a model trained ``short_quotes``, short quotations apart from longer ones; the length;
and how often PolNeAR's annotators mark the statement's most cue-like word as a cue
(:mod:`.cue_words`). Weights live in ``needs_source.json`` beside this module (trained on the
default analyzer's output, the tagger's), and ``needs_source_offline.json`` (the rule
analyzer's), each with the counts and settings it was trained with.
"""

from __future__ import annotations

import json
import math
import random
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache, lru_cache
from itertools import repeat
from pathlib import Path

from ..lexicon import SPEECH_VERBS, verb_forms
from ..model import Analysis, Attribution, Span, Statement
from .cue_words import LEARNED_CUE_WORDS

WEIGHTS_PATH = Path(__file__).with_name("needs_source.json")
# How much of a statement an attribution must reach to vouch for all of it. Chosen on PolNeAR
# train's cross-fitted statements (0.4 to 0.95 tried; see docs/flags.md, "What changed, in
# the order a check runs it").
VOUCHED_SHARE = 0.5
# Where the reason for not answering begins: a claim of its own.
_REASON = re.compile(r",?\s+because\b", re.IGNORECASE)
OPENING_WORDS = 10
# The SGD step, chosen on PolNeAR train's out-of-fold figures (docs/flags.md, "What changed,
# in the order a check runs it"): bigger steps fit single training sentences.
LEARNING_RATE = 0.03
_WORD = re.compile(r"\w+(?:[’'-]\w+)*")
_CLAUSE_END = re.compile(r"[,;:—–(]|\b(?:that|which|who|whom|because|when|while|after|if)\b")
_FIRST_PERSON = frozenset(
    {
        "i",
        "i'm",
        "i’m",
        "i've",
        "i’ve",
        "i'd",
        "i’d",
        "i'll",
        "i’ll",
        "me",
        "my",
        "mine",
        "we",
        "we're",
        "we’re",
        "we've",
        "we’ve",
        "our",
        "ours",
        "us",
    }
)
_QUOTE_MARKS = '“”"«»‘’'
_QUOTE_MARK_SET = frozenset(_QUOTE_MARKS)
_QUOTE_MARK_SPLIT = re.compile(f"[{_QUOTE_MARKS}]")
# A quotation this short is a name, a title or a scare quote ("the “Grand Fatherland Liberation
# War”", "calls Obamacare ‘crazy’"), not a speaker's words: it does not make a statement read
# as quoted speech (docs/flags.md, "Session 16").
SHORT_QUOTE_WORDS = 4
# An apostrophe between letters ("leader’s", "don’t") is no quote mark, though it is written
# as one.
_APOSTROPHE = re.compile(r"(?<=\w)[’'](?=\w)")
# Words of a cue that say someone said it: forms of the speech verbs, "talk", "speak".
_SAYING = frozenset(
    form for verb in (*SPEECH_VERBS, "talk", "speak") for form in verb_forms(verb)
) | {"according"}
# Words that may come before the verb of saying in a cue of a speech made: auxiliaries,
# negations and adverbs ("has said", "did not say", "also told", "earlier announced").
_BEFORE_SAYING_WORDS = (
    "has have had is was were are be been being do does did not never also still just already "
    "earlier later again then first once often long now ever further"
)
_BEFORE_SAYING = frozenset(_BEFORE_SAYING_WORDS.split())
_CUE_SHARE = {word: in_cue / seen for word, in_cue, seen in LEARNED_CUE_WORDS}


def vouches(attribution: Attribution) -> bool:
    """Whether someone is given as saying the content: a quotation, "according to", a document
    or a transcript label, or a cue whose verb is a verb of saying a speech made ("said", "has
    told", "talked about").

    The rest ("Obama hopes …", "She plans to …", "Trump cited …") report what a source thinks,
    wants or did: the article asserts that on its own say-so unless someone said it. So does a
    speech still to come ("will announce", "plans to announce") and a word of saying that is
    not the cue's verb ("raised more troubling questions", "His financial disclosure report").
    """
    # Several checkers and the analysis steps ask this of every attribution: the answer
    # depends on the form and the cue's words alone, worked out once for each pair.
    cue = attribution.cue
    return _vouches(attribution.form, None if cue is None else cue.text)


@lru_cache(maxsize=65_536)
def _vouches(form: str, cue: str | None) -> bool:
    if not _names_saying(form, cue):
        return False
    if form != "indirect" or cue is None:
        return True
    for word in _WORD.findall(cue.lower()):
        if word in _SAYING:
            return True
        if not (word in _BEFORE_SAYING or word.endswith(("ly", "n't", "n’t"))):
            return False
    # No word at all: the colon of a speaker's label ("PENCE: …").
    return True


def names_saying(attribution: Attribution) -> bool:
    """Whether the attribution is a quotation, a document or a label, or its cue holds a word of
    saying wherever it stands ("would not say", "will announce")."""
    cue = attribution.cue
    return _names_saying(attribution.form, None if cue is None else cue.text)


@lru_cache(maxsize=65_536)
def _names_saying(form: str, cue: str | None) -> bool:
    if form != "indirect" or cue is None:
        return True
    words = _WORD.findall(cue.lower())
    return not words or any(word in _SAYING for word in words)


def vouched_for(statement: Statement, analysis: Analysis) -> bool:
    """Whether an attribution carrying the statement vouches for it (:func:`vouches`), or rests
    it on an unnamed source ("is believed to"), whose weakness the ``anonymous`` checker names:
    one weakness, one deduction; and reaches over most of it (:func:`reach`).

    An attribution vouches only for what it reaches: in "The candidate was headed to the venue
    to give interviews when campus security located her and told her to leave", security is
    given as saying "to leave", and the rest is the article's own say-so.
    """
    for attribution in analysis.attributions_for(statement):
        source = analysis.source_of(attribution)
        if (vouches(attribution) or (source is not None and source.type == "anonymous")) and reach(
            attribution, statement
        ) >= VOUCHED_SHARE:
            return True
    return False


def declined_by(statement: Statement, analysis: Analysis) -> Attribution | None:
    """The source named as not speaking ("declined to comment") that stands for the statement,
    when no attribution carries it: a non-attribution, over most of it (:func:`reach`).

    It excuses only what it reaches, as an attribution vouches only for what it reaches: in "He
    has different questions for Pagliano than the ones he refused to answer", the questions are
    the article's own say-so. Without a content (as the rules find "X declined to comment"),
    what was not said about runs from the source to the end of the statement. Neither reaches
    past "because": the reason given for not answering is a claim of its own ("He could not
    answer the questions because Republicans had only asked for the information on Monday").
    """
    if analysis.attributions_for(statement):
        return None
    reason = _REASON.search(statement.text)
    end = statement.end if reason is None else statement.start + reason.start()
    for declined in analysis.non_attributions_for(statement):
        if declined.cue is None:
            continue
        if declined.content:
            spans = (declined.source, declined.cue, *declined.content)
            covered = _covered(spans, statement.start, end)
        else:
            opening = declined.cue.start if declined.source is None else declined.source.start
            covered = end - max(opening, statement.start)
        if covered >= VOUCHED_SHARE * len(statement.text):
            return declined
    return None


def reach(attribution: Attribution, statement: Statement) -> float:
    """The share of the statement's characters inside the attribution's source, cue and
    content."""
    spans = (attribution.source, attribution.cue, *attribution.content)
    length = statement.end - statement.start
    return _covered(spans, statement.start, statement.end) / length if length else 1.0


def _covered(spans: Iterable[Span | None], start: int, end: int) -> int:
    """How many characters from ``start`` to ``end`` the spans cover."""
    clipped = sorted(
        (max(span.start, start), min(span.end, end)) for span in spans if span is not None
    )
    covered = 0
    reached = start
    for clipped_start, clipped_end in clipped:
        clipped_start = max(clipped_start, reached)
        if clipped_end > clipped_start:
            covered += clipped_end - clipped_start
            reached = clipped_end
    return covered


def context(statement: Statement, analysis: Analysis) -> tuple[str, ...]:
    """Where the statement stands: first of its paragraph or not, after an attributed one or not;
    and, when attributions that do not vouch for it carry it (:func:`vouches`), their cue words
    and whether they reach over less than half of it (:func:`reach`)."""
    index = statement.index
    previous = analysis.statements[index - 1] if index > 0 else None
    found = []
    if previous is None or previous.paragraph != statement.paragraph:
        found.append("opens-paragraph")
    if previous is not None and analysis.attributions_for(previous):
        found.append("after-attributed")
    carried = analysis.attributions_for(statement)
    if carried:
        found.append("carried")
        if max(reach(attribution, statement) for attribution in carried) < VOUCHED_SHARE:
            # What someone thinks or did is reported over less than half of it: the rest is
            # the article's own say-so ("Though the talks failed in March, she still hopes for
            # a deal").
            found.append("part-carried")
        found.extend(
            f"cue={word}"
            for attribution in carried
            if attribution.cue is not None
            for word in _WORD.findall(attribution.cue.text.lower())
        )
    return tuple(found)


def features(text: str, where: tuple[str, ...] = (), short_quotes: bool = False) -> list[str]:
    """The features of one statement (see the module docs), each once; with ``short_quotes``,
    a quotation of at most ``SHORT_QUOTE_WORDS`` words is ``short-quote``, not ``quote-mark``."""
    stripped = text.strip()
    lowered = stripped.lower()
    words = _WORD.findall(lowered)
    opening = _WORD.findall(_CLAUSE_END.split(lowered, 1)[0])[:OPENING_WORDS]
    # Every word of every statement checked passes here: strings are joined and words looked up
    # in C-level maps, not generators.
    found = {"bias", *where, *map("w=".__add__, words), *map("m=".__add__, opening)}
    if words:
        found.add("first=" + words[0])
    if not _FIRST_PERSON.isdisjoint(words):
        found.add("first-person")
    if not _QUOTE_MARK_SET.isdisjoint(stripped):
        quotation = _quotation_kind(_APOSTROPHE.sub("", stripped), short_quotes)
        if quotation is not None:
            found.add(quotation)
    if stripped[:1] in _QUOTE_MARKS:
        found.add("opens-with-quote")
    found.add(f"length={_bucket(len(words), (8, 15, 25, 40))}")
    opening_share = max(map(_CUE_SHARE.get, opening, repeat(0.0)), default=0.0)
    any_share = max(map(_CUE_SHARE.get, words, repeat(0.0)), default=0.0)
    found.add(f"opening-cue={_bucket(round(opening_share * 10), (2, 4, 6, 8))}")
    found.add(f"any-cue={_bucket(round(any_share * 10), (2, 4, 6, 8))}")
    return sorted(found)


def _quotation_kind(text: str, short_quotes: bool) -> str | None:
    """None with no quote mark in ``text`` (apostrophes taken out); with ``short_quotes``,
    ``short-quote`` when every quotation is of at most ``SHORT_QUOTE_WORDS`` words; else
    ``quote-mark``."""
    pieces = _QUOTE_MARK_SPLIT.split(text)
    if len(pieces) == 1:
        return None
    if not short_quotes or len(pieces) % 2 == 0:
        # A quote mark left open begins a quotation that goes on past the statement.
        return "quote-mark"
    if all(len(_WORD.findall(quoted)) <= SHORT_QUOTE_WORDS for quoted in pieces[1::2]):
        return "short-quote"
    return "quote-mark"


def _bucket(value: int, limits: tuple[int, ...]) -> str:
    for limit in limits:
        if value <= limit:
            return f"<={limit}"
    return f">{limits[-1]}"


@dataclass
class NeedsSourceModel:
    """How likely an unattributed statement is to need a source: two logistic models over the
    same features, each against reports of what someone said, thinks or did.

    ``weights`` tells a statement that needs a source (a claim the article makes on its own
    say-so, outside every gold attribution, or a cut content); ``cut_weights``, when there are
    any, tells what someone was given as saying with the speaker cut out (the strip benchmark's
    cut contents, which read like the contents of attributions and so are rare and drowned
    among the claims in the first model). A statement needs a source when either model's
    probability reaches its threshold.
    """

    weights: dict[str, float]
    threshold: float = 0.5
    trained: dict[str, object] = field(default_factory=dict)
    cut_weights: dict[str, float] | None = None
    cut_threshold: float = 0.5
    short_quotes: bool = False

    def probability(self, text: str, where: tuple[str, ...] = ()) -> float:
        """The claim model's probability."""
        return _logistic(self.weights, features(text, where, self.short_quotes))

    def probabilities(self, text: str, where: tuple[str, ...] = ()) -> tuple[float, float]:
        """The claim model's and the cut model's probabilities (0 with no cut model)."""
        found = features(text, where, self.short_quotes)
        cut = 0.0 if self.cut_weights is None else _logistic(self.cut_weights, found)
        return _logistic(self.weights, found), cut

    def needs_source(self, text: str, where: tuple[str, ...] = ()) -> bool:
        claim, cut = self.probabilities(text, where)
        return claim >= self.threshold or (
            self.cut_weights is not None and cut >= self.cut_threshold
        )

    def strongest_reported_word(self, text: str) -> str | None:
        """The cue word in ``text`` that most says "reported" (the lowest weight of its word
        features), if any, as written.

        Only words PolNeAR's annotators mark as part of a cue count (:mod:`.cue_words`): the
        weight of "to", "that" or "still" tells an editor nothing about who is reported.
        """
        scored = []
        for word in _WORD.findall(text):
            lowered_word = word.lower()
            if lowered_word not in _CUE_SHARE:
                continue
            weight = self.weights.get(f"m={lowered_word}", 0.0) + self.weights.get(
                f"w={lowered_word}", 0.0
            )
            if weight < 0:
                scored.append((weight, word))
        return min(scored)[1] if scored else None

    def to_json(self) -> str:
        document: dict[str, object] = {
            "threshold": self.threshold,
            "short_quotes": self.short_quotes,
            "trained": self.trained,
            "weights": _rounded(self.weights),
        }
        if self.cut_weights is not None:
            document["cut_threshold"] = self.cut_threshold
            document["cut_weights"] = _rounded(self.cut_weights)
        return json.dumps(document, indent=0, ensure_ascii=False) + "\n"

    @classmethod
    def from_json(cls, text: str) -> NeedsSourceModel:
        document = json.loads(text)
        return cls(
            document["weights"],
            document["threshold"],
            document.get("trained", {}),
            document.get("cut_weights"),
            document.get("cut_threshold", 0.5),
            document.get("short_quotes", False),
        )


def _logistic(weights: dict[str, float], found: list[str]) -> float:
    score = sum(map(weights.get, found, repeat(0.0)))
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, score))))


def _rounded(weights: dict[str, float]) -> dict[str, float]:
    return {key: round(value, 4) for key, value in sorted(weights.items())}


@cache
def shipped_model(analyzer: str | None = None) -> NeedsSourceModel:
    """The model trained on PolNeAR train for ``analyzer``'s output that ships with sayso, read
    once: ``needs_source_NAME.json`` where there is one (the rule analyzer's), else the default
    analyzer's (``needs_source.json``, the tagger's)."""
    own = WEIGHTS_PATH.with_name(f"needs_source_{analyzer}.json") if analyzer else None
    path = own if own is not None and own.is_file() else WEIGHTS_PATH
    return NeedsSourceModel.from_json(path.read_text(encoding="utf-8"))


def model_path(analyzer: str) -> Path:
    """Where the model trained for ``analyzer`` ships (the tagger's is the default one)."""
    return (
        WEIGHTS_PATH
        if analyzer == "tagger"
        else WEIGHTS_PATH.with_name(f"needs_source_{analyzer}.json")
    )


def train(
    examples: Iterable[tuple[str, tuple[str, ...], bool]],
    epochs: int = 10,
    rate: float = LEARNING_RATE,
    l2: float = 1e-5,
    min_count: int = 3,
    seed: int = 0,
    short_quotes: bool = False,
) -> dict[str, float]:
    """Fit weights by stochastic gradient descent on ``(text, needs a source)`` examples.

    Features seen in fewer than ``min_count`` examples are left out (they would only learn the
    training texts by heart); examples are weighted so both classes count alike. Seeded, so the
    same examples give the same weights.
    """
    featured = [(features(text, where, short_quotes), label) for text, where, label in examples]
    counts: dict[str, int] = {}
    for found, _ in featured:
        for feature in found:
            counts[feature] = counts.get(feature, 0) + 1
    kept = [([f for f in found if counts[f] >= min_count], label) for found, label in featured]
    positives = sum(1 for _, label in kept if label)
    negatives = len(kept) - positives
    # Both classes count alike (a class with no example weighs nothing anyway).
    balance = {
        True: len(kept) / (2 * positives) if positives else 1.0,
        False: len(kept) / (2 * negatives) if negatives else 1.0,
    }
    weights: dict[str, float] = {}
    order = list(range(len(kept)))
    shuffler = random.Random(seed)
    for epoch in range(epochs):
        shuffler.shuffle(order)
        step = rate / (1 + epoch)
        for index in order:
            found, label = kept[index]
            score = sum(weights.get(feature, 0.0) for feature in found)
            predicted = 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, score))))
            gradient = (predicted - (1.0 if label else 0.0)) * balance[label]
            for feature in found:
                weight = weights.get(feature, 0.0)
                weights[feature] = weight - step * (gradient + l2 * weight)
    return {feature: weight for feature, weight in weights.items() if abs(weight) >= 0.01}
