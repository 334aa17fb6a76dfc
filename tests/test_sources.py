from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sayso.analysis.attribution_steps import trim_source_mentions
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
        # A body named by its common noun.
        (
            "The council said the bridge would open in May.",
            "The council",
            ("council", "organization"),
        ),
        (
            "Her campaign said the rally would go ahead.",
            "Her campaign",
            ("Her campaign", "organization"),
        ),
        (
            "The repairs ran late, according to an audit published in May.",
            "an audit published in May",
            ("audit published in May", "document"),
        ),
        ("The letter said the plant would close.", "The letter", ("letter", "document")),
        # A person's name after words that describe them; not a name after "for" or "and".
        (
            "Longtime council member Ana Ruiz said the vote would wait.",
            "Longtime council member Ana Ruiz",
            ("Ana Ruiz", "person"),
        ),
        (
            "Republican pollster Daron Shaw said the race was close.",
            "Republican pollster Daron Shaw",
            ("Daron Shaw", "person"),
        ),
        # ... also when words naming a body describe them, or the body or place they are of
        # follows: the person is the source.
        (
            "Washington Post columnist Ruth Marcus wrote that the plan would fail.",
            "Washington Post columnist Ruth Marcus",
            ("Ruth Marcus", "person"),
        ),
        (
            "Jane Doe of the Heritage Foundation said the plan would fail.",
            "Jane Doe of the Heritage Foundation",
            ("Jane Doe", "person"),
        ),
        (
            "Senator Bernie Sanders of Vermont said the bill would pass.",
            "Senator Bernie Sanders of Vermont",
            ("Bernie Sanders", "person"),
        ),
        # A body's name is no person's, whatever describes it.
        (
            "The Hollywood Chamber of Commerce said the parade would go ahead.",
            "The Hollywood Chamber of Commerce",
            ("Hollywood Chamber of Commerce", "unknown"),
        ),
        (
            "The nonpartisan Congressional Budget Office said the deficit would grow.",
            "The nonpartisan Congressional Budget Office",
            ("nonpartisan Congressional Budget Office", "government"),
        ),
        (
            "A producer for Yahoo Studios said the film was done.",
            "A producer for Yahoo Studios",
            ("producer for Yahoo Studios", "unknown"),
        ),
        (
            "The department said the plant was safe.",
            "The department",
            ("department", "organization"),
        ),
        # A person's post is no body.
        (
            "His chief of staff said the bill would pass.",
            "His chief of staff",
            ("His chief of staff", "unknown"),
        ),
        # The newspaper words are names only when capitalised.
        ("The news said the plant had closed.", "The news", ("news", "unknown")),
        # A document named by its last word, when only common words describe it.
        (
            "Recent polls show the race is close. The recent debate changed little.",
            "Recent polls",
            ("Recent polls", "document"),
        ),
        (
            "An internal review concluded that the data was lost.",
            "An internal review",
            ("internal review", "document"),
        ),
        (
            "The race is close, campaign finance records show.",
            "campaign finance records",
            ("campaign finance records", "document"),
        ),
        # Not when a name describes it: the pollster is the source.
        (
            "Gallup polls show the race is close.",
            "Gallup polls",
            ("Gallup polls", "unknown"),
        ),
        (
            "The deal was void, her lawyers in a court filing said.",
            "her lawyers in a court filing",
            ("her lawyers in a court filing", "unknown"),
        ),
        # Documents that show nothing are documents too.
        ("The statement said the plant was safe.", "The statement", ("statement", "document")),
        (
            "A statement posted on the website said the sale was off.",
            "A statement posted on the website",
            ("statement posted on the website", "document"),
        ),
        ("The lawsuit alleges that the firm lied.", "The lawsuit", ("lawsuit", "document")),
        # A noun that describes a body before it is no document.
        (
            "The editorial board said the plan was sound.",
            "The editorial board",
            ("editorial board", "organization"),
        ),
        # The noun a mention ends in names a person, though no name follows it.
        (
            "His campaign manager said the race was close.",
            "His campaign manager",
            ("His campaign manager", "person"),
        ),
        ("A reporter said the crowd had grown.", "A reporter", ("A reporter", "person")),
        # Two people are not one.
        (
            "She and another reporter said the crowd had grown.",
            "She and another reporter",
            ("She and another reporter", "unknown"),
        ),
        # A description, then the person's name after a comma.
        (
            "Another critic, Laurence H. Tribe, said the rules were unlawful.",
            "Another critic, Laurence H. Tribe",
            ("Laurence H. Tribe", "person"),
        ),
        (
            "Carter's press secretary, Peter Cook, said the talks went well.",
            "Carter's press secretary, Peter Cook",
            ("Peter Cook", "person"),
        ),
        # Not a name that is no person's, nor a name before its description.
        (
            "The company, Acme Corp., said the plant was safe.",
            "The company, Acme Corp.",
            ("company", "organization"),
        ),
        (
            "Lee, a spokesperson for the ministry, said the plant was safe.",
            "Lee, a spokesperson for the ministry",
            ("Lee", "person"),
        ),
        # A newspaper's name is no unnamed observer or insider.
        (
            "The Charlotte Observer found that rents rose.",
            "The Charlotte Observer",
            ("Charlotte Observer", "organization"),
        ),
        (
            "Business Insider reported that rents rose.",
            "Business Insider",
            ("Business Insider", "organization"),
        ),
        (
            "A Clinton insider said rents rose.",
            "A Clinton insider",
            ("Clinton insider", "anonymous"),
        ),
        # The name after a possessive is the person's.
        (
            "Gallup's Jeffrey M. Jones said the race was close.",
            "Gallup's Jeffrey M. Jones",
            ("Jeffrey M. Jones", "person"),
        ),
        (
            "Commentary’s Noah Rothman said the race was close.",
            "Commentary’s Noah Rothman",
            ("Noah Rothman", "person"),
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


# -- sources that are not sources (issue 14): mentions as a tagger marks them ---------------------


def _tagged(text: str, *marked: tuple[str, str, str]) -> Analysis:
    """The rule analyzer's statements and entities, with attributions marked as ``(source, cue,
    content)`` texts (each found at its first occurrence; "" for none), as a tagger may give."""
    lexicon = Lexicon.default()
    analysis = OfflineAnalyzer().analyze([Article(text)], lexicon)[0]

    def span(part: str, after: int = 0) -> Span | None:
        if not part:
            return None
        start = text.index(part, after)
        return Span.of(text, start, start + len(part))

    attributions = []
    for source, cue, content in marked:
        cue_span = span(cue)
        assert cue_span is not None
        content_span = span(content)
        attributions.append(
            Attribution("indirect", cue_span, span(source), [content_span] if content_span else [])
        )
    analysis.attributions = attributions
    trim_source_mentions(analysis)
    resolve_sources(analysis, lexicon)
    return analysis


def _sources(analysis: Analysis) -> list[tuple[str, str]]:
    return [(source.name, source.type) for source in analysis.sources.values()]


def test_a_pronoun_after_a_quote_is_not_resolved_to_a_word_inside_it() -> None:
    text = "John Kirby spoke at length. “We’re going to win this,” he said."
    analysis = _tagged(text, ("he", "said", "We’re going to win this"))
    assert _sources(analysis) == [("John Kirby", "person")]


def test_contractions_and_possessives_are_not_part_of_a_name() -> None:
    text = "Jane Okafor spoke. He’s right, she said. Trump’s proposal would ban them. We're sure."
    analysis = _tagged(
        text,
        ("He’s", "right", ""),
        ("Trump’s", "proposal", "would ban them"),
        ("We're", "sure", ""),
    )
    assert _sources(analysis) == [("Jane Okafor", "person"), ("Trump", "person"), ("We", "unknown")]


def test_function_words_and_transcript_letters_name_no_one() -> None:
    text = "In addition to stating that taxes must fall, he left. Q: Have you talked to her?"
    analysis = _tagged(text, ("In", "addition to stating", "that taxes must fall"), ("Q", ":", ""))
    assert _sources(analysis) == [("In", "unknown"), ("Q", "unknown")]


def test_newspapers_and_acronyms_are_organisations_not_people() -> None:
    text = "USA Today reported the fire. CNN reported it too. The FBI said nothing more."
    analysis = _tagged(
        text,
        ("USA Today", "reported", "the fire"),
        ("CNN", "reported", "it too"),
        ("The FBI", "said", ""),
    )
    assert _sources(analysis) == [
        ("USA Today", "organization"),
        ("CNN", "organization"),
        ("FBI", "organization"),
    ]


def test_a_word_capitalised_only_where_a_sentence_opens_is_no_name() -> None:
    text = "The turnout fell. Voters said the lines were long. Pruitt said the count was fair."
    analysis = _tagged(
        text, ("Voters", "said", "the lines were long"), ("Pruitt", "said", "the count was fair")
    )
    # Neither is capitalised mid-sentence; "Voters" may be a common noun (a plural), "Pruitt"
    # is not (no plural, never written in lower case).
    assert _sources(analysis) == [("Voters", "unknown"), ("Pruitt", "person")]


def test_a_pronoun_does_not_resolve_to_a_place_or_a_party() -> None:
    text = (
        "Jane Okafor campaigned in Florida with Republican donors. "
        "She said the state would decide the race."
    )
    analysis = _tagged(text, ("She", "said", "the state would decide the race"))
    assert _sources(analysis) == [("Jane Okafor", "person")]


@pytest.mark.parametrize(
    "place",
    [
        "flew to the Middle East",
        "praised the Affordable Care Act",
        "spoke in Boca Raton",
        "toured factories across Central Asia",
    ],
)
def test_a_name_after_the_or_in_is_no_antecedent_for_a_pronoun(place: str) -> None:
    # "the Middle East" and "in Boca Raton" look like two-word names; the words before them
    # say they are a place or a thing, which "he" cannot stand for.
    text = f"Mark Weddle met voters on Monday. The candidate {place} on Tuesday. "
    analysis = _tagged(
        text + "He said the region would decide the race.",
        ("He", "said", "the region would decide the race"),
    )
    assert _sources(analysis) == [("Mark Weddle", "person")]


def test_a_name_that_owns_what_follows_in_is_still_a_person() -> None:
    text = "In Jane Okafor's speech the tone changed. She said the state would decide the race."
    analysis = _tagged(text, ("She", "said", "the state would decide the race"))
    assert _sources(analysis) == [("Jane Okafor", "person")]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        (
            "The spotlight was on Donald J. Trump, who said the wall would be built.",
            ("Donald J. Trump", "person"),
        ),
        (
            "The reaction came from U.S. President Barack Obama, who said the wall would fail.",
            ("Barack Obama", "person"),
        ),
        (
            "The ruling came from the Illinois Board of Elections, which said the ballots counted.",
            ("Illinois Board of Elections", "organization"),
        ),
    ],
)
def test_a_relative_pronoun_stands_for_the_name_right_before_it(
    sentence: str, expected: tuple[str, str]
) -> None:
    # Jane Okafor is the person named last before the clause, not the one "who" stands for.
    text = f"Jane Okafor spoke first. {sentence}"
    pronoun = "which" if "which" in sentence else "who"
    analysis = _tagged(text, (pronoun, "said", sentence.split("said ")[1].rstrip(".")))
    assert _sources(analysis) == [expected]


