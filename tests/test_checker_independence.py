"""The independence checker: state media, governments on their own actions, wire copy."""

from pathlib import Path

import pytest
from sayso import check
from sayso.config import resolve_settings
from sayso.model import Analysis, Article, Attribution, Checker, Settings, Source, Span, Statement
from sayso.plugins import independence
from sayso.plugins.independence import is_about_itself
from sayso.plugins.score import MAX_POINTS_PER_CHECKER

SEEDS = Path(__file__).resolve().parents[1] / "seeds"


def test_claim_resting_only_on_state_media_is_an_info_note_and_one_article_warning(run_checker):
    findings = run_checker("independence", "KCNA said the harvest was the best in decades.")
    [note] = [f for f in findings if f.code == "state-media-only"]
    assert (note.severity, note.span.text) == (
        "info",
        "KCNA said the harvest was the best in decades.",
    )
    assert note.message == (
        "This claim rests only on state media (KCNA), which cannot confirm it independently."
    )
    [reliance] = [f for f in findings if f.code == "state-media-reliance"]
    assert (reliance.severity, reliance.statement) == ("warning", None)
    assert reliance.message.startswith("1 of 1 attributed claims (100%) rest only on state media")


def test_state_media_reliance_states_its_share_once(run_checker):
    text = (
        "KCNA said the harvest was the best in decades. KCNA said the dams held. "
        "The Red Cross said the harvest was poor. KCNA added that exports will rise."
    )
    findings = run_checker("independence", text)
    [reliance] = [f for f in findings if f.code == "state-media-reliance"]
    assert reliance.message == (
        "3 of 4 attributed claims (75%) rest only on state media (KCNA), which cannot confirm "
        "them independently; look for another source."
    )
    assert all(f.severity == "info" for f in findings if f.code == "state-media-only")


def test_little_state_media_is_an_info_finding(run_checker):
    text = (
        "KCNA said the dams held. The Red Cross said the harvest was poor. "
        "The UN said exports fell. Oxfam said prices rose."
    )
    [reliance] = [f for f in run_checker("independence", text) if f.code == "state-media-reliance"]
    assert reliance.severity == "info"


def test_state_media_with_an_independent_source_passes():
    text = "KCNA and the Red Cross said the harvest was poor."
    statement = Statement(0, 0, len(text), text, paragraph=0)
    sources = {
        "kcna": Source("kcna", "KCNA", "state_media"),
        "rc": Source("rc", "Red Cross", "organization"),
    }
    attributions = [
        Attribution(
            "indirect",
            _span(text, "said"),
            _span(text, name),
            [_span(text, "the harvest was poor")],
            key,
            [0],
        )
        for key, name in (("kcna", "KCNA"), ("rc", "the Red Cross"))
    ]
    analysis = Analysis(
        Article(text), "hand", statements=[statement], attributions=attributions, sources=sources
    )
    assert (
        independence.check_statement(statement=statement, analysis=analysis, settings=_settings())
        == []
    )


def test_what_a_source_did_is_no_claim_resting_on_it():
    """An act ("invited") is the article's own say-so: the claim rests on no source, so the
    share counts only the claims someone is given as saying."""
    said = "KCNA said the dams held."
    did = "North Korea invited delegations from Russia."
    text = f"{said} {did}"
    statements = [
        Statement(0, 0, len(said), said, paragraph=0),
        Statement(1, len(said) + 1, len(text), did, paragraph=0),
    ]
    sources = {
        "kcna": Source("kcna", "KCNA", "state_media"),
        "nk": Source("nk", "North Korean government", "government"),
    }
    attributions = [
        Attribution(
            "indirect",
            _span(text, "said"),
            _span(text, "KCNA"),
            [_span(text, "the dams held")],
            "kcna",
            [0],
        ),
        Attribution(
            "indirect",
            _span(text, "invited"),
            _span(text, "North Korea"),
            [_span(text, "delegations from Russia")],
            "nk",
            [1],
        ),
    ]
    analysis = Analysis(
        Article(text), "hand", statements=statements, attributions=attributions, sources=sources
    )
    [reliance] = independence.check_article(analysis=analysis, settings=_settings())
    assert reliance.severity == "warning"
    assert reliance.message.startswith("1 of 1 attributed claims (100%) rest only on state media")


def _span(text: str, words: str) -> Span:
    start = text.index(words)
    return Span.of(text, start, start + len(words))


def _settings() -> Settings:
    checkers: dict[str, Checker] = {}
    independence.register_checkers(register=lambda checker: checkers.update({checker.id: checker}))
    return resolve_settings(checkers)


def test_government_speaking_about_itself_is_info(run_checker):
    text = "“We will rebuild the plant ourselves,” the Ministry of Industry said."
    [finding] = run_checker("independence", text)
    assert (finding.code, finding.severity) == ("government-self-report", "info")
    assert finding.span.text == "the Ministry of Industry"


def test_government_speaking_about_others_passes(run_checker):
    text = "The White House said North Korea had supplied rockets to Russia."
    assert run_checker("independence", text) == []


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("North Korean government", "North Korea will hold a parade", True),
        ("North Korean government", "Pyongyang will hold a parade", True),
        ("Russian government", "Russia’s army is advancing", True),
        ("Russian government", "the talks failed", False),
        ("United States government", "our troops will stay", True),
        # Found in any case; a name inside a longer word is not the name.
        ("Russian government", "RUSSIA will respond", True),
        ("Iranian government", "Iranians protested", True),
        ("French government", "a Frenchman spoke", True),
        ("Chinese government", "the Chinese-made drones", True),
        ("Turkish government", "Turkishness was debated", True),
        ("Peruvian government", "a superuvian token", False),
        # Names the substring test can't settle go through the pattern.
        ("Türkiye government", "TÜRKIYE will respond", True),
        ("Russian government", "İstanbul talks failed", False),
    ],
)
def test_is_about_itself(name, content, expected):
    text = f"Officials said {content}."
    attribution = Attribution(
        form="indirect", cue=None, source=None, content=[Span.of(text, 15, 15 + len(content))]
    )
    assert is_about_itself(attribution, Source("g", name, "government")) is expected


def test_wire_copy_is_info_and_can_be_turned_off(run_checker):
    text = "Reuters reported that 40 people were hurt."
    [finding] = run_checker("independence", text)
    assert (finding.code, finding.severity, finding.span.text) == ("wire-copy", "info", "Reuters")
    assert run_checker("independence", text, options={"report_wire_copy": False}) == []


@pytest.mark.parametrize("seed", sorted(SEEDS.glob("*.txt")), ids=lambda path: path.stem)
def test_seeds_have_claims_resting_only_on_state_media(seed):
    [report] = check(seed).reports
    codes = [f.code for f in report.findings if f.checker == "independence"]
    assert codes.count("state-media-only") >= 5


def test_reliance_on_state_media_costs_at_most_a_checkers_cap(run_checker):
    text = "\n\n".join(f"The parade on day {day} was large, KCNA said." for day in range(150))
    [reliance] = [f for f in run_checker("independence", text) if f.code == "state-media-reliance"]
    assert reliance.penalty == MAX_POINTS_PER_CHECKER
