"""The hedging checker: weasel words and attributions with no agent, at their exact words."""

import pytest


@pytest.mark.parametrize(
    ("text", "code", "words"),
    [
        ("The minister reportedly resigned on Monday.", "weasel-adverb", "reportedly"),
        ("It is believed that the board met on Monday.", "agentless-attribution", "It is believed"),
        (
            "It has been widely reported that the board met.",
            "agentless-attribution",
            "It has been widely reported",
        ),
        ("Some say the plan was doomed.", "vague-attribution", "Some say"),
        ("Critics argue the plan was doomed.", "vague-attribution", "Critics argue"),
        ("Workers are expected to strike on Friday.", "agentless-expectation", "are expected to"),
        ("The missiles appeared to be new.", "hedge", "appeared to"),
        (
            "This year marks the return of foreign guests, suggesting a relaxation of controls.",
            "unsourced-inference",
            "suggesting",
        ),
        (
            "But prices rose again in May, indicating that inflation is back.",
            "unsourced-inference",
            "indicating",
        ),
    ],
)
def test_weasel_words_are_reported_at_their_exact_span(run_checker, text, code, words):
    [finding] = run_checker("hedging", text)
    assert (finding.code, finding.severity, finding.span.text) == (code, "warning", words)
    assert text[finding.span.start : finding.span.end] == words
    assert words in finding.message


def test_expectation_with_an_agent_passes(run_checker):
    assert run_checker("hedging", "Workers are expected by the union to strike.") == []


def test_hedges_beside_a_named_source_are_info(run_checker):
    [finding] = run_checker("hedging", "The mayor said the minister reportedly resigned.")
    assert (finding.code, finding.severity) == ("weasel-adverb", "info")


def test_passive_voice_rule_is_off_by_default(run_checker):
    text = "Three protesters were arrested on Monday."
    assert run_checker("hedging", text) == []
    [finding] = run_checker("hedging", text, options={"passive_voice": True})
    assert (finding.code, finding.span.text) == ("passive-no-agent", "were arrested")


def test_passive_voice_with_an_agent_passes(run_checker):
    text = "Three protesters were arrested by the police on Monday."
    assert run_checker("hedging", text, options={"passive_voice": True}) == []


def test_hedges_are_whole_words_next_to_any_character(run_checker):
    [finding] = run_checker("hedging", "The minister “reportedly” resigned.")
    assert (finding.code, finding.span.text) == ("weasel-adverb", "reportedly")
    [finding] = run_checker("hedging", "Critics say—loudly—that the minister resigned.")
    assert (finding.code, finding.span.text) == ("vague-attribution", "Critics say")
    assert run_checker("hedging", "The minister reportedlyé resigned.") == []


@pytest.mark.parametrize(
    "text",
    [
        "He voted against the bill on Monday, signaling a break with his party.",
        # Past a fronted phrase, a name the article writes capitalised inside a sentence.
        "Before the debate, Trump praised Putin, suggesting the U.S. stay out of Syria.",
        "In an interview on Monday, Mrs. Clinton derided the plan, implying that it would fail.",
    ],
)
def test_an_inference_drawn_by_the_subject_of_its_clause_is_theirs(run_checker, text):
    [finding] = run_checker("hedging", text)
    assert (finding.code, finding.severity) == ("unsourced-inference", "info")


def test_a_capitalised_word_only_at_a_sentence_start_is_no_name(run_checker):
    [finding] = run_checker("hedging", "Prices rose again, suggesting that inflation is back.")
    assert finding.severity == "warning"
    text = "Prices rose again, suggesting that inflation is back. The index was set by Prices Inc."
    [finding] = run_checker("hedging", text)
    assert finding.severity == "info"


def test_an_inference_needs_the_comma_of_a_clause_of_its_own(run_checker):
    assert run_checker("hedging", "The figures are suggesting a slowdown in May.") == []