def test_who_after_of_or_a_place_is_left_to_the_person_named_before() -> None:
    text = (
        "Jane Okafor wrote the letter. It did not please the editors of The Advocate, who said "
        "it was unfair."
    )
    analysis = _tagged(text, ("who", "said", "it was unfair"))
    assert _sources(analysis) == [("Jane Okafor", "person")]


def test_a_relative_clause_is_not_a_second_source() -> None:
    text = (
        "The Justice Department proposed a rule. The rule, which the department first proposed "
        "in May, would end the program."
    )
    analysis = _tagged(
        text,
        ("The Justice Department", "proposed", "a rule"),
        ("which the department first", "proposed in May", ""),
    )
    names = [analysis.source_of(a).name for a in analysis.attributions]  # type: ignore[union-attr]
    assert names == ["Justice Department", "Justice Department"]
    text = "It was the start of a new year in which he could add delegates. Ted Cruz hoped so."
    analysis = _tagged(text, ("the start of a new year in which he", "could add", "delegates"))
    assert _sources(analysis) == [("he", "unknown")]


def test_a_fronted_clause_gives_way_to_the_subject_after_it() -> None:
    text = (
        "As the crowd began to chant, Silverman was joined on stage by Al Franken and joked, "
        "“you’re being ridiculous.”"
    )
    analysis = _tagged(text, ("As the crowd began to chant", "joked", "you’re being ridiculous."))
    assert analysis.attributions[0].source is not None
    assert analysis.attributions[0].source.text == "Silverman"
    text = "When Mr. Rubio did take him on, he was careful, and warned that style matters."
    analysis = _tagged(text, ("When Mr. Rubio", "warned", "that style matters"))
    assert _sources(analysis) == [("Rubio", "person")]


