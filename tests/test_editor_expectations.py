"""The issue's examples, each as an editor expects it: flags that are right, one deduction each.

Every text here is written for the test; the mechanisms they exercise are general (carry-over,
non-attribution, headlines, supersedes, the needs-a-source model), not these sentences. They run
on the rule analyzer's extraction, so that what they test is what comes after it (the tagger
reads "provided" as a cue, for one).
"""

from pathlib import Path

import pytest
from sayso import check

from tests.reports import report_of, statement_with

SEEDS = Path(__file__).resolve().parents[1] / "seeds"

COUNCIL_STORY = """Council approves harbour tunnel

The city council on Tuesday approved a plan to build a second harbour tunnel, Mayor Ana Ruiz said.

The council has a poor record of delivering infrastructure on time.

Crews are expected to begin work next spring. The first lane is scheduled to open in 2027.

“We have waited long enough. The traffic on the bridge is unbearable,” Ruiz told reporters.

The regional transport authority declined to comment.
"""


def findings_on(report, words: str):
    index = statement_with(report, words).index
    return [f for f in report.findings if f.statement == index]


def warnings_on(report, words: str):
    return [f for f in findings_on(report, words) if f.severity != "info"]


@pytest.mark.parametrize(
    "sentence",
    [
        "Assad is much stronger now than he was three years ago.",
        "The government was not involved in the bank's decision.",
        "Donna Brazile provided a question to Clinton's aides before the debate.",
        "The process often leaves legislators with a fait accompli.",
    ],
)
def test_a_claim_stripped_of_its_source_is_flagged(sentence):
    text = f"Officials met in the capital on Monday.\n\n{sentence}\n"
    [flag] = warnings_on(report_of(text), sentence[:20])
    assert (flag.checker, flag.code) == ("unattributed", "unattributed-claim")


def test_the_same_claim_with_its_source_is_not_flagged():
    report = report_of("She said the process often leaves legislators with a fait accompli.\n")
    assert [f for f in report.findings if f.code == "unattributed-claim"] == []


def test_a_sentence_continuing_a_quote_is_attributed_to_the_speaker():
    text = (
        "Budget talks resumed on Monday.\n\n"
        "“The plan is sound,” the mayor said. “It will save the city money. "
        "Nobody will lose a job.”\n"
    )
    report = report_of(text)
    for words in ("It will save", "Nobody will lose"):
        statement = statement_with(report, words)
        [attribution] = report.analysis.attributions_for(statement)
        assert report.analysis.source_of(attribution).name.lower().endswith("mayor")
        assert warnings_on(report, words) == []


def test_a_quoted_paragraph_after_an_attributed_one_carries_the_attribution():
    text = (
        "“The tunnel is overdue,” said Ana Ruiz, the mayor.\n\n"
        "“Traffic on the bridge has doubled in ten years and the repairs cost millions.”\n"
    )
    report = report_of(text)
    statement = statement_with(report, "Traffic on the bridge")
    [attribution] = report.analysis.attributions_for(statement)
    assert report.analysis.source_of(attribution).name == "Ana Ruiz"


def test_a_paragraph_after_a_colon_carries_the_attribution():
    text = (
        "The minister gave three reasons. According to the ministry:\n\n"
        "Exports fell by a third in the spring because of the strike at the port.\n"
    )
    report = report_of(text)
    statement = statement_with(report, "Exports fell")
    assert report.analysis.attributions_for(statement)
    assert warnings_on(report, "Exports fell") == []


def test_transcript_speaker_labels_are_attributions():
    text = (
        "The senator was interviewed on Sunday.\n\n"
        "WALLACE: Will the bill pass before the recess?\n\n"
        "PENCE: The bill will pass, and it will cut taxes for every family in the state.\n"
    )
    report = report_of(text)
    statement = statement_with(report, "The bill will pass")
    [attribution] = report.analysis.attributions_for(statement)
    assert attribution.source.text == "PENCE"
    assert warnings_on(report, "The bill will pass") == []


