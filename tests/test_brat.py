from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sayso.errors import InputError
from sayso.evaluation.brat import AttributionSpans, parse_ann, read_corpus

from tests.brat_corpus import write_brat_corpus

POLNEAR = Path(__file__).parents[2] / "shared" / "corpora" / "polnear"


def test_event_gives_roles_from_its_arguments():
    ann = (
        "T1\tSource 0 5\tAnna\n"
        "T2\tCue 6 10\tsaid\n"
        "T3\tContent 11 20\tit rained\n"
        "T4\tAttribution 6 10\tsaid\n"
        "E1\tAttribution:T4 Content:T3 Cue:T2 Source:T1\n"
    )
    assert parse_ann(ann, 30) == [AttributionSpans(((0, 5),), ((6, 10),), ((11, 20),))]


def test_fragments_are_sorted_and_second_content_joins_the_first():
    ann = (
        "T1\tContent 30 40;10 20\tx y\n"
        "T2\tContent2 50 55\tz\n"
        "T3\tCue 22 26\tsaid\n"
        "T4\tAttribution 22 26\tsaid\n"
        "E1\tAttribution:T4 Cue:T3 Content:T1 Content2:T2\n"
    )
    [attribution] = parse_ann(ann, 60)
    assert attribution.content == ((10, 20), (30, 40), (50, 55))
    assert attribution.source == ()


def test_span_text_running_over_several_lines_is_skipped():
    ann = (
        "T1\tContent 0 12\tfirst line\nsecond\n"
        "\n"
        "T2\tCue 13 17\tsaid\n"
        "E1\tAttribution:T2 Cue:T2 Content:T1\n"
    )
    assert parse_ann(ann, 20) == [AttributionSpans((), ((13, 17),), ((0, 12),))]


def test_a_source_shared_by_two_events_belongs_to_both():
    ann = (
        "T1\tSource 0 4\tAnna\n"
        "T2\tCue 5 9\tsaid\n"
        "T3\tCue 20 25\tadded\n"
        "E1\tAttribution:T2 Source:T1 Cue:T2\n"
        "E2\tAttribution:T3 Source:T1 Cue:T3\n"
    )
    first, second = parse_ann(ann, 30)
    assert first.source == second.source == ((0, 4),)


def test_the_trigger_stands_in_for_a_missing_cue():
    ann = (
        "T1\tAttribution-no-source 3 9\tis seen\n"
        "E1\tAttribution-no-source:T1\n"
        "T2\tContent 0 2\tit\n"
        "T3\tAttribution 10 14\tsaid\n"
        "E2\tAttribution:T3 Content:T2\n"
    )
    assert parse_ann(ann, 20) == [
        AttributionSpans((), ((3, 9),), ()),
        AttributionSpans((), ((10, 14),), ((0, 2),)),
    ]


def test_unused_spans_notes_and_other_records_are_ignored():
    ann = (
        "T1\tDiscard 0 4\tjunk\n"
        "T2\tDiscuss 5 9\thmm\n"
        "#1\tAnnotatorNotes T1\tnot sure\n"
        "A1\tNegated T1\n"
        "E1\tOther:T2\n"
    )
    assert parse_ann(ann, 10) == []


def test_a_discuss_span_used_as_source_is_a_source():
    ann = "T1\tDiscuss 0 4\tAnna\nT2\tCue 5 9\tsaid\nE1\tAttribution:T2 Cue:T2 Source:T1\n"
    assert parse_ann(ann, 10)[0].source == ((0, 4),)


@pytest.mark.parametrize(
    ("ann", "message"),
    [
        ("T1\tCue five 9\tsaid\n", "can't read span offsets"),
        ("T1\tCue 5\tsaid\n", "can't read span offsets"),
        ("T1\tCue 5 90\tsaid\n", "outside the text"),
        ("T1\tCue 9 5\tsaid\n", "outside the text"),
        ("T1\tCue 5 9\tsaid\nE1\tAttribution:T1 Source:T7\n", "unknown span 'T7'"),
    ],
)
def test_bad_annotations_name_file_and_line(ann, message):
    with pytest.raises(InputError, match=message) as error:
        parse_ann(ann, 20, "x.ann")
    assert str(error.value).startswith("x.ann:")