def test_stray_latex_quote_marks_are_no_source_and_no_part_of_one() -> None:
    text = "''It is over,'' said Smith. '' Monica Crowley wrote the book."
    analysis = _tagged(
        text, ("''", "said", "It is over,"), ("'' Monica Crowley", "wrote", "the book")
    )
    assert analysis.attributions[0].source is None
    assert analysis.attributions[0].source_key is None
    assert analysis.attributions[1].source is not None
    assert analysis.attributions[1].source.text == "Monica Crowley"
    assert _sources(analysis) == [("Monica Crowley", "person")]


@pytest.mark.parametrize(
    ("text", "mention", "expected"),
    [
        # A place inside a longer organisation's name is no mention of the place's government.
        (
            "The Washington Post reported that the talks had stalled.",
            "The Washington Post",
            ("Washington Post", "organization"),
        ),
        (
            "The Washington Post, which first reported the plan, said the talks had stalled.",
            "which first",
            ("Washington Post", "organization"),
        ),
        (
            "According to The Moscow Times, the visit was planned.",
            "The Moscow Times",
            ("Moscow Times", "organization"),
        ),
        (
            "The University of Washington said the study would go on.",
            "The University of Washington",
            ("University of Washington", "organization"),
        ),
        (
            "The U.S. Army said the drills would go on.",
            "The U.S. Army",
            ("U.S. Army", "organization"),
        ),
        # The place alone, or in a government's name, stays the government's.
        (
            "Washington said the talks had stalled.",
            "Washington",
            ("United States government", "government"),
        ),
        (
            "The U.S. State Department said the talks had stalled.",
            "The U.S. State Department",
            ("United States government", "government"),
        ),
        # Only a place gives way: an institution's name stays the institution's.
        (
            "The State Department Refugee Processing Center said the flights would resume.",
            "The State Department Refugee Processing Center",
            ("United States government", "government"),
        ),
    ],
)
def test_a_longer_organisation_name_wins_over_a_place_inside_it(
    text: str, mention: str, expected: tuple[str, str]
) -> None:
    assert _source_of(_resolved(text), mention) == expected