@pytest.mark.parametrize(
    ("sentence", "cue", "source"),
    [
        (
            "State media, however, had not confirmed plans for a military parade.",
            "confirmed",
            "State media",
        ),
        (
            "The regional transport authority declined to comment.",
            "declined to comment",
            "The regional transport authority",
        ),
        ("The mayor's office declined to comment.", "declined to comment", "The mayor's office"),
        (
            "A spokesman for the ministry could not be reached.",
            "could not be reached",
            "A spokesman for the ministry",
        ),
        # Whole words: not the "an" that ends "spokesman".
        (
            "A spokesman for the contractor could not be reached.",
            "could not be reached",
            "A spokesman for the contractor",
        ),
        (
            "Bair could not be immediately reached for comment.",
            "could not be immediately reached",
            "Bair",
        ),
        (
            "Pittman could not immediately be contacted for comment.",
            "be contacted",
            "Pittman",
        ),
        (
            "When asked about the visit, John Kirby, the White House spokesman, did not provide "
            "a direct answer.",
            "did not provide",
            "John Kirby",
        ),
    ],
)
def test_non_attribution_is_recorded_as_a_source_that_did_not_vouch(sentence, cue, source):
    text = f"KCNA said Kim met Shoigu in Pyongyang on Thursday.\n\n{sentence}\n"
    report = report_of(text)
    statement = statement_with(report, sentence[:25])
    assert not report.analysis.attributions_for(statement)
    [declined] = report.analysis.non_attributions_for(statement)
    assert cue in declined.cue.text
    assert declined.source is not None and declined.source.text == source
    assert warnings_on(report, sentence[:25]) == []


def test_state_media_that_had_not_confirmed_is_not_an_attribution_to_state_media():
    report = report_of(
        "KCNA said Kim met Shoigu.\n\n"
        "State media, however, had not confirmed plans for a military parade.\n"
    )
    [declined] = report.analysis.non_attributions
    assert report.analysis.source_of(declined).name == "KCNA"
    assert [a.cue.text for a in report.analysis.attributions] == ["said"]


def test_a_crosshead_is_not_an_attribution():
    text = (
        "Kim met Shoigu in Pyongyang on Thursday, KCNA said.\n\n"
        "U.S Says Putin Is Reaching Out For Support\n\n"
        "John Kirby said Putin is reaching out to other countries for support.\n"
    )
    report = report_of(text)
    assert statement_with(report, "Reaching Out For").kind == "headline"
    assert all("Says" not in (a.cue.text if a.cue else "") for a in report.analysis.attributions)
    assert "united-states-government" not in report.analysis.sources


def test_the_writers_sentence_between_two_of_state_media_is_not_state_medias():
    # Seed 003's annotation leaves "Kim thanked Putin …" unattributed: an outlet's account does
    # not run on over the writer's sentences (in PolNeAR train, none of the sentences between two
    # resting on one outlet or document is annotated as its content).
    text = (
        "The news report revealed that Shoigu gave Kim a letter from Putin. Kim thanked Putin "
        "for sending a delegation led by Shoigu.\n\n"
        "Kim took Shoigu to an arms exhibition, the state news agency KCNA said.\n"
    )
    report = report_of(text)
    statement = statement_with(report, "Kim thanked Putin")
    assert not report.analysis.attributions_for(statement)


def test_the_council_story_reads_as_an_editor_expects():
    report = report_of(COUNCIL_STORY)
    # An evaluation with no source is a warning, not "fine for scene-setting".
    [poor_record] = warnings_on(report, "poor record")
    assert poor_record.code == "unattributed-claim"
    # "are expected to": one weakness (no source), one deduction — and no info note calling the
    # sentence scene-setting beside it.
    expected = findings_on(report, "are expected to")
    assert len([f for f in expected if f.severity == "warning"]) == 1
    assert not any(f.code == "unattributed-statement" for f in expected)
    # The ordinal "first" is not an assessment.
    assert all("“first”" not in f.message for f in report.findings)
    # The quote's second sentence is the mayor's too; the authority that declined is no source.
    assert warnings_on(report, "The traffic on the bridge") == []
    assert warnings_on(report, "declined to comment") == []


def test_an_unsourced_inference_in_an_unsourced_claim_costs_one_deduction():
    report = report_of(
        "The council approved the road on Tuesday.\n\n"
        "Traffic on the bridge fell by a third in May, suggesting that drivers avoid the tolls.\n"
    )
    warned = [f for f in findings_on(report, "Traffic on the bridge") if f.severity == "warning"]
    assert len(warned) == 1


