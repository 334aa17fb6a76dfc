from __future__ import annotations

import pytest
from sayso.analysis.analyzers import get_analyzer
from sayso.analysis.offline import OfflineAnalyzer
from sayso.lexicon import Lexicon
from sayso.model import Analysis, Article, Attribution


def _analyse(text: str, lexicon: Lexicon | None = None) -> Analysis:
    return OfflineAnalyzer().analyze([Article(text)], lexicon or Lexicon.default())[0]


def _only(text: str) -> Attribution:
    attributions = _analyse(text).attributions
    assert len(attributions) == 1, attributions
    return attributions[0]


def _parts(attribution: Attribution) -> tuple[str | None, str | None, list[str], str]:
    return (
        attribution.source.text if attribution.source else None,
        attribution.cue.text if attribution.cue else None,
        [c.text for c in attribution.content],
        attribution.form,
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "The talks will resume next week, the foreign ministry said.",
            ("the foreign ministry", "said", ["The talks will resume next week"], "indirect"),
        ),
        (
            "Secretary of State Antony Blinken said that the talks would resume.",
            (
                "Secretary of State Antony Blinken",
                "said",
                ["that the talks would resume"],
                "indirect",
            ),
        ),
        (
            "“We are not going anywhere,” said Ned Price, a State Department spokesman.",
            (
                "Ned Price, a State Department spokesman",
                "said",
                ["“We are not going anywhere,”"],
                "direct",
            ),
        ),
        (
            "The meeting “is an important opportunity,” KCNA said.",
            ("KCNA", "said", ["The meeting “is an important opportunity,”"], "mixed"),
        ),
        (
            "According to the agency, the interview took place in a cordial atmosphere.",
            (
                "the agency",
                "According to",
                ["the interview took place in a cordial atmosphere"],
                "according_to",
            ),
        ),
        (
            "The leader supports the invasion, according to Washington.",
            ("Washington", "according to", ["The leader supports the invasion"], "according_to"),
        ),
        (
            "Satellite images indicate that a parade is being prepared.",
            ("Satellite images", "indicate", ["that a parade is being prepared"], "evidence"),
        ),
        (
            "Two diplomats who asked not to be named told Reuters that the deal was close.",
            (
                "Two diplomats who asked not to be named",
                "told",
                ["that the deal was close"],
                "indirect",
            ),
        ),
        (
            "He figures that a second guest-hosting gig was an adequate reward.",
            (
                "He",
                "figures",
                ["that a second guest-hosting gig was an adequate reward"],
                "indirect",
            ),
        ),
        (
            "State media, however, had not confirmed plans for a parade.",
            ("State media", "had not confirmed", ["plans for a parade"], "indirect"),
        ),
    ],
)
def test_attribution_shapes(text: str, expected: tuple[object, ...]) -> None:
    assert _parts(_only(text)) == expected


@pytest.mark.parametrize(
    "cue",
    [
        "told",
        "added",
        "announced",
        "reported",
        "disclosed",
        "revealed",
        "stated",
        "claimed",
        "denied",
        "insisted",
        "warned",
        "confirmed",
    ],
)
def test_cue_verbs_from_the_lexicon(cue: str) -> None:
    attribution = _only(f"A source familiar with the matter {cue} that the plan had changed.")
    assert attribution.cue is not None and attribution.cue.text == cue
    assert (
        attribution.source is not None
        and attribution.source.text == "A source familiar with the matter"
    )


def test_users_extend_cue_verbs() -> None:
    text = "The minister opined that taxes were too high."
    assert _analyse(text).attributions == []
    lexicon = Lexicon.default()
    lexicon.add_cue_verbs("opine")
    assert _analyse(text, lexicon).attributions[0].cue.text == "opined"  # type: ignore[union-attr]


def test_quote_over_sentences_and_paragraphs() -> None:
    text = (
        "“Before long, we’ll run out of personnel to cover the region,” said Mr. Dunlap. "
        "“I warned them years ago.\n"
        "“It’s irresponsible.”\n"
        "The council meets on Monday."
    )
    attribution = _only(text)
    assert [c.text for c in attribution.content] == [
        "“Before long, we’ll run out of personnel to cover the region,”",
        "“I warned them years ago.",
        "“It’s irresponsible.”",
    ]
    assert attribution.statements == [0, 1, 2]


def test_quote_followed_by_a_name_line() -> None:
    text = "However, he spoke.\n“Mr. Putin knows he has problems.”\nJohn Kirby\nThe war goes on."
    attribution = _only(text)
    assert _parts(attribution) == (
        "John Kirby",
        None,
        ["“Mr. Putin knows he has problems.”"],
        "direct",
    )


def test_interrupted_quote_is_one_attribution() -> None:
    text = "“I haven’t heard anything,” she said, “but that doesn’t mean it isn’t true.”"
    assert [c.text for c in _only(text).content] == [
        "“I haven’t heard anything,”",
        "“but that doesn’t mean it isn’t true.”",
    ]


@pytest.mark.parametrize(
    "text",
    [
        "This year marks the return of foreign guests, suggesting a relaxation of controls.",
        "North Korean authorities are expected to hold a large military parade.",
        "Kim took Shoigu to see the national plans for the state.",
        "It was a friendly visit by the news agency staff.",
    ],
)
def test_no_attribution(text: str) -> None:
    assert _analyse(text).attributions == []


def test_nested_attribution_is_not_reported() -> None:
    attribution = _only("Reardon said Lamport claimed that wages were too high.")
    assert attribution.cue is not None and attribution.cue.text == "said"


@pytest.mark.parametrize(
    "text",
    [
        "",
        " ",
        "\n\n\n",
        "“",
        "”,” said.",
        "said",
        "according to",
        "“a” b “c",
        "\u202e\u0301ñ said x.",
        "a\x00b",
    ],
)
def test_never_raises_and_spans_match(text: str) -> None:
    analysis = _analyse(text)
    spans = [s.span for s in analysis.statements] + [e.span for e in analysis.entities]
    for attribution in analysis.attributions:
        spans += [s for s in (attribution.source, attribution.cue) if s] + attribution.content
    for span in spans:
        assert text[span.start : span.end] == span.text


def test_entities_are_name_sequences() -> None:
    analysis = _analyse("John Kirby met Russian President Vladimir Putin in Moscow.")
    assert [e.span.text for e in analysis.entities] == [
        "John Kirby",
        "Russian President Vladimir Putin",
        "Moscow",
    ]


def test_registry_builds_the_offline_analyzer() -> None:
    assert get_analyzer("offline").name == "offline"