@pytest.mark.parametrize(
    ("text", "pronoun", "expected"),
    [
        # The woman an honorific names last is not "he": the man named before her is.
        (
            "Donald Trump attacked the former Miss Universe. He cannot comment, he added.",
            "He",
            "Donald Trump",
        ),
        (
            "Hillary Clinton met Mr. Tom Reyes on Monday. She is proposing new projects.",
            "She",
            "Hillary Clinton",
        ),
        # A surname an honorific named before keeps its sex.
        (
            "Ms. Lael Brainard met Eswar Prasad on Monday. Prasad later thanked Brainard. “A "
            "fine advocate,” he said.",
            "he",
            "Prasad",
        ),
        (
            "Bill Clinton praised first lady Michelle Obama. He called the plan sound.",
            "He",
            "Bill Clinton",
        ),
        # "miss" the verb is no honorific.
        ("Voters will miss Tom Reyes. He said the talks went well.", "He", "Tom Reyes"),
        # No honorific, no sex: the person named last, as before.
        ("Jane Okafor met Tom Reyes. She said the talks went well.", "She", "Tom Reyes"),
    ],
)
def test_a_pronoun_skips_a_person_an_honorific_gives_the_other_sex(
    text: str, pronoun: str, expected: str
) -> None:
    content = text[text.index(pronoun) + len(pronoun) + 1 :].rstrip(".")
    cue = content.split()[0]
    analysis = _tagged(text, (pronoun, cue, content[len(cue) + 1 :]))
    [attribution] = analysis.attributions
    assert analysis.sources[attribution.source_key].name == expected


