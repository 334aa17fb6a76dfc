"""The parse-based extraction, run over hand-checked CoNLL-U fixtures (no models needed)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sayso.analysis.conllu import ConlluAnalyzer
from sayso.errors import InputError
from sayso.lexicon import Lexicon
from sayso.model import Analysis, Article

FIXTURES = Path(__file__).parent / "fixtures" / "conllu"
KCNA_TEXT = (
    "Kim meets Shoigu\n\n"
    "KCNA said the talks were productive. According to Washington, the drills will continue.\n\n"
    '"We will respond," the minister told reporters.\n'
)


def analyze(text: str, fixture: str) -> Analysis:
    article = Article(text=text, metadata={"conllu_path": str(FIXTURES / f"{fixture}.conllu")})
    return ConlluAnalyzer().analyze([article], Lexicon.default())[0]


def roles(analysis: Analysis) -> list[tuple[str, str | None, str | None, list[str]]]:
    return [
        (
            a.form,
            a.source.text if a.source else None,
            a.cue.text if a.cue else None,
            [c.text for c in a.content],
        )
        for a in analysis.attributions
    ]


@pytest.fixture(scope="module")
def kcna() -> Analysis:
    return analyze(KCNA_TEXT, "kcna")


def test_statements_cover_every_sentence_with_kinds(kcna: Analysis) -> None:
    assert [s.text for s in kcna.statements] == [
        "Kim meets Shoigu",
        "KCNA said the talks were productive.",
        "According to Washington, the drills will continue.",
        '"We will respond," the minister told reporters.',
    ]
    assert [s.kind for s in kcna.statements] == ["headline", "body", "body", "body"]
    assert [s.paragraph for s in kcna.statements] == [0, 1, 1, 2]


def test_indirect_according_to_and_direct_attributions(kcna: Analysis) -> None:
    assert roles(kcna) == [
        ("indirect", "KCNA", "said", ["the talks were productive"]),
        ("according_to", "Washington", "According to", ["the drills will continue"]),
        ("direct", "the minister", "told", ['"We will respond,"']),
    ]
    assert [a.statements for a in kcna.attributions] == [[1], [2], [3]]


def test_every_span_is_the_text_it_points_at(kcna: Analysis) -> None:
    text = kcna.article.text
    spans = [*kcna.paragraphs, *(s.span for s in kcna.statements), *(e.span for e in kcna.entities)]
    for a in kcna.attributions:
        spans += [s for s in (a.source, a.cue, *a.content) if s is not None]
    assert all(span.text == text[span.start : span.end] for span in spans)


def test_entities_come_from_ner_tags(kcna: Analysis) -> None:
    assert [(e.span.text, e.label) for e in kcna.entities] == [
        ("Kim", "PERSON"),
        ("Shoigu", "PERSON"),
        ("KCNA", "ORG"),
        ("Washington", "GPE"),
    ]


def test_missing_parse_is_an_input_error(tmp_path: Path) -> None:
    article = Article(text="x", metadata={"conllu_path": str(tmp_path / "none.conllu")})
    with pytest.raises(InputError, match="parse file not found"):
        ConlluAnalyzer().analyze([article], Lexicon.default())


RULES_TEXT = (
    "''We will stay,'' said Tom Burke. ''These cases take patience.''\n\n"
    "The mayor called for a recount.\n\n"
    "The governor said in a statement that the vote was fair.\n\n"
    "TRUMP: We will win.\n\n"
    "Ryan told reporters they are ready.\n"
)


def test_parse_rules_follow_polnear_conventions() -> None:
    assert roles(analyze(RULES_TEXT, "rules")) == [
        # '' quotes (NYT style), an inverted speaker parsed as object, and the continuation
        (
            "direct",
            "Tom Burke",
            "said",
            ["''We will stay,''", "''These cases take patience.''"],
        ),
        # a phrasal cue keeps its preposition; its object is the content
        ("indirect", "The mayor", "called for", ["a recount"]),
        # the medium named right after the verb belongs to the cue
        ("indirect", "The governor", "said in a statement", ["that the vote was fair"]),
        # a clause the parser hung on the recipient is still the content
        ("indirect", "Ryan", "told", ["they are ready"]),
        # a paragraph opening with a speaker and a colon
        ("direct", "TRUMP", ":", ["We will win."]),
    ]


TAGS_TEXT = (
    "The turnout was high, officials said.\n\n"
    "The turnout was high, said Jim Clyburn, a congressman.\n\n"
    "The turnout was high, officials said, and lines were long.\n\n"
    '"Victory or failure, that is not important," she said.\n'
)


def test_sentence_final_tags_survive_misparses() -> None:
    assert roles(analyze(TAGS_TEXT, "tags")) == [
        # the tag hangs off the clause it reports: the clause before the comma is the content
        ("indirect", "officials", "said", ["The turnout was high"]),
        # an inverted tag: the speaker follows the cue
        ("indirect", "Jim Clyburn, a congressman", "said", ["The turnout was high"]),
        # a tag in mid-sentence: the clause goes on after it
        ("indirect", "officials", "said", ["The turnout was high", "lines were long"]),
        # of two subjects the parser gives the cue, the nearer is the speaker
        ("direct", "she", "said", ['"Victory or failure, that is not important,"']),
    ]


CHAINS_TEXT = (
    "Pence went on to say he is confident.\n\n"
    "Williams admitted it was a mistake, noting that nobody was hurt.\n"
)


def test_cues_in_verb_chains() -> None:
    assert roles(analyze(CHAINS_TEXT, "chains")) == [
        ("indirect", "Pence", "went on to say", ["he is confident"]),
        # a participle cue after a comma is no complement of the cue before it
        ("indirect", "Williams", "admitted", ["it was a mistake"]),
        ("indirect", "Williams", "noting", ["that nobody was hurt"]),
    ]


def test_parse_only_cue_verbs_take_their_object() -> None:
    assert roles(analyze("Trump assailed the ruling.\n", "verbs")) == [
        ("indirect", "Trump", "assailed", ["the ruling"]),
    ]


def test_a_speaker_cut_off_at_a_party_tag_is_still_the_source() -> None:
    assert roles(analyze("Sen. Bernie Sanders (I-Vt.) said he will run.\n", "split")) == [
        ("indirect", "Sen. Bernie Sanders (I-Vt.)", "said", ["he will run"]),
    ]


def test_an_aside_after_the_speaker_stays_out_of_the_source() -> None:
    text = "An official, speaking on condition of anonymity, said the talks failed.\n"
    assert roles(analyze(text, "aside")) == [
        ("indirect", "An official", "said", ["the talks failed"]),
    ]


AGENT_TEXT = (
    "It was reported by CNN that the talks failed.\n\n"
    "They published a report that said the talks failed.\n"
)


def test_passive_agents_are_sources_and_relative_that_is_not() -> None:
    assert roles(analyze(AGENT_TEXT, "agent")) == [
        ("indirect", "CNN", "was reported", ["that the talks failed"]),
        ("indirect", None, "said", ["the talks failed"]),
    ]
