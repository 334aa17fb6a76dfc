"""The unattributed checker: check-worthy claims are warnings, scene-setting is free info."""

import pytest
from sayso.analysis.needs_source import NeedsSourceModel
from sayso.plugins import unattributed
from sayso.plugins.unattributed import check_worthy_reasons


@pytest.mark.parametrize(
    ("text", "reasons"),
    [
        ("Officials expect 2,000 guests.", [("a number", "2,000")]),
        ("Prices rose 5% in May.", [("a number", "5%")]),
        ("The war ended on July 27, 1953.", []),
        # Ordinals are not assessments.
        ("It was the first trip since the COVID-19 pandemic on 27 July.", []),
        ("The first lane is scheduled to open on Monday.", []),
        ("The talks were held in the 1990s.", []),
        ("The army attacked the town.", [("an allegation", "attacked")]),
        ("The parade will take place on Thursday.", [("a prediction", "will")]),
        ("Flights stopped because of the storm.", [("a causal claim", "because")]),
        ("The delegation arrived on Wednesday.", []),
        ("Turnout rose by ten per cent.", [("a number", "per cent")]),
        # "ſ" matches "s" case-insensitively, which lower-cased text cannot tell.
        ("Thouſands gathered.", [("a number", "Thouſands")]),
    ],
)
def test_check_worthy_reasons(text, reasons):
    assert check_worthy_reasons(text) == reasons


def test_check_worthy_claim_is_a_warning_naming_its_reason(run_checker):
    [finding] = run_checker("unattributed", "Unemployment rose to 7% in March.")
    assert (finding.code, finding.severity) == ("unattributed-claim", "warning")
    assert finding.message == ("No source is given for this claim, which contains a number (“7%”).")
    assert finding.span.text == "Unemployment rose to 7% in March."


def test_scene_setting_is_info_that_costs_nothing(run_checker):
    [finding] = run_checker("unattributed", "The delegation arrived on Wednesday.")
    assert (finding.code, finding.severity, finding.penalty) == (
        "unattributed-statement",
        "info",
        0.0,
    )


def test_scene_setting_can_be_left_out(run_checker):
    text = "The delegation arrived on Wednesday."
    assert run_checker("unattributed", text, options={"report_scene_setting": False}) == []


def test_attributed_claims_pass(run_checker):
    assert run_checker("unattributed", "The mayor said unemployment rose to 7% in March.") == []


def _rating_everything_a_report(monkeypatch, weights):
    model = NeedsSourceModel({"bias": -10.0, **weights}, threshold=0.5)
    monkeypatch.setattr(unattributed, "shipped_model", lambda analyzer=None: model)


def test_a_statement_read_as_a_report_names_its_cue_word(run_checker, monkeypatch):
    _rating_everything_a_report(monkeypatch, {"w=debated": -1.0, "w=long": -4.0})
    [finding] = run_checker("unattributed", "Scholars have long debated the treaty's meaning.")
    assert (finding.code, finding.severity) == ("unattributed-statement", "info")
    assert "(“debated”)" in finding.message


def test_a_statement_read_as_a_report_with_no_cue_word_reads_as_background(
    run_checker, monkeypatch
):
    # "still" and "at" weigh towards a report, but no annotator marks them as a cue: naming
    # them would tell an editor nothing.
    _rating_everything_a_report(monkeypatch, {"w=still": -2.0, "m=at": -1.0})
    [finding] = run_checker("unattributed", "The two Koreas are still officially at war.")
    assert finding.message == (
        "No source is given; this reads as background or as a report of what someone said, did "
        "or thinks, not as a claim that needs a source."
    )
