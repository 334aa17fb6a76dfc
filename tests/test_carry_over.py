"""Attribution that carries over, and what is not a source: the analysis steps after any analyzer.

Texts are written for the tests. They run on the rule analyzer's extraction (as
``test_editor_expectations`` does), so what they test is the steps that come after it.
"""

import pytest
from sayso import check
from sayso.analysis.attribution_steps import quoted_statements
from sayso.analysis.needs_source import declined_by
from sayso.model import Article

from tests.reports import report_of, statement_with


def sources_of(report, words: str) -> list[str]:
    analysis = report.analysis
    return [
        analysis.source_of(attribution).name
        for attribution in analysis.attributions_for(statement_with(report, words))
        if analysis.source_of(attribution) is not None
    ]


def unattributed_warnings_on(report, words: str):
    index = statement_with(report, words).index
    return [
        f
        for f in report.findings
        if f.statement == index and f.checker == "unattributed" and f.severity != "info"
    ]


def test_a_quote_inside_a_quote_does_not_end_the_outer_one():
    text = (
        "The pollster read the question aloud.\n\n"
        '"The health issue is partisan. Here is the question: “Does her health affect her '
        'ability to serve?” Forty-three percent yes; forty-four percent no," Caddell said.\n'
    )
    report = report_of(text)
    analysis = report.analysis
    quoted = quoted_statements(analysis)
    outer = {quoted[statement_with(report, words).index] for words in ("health issue", "Forty")}
    assert len(outer) == 1
    assert sources_of(report, "Forty-three") == ["Caddell"]
    assert unattributed_warnings_on(report, "Forty-three") == []


@pytest.mark.parametrize(
    "text",
    [
        # straight marks inside curly ones: a quote within the quote, then the curly one closes
        '“They called it "a disgrace" and left. The vote failed,” she said.\n',
        # a writer who closes a curly quote with a straight mark
        '“They called it a disgrace and left. The vote failed," she said.\n',
    ],
)
def test_mixed_quote_marks_close_where_the_writer_meant(text):
    report = report_of(text)
    quoted = quoted_statements(report.analysis)
    numbers = {quoted.get(statement_with(report, words).index) for words in ("They", "The vote")}
    assert len(numbers) == 1 and None not in numbers


def test_a_sentence_of_a_passage_that_reports_a_thought_is_still_the_speakers():
    # "She knows nothing" says what Clinton knows, in the words the governor's colon introduces:
    # the governor is who vouches for it.
    text = (
        "Christie spoke on the radio on Wednesday.\n\n"
        "The governor added:\n\n"
        "It is typical of her. She knows nothing. And the mouth never stops.\n"
    )
    report = report_of(text)
    carrying = report.analysis.attributions_for(statement_with(report, "She knows nothing"))
    assert "added" in [attribution.cue.text for attribution in carrying]
    assert unattributed_warnings_on(report, "She knows nothing") == []


def tagged_report_of(text: str):
    [report] = check(Article(text=text, path="story.txt"), analyzer="tagger").reports
    return report


@pytest.mark.parametrize("analyzer", ["offline", "tagger"])
def test_the_latest_kicker_is_a_headline_not_a_source(analyzer):
    text = (
        "The Latest: Cruz to give away engraved shotgun.\n\n"
        "WASHINGTON (AP) — The latest on the president's executive actions on guns.\n\n"
        "Ted Cruz is giving away an engraved shotgun, his campaign said.\n"
    )
    [report] = check(Article(text=text, path="story.txt"), analyzer=analyzer).reports
    analysis = report.analysis
    assert statement_with(report, "The Latest:").kind == "headline"
    assert all("latest" not in source.key for source in analysis.sources.values())


@pytest.mark.parametrize("analyzer", ["offline", "tagger"])
def test_labels_before_a_colon_name_no_speaker(analyzer):
    text = (
        "Senate passes the budget\n\n"
        "The Senate passed the budget on Friday, its leader said.\n\n"
        "UPDATE: The House will vote on the bill next week, a spokesman said.\n\n"
        "CORRECTION: An earlier version misstated the date of the vote.\n"
    )
    [report] = check(Article(text=text, path="story.txt"), analyzer=analyzer).reports
    analysis = report.analysis
    sources = {attribution.source.text for attribution in analysis.attributions}
    assert sources == {"its leader", "a spokesman"}


def test_a_speaker_label_that_is_a_name_is_still_a_speaker():
    text = (
        "The senator was interviewed on Sunday.\n\n"
        "WALLACE: Will the bill pass before the recess?\n\n"
        "PENCE: The bill will pass, and it will cut taxes for every family in the state.\n"
    )
    report = tagged_report_of(text)
    speakers = {a.source.text for a in report.analysis.attributions if a.cue.text == ":"}
    assert "PENCE" in speakers


