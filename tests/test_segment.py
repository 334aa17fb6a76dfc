from __future__ import annotations

import pytest
from sayso.analysis.segment import classify_statement, link_statements, segment, split_sentences
from sayso.model import Attribution, Span


def _sentences(text: str) -> list[str]:
    return [span.text for span in split_sentences(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Mr. Kirby met Gen. Milley on Jan. 5 in Washington. They talked.",
            ["Mr. Kirby met Gen. Milley on Jan. 5 in Washington.", "They talked."],
        ),
        (
            "The U.S. Senate voted. He left the U.S. The vote was close.",
            ["The U.S. Senate voted.", "He left the U.S.", "The vote was close."],
        ),
        (
            "“We will win the war.” He said it twice. “Really?” she asked.",
            ["“We will win the war.”", "He said it twice.", "“Really?” she asked."],
        ),
        ("“It is over,” KCNA said. It was not.", ["“It is over,” KCNA said.", "It was not."]),
        (
            "Talks began in 2020. Thursday, July 27, Kim met Shoigu.",
            ["Talks began in 2020.", "Thursday, July 27, Kim met Shoigu."],
        ),
        ("J. R. Smith scored 20 points.", ["J. R. Smith scored 20 points."]),
    ],
)
def test_split_sentences(text: str, expected: list[str]) -> None:
    assert _sentences(text) == expected


def test_segment_kinds_and_offsets() -> None:
    text = (
        "U.S Says Putin Is Reaching Out For Support\n\n"
        "SEOUL, July 27 (Reuters) - Kim met Shoigu. Officials said talks went well.\n"
        "“Mr. Putin knows he has problems.”\n"
        "John Kirby\n"
        "By Jane Doe and John Roe\n"
        "Advertisement\n"
        "READ ALSO: Morality Is Not Subjective- CJ Torkonoo"
    )
    paragraphs, statements = segment(text)
    assert len(paragraphs) == 7
    assert [(s.kind, s.paragraph) for s in statements] == [
        ("headline", 0),
        ("dateline", 1),
        ("body", 1),
        ("body", 1),
        ("body", 2),
        ("byline", 3),
        ("byline", 4),
        ("boilerplate", 5),
        ("boilerplate", 6),
    ]
    assert statements[1].text == "SEOUL, July 27 (Reuters) -"
    for statement in statements:
        assert text[statement.start : statement.end] == statement.text


def test_long_line_without_final_stop_is_body() -> None:
    line = (
        "Some of the weapons in the images appeared to be intercontinental ballistic missiles that "
        "the North has flight-tested in recent years"
    )
    assert classify_statement(line, line) == "body"


@pytest.mark.parametrize(
    "text", ["", "   \n\n ", "“unbalanced", "\u200b\u2028x.\u0000", "...", "”"]
)
def test_segment_never_raises(text: str) -> None:
    paragraphs, statements = segment(text)
    for span in [*paragraphs, *(s.span for s in statements)]:
        assert text[span.start : span.end] == span.text


def test_link_statements_follows_content_over_sentences() -> None:
    text = "“We won. They lost,” she said. The end."
    _, statements = segment(text)
    attribution = Attribution(
        "direct", Span.of(text, 25, 29), Span.of(text, 21, 24), [Span.of(text, 0, 20)]
    )
    link_statements([attribution], statements)
    assert attribution.statements == [0, 1]


@pytest.mark.parametrize(
    "line",
    [
        "The Latest on the U.S. presidential race (all times EDT):",
        "Partial transcript as follows:",
        "Watch the full video of the senator's remarks below:",
        "Enter your email address:",
    ],
)
def test_a_line_announcing_what_follows_is_boilerplate(line: str) -> None:
    assert classify_statement(line, line) == "boilerplate"


@pytest.mark.parametrize(
    "line",
    [
        # A claim that introduces a quotation stays a claim.
        "During the primaries, the Times gave Clinton a glowing endorsement:",
        "The latest figures show a fall in crime.",
    ],
)
def test_a_claim_before_a_colon_is_body(line: str) -> None:
    assert classify_statement(line, line) == "body"
