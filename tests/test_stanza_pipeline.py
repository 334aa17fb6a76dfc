"""The stanza analyzer on a real stanza pipeline: the small models in ../shared/stanza_small.

They load offline and are weak (UPOS about 93, LAS about 79), but they are stanza's own code
path end to end: tokenizer, multi-word tokens, tagger, lemmatizer, parser and NER. The pipeline
loads once per test session (sayso keeps one per process), and the texts are short.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
import sys
import warnings
from importlib.metadata import version
from pathlib import Path
from typing import Any

import pytest
from sayso.analysis.analyzers import resolve_analyzer
from sayso.analysis.stanza import StanzaAnalyzer
from sayso.analysis.stanza_models import resources_dir
from sayso.errors import ModelWarning
from sayso.lexicon import Lexicon
from sayso.model import Analysis, Article, Span

from benchmarks.dump_tables import dump
from tests.conftest import SEEDS, SHARED

STANZA_SMALL = SHARED / "stanza_small"
pytestmark = pytest.mark.skipif(
    not (STANZA_SMALL / "resources.json").is_file(), reason="needs ../shared/stanza_small"
)
SEED = SEEDS / "000_81b6159aa6d9e869.txt"
SHORT = (
    "Kim met Shoigu in Pyongyang, state media announced.\n\n"
    "“The talks went well,” KCNA said. “We will meet again.”\n\n"
    "The leader backs the war, according to Washington."
)


@pytest.fixture(scope="module")
def analyzer() -> StanzaAnalyzer:
    built = StanzaAnalyzer(stanza_dir=str(STANZA_SMALL))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ModelWarning)
        assert built.loaded.has("depparse")
    return built


def analyze(analyzer: StanzaAnalyzer, *texts: str) -> list[Analysis]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ModelWarning)
        return analyzer.analyze([Article(text=text) for text in texts], Lexicon.default())


def spans_of(analysis: Analysis) -> list[Span]:
    spans: list[Span] = list(analysis.paragraphs)
    spans += [Span(s.start, s.end, s.text) for s in analysis.statements]
    spans += [e.span for e in analysis.entities]
    for attribution in analysis.attributions:
        spans += [s for s in (attribution.cue, attribution.source) if s is not None]
        spans += attribution.content
    return spans


def assert_spans_hold(analysis: Analysis) -> None:
    text = analysis.article.text
    for span in spans_of(analysis):
        assert text[span.start : span.end] == span.text, span


def said(analysis: Analysis) -> list[tuple[str | None, str | None, list[int]]]:
    return [
        (a.source.text if a.source else None, a.cue.text if a.cue else None, a.statements)
        for a in analysis.attributions
    ]


def test_the_seed_article_as_a_careful_reader_sees_it(analyzer: StanzaAnalyzer) -> None:
    [analysis] = analyze(analyzer, SEED.read_text(encoding="utf-8"))
    assert_spans_hold(analysis)
    found = said(analysis)
    # The opening "…, state media announced." and the closing "…, according to Washington."
    assert ("state media", "announced", [1]) in found
    assert ("Washington", "according to", [9]) in found
    washington = next(
        a for a in analysis.attributions if a.source and a.source.text == "Washington"
    )
    assert washington.content[0].text.startswith("The North Korean leader supports")
    # What Washington says is not an attribution by the North Korean leader.
    assert not [a for a in analysis.attributions if a.cue and a.cue.text == "supports"]
    # "According to the agency, “…”" is its own attribution, not more of the quote before it.
    assert ("the agency", "According to", [6]) in found
    assert ("Korea’s central news agency KCNA", "said", [5]) in found
    assert len(found) == 9


def test_a_batch_is_one_pipeline_call_and_parses_as_each_alone(
    analyzer: StanzaAnalyzer, monkeypatch: pytest.MonkeyPatch
) -> None:
    texts = [SHORT, "Officials said it rained.", "Nobody came."]
    alone = [analyze(analyzer, text)[0] for text in texts]
    calls: list[int] = []
    pipeline = analyzer.loaded.nlp

    def counted(docs: list[Any]) -> Any:
        calls.append(len(docs))
        return pipeline(docs)

    monkeypatch.setattr(analyzer.loaded, "nlp", counted)
    together = analyze(analyzer, *texts)
    # One call, one stanza document per paragraph of every article.
    assert calls == [sum(len(a.paragraphs) for a in alone)]
    assert [said(a) for a in together] == [said(a) for a in alone]
    assert [a.statements for a in together] == [a.statements for a in alone]


def test_one_sentence_and_thousands(analyzer: StanzaAnalyzer) -> None:
    lines = "\n".join(" ".join(["It rained."] * 10) for _ in range(100))
    one, many = analyze(analyzer, "Officials said it rained.", lines)
    assert [s.text for s in one.statements] == ["Officials said it rained."]
    assert said(one) == [("Officials", "said", [0])]
    assert len(many.statements) == 1000
    assert_spans_hold(many)


ODD = (
    'The agency\u00a0said\tthe port "won\'t" close.\r\n\r\n'
    "“We’re   staying,” Kim’s aide said.\u2003 Officials can't  confirm it.\n"
    "\n\n  N.K. state media didn’t comment on the report ``yesterday''."
)


def test_multi_word_tokens_quotes_and_odd_whitespace_keep_every_offset(
    analyzer: StanzaAnalyzer,
) -> None:
    [analysis] = analyze(analyzer, ODD)
    assert_spans_hold(analysis)
    [parsed] = analyzer.parse_texts([Article(text=ODD)])
    for word in parsed.words:
        # Words of a multi-word token ("ca" + "n't") share its offsets; the rest are the text.
        assert ODD[word.start : word.end] == word.text or word.text in {"ca", "n't", "do", "wo"}
    # A statement never runs across a line: each lies inside one paragraph.
    for statement in analysis.statements:
        assert "\n" not in statement.text
    assert ("Kim’s aide", "said", [1]) in said(analysis)
    assert ("The agency", "said", [0]) in said(analysis)


def test_same_input_same_rows_in_another_process(sayso_cli: Any, tmp_path: Path) -> None:
    """Byte-identical rows from a check here and one in a fresh process (another hash seed, a
    fresh torch): nothing in the stanza path is left to chance."""
    here, there = tmp_path / "here.db", tmp_path / "there.db"
    options = ["--analyzer", "stanza", "--stanza-dir", str(STANZA_SMALL), "--no-link", "-q"]
    result = sayso_cli("check", str(SEED), "--db", str(here), *options)
    assert result.exit_code == 0, result.stderr
    environment = {**os.environ, "PYTHONHASHSEED": "12345"}
    command = [sys.executable, "-m", "sayso", "check", str(SEED), "--db", str(there), *options]
    subprocess.run(command, check=True, env=environment, capture_output=True)
    assert list(dump(here)) == list(dump(there))
    rows = "\n".join(dump(here))
    assert "stanza" in rows and "Washington" in rows


def test_model_resolution_option_environment_and_default_cache(
    sayso_cli: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    article = tmp_path / "short.txt"
    article.write_text(SHORT, encoding="utf-8")
    by_option = sayso_cli(
        "check", str(article), "--no-db", "--analyzer", "stanza", "--stanza-dir", str(STANZA_SMALL)
    )
    assert by_option.exit_code == 0 and "analyzer: stanza" in by_option.stdout
    monkeypatch.setenv("STANZA_RESOURCES_DIR", str(STANZA_SMALL))
    by_environment = sayso_cli("check", str(article), "--no-db", "--analyzer", "stanza")
    assert by_environment.stdout == by_option.stdout
    monkeypatch.delenv("STANZA_RESOURCES_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    default = tmp_path / "cache" / "stanza" / version("stanza") / "resources"
    default.parent.mkdir(parents=True)
    default.symlink_to(STANZA_SMALL)
    assert resources_dir(None) == default
    by_default = sayso_cli("check", str(article), "--no-db", "--analyzer", "stanza")
    assert by_default.stdout == by_option.stdout
    # The mwt file here does not match stanza's model: said on stderr, with the fix.
    assert "warning: stanza mwt:" in by_default.stderr
    assert "sayso models download" in by_default.stderr


def test_models_status_loads_each_processor(sayso_cli: Any) -> None:
    result = sayso_cli("models", "status", "--stanza-dir", str(STANZA_SMALL), "--json")
    states = {p["processor"]: p["state"] for p in json.loads(result.stdout)["processors"]}
    assert states == {
        "tokenize": "loaded",
        "mwt": "dictionary only",
        "pos": "loaded",
        "lemma": "loaded",
        "depparse": "loaded",
        "ner": "loaded",
    }
    assert result.exit_code == 1


def test_without_ner_the_parse_still_finds_attributions_and_it_says_so(tmp_path: Path) -> None:
    without_ner = tmp_path / "resources"
    shutil.copytree(STANZA_SMALL, without_ner, ignore=shutil.ignore_patterns("ner"))
    analyzer = StanzaAnalyzer(stanza_dir=str(without_ner))
    with pytest.warns(ModelWarning, match=r"ner: model missing .*sayso's rules"):
        [analysis] = analyzer.analyze(
            [Article(text="Kim Jong Un met Sergei Shoigu. Officials said it rained.")],
            Lexicon.default(),
        )
    assert not analyzer.loaded.has("ner") and analyzer.loaded.has("depparse")
    assert said(analysis) == [("Officials", "said", [1])]
    assert "Sergei Shoigu" in {e.span.text for e in analysis.entities}


def test_eval_and_serve_a_stanza_checked_database(
    sayso_cli: Any, brat_corpus: Path, tmp_path: Path
) -> None:
    evaluated = sayso_cli(
        "eval",
        str(brat_corpus),
        "--analyzer",
        "stanza",
        "--stanza-dir",
        str(STANZA_SMALL),
        "--json",
    )
    assert evaluated.exit_code == 0, evaluated.stderr
    figures = json.loads(evaluated.stdout)
    assert figures["articles"] == 3 and figures["analyzer"] == "stanza"
    assert figures["relations"]["matched_predicted"] > 0

    pytest.importorskip("datasette")
    from datasette.plugins import pm
    from sayso.web import datasette_plugin, serve

    db = tmp_path / "stanza.db"
    checked = sayso_cli(
        "check", str(SEED), "--db", str(db), "--analyzer", "stanza",
        "--stanza-dir", str(STANZA_SMALL), "-q",
    )  # fmt: skip
    assert checked.exit_code == 0, checked.stderr
    serve.open_for_browsing(db).close()
    if not pm.is_registered(datasette_plugin):
        pm.register(datasette_plugin, "sayso")
    datasette = serve.make_datasette(db)
    page = asyncio.run(datasette.client.get("/stanza/articles.json?_shape=objects"))
    assert page.status_code == 200
    rows = page.json()["rows"]
    assert {row["analyzer"] for row in rows} == {"stanza"}
    article = asyncio.run(datasette.client.get(f"/stanza/articles/{rows[0]['id']}"))
    assert article.status_code == 200


def test_the_overhead_benchmark_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from benchmarks import stanza_overhead

    (tmp_path / "short.txt").write_text(SHORT, encoding="utf-8")
    arguments = [
        str(tmp_path),
        "--stanza-dir",
        str(STANZA_SMALL),
        "--rounds",
        "1",
        "--threads",
        "0",
    ]
    monkeypatch.setattr(sys, "argv", ["stanza_overhead.py", *arguments, "--max-overhead", "100"])
    assert stanza_overhead.main() == 0
    printed = capsys.readouterr().out
    assert "1 articles, 26 words" in printed
    assert "sayso's overhead: " in printed and "of its time on sayso's documents" in printed


def test_one_document_per_article_for_analyzers_that_read_a_parse(
    analyzer: StanzaAnalyzer,
) -> None:
    from sayso.analysis.dependency import document_entities, parse_document

    articles = [Article(text=SHORT), Article(text=ODD)]
    for doc, parsed, article in zip(
        analyzer.parse(articles), analyzer.parse_texts(articles), articles, strict=True
    ):
        again = parse_document(doc, article.text)
        assert [(w.start, w.end, w.head, w.deprel) for w in again.words] == [
            (w.start, w.end, w.head, w.deprel) for w in parsed.words
        ]
        doc.build_ents()
        assert document_entities(doc, article.text) == parsed.entities


def test_new_models_mean_a_new_fingerprint(tmp_path: Path) -> None:
    """After `sayso models download` (or any change of model files), articles stored unchanged
    are checked again: the models are part of what a check's fingerprint describes."""
    from sayso.pipeline.engine import Checking

    copy = tmp_path / "resources"
    shutil.copytree(STANZA_SMALL, copy)

    def fingerprint() -> str:
        return Checking.prepare("stanza", analyzer_options={"stanza_dir": str(copy)}).fingerprint

    before = fingerprint()
    assert fingerprint() == before
    shutil.rmtree(copy / "en" / "ner")
    assert fingerprint() != before


def test_auto_keeps_the_tagger_when_stanzas_models_are_installed() -> None:
    """With stanza's models the tagger still measures best on PolNeAR dev (README, Accuracy)."""
    name, note = resolve_analyzer("auto", {"stanza_dir": str(STANZA_SMALL)})
    assert (name, note) == ("tagger", "using the tagger analyzer")