def test_a_title_alone_stands_for_the_person_last_named_with_it() -> None:
    text = (
        "Sen. Marco Rubio of Florida spoke on Monday. President Barack Obama disagreed. Vice "
        "President Joe Biden was there. The Florida senator said the plan would fail. The "
        "president said the plan would work. The vice president said little. The governor said "
        "nothing."
    )
    analysis = _resolved(text)
    assert _source_of(analysis, "The Florida senator") == ("Marco Rubio", "person")
    assert _source_of(analysis, "The president") == ("Barack Obama", "person")
    # Every word of the title counts: the vice president is not the president.
    assert _source_of(analysis, "The vice president") == ("Joe Biden", "person")
    # No governor was named: the title stands as written.
    assert _source_of(analysis, "The governor") == ("The governor", "person")


def test_a_noun_for_a_person_stands_for_the_person_last_named_with_it() -> None:
    text = (
        "Republican presidential candidate Donald Trump spoke on Monday, as did businessman Tom "
        "Reyes. The candidate said the plan would fail. The businessman said little."
    )
    analysis = _resolved(text)
    assert _source_of(analysis, "The candidate") == ("Donald Trump", "person")
    assert _source_of(analysis, "The businessman") == ("Tom Reyes", "person")


@pytest.mark.parametrize(
    ("text", "pronoun", "expected"),
    [
        # The noun gives the sex where an article's honorifics make sex count.
        (
            "Mr. Tom Reyes spoke on Monday. His mother said he was tired. Later he said the talks "
            "went well.",
            "he said",
            "Tom Reyes",
        ),
        (
            "Mr. Tom Reyes spoke on Monday. His wife said he was tired. Later she said the talks "
            "went well.",
            "she said",
            "His wife",
        ),
    ],
)
def test_a_pronoun_skips_a_person_a_noun_gives_the_other_sex(
    text: str, pronoun: str, expected: str
) -> None:
    source = text[: text.index(" said")].rsplit(". ", 1)[-1]
    content = text[text.index(pronoun) + len(pronoun) + 1 :].rstrip(".")
    analysis = _tagged(
        text,
        (source, "said", text[text.index(" said") + 6 : text.index(".", text.index(" said"))]),
        (pronoun.split()[0], pronoun.split()[1], content),
    )
    names = [analysis.sources[a.source_key].name for a in analysis.attributions if a.source_key]
    assert names[-1] == expected