def test_fixture_corpus_uses_the_first_annotator_in_sorted_order(brat_corpus):
    corpus = read_corpus(brat_corpus)
    assert [a.name for a in corpus.articles] == ["council_vote", "harbor_bridge", "school_budget"]
    harbor = corpus.articles[1]
    assert harbor.annotation_path.name == "harbor_bridge_aaaa.ann"
    assert len(harbor.gold) == 2
    assert corpus.warnings == []


def test_every_annotator_gives_an_article_once_per_annotation_file(brat_corpus):
    corpus = read_corpus(brat_corpus, every_annotator=True)
    names = [a.name for a in corpus.articles]
    assert names == ["council_vote", "harbor_bridge", "harbor_bridge", "school_budget"]
    first, second = corpus.articles[1:3]
    assert [first.annotation_path.name, second.annotation_path.name] == [
        "harbor_bridge_aaaa.ann",
        "harbor_bridge_bbbb.ann",
    ]
    assert first.text == second.text and first.gold != second.gold


def test_fixture_gold_spans_are_the_annotated_text(brat_corpus):
    school = read_corpus(brat_corpus).articles[2]
    said, added, criticised = school.gold
    assert [school.text[s:e] for s, e in said.content] == [
        "the plan protects teachers and\nkeeps classes small,"
    ]
    assert added.source == said.source
    assert [school.text[s:e] for s, e in criticised.content] == ["The budget", "too small."]


def test_fixture_parses_line_up_with_the_texts(brat_corpus):
    conll = pytest.importorskip("stanza.utils.conll")
    for conllu in sorted((brat_corpus / "conllu").glob("*.conllu")):
        text = (brat_corpus / "text" / f"{conllu.stem}.txt").read_text(encoding="utf-8")
        document = conll.CoNLL.conll2doc(input_file=str(conllu))
        for token in (t for sentence in document.sentences for t in sentence.tokens):
            assert text[token.start_char : token.end_char] == token.text


def test_article_without_annotations_is_skipped_with_a_warning(tmp_path):
    corpus = write_brat_corpus(tmp_path / "corpus")
    (corpus / "attributions" / "council_vote_aaaa.ann").unlink()
    result = read_corpus(corpus)
    assert [a.name for a in result.articles] == ["harbor_bridge", "school_budget"]
    assert result.warnings == ["council_vote: no annotation file, skipped"]


def test_annotations_without_text_are_ignored_with_a_warning(tmp_path):
    corpus = write_brat_corpus(tmp_path / "corpus")
    (corpus / "attributions" / "lost_article_cccc.ann").write_text("", encoding="utf-8")
    assert read_corpus(corpus).warnings == [
        "lost_article_cccc.ann: no text/lost_article.txt for it, ignored"
    ]


@pytest.mark.parametrize(
    ("remove", "message"),
    [
        ("", "no such corpus directory"),
        ("text", "no text/ folder"),
        ("attributions", "no attributions/ folder"),
    ],
)
def test_missing_folders_are_input_errors(tmp_path, remove, message):
    corpus = write_brat_corpus(tmp_path / "corpus")
    shutil.rmtree(corpus / remove)
    with pytest.raises(InputError, match=message):
        read_corpus(corpus)


def test_corpus_with_no_annotated_article_is_an_input_error(tmp_path):
    corpus = write_brat_corpus(tmp_path / "corpus")
    for ann in (corpus / "attributions").glob("*.ann"):
        ann.unlink()
    with pytest.raises(InputError, match="no article has an annotation file"):
        read_corpus(corpus)


def test_text_that_is_not_utf8_is_an_input_error(tmp_path):
    corpus = write_brat_corpus(tmp_path / "corpus")
    (corpus / "text" / "council_vote.txt").write_bytes(b"\xff\xfe bad")
    with pytest.raises(InputError, match="not UTF-8"):
        read_corpus(corpus)


@pytest.mark.skipif(not POLNEAR.is_dir(), reason="PolNeAR (../shared) is not available")
def test_polnear_dev_reads_cleanly():
    corpus = read_corpus(POLNEAR / "dev")
    assert len(corpus.articles) == 84
    assert corpus.warnings == []
    assert all(a.gold for a in corpus.articles)
