"""The single-source checker: warn when one source carries most attributed claims."""

from pathlib import Path

import pytest
from sayso import check
from sayso.plugins.score import MAX_POINTS_PER_CHECKER

SEEDS = Path(__file__).resolve().parents[1] / "seeds"
MOSTLY_KCNA = (
    "KCNA said the leader inspected a factory. "
    "The factory makes tractors, KCNA reported. "
    "According to KCNA, output doubled last year. "
    "A South Korean official said the claims could not be verified."
)


def test_reliance_on_one_source_is_reported_at_its_first_mention(run_checker):
    [finding] = run_checker("single-source", MOSTLY_KCNA)
    assert (finding.code, finding.severity) == ("single-source-reliance", "warning")
    assert finding.message == (
        "3 of 4 attributed claims (75%) rest on one source, KCNA; look for another."
    )
    assert (finding.span.text, finding.statement) == ("KCNA", 0)


def test_threshold_is_configurable(run_checker):
    assert run_checker("single-source", MOSTLY_KCNA, options={"threshold": 0.8}) == []


def test_short_articles_are_left_alone(run_checker):
    assert run_checker("single-source", MOSTLY_KCNA, options={"min_statements": 5}) == []


def test_balanced_sourcing_passes(run_checker):
    text = (
        "KCNA said the leader inspected a factory. "
        "A South Korean official said the claims could not be verified. "
        "Analysts at the Korea Institute said output has fallen."
    )
    assert run_checker("single-source", text) == []


@pytest.mark.parametrize("seed", sorted(SEEDS.glob("*.txt")), ids=lambda path: path.stem)
def test_both_seeds_rely_on_state_media_which_is_one_finding_not_two(seed):
    [report] = check(seed, analyzer="offline").reports
    top = max(
        report.analysis.sources.values(),
        key=lambda source: sum(
            len(a.statements) for a in report.analysis.attributions if a.source_key == source.key
        ),
    )
    assert top.type == "state_media"
    # Resting on one source that is state media is one weakness: the state-media finding
    # supersedes the single-source one.
    assert [f for f in report.findings if f.checker == "single-source"] == []
    [reliance] = [f for f in report.findings if f.code == "state-media-reliance"]
    assert reliance.severity == "warning" and top.name in reliance.message


def test_reliance_on_one_source_costs_at_most_a_checkers_cap(run_checker):
    text = "\n\n".join(
        f"The budget for year {year} is balanced, the mayor said." for year in range(300)
    )
    [reliance] = run_checker("single-source", text)
    assert reliance.penalty == MAX_POINTS_PER_CHECKER