@pytest.mark.parametrize("analyzer", ["offline", "tagger"])
@pytest.mark.parametrize(
    ("sentence", "cue"),
    [
        ("Smith does not believe the new bridge will open before 2030.", "does not believe"),
        ("Smith did not want the council to approve the new bridge before 2030.", "did not want"),
    ],
)
def test_a_thought_or_wish_denied_is_still_an_attribution_not_a_source_declining(
    analyzer, sentence, cue
):
    # "does not believe" reports a thought, as "believes" does: the article asserts it on its
    # own say-so; Smith is not a source who declined to speak.
    text = f"KCNA said Kim met Shoigu in Pyongyang on Thursday.\n\n{sentence}\n"
    [report] = check(Article(text=text, path="story.txt"), analyzer=analyzer).reports
    statement = statement_with(report, sentence[:20])
    assert report.analysis.non_attributions_for(statement) == []
    assert [a.cue.text for a in report.analysis.attributions_for(statement)] == [cue]


@pytest.mark.parametrize("analyzer", ["offline", "tagger"])
@pytest.mark.parametrize(
    ("sentence", "cue"),
    [
        # "n't" closes its word: there is no word boundary before it.
        ("Smith didn’t say whether the new bridge would open before 2030.", "didn’t say"),
        ("The ministry cannot comment on the state of the new bridge.", "cannot comment"),
        ("The mayor declined to discuss the cost of the new bridge.", "declined to discuss"),
    ],
)
def test_a_source_that_did_not_speak_is_a_non_attribution(analyzer, sentence, cue):
    text = f"KCNA said Kim met Shoigu in Pyongyang on Thursday.\n\n{sentence}\n"
    [report] = check(Article(text=text, path="story.txt"), analyzer=analyzer).reports
    statement = statement_with(report, sentence[:20])
    assert report.analysis.attributions_for(statement) == ()
    [declined] = report.analysis.non_attributions_for(statement)
    assert cue in declined.cue.text
    assert unattributed_warnings_on(report, sentence[:20]) == []


@pytest.mark.parametrize("analyzer", ["offline", "tagger"])
@pytest.mark.parametrize(
    "sentence",
    [
        # "the ones he refused to answer" names him as not speaking about the old questions; that
        # he has different ones is the article's own say-so, which the model is asked about.
        "Smith has different questions for the mayor than the ones he refused to answer last year.",
        # The reason given for not answering is a claim of its own.
        "Smith would not answer the questions because the figures for the new bridge were not "
        "complete.",
    ],
)
def test_a_source_declining_excuses_only_the_part_of_the_sentence_it_stands_for(analyzer, sentence):
    text = f"KCNA said Kim met Shoigu in Pyongyang on Thursday.\n\n{sentence}\n"
    [report] = check(Article(text=text, path="story.txt"), analyzer=analyzer).reports
    statement = statement_with(report, "Smith")
    assert report.analysis.non_attributions_for(statement)
    assert declined_by(statement, report.analysis) is None


def test_a_source_declining_over_the_whole_sentence_excuses_it():
    report = report_of(
        "KCNA said Kim met Shoigu in Pyongyang on Thursday.\n\n"
        "The mayor declined to discuss the cost of the new bridge.\n"
    )
    statement = statement_with(report, "The mayor declined")
    assert declined_by(statement, report.analysis) is not None


@pytest.mark.parametrize("analyzer", ["offline", "tagger"])
def test_a_source_set_off_by_commas_inside_a_sentence_is_given_the_words_before_it_too(analyzer):
    sentence = (
        "Pence was the subject of 60 percent of the conversation about the debate, Twitter "
        "announced, gaining 22,000 followers."
    )
    text = f"KCNA said Kim met Shoigu in Pyongyang on Thursday.\n\n{sentence}\n"
    [report] = check(Article(text=text, path="story.txt"), analyzer=analyzer).reports
    [attribution] = report.analysis.attributions_for(statement_with(report, "Pence"))
    assert [part.text for part in attribution.content] == [
        "Pence was the subject of 60 percent of the conversation about the debate",
        "gaining 22,000 followers",
    ]
    assert unattributed_warnings_on(report, "Pence") == []


@pytest.mark.parametrize("analyzer", ["offline", "tagger"])
def test_a_source_set_off_inside_a_relative_clause_is_given_only_that_clause(analyzer):
    sentence = "The crowd filled the stadium, which, the mayor said, is usually half empty."
    text = f"KCNA said Kim met Shoigu in Pyongyang on Thursday.\n\n{sentence}\n"
    [report] = check(Article(text=text, path="story.txt"), analyzer=analyzer).reports
    [attribution] = report.analysis.attributions_for(statement_with(report, "The crowd"))
    assert [part.text for part in attribution.content] == ["is usually half empty"]
