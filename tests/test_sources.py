from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sayso.analysis.offline import OfflineAnalyzer
from sayso.analysis.sources import _latest_before, _Mention, resolve_sources
from sayso.lexicon import Lexicon
from sayso.model import Analysis, Article, Attribution, Entity, Span


def _resolved(text: str, lexicon: Lexicon | None = None) -> Analysis:
    lexicon = lexicon or Lexicon.default()
    analysis = OfflineAnalyzer().analyze([Article(text)], lexicon)[0]
    resolve_sources(analysis, lexicon)
    return analysis


def _source_of(analysis: Analysis, mention: str) -> tuple[str, str]:
    attribution = next(a for a in analysis.attributions if a.source and a.source.text == mention)
    source = analysis.source_of(attribution)
    assert source is not None
    return source.name, source.type


@pytest.mark.parametrize(
    ("text", "mention", "expected"),
    [
        ("Officials said the talks had stalled.", "Officials", ("Officials", "anonymous")),
        (
            "A source familiar with the matter said the deal was off.",
            "A source familiar with the matter",
            ("source familiar with the matter", "anonymous"),
        ),
        ("Photos showed long queues.", "Photos", ("Photos", "document")),
        ("Reuters reported that the plant had closed.", "Reuters", ("Reuters", "news_agency")),
        (
            "The Kremlin said the visit was planned.",
            "The Kremlin",
            ("Russian government", "government"),
        ),
        (
            "Senator Jane Doe said the bill would pass.",
            "Senator Jane Doe",
            ("Jane Doe", "person"),
        ),
        (
            "The Acme Corporation announced that it would cut jobs.",
            "The Acme Corporation",
            ("Acme Corporation", "organization"),
        ),
        (
            "North Korean state media said the test succeeded.",
            "North Korean state media",
            ("KCNA", "state_media"),
        ),
        (
            "Finance Minister Jane Okafor said the deficit would grow.",
            "Finance Minister Jane Okafor",
            ("Jane Okafor", "person"),
        ),
        (
            "The minister admitted the budget was short.",
            "The minister",
            ("The minister", "person"),
        ),
        (
            "Critics argue the plan is too costly.",
            "Critics",
            ("Critics", "anonymous"),
        ),
        (
            "Iranian state media said the test succeeded.",
            "Iranian state media",
            ("Iranian state media", "state_media"),
        ),
    ],
)
def test_types(text: str, mention: str, expected: tuple[str, str]) -> None:
    assert _source_of(_resolved(text), mention) == expected


def test_outlet_anaphors_join_the_named_outlet_even_before_it_is_named() -> None:
    text = (
        "Kim met Shoigu, state media announced. The visit was warm, Xinhua News Agency reported. "
        "“It was cordial,” the agency said."
    )
    analysis = _resolved(text)
    assert [(s.name, s.type, len(s.mentions)) for s in analysis.sources.values()] == [
        ("Xinhua", "state_media", 3)
    ]


def test_pronoun_resolves_to_last_named_person_even_if_not_yet_a_source() -> None:
    text = (
        "John Kirby, the White House's National Security Council coordinator, gave no answer. "
        "However, he stated that Putin is reaching out for support."
    )
    assert _source_of(_resolved(text), "he") == ("John Kirby", "person")


def test_surname_joins_the_full_name() -> None:
    analysis = _resolved(
        "Sergei Shoigu said the talks were useful. Later Shoigu said more talks would follow."
    )
    assert [(s.name, len(s.mentions)) for s in analysis.sources.values()] == [("Sergei Shoigu", 2)]


def test_plugins_extend_the_gazetteer() -> None:
    lexicon = Lexicon.default()
    lexicon.add_source("Rodong Sinmun", "state_media", ("the party newspaper",))
    analysis = _resolved("The party newspaper said the harvest was good.", lexicon)
    assert _source_of(analysis, "The party newspaper") == ("Rodong Sinmun", "state_media")


def test_ner_labels_from_other_analyzers_type_sources() -> None:
    text = "Zorblat said the vote was fair."
    analysis = Analysis(
        article=Article(text),
        analyzer="stanza",
        attributions=[
            Attribution(
                "indirect", Span.of(text, 8, 12), Span.of(text, 0, 7), [Span.of(text, 13, 30)]
            )
        ],
        entities=[Entity(Span.of(text, 0, 7), "ORG")],
    )
    resolve_sources(analysis, Lexicon.default())
    assert _source_of(analysis, "Zorblat") == ("Zorblat", "organization")


def test_attribution_without_source_gets_no_key() -> None:
    text = "It is said that nobody returns."
    analysis = Analysis(
        article=Article(text),
        analyzer="test",
        attributions=[Attribution("indirect", Span.of(text, 6, 10), None, [Span.of(text, 11, 31)])],
    )
    resolve_sources(analysis, Lexicon.default())
    assert analysis.attributions[0].source_key is None and analysis.sources == {}


@given(
    st.lists(st.tuples(st.integers(0, 30), st.sampled_from("abc")), max_size=10),
    st.integers(0, 35),
)
def test_the_latest_mention_before_an_offset_is_the_greatest_start_then_key(pairs, offset):
    mentions = [_Mention(start, key) for start, key in sorted(pairs, key=lambda pair: pair[0])]
    expected = max(((m.start, m.key) for m in mentions if m.start < offset), default=None)
    latest = _latest_before(mentions, offset)
    assert ((latest.start, latest.key) if latest else None) == expected


def test_a_pronoun_follows_the_person_named_last_before_it_and_ner_labels_are_found_by_start():
    text = "Jane Okafor met Tom Reyes. He said the talks went well. Ruritania said so."
    he, country = text.index("He"), text.index("Ruritania")
    analysis = Analysis(
        Article(text),
        "test",
        entities=[
            Entity(Span.of(text, 0, 11)),
            Entity(Span.of(text, 0, 4), "ORG"),
            Entity(Span.of(text, 16, 25)),
            Entity(Span.of(text, country, country + 9), "GPE"),
        ],
        attributions=[
            Attribution("indirect", None, Span.of(text, he, he + 2), [Span.of(text, he + 8, 53)]),
            Attribution(
                "indirect", None, Span.of(text, country, country + 9), [Span.of(text, 0, 5)]
            ),
        ],
    )
    resolve_sources(analysis, Lexicon.default())
    he_source, country_source = (analysis.source_of(a) for a in analysis.attributions)
    assert he_source is not None and (he_source.name, he_source.type) == ("Tom Reyes", "person")
    # Without its label "Ruritania" would look like a person's name.
    assert country_source is not None and country_source.type == "government"
