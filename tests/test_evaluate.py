from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from sayso.cli import make_app
from sayso.errors import ConfigError, InputError
from sayso.evaluation.brat import AttributionSpans
from sayso.evaluation.evaluate import (
    EvalResult,
    Score,
    evaluate,
    format_text,
    normalise,
    save_predictions,
    score_article,
    spans_of,
    to_json,
)
from sayso.lexicon import Lexicon
from sayso.model import Analysis, Article, Attribution, Span
from typer.testing import CliRunner

from tests.brat_corpus import write_brat_corpus


def spans(source=(), cue=(), content=()):
    return AttributionSpans(tuple(source), tuple(cue), tuple(content))


# --- normalising spans ---


def test_normalise_trims_white_space_and_edge_punctuation():
    text = ' "It rained," she said.'
    assert normalise(text, [(0, 13)]) == {(2, 11)}


def test_normalise_keeps_inner_punctuation():
    text = "the U.S. said: yes."
    assert normalise(text, [(0, 8)]) == {(0, 7)}
    assert normalise(text, [(4, 14)]) == {(4, 13)}


def test_a_span_of_punctuation_alone_keeps_it():
    text = "Trump: no way"
    assert normalise(text, [(5, 7)]) == {(5, 6)}


def test_a_span_of_white_space_alone_is_dropped():
    assert normalise("a   b", [(1, 4)]) == set()


def test_fragments_stay_separate_unless_only_white_space_parts_them():
    text = "one two, three\nfour"
    assert normalise(text, [(8, 14), (0, 3)]) == {(0, 3), (9, 14)}
    assert normalise(text, [(9, 14), (15, 19)]) == {(9, 19)}


# --- scoring one article ---

TEXT = 'Officials said the bridge will close. "No choice," Ana Ruiz told us.'
#       0         1         2         3         4         5         6
#       0123456789012345678901234567890123456789012345678901234567890123456789
GOLD = [
    spans(source=[(0, 9)], cue=[(10, 14)], content=[(15, 37)]),
    spans(source=[(51, 59)], cue=[(60, 64)], content=[(38, 50)]),
]


def test_perfect_prediction_scores_one_everywhere():
    result = score_article("a", TEXT, GOLD, GOLD)
    for by_match in result.spans.values():
        for score in by_match.values():
            assert (score.precision, score.recall, score.f1) == (1.0, 1.0, 1.0)
    assert result.relations.f1 == 1.0
    assert result.errors == []


def test_exact_match_is_measured_after_trimming_both_sides():
    predicted = [spans(cue=[(9, 15)], content=[(15, 36)])]  # " said " and without the "."
    result = score_article("a", TEXT, GOLD, predicted)
    assert result.spans["cue"]["exact"] == Score(1, 2, 1, 1)
    assert result.spans["content"]["exact"] == Score(1, 2, 1, 1)


def test_begin_match_counts_spans_starting_where_gold_starts():
    predicted = [spans(source=[(51, 54)], cue=[(60, 67)]), spans(source=[(55, 59)])]
    result = score_article("a", TEXT, GOLD, predicted)
    # "Ana" starts where gold "Ana Ruiz" starts; "Ruiz" starts nowhere a gold source starts.
    assert result.spans["source"]["exact"] == Score(2, 2, 0, 0)
    assert result.spans["source"]["begin"] == Score(2, 2, 1, 1)
    assert result.spans["cue"]["exact"] == Score(1, 2, 0, 0)
    assert result.spans["cue"]["begin"] == Score(1, 2, 1, 1)


def test_begin_match_counts_each_side_separately():
    predicted = [spans(source=[(51, 54)]), spans(source=[(51, 59)])]
    result = score_article("a", TEXT, GOLD, predicted)
    # two predicted spans both start at 51: both count for precision, one gold span is found.
    assert result.spans["source"]["begin"] == Score(2, 2, 2, 1)
    assert result.spans["source"]["begin"].precision == 1.0
    assert result.spans["source"]["begin"].recall == 0.5


def test_discontinuous_content_counts_fragment_by_fragment():
    gold = [spans(cue=[(60, 64)], content=[(38, 50), (0, 9)])]
    predicted = [spans(cue=[(60, 64)], content=[(39, 48)])]
    result = score_article("a", TEXT, gold, predicted)
    assert result.spans["content"]["exact"] == Score(1, 2, 1, 1)
    assert result.spans["content"]["exact"].f1 == pytest.approx(2 / 3)


def test_a_shared_gold_source_counts_once():
    gold = [spans(source=[(0, 9)], cue=[(10, 14)]), spans(source=[(0, 9)], cue=[(60, 64)])]
    result = score_article("a", TEXT, gold, [spans(source=[(0, 9)])])
    assert result.spans["source"]["exact"] == Score(1, 1, 1, 1)


