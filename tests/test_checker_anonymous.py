"""The anonymous checker: unnamed sources, whether anonymity is explained, and reliance on them."""

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