def test_an_i_inside_attributed_words_is_their_speaker() -> None:
    text = "“I called them on Monday,” Ana Ruiz said."
    analysis = _tagged(text, ("Ana Ruiz", "said", "I called them on Monday"), ("I", "called", ""))
    assert [analysis.sources[a.source_key].name for a in analysis.attributions] == ["Ana Ruiz"] * 2
    # Outside anyone's words, "I" is the writer, named as written.
    analysis = _tagged("I called them on Monday.", ("I", "called", "them on Monday"))
    assert _sources(analysis) == [("I", "person")]


def test_an_interviews_answers_are_the_interviewees() -> None:
    text = (
        "Q&A with Mayor Ana Ruiz.\n\nMayor Ana Ruiz spoke to reporters on Monday.\n\n"
        "Q: Will the road open soon?\n\nA: The road will open in May.\n\nQ: Is it late?\n\n"
        "A: It is not late.\n"
    )
    analysis = _resolved(text)
    labels = [(a.source.text, analysis.source_of(a)) for a in analysis.attributions if a.source]
    assert {(label, source.name) for label, source in labels if source} == {
        ("Q", "Q"),
        ("A", "Ana Ruiz"),
    }


@pytest.mark.parametrize(
    "name", ["Osama bin Laden", "Charles de Gaulle", "Ursula von der Leyen", "Abu Bakr al-Baghdadi"]
)
def test_a_name_with_a_lowercase_particle_is_a_person(name: str) -> None:
    text = f"{name} said the war would go on. The attack came in May."
    analysis = _tagged(text, (name, "said", "the war would go on"))
    assert _sources(analysis) == [(name, "person")]


def test_an_arabic_article_alone_is_no_name() -> None:
    text = "al-Qaeda said the war would go on."
    analysis = _tagged(text, ("al-Qaeda", "said", "the war would go on"))
    assert _sources(analysis) != [("al-Qaeda", "person")]


@pytest.mark.parametrize(
    ("mention", "name"),
    [
        ("House Speaker Paul D. Ryan", "Paul D. Ryan"),
        ("Senate Majority Leader Mitch McConnell", "Mitch McConnell"),
        ("Republican National Committee Chairman Reince Priebus", "Reince Priebus"),
    ],
)
def test_a_person_named_after_a_title_of_a_body_is_the_person(mention: str, name: str) -> None:
    text = f"{mention} said the vote would pass. Later {name.split()[-1]} said it again."
    analysis = _tagged(
        text,
        (mention, "said", "the vote would pass"),
        (name.split()[-1], "said", "it again"),
    )
    assert _sources(analysis) == [(name, "person")]


def test_a_title_of_a_body_alone_is_the_body() -> None:
    text = "The Senate Majority Leader said the vote would pass."
    analysis = _tagged(text, ("The Senate Majority Leader", "said", "the vote would pass"))
    assert _sources(analysis) != [("Senate Majority Leader", "person")]


@pytest.mark.parametrize(
    ("mention", "name"),
    [
        ("The American Legion", "American Legion"),
        ("The National Guard", "National Guard"),
        ("The Daily Caller", "Daily Caller"),
        ("the Holocaust Museum", "Holocaust Museum"),
    ],
)
def test_a_name_after_the_is_a_body_not_a_person(mention: str, name: str) -> None:
    text = f"Yesterday {mention} said the plan would hurt veterans."
    analysis = _tagged(text, (mention, "said", "the plan would hurt veterans"))
    assert _sources(analysis) == [(name, "organization")]


def test_a_surname_made_plural_after_the_is_the_family_the_article_names() -> None:
    text = "Bill Clinton spoke first. Later the Clintons said they would not attend."
    analysis = _tagged(text, ("the Clintons", "said", "they would not attend"))
    assert [type_ for _, type_ in _sources(analysis)] == ["person"]
    # With no Clinton named, the plural is no family: a body ("the Simpsons", a show).
    text = "Later the Simpsons said they would not attend."
    analysis = _tagged(text, ("the Simpsons", "said", "they would not attend"))
    assert [type_ for _, type_ in _sources(analysis)] == ["organization"]