def test_empty_roles_count_nothing():
    result = score_article("a", TEXT, [spans(cue=[(10, 14)])], [spans(cue=[(10, 14)])])
    assert result.spans["source"]["exact"] == Score(0, 0, 0, 0)
    assert result.spans["source"]["exact"].f1 == 0.0
    assert result.spans["content"]["begin"] == Score(0, 0, 0, 0)


def test_relations_match_when_cues_overlap():
    predicted = [
        spans(cue=[(12, 20)]),  # overlaps "said"
        spans(cue=[(38, 41)]),  # overlaps no gold cue
        spans(),  # no cue: can't match
    ]
    result = score_article("a", TEXT, GOLD, predicted)
    assert result.relations == Score(3, 2, 1, 1)
    assert result.relations.precision == pytest.approx(1 / 3)
    assert result.relations.recall == 0.5


def test_errors_list_missed_and_spurious_spans_with_their_text():
    predicted = [spans(source=[(51, 54)], cue=[(60, 64)], content=[(38, 50)])]
    errors = score_article("a", TEXT, GOLD, predicted).errors
    assert [(e.kind, e.role, e.text) for e in errors] == [
        ("missed", "source", "Officials"),
        ("missed", "cue", "said"),
        ("missed", "content", "the bridge will close"),
        ("spurious", "source", "Ana"),
        ("missed", "source", "Ana Ruiz"),
    ]


def test_spans_of_an_analyzer_attribution():
    attribution = Attribution(
        form="direct",
        cue=Span.of(TEXT, 60, 64),
        source=None,
        content=[Span.of(TEXT, 38, 50), Span.of(TEXT, 0, 9)],
    )
    assert spans_of(attribution) == spans(cue=[(60, 64)], content=[(38, 50), (0, 9)])


# --- a whole corpus ---

# Hand-written predictions for the fixture corpus, keyed by article name.
PREDICTIONS = {
    "harbor_bridge": [
        ((24, 38), (39, 43), [(44, 80)]),
        ((109, 117), (118, 133), [(82, 102)]),  # "Ana Ruiz", "told reporters"
    ],
    "school_budget": [
        ((42, 49), (50, 54), [(55, 85), (86, 106)]),  # "Tom Lee"; content split at the newline
        (None, (111, 116), [(117, 126)]),  # content "that more"
    ],
    "council_vote": [
        ((57, 70), (37, 42), [(25, 56)]),  # cue "voted" where gold has "said"
        (None, None, []),
    ],
}


class ScriptedAnalyzer:
    """Returns PREDICTIONS for each article; records the batches and articles it saw."""

    name = "scripted"

    def __init__(self) -> None:
        self.seen: list[Article] = []

    def analyze(self, articles: list[Article], lexicon: Lexicon) -> list[Analysis]:
        self.seen += articles
        return [self._analyze(article) for article in articles]

    def _analyze(self, article: Article) -> Analysis:
        def span(offsets: tuple[int, int] | None) -> Span | None:
            return None if offsets is None else Span.of(article.text, *offsets)

        attributions = [
            Attribution(
                form="indirect",
                source=span(source),
                cue=span(cue),
                content=[Span.of(article.text, *c) for c in content],
            )
            for source, cue, content in PREDICTIONS[Path(article.path or "").stem]
        ]
        return Analysis(article, self.name, attributions=attributions)


@pytest.fixture
def result(brat_corpus) -> EvalResult:
    return evaluate(brat_corpus, ScriptedAnalyzer(), Lexicon.default())


def test_corpus_scores_are_summed_over_articles(result):
    # Worked out by hand from the fixture's gold (first annotator) and PREDICTIONS above.
    spans = result.spans
    assert spans["source"]["exact"] == Score(4, 4, 2, 2)
    assert spans["source"]["begin"] == Score(4, 4, 2, 2)
    assert spans["cue"]["exact"] == Score(5, 6, 3, 3)
    assert spans["cue"]["begin"] == Score(5, 6, 4, 4)
    assert spans["content"]["exact"] == Score(5, 8, 4, 4)
    assert spans["content"]["begin"] == Score(5, 8, 5, 5)
    assert result.relations == Score(6, 6, 4, 4)
    assert spans["cue"]["exact"].f1 == pytest.approx(6 / 11)
    assert spans["content"]["begin"].f1 == pytest.approx(10 / 13)


def test_worst_articles_come_first(result):
    worst = result.worst_articles(2)
    assert [(a.name, len(a.errors)) for a in worst] == [("school_budget", 7), ("harbor_bridge", 5)]
    assert len(result.worst_articles(10)) == 3


def test_progress_is_reported_per_batch(brat_corpus):
    calls: list[tuple[int, int]] = []
    evaluate(
        brat_corpus, ScriptedAnalyzer(), progress=lambda done, total: calls.append((done, total))
    )
    assert calls == [(3, 3)]


def test_the_analyzer_sees_only_the_text(brat_corpus):
    analyzer = ScriptedAnalyzer()
    evaluate(brat_corpus, analyzer)
    assert all(article.metadata == {} for article in analyzer.seen)
    assert all(article.path and article.path.endswith(".txt") for article in analyzer.seen)


