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
