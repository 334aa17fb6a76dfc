"""The quotes checker: unbalanced quote marks, quotes with no speaker, speakers with no quote."""

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sayso.config import resolve_settings
from sayso.model import Analysis, Article, Attribution, Checker, Settings, Span, Statement
from sayso.plugins import quotes


def test_closing_mark_with_no_opening_is_an_error_at_the_mark(run_checker):
    text = "The plan was finished.” The mayor left."
    findings = run_checker("quotes", text)
    [finding] = [f for f in findings if f.code == "unbalanced-quotes"]
    assert finding.severity == "error"
    assert (finding.span.start, finding.span.text) == (text.index("”"), "”")


def test_opening_mark_left_open_is_reported(run_checker):
    text = "“We are finished, the mayor said.\n\nThe council met on Monday."
    [finding] = [f for f in run_checker("quotes", text) if f.code == "unbalanced-quotes"]
    assert finding.span.start == 0


def test_quote_continued_into_the_next_paragraph_is_balanced(run_checker):
    text = (
        "“We are finished,” the mayor said. “The money is gone.\n\n"
        "“Nobody will lend us more,” she added."
    )
    assert [f for f in run_checker("quotes", text) if f.code == "unbalanced-quotes"] == []


@pytest.mark.parametrize(
    "text",
    [
        # Straight marks run on into the next paragraph as curly ones do (a transcript).
        '"WALLACE: Will she be there?\n\n"PENCE: Well, look, she will not.\n\n'
        '"WALLACE: Thank you."',
        # A mark opens or closes by where it stands, whatever its glyph.
        "Critics said ”women in combat and other issues” hurt the army.",
        'There was “no evidence" yet, and "more hours” were needed.',
        "It was labeled “Mostly False.“\n\nThe rate is a widely used term.",
        "” … what I learned from these families is that we are one,” he said.",
    ],
)
def test_quotation_marks_a_reader_can_pair_are_balanced(run_checker, text):
    assert [f for f in run_checker("quotes", text) if f.code == "unbalanced-quotes"] == []


def test_odd_straight_quotes_are_unbalanced(run_checker):
    text = '"This is a disgrace and everybody knows it, he said.'
    [finding] = [f for f in run_checker("quotes", text) if f.code == "unbalanced-quotes"]
    assert finding.span.text == '"'


def test_quote_without_speaker(run_checker):
    text = "The council met. “Nobody told us anything about any of this at all.”"
    [finding] = run_checker("quotes", text)
    assert (finding.code, finding.severity) == ("quote-without-speaker", "warning")
    assert finding.span.text == "“Nobody told us anything about any of this at all.”"
    assert finding.message == "Nobody is named as saying this quotation."


def test_short_quoted_phrases_and_attributed_quotes_pass(run_checker):
    text = (
        "The North calls it the “Grand Fatherland Liberation War.” "
        "“Nobody told us anything about any of this,” the mayor said."
    )
    assert run_checker("quotes", text) == []


def test_min_words_is_configurable(run_checker):
    text = "The parade marked the “Grand Fatherland Liberation War.”"
    [finding] = run_checker("quotes", text, options={"min_words": 3})
    assert finding.code == "quote-without-speaker"


def _with_contentless_attribution(text: str, source: str, cue: str) -> Analysis:
    statement = Statement(0, 0, len(text), text, paragraph=0)
    source_span = Span.of(text, text.index(source), text.index(source) + len(source))
    cue_span = Span.of(text, text.index(cue), text.index(cue) + len(cue))
    attribution = Attribution("direct", cue_span, source_span, [], None, [0])
    return Analysis(
        Article(text), "hand", [Span.of(text, 0, len(text))], [statement], [attribution]
    )


def test_speaker_without_quote():
    analysis = _with_contentless_attribution("KCNA added:\n\n", "KCNA", "added")
    [finding] = quotes.check_article(analysis=analysis, settings=_settings())
    assert (finding.code, finding.severity) == ("speaker-without-quote", "warning")
    assert finding.span.text == "KCNA added"
    assert finding.message == "“KCNA added” introduces words that never follow."


@pytest.mark.parametrize(
    ("text", "source", "cue"),
    [
        # Words the analyzer did not take for the content are still there: after the colon,
        ("KCNA added: the talks went well.", "KCNA", "added"),
        # before the source,
        ("“The talks went well,” Melanie said.", "Melanie", "said"),
        # or in the sentence before, which the cue refers to.
        (
            "Most voters want the returns. Sixty-two percent of Republicans agreed.",
            "Sixty",
            "agreed",
        ),
    ],
)
def test_an_attribution_whose_words_are_elsewhere_is_no_speaker_without_quote(text, source, cue):
    analysis = _with_contentless_attribution(text, source, cue)
    assert quotes.check_article(analysis=analysis, settings=_settings()) == []


def _settings() -> Settings:
    checkers: dict[str, Checker] = {}
    quotes.register_checkers(register=lambda checker: checkers.update({checker.id: checker}))
    return resolve_settings(checkers)


@given(
    st.lists(st.tuples(st.integers(0, 60), st.integers(1, 20)), max_size=12),
    st.integers(0, 80),
    st.integers(1, 20),
)
def test_stretches_overlap_as_looking_at_each_one_does(stretches, start, length):
    ranges = [(begin, begin + size) for begin, size in stretches]
    end = start + length
    expected = any(begin < end and start < stop for begin, stop in ranges)
    assert quotes._Stretches(ranges).overlap(start, end) == expected


def test_unbalanced_marks_in_a_row_are_one_finding(run_checker):
    text = "He said it was over ”””” and left. Officials “agreed."
    findings = [f for f in run_checker("quotes", text) if f.code == "unbalanced-quotes"]
    assert [f.span.text for f in findings] == ["””””", "“"]
    assert findings[0].message.startswith("These 4 quote marks in a row (””””) have no partner")


def test_past_ten_unbalanced_marks_a_paragraph_gets_one_finding_for_the_rest(run_checker):
    text = "Officials “said " * 25 + "it."
    findings = [f for f in run_checker("quotes", text) if f.code == "unbalanced-quotes"]
    assert len(findings) == 11
    assert [f.span.text for f in findings[:10]] == ["“"] * 10
    assert findings[10].message.startswith("15 more quote marks in this paragraph have no partner")
    assert findings[10].span.text.startswith("“") and findings[10].span.text.endswith("“")