def test_an_unidentified_group_as_the_source_costs_one_deduction():
    report = report_of(
        "The council approved the road on Tuesday.\n\nCritics say the road is too expensive.\n"
    )
    # "Critics say": the hedging checker's vague attribution and the anonymous checker's
    # unnamed source are one weakness; the first is the more precise.
    [critics] = warnings_on(report, "Critics say")
    assert (critics.checker, critics.code) == ("hedging", "vague-attribution")


def test_a_first_line_like_copy_3_is_not_a_claim():
    report = report_of(
        "Copy 3.\n\nThe council voted on Tuesday to close the pool, the mayor said.\n"
    )
    assert findings_on(report, "Copy 3.") == []
    assert not statement_with(report, "Copy 3.").is_claim


@pytest.mark.parametrize("analyzer", ["offline", "tagger"])
@pytest.mark.parametrize("seed", sorted(SEEDS.glob("*.txt")), ids=lambda path: path.stem)
def test_seeds_kcna_sentences_are_attributed_and_carry_no_warning(seed, analyzer):
    [report] = check(seed, analyzer=analyzer).reports
    analysis = report.analysis
    kcna = [
        statement
        for statement in analysis.statements
        if any(
            analysis.source_of(a) and analysis.source_of(a).name == "KCNA"
            for a in analysis.attributions_for(statement)
        )
    ]
    assert len(kcna) >= 5
    for statement in kcna:
        assert [
            f for f in report.findings if f.statement == statement.index and f.severity != "info"
        ] == []
    [reliance] = [f for f in report.findings if f.severity == "warning" and f.statement is None]
    assert reliance.code == "state-media-reliance" and "KCNA" in reliance.message


@pytest.mark.parametrize("analyzer", ["offline", "tagger"])
@pytest.mark.parametrize("seed", sorted(SEEDS.glob("*.txt")), ids=lambda path: path.stem)
def test_seeds_unattributed_claims_are_flagged_and_nothing_is_penalised_twice(seed, analyzer):
    [report] = check(seed, analyzer=analyzer).reports
    flagged = [f for f in report.findings if f.code == "unattributed-claim"]
    assert len(flagged) >= 3
    warned = [
        f.statement for f in report.findings if f.severity != "info" and f.statement is not None
    ]
    assert len(warned) == len(set(warned))
    for index in set(warned):
        severities = {f.severity for f in report.findings if f.statement == index}
        codes = {f.code for f in report.findings if f.statement == index}
        # A warning never sits beside a note calling the same sentence fine.
        assert not ("warning" in severities and "unattributed-statement" in codes)


# The claims sayso 0.1 warned about in the seeds when work on the issue began (05e72f7),
# by the seed and the start of the sentence, with the code each is warned with now.
CLAIMS_WARNED_BY_0_1 = [
    ("000", "This is a first since the closure", "unattributed-claim"),
    ("000", "Russia, a historic ally of North Korea", "unattributed-claim"),
    # Read as a report by the model; the writer's own conclusion after ", suggesting" is the
    # hedging checker's (docs/flags.md, "Session 16").
    ("000", "This year marks the return after the pandemic", "unsourced-inference"),
    ("003", "This is the North Korean leader’s first known meeting", "unattributed-claim"),
    # One weakness, one deduction: the hedging checker's is the more precise.
    ("003", "North Korean authorities are expected to", "agentless-expectation"),
]


@pytest.mark.parametrize("analyzer", ["offline", "tagger"])
@pytest.mark.parametrize(("seed", "opening", "code"), CLAIMS_WARNED_BY_0_1)
def test_the_seeds_claims_sayso_0_1_warned_about_are_still_warned_about(
    seed, opening, code, analyzer
):
    [path] = SEEDS.glob(f"{seed}_*.txt")
    [report] = check(path, analyzer=analyzer).reports
    [statement] = [s for s in report.analysis.statements if s.text.startswith(opening)]
    codes = {
        f.code
        for f in report.findings
        if f.statement == statement.index and f.severity == "warning"
    }
    assert code in codes
