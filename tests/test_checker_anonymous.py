"""The anonymous checker: unnamed sources, whether anonymity is explained, and reliance on them."""

from sayso.config import resolve_settings
from sayso.model import Analysis, Article, Attribution, Source, Span, Statement
from sayso.plugins import anonymous

NAMED = "The mayor said the budget was balanced. The treasurer said taxes would not rise. "


def test_unexplained_anonymity_is_a_warning_at_the_source(run_checker):
    [finding] = run_checker("anonymous", "A senior diplomat said the talks had failed.")
    assert (finding.code, finding.severity) == ("unexplained-anonymity", "warning")
    assert finding.span.text == "A senior diplomat"
    assert finding.message == (
        "This rests on an unnamed source (“A senior diplomat”) without saying why the source "
        "could not be named."
    )


def test_explained_anonymity_is_info(run_checker):
    text = "Two officials, who spoke on condition of anonymity, said the plant would close."
    [finding] = run_checker("anonymous", text)
    assert (finding.code, finding.severity) == ("anonymous-source", "info")


def test_familiarity_is_not_a_reason_for_anonymity(run_checker):
    text = "Sources familiar with the matter said 300 jobs would go."
    assert [f.code for f in run_checker("anonymous", text)] == ["unexplained-anonymity"]


def test_reliance_on_unnamed_sources(run_checker):
    text = NAMED + "Officials said the mayor would resign. A source said the council would fold."
    findings = run_checker("anonymous", text)
    [reliance] = [f for f in findings if f.code == "anonymous-reliance"]
    assert reliance.message == "2 of 4 attributed claims (50%) rest on unnamed sources."
    assert reliance.span is None


def test_reliance_share_is_configurable(run_checker):
    text = NAMED + "Officials said the mayor would resign. A source said the council would fold."
    findings = run_checker("anonymous", text, options={"max_share": 0.5})
    assert "anonymous-reliance" not in [f.code for f in findings]


def test_named_sources_pass(run_checker):
    assert run_checker("anonymous", NAMED) == []


def test_one_mention_with_two_cues_is_one_unnamed_source():
    text = "His aides say it is too early and argue that the vote will fail."
    statement = Statement(0, 0, len(text), text, paragraph=0)
    aides = Span.of(text, 0, len("His aides"))
    attributions = [
        Attribution(
            "indirect",
            Span.of(text, text.index(cue), text.index(cue) + len(cue)),
            aides,
            [],
            "his-aides",
            [0],
        )
        for cue in ("say", "argue")
    ]
    analysis = Analysis(
        Article(text), "hand", [Span.of(text, 0, len(text))], [statement], attributions
    )
    analysis.sources = {"his-aides": Source("his-aides", "His aides", "anonymous")}
    findings = anonymous.check_statement(
        statement=statement, analysis=analysis, settings=resolve_settings({})
    )
    assert [f.span.text for f in findings] == ["His aides"]