@pytest.mark.parametrize(
    ("mention", "name"),
    [("the Rev. Al Sharpton", "Al Sharpton"), ("Rabbi Marvin Hier", "Marvin Hier")],
)
def test_a_clergy_title_is_a_title(mention: str, name: str) -> None:
    text = f"On Sunday {mention} said the march would go on."
    analysis = _tagged(text, (mention, "said", "the march would go on"))
    assert _sources(analysis) == [(name, "person")]


def test_a_possessive_after_the_leaves_the_head_to_the_words_after_it() -> None:
    mention = "The Podesta Group's CEO"
    text = f"{mention} said the firm would close."
    analysis = _tagged(text, (mention, "said", "the firm would close"))
    assert _sources(analysis) != [("Podesta Group's CEO", "organization")]


def test_a_point_of_the_compass_after_the_is_a_region_not_a_body() -> None:
    text = "Yesterday the North said the truce was a victory."
    analysis = _tagged(text, ("the North", "said", "the truce was a victory"))
    assert [type_ for _, type_ in _sources(analysis)] != ["organization"]


def test_a_transcript_label_in_capitals_is_the_person_named_before() -> None:
    text = "Gov. Mike Pence spoke to the host.\n\nPENCE: We will win Ohio.\n\nISIS: We will fight."
    analysis = _tagged(text, ("PENCE", ":", "We will win Ohio."), ("ISIS", ":", "We will fight."))
    assert _source_of(analysis, "PENCE") == ("Mike Pence", "person")
    # No first name or title is written before a surname "Isis": an acronym, a body.
    assert _source_of(analysis, "ISIS")[1] == "organization"


def test_a_word_in_capitals_written_as_a_name_nowhere_else_is_an_acronym() -> None:
    text = "The Isis group grew.\n\nISIS: We will fight on."
    analysis = _tagged(text, ("ISIS", ":", "We will fight on."))
    assert _source_of(analysis, "ISIS")[1] == "organization"


@pytest.mark.parametrize(
    "mention",
    ["A 2014 study by Harvard and the University of California", "a 40-page report by the agency"],
)
def test_a_year_or_a_count_before_a_document_noun_describes_the_document(mention: str) -> None:
    text = f"Later {mention} found that poor children fell behind."
    analysis = _tagged(text, (mention, "found", "that poor children fell behind"))
    assert _source_of(analysis, mention)[1] == "document"


def test_the_national_guard_is_a_body_and_a_security_guard_a_person() -> None:
    text = "National Guard troops said the streets were calm. A security guard said it was quiet."
    analysis = _tagged(
        text,
        ("National Guard troops", "said", "the streets were calm"),
        ("A security guard", "said", "it was quiet"),
    )
    assert _source_of(analysis, "National Guard troops")[1] == "organization"
    assert _source_of(analysis, "A security guard")[1] != "organization"


@pytest.mark.parametrize(
    "mention", ["One of Mr. Obama's climate advisers", "Clinton advisers", "A senior Cruz adviser"]
)
def test_an_unnamed_adviser_is_an_anonymous_source(mention: str) -> None:
    text = f"Yesterday {mention} said the plan would pass."
    analysis = _tagged(text, (mention, "said", "the plan would pass"))
    assert _source_of(analysis, mention)[1] == "anonymous"


@pytest.mark.parametrize(
    "mention", ["Peabody Energy", "Freedom Partners", "the American Federation of Teachers"]
)
def test_a_company_or_a_federation_is_an_organisation(mention: str) -> None:
    text = f"Yesterday {mention} said coal would recover."
    analysis = _tagged(text, (mention, "said", "coal would recover"))
    assert _source_of(analysis, mention)[1] == "organization"
