"""The flags benchmark (sayso.evaluation.flags) on text and on the invented brat corpus."""

from sayso.evaluation.brat import AttributionSpans
from sayso.evaluation.flags import covered_share, evaluate_flags, strip_attribution


def spans(text: str, *words: str) -> tuple[tuple[int, int], ...]:
    return tuple((text.index(w), text.index(w) + len(w)) for w in words)


TEXT = "Budget talks resumed.\n\nShe said that the process often leaves legislators stuck.\n"


def gold(source: str, cue: str, content: str, text: str = TEXT) -> AttributionSpans:
    return AttributionSpans(spans(text, source), spans(text, cue), spans(text, content))


def test_a_source_said_content_sentence_is_cut_to_its_content():
    stripped = strip_attribution(
        TEXT, gold("She", "said", "the process often leaves legislators stuck.")
    )
    assert stripped is not None
    assert stripped.text == "Budget talks resumed.\n\nThe process often leaves legislators stuck.\n"
    content = stripped.text[stripped.content_start : stripped.content_end]
    assert content == "The process often leaves legislators stuck."


def test_other_shapes_are_left_out():
    # Content shorter than six words, a cue that is no speech verb, a quotation, a source that
    # does not open the sentence.
    short = "Talks.\n\nShe said the plan works.\n"
    assert strip_attribution(short, gold("She", "said", "the plan works.", short)) is None
    liked = "Talks.\n\nShe liked that the process often leaves legislators stuck.\n"
    assert strip_attribution(liked, gold("She", "liked", "the process", liked)) is None
    quoted = 'Talks.\n\nShe said "the process often leaves legislators stuck."\n'
    assert strip_attribution(quoted, gold("She", "said", '"the process often', quoted)) is None
    inside = "Talks.\n\nYesterday she said the process often leaves legislators stuck.\n"
    assert (
        strip_attribution(inside, gold("she", "said", "the process often leaves", inside)) is None
    )


def test_the_title_is_no_sentence_to_cut():
    # PolNeAR's texts open with their title: cut, a headline is still a headline.
    title = "Mayor Says Process Often Leaves Every Legislator Stuck.\n\nTalks resumed on Monday.\n"
    content = "Process Often Leaves Every Legislator Stuck."
    assert strip_attribution(title, gold("Mayor", "Says", content, title)) is None
    body = "Talks resumed.\n\nMayor Says Process Often Leaves Every Legislator Stuck.\n"
    assert strip_attribution(body, gold("Mayor", "Says", content, body)) is not None


def test_covered_share_counts_characters_but_not_spaces():
    text = "ab cd"
    assert covered_share(text, 0, 5, [(0, 2)]) == 0.5
    assert covered_share(text, 0, 5, []) == 0.0
    assert covered_share(text, 0, 5, [(0, 5)]) == 1.0


def test_both_figures_on_the_invented_corpus(brat_corpus):
    result = evaluate_flags(brat_corpus, "offline")
    # One gold attribution has the shape: "City officials said the bridge will close for six
    # weeks." Cut, its content is a claim with no source, and it is flagged.
    assert (result.stripped, result.strip_recall) == (1, 1.0)
    # The one flag of the uncut articles falls on a statement the annotators attributed (to no
    # named source: "was criticised"): a false flag.
    assert [example.text for example in result.false_flags] == [
        "The budget was criticised as too small."
    ]
    assert result.as_dict() == {
        "articles": 3,
        "flags": 1,
        "false_flags": 1,
        "false_flag_rate": 1.0,
        "stripped": 1,
        "stripped_flagged": 1,
        "strip_recall": 1.0,
    }
