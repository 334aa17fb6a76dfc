"""Why cut sentences stay unflagged (sayso.evaluation.strip_misses), on texts written for it."""

import pytest
from sayso import check
from sayso.evaluation.brat import AttributionSpans
from sayso.evaluation.flags import strip_attribution
from sayso.evaluation.strip_misses import CAUSES, cause_of_miss, evaluate_strip_misses
from sayso.model import Analysis, Article, Attribution, Span


def with_attributions(analysis: Analysis, kept: Attribution, added: Attribution) -> Analysis:
    """``analysis`` with only ``kept`` (a fresh copy: finalising fills it in again) and
    ``added``."""
    copied = Attribution(
        form=kept.form,
        cue=kept.cue,
        source=kept.source,
        content=list(kept.content),
        statements=list(kept.statements),
    )
    return Analysis(
        article=analysis.article,
        analyzer=analysis.analyzer,
        paragraphs=analysis.paragraphs,
        statements=analysis.statements,
        attributions=[copied, added],
    ).finalise()


def cut(text: str, source: str, cue: str, content: str):
    def where(words: str) -> tuple[tuple[int, int], ...]:
        start = text.index(words)
        return ((start, start + len(words)),)

    case = strip_attribution(text, AttributionSpans(where(source), where(cue), where(content)))
    assert case is not None
    [report] = check(Article(text=case.text, path="story.txt"), analyzer="offline").reports
    return case, report


@pytest.mark.parametrize(
    ("sentence", "content", "cause"),
    [
        # The cut leaves a nested attribution that vouches for the sentence.
        (
            "The mayor said the council said the bridge will close for six weeks.",
            "the council said the bridge will close for six weeks.",
            "vouched",
        ),
        # The cut leaves a source that did not speak.
        (
            "The mayor said the ministry declined to comment on the closure of the bridge.",
            "the ministry declined to comment on the closure of the bridge.",
            "declined",
        ),
        # A capitalised word after an abbreviation: the content split into two statements.
        (
            "The mayor said the bridge, built by Smith Bros. Inc. In 1920, will close for weeks.",
            "the bridge, built by Smith Bros. Inc. In 1920, will close for weeks.",
            "segmentation",
        ),
        # The cut leaves a line in title case: a headline, which is no claim.
        (
            "The mayor said the Bridge Will Close For Six Weeks Next Summer.",
            "the Bridge Will Close For Six Weeks Next Summer.",
            "headline",
        ),
        # The cut leaves what the mayor hopes, which the model rates a report (the cut model
        # flags a bare hope; "as the council said" reads as a report to both models).
        (
            "The mayor said she hopes the bridge will reopen before the storms, as the council "
            "said.",
            "she hopes the bridge will reopen before the storms, as the council said.",
            "thought-or-act",
        ),
        # Who arrived where: fine for scene-setting.
        (
            "The mayor said the delegation arrived in the city on Wednesday evening.",
            "the delegation arrived in the city on Wednesday evening.",
            "scene-setting",
        ),
    ],
)
def test_each_miss_is_put_down_to_what_kept_it_from_a_warning(sentence, content, cause):
    text = f"Bridge to close\n\n{sentence}\n"
    case, report = cut(text, "The mayor", "said", content)
    assert cause_of_miss(case, report.analysis) == cause
    assert cause in CAUSES


def test_a_saying_that_reaches_only_part_of_a_hope_is_told_apart_from_the_hope_alone():
    sentence = (
        "The mayor said she hopes the repairs to the old bridge over the river will be finished "
        "by the spring, as the council said."
    )
    case, report = cut(f"Bridge to close\n\n{sentence}\n", "The mayor", "said", sentence[15:])
    analysis = report.analysis
    assert cause_of_miss(case, report.analysis) == "thought-or-act"
    # Add "the council said" as an attribution carrying the sentence: it vouches, but reaches
    # far less than half of it.
    text = analysis.article.text
    council = text.index("the council")
    [hopes] = analysis.attributions
    said = Attribution(
        form="indirect",
        source=Span.of(text, council, council + len("the council")),
        cue=Span.of(text, council + len("the council "), council + len("the council said")),
        statements=list(hopes.statements),
    )
    with_said = with_attributions(analysis, hopes, said)
    assert cause_of_miss(case, with_said) == "part-vouched"


def test_vouching_from_another_sentence_is_told_apart_from_a_cue_in_the_sentence():
    sentence = "The mayor says she hopes the bridge will reopen before the winter storms arrive."
    text = f"Bridge to close\n\nThe council said on Monday. {sentence}\n"
    case, report = cut(text, "The mayor", "says", sentence[15:])
    analysis = report.analysis
    stripped = analysis.article.text
    [hopes] = [a for a in analysis.attributions if a.cue is not None and a.cue.text == "hopes"]
    [statement] = [analysis.statements[index] for index in hopes.statements]
    # The council's words, their cue in the sentence before, reach over the whole of it; the
    # cue inside it ("hopes") vouches for nothing.
    council = stripped.index("The council")
    said = stripped.index("said")
    carried_over = Attribution(
        form="indirect",
        source=Span.of(stripped, council, council + len("The council")),
        cue=Span.of(stripped, said, said + len("said")),
        content=[Span.of(stripped, statement.start, statement.end)],
        statements=[statement.index - 1, statement.index],
    )
    both = with_attributions(analysis, hopes, carried_over)
    assert cause_of_miss(case, both) == "vouched-from-elsewhere"


def test_the_invented_corpus_has_one_cut_content_and_it_is_flagged(brat_corpus):
    found = evaluate_strip_misses(brat_corpus, "offline")
    assert found.stripped == 1
    assert found.counts().total() == 0