def test_conllu_analyzer_is_given_each_article_s_parse(monkeypatch, brat_corpus):
    analyzer = ScriptedAnalyzer()
    analyzer.name = "conllu"
    evaluate(brat_corpus, analyzer)
    assert [Path(a.metadata["conllu_path"]) for a in analyzer.seen] == [
        brat_corpus / "conllu" / f"{name}.conllu"
        for name in ("council_vote", "harbor_bridge", "school_budget")
    ]


def test_an_article_without_a_parse_is_skipped_with_a_warning(tmp_path):
    corpus = write_brat_corpus(tmp_path / "corpus")
    (corpus / "conllu" / "school_budget.conllu").unlink()
    analyzer = ScriptedAnalyzer()
    analyzer.name = "conllu"
    result = evaluate(corpus, analyzer)
    assert [a.name for a in result.articles] == ["council_vote", "harbor_bridge"]
    assert result.warnings == ["school_budget: no conllu/school_budget.conllu, skipped"]
    assert "warning: school_budget: no conllu/" in format_text(result)


def test_no_parses_at_all_is_an_input_error(tmp_path):
    corpus = write_brat_corpus(tmp_path / "corpus")
    shutil.rmtree(corpus / "conllu")
    analyzer = ScriptedAnalyzer()
    analyzer.name = "conllu"
    with pytest.raises(InputError, match=r"no conllu/NAME\.conllu parses"):
        evaluate(corpus, analyzer)


def test_an_unknown_analyzer_name_is_a_config_error(brat_corpus):
    with pytest.raises(ConfigError, match="unknown analyzer 'spacy'"):
        evaluate(brat_corpus, "spacy")


def test_missing_corpus_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="no such corpus directory"):
        evaluate(tmp_path / "nowhere", ScriptedAnalyzer())


def test_saved_predictions_are_raw_offsets_one_line_per_article(result, tmp_path):
    path = tmp_path / "predictions.jsonl"
    save_predictions(result, path)
    lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert [line["name"] for line in lines] == ["council_vote", "harbor_bridge", "school_budget"]
    assert lines[0]["attributions"] == [
        {"source": [[57, 70]], "cue": [[37, 42]], "content": [[25, 56]]},
        {"source": [], "cue": [], "content": []},
    ]
    assert lines[2]["attributions"][0]["content"] == [[55, 85], [86, 106]]


def test_json_output(result):
    document = json.loads(to_json(result, errors=1))
    assert document["articles"] == 3
    assert document["spans"]["cue"]["exact"]["f1"] == round(6 / 11, 4)
    assert document["relations"]["matched_gold"] == 4
    [worst] = document["errors"]
    assert worst["name"] == "school_budget"
    assert {
        "kind": "missed",
        "role": "cue",
        "start": 155,
        "end": 169,
        "text": "was criticised",
    } in (worst["errors"])
    assert "errors" not in json.loads(to_json(result))


def test_text_output_is_a_table_with_optional_error_listing(result):
    text = format_text(result, errors=1)
    assert "3 articles from" in text
    assert any(
        line.split()[:2] == ["cue", "exact"] and "54.5" in line for line in text.splitlines()
    )
    assert "relation  cue overlap" in text
    assert "school_budget: 7 errors" in text
    assert "missed   content    173-182    too small" in text
    assert "harbor_bridge:" not in text
    assert "errors" not in format_text(result)


def test_real_conllu_analyzer_runs_on_the_fixture(brat_corpus):
    pytest.importorskip("stanza")
    try:
        from sayso.analysis.conllu import ConlluAnalyzer  # noqa: F401
    except ImportError:
        pytest.skip("the conllu analyzer is not available")
    result = evaluate(brat_corpus, "conllu")
    assert len(result.articles) == 3
    assert 0.0 <= result.spans["cue"]["exact"].f1 <= 1.0


# --- the command line --------------------------------------------------------------------------


def test_eval_command_prints_json_and_saves_predictions(tmp_path, brat_corpus):
    predictions = tmp_path / "predictions.jsonl"
    args = ["eval", str(brat_corpus), "--analyzer", "conllu", "--json"]
    outcome = CliRunner().invoke(make_app(), [*args, "--save-predictions", str(predictions)])
    assert outcome.exit_code == 0, outcome.stderr
    assert json.loads(outcome.stdout)["articles"] == 3
    assert len(predictions.read_text(encoding="utf-8").splitlines()) == 3


def test_eval_command_reports_bad_input_in_one_line(tmp_path):
    outcome = CliRunner().invoke(make_app(), ["eval", str(tmp_path / "nowhere")])
    assert outcome.exit_code == 2
    assert outcome.stderr.strip().splitlines() == [
        f"error: {tmp_path / 'nowhere'}: no such corpus directory"
    ]
