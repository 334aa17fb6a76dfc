"""The stanza analyzer: lazy imports, model checks, and the real tokenizer when it is available."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from sayso.analysis.stanza import StanzaAnalyzer
from sayso.analysis.stanza_models import missing_models, model_status, resources_dir
from sayso.errors import ModelMissingError, ModelWarning
from sayso.lexicon import Lexicon
from sayso.model import Article

SHARED_MODELS = Path(__file__).parents[1].parent / "shared" / "stanza_resources"
needs_shared_models = pytest.mark.skipif(
    not (SHARED_MODELS / "resources.json").is_file(), reason="shared stanza models not present"
)
TEXT = (
    "Kim Jong Un met Sergei Shoigu in Pyongyang.\n\n"
    "KCNA said the talks were productive. Officials didn't comment."
)


def test_importing_the_analyzer_does_not_import_stanza() -> None:
    code = "import sys, sayso.analysis.stanza; assert 'stanza' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)


def test_resources_dir_prefers_argument_then_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("STANZA_RESOURCES_DIR", str(tmp_path / "env"))
    assert resources_dir(str(tmp_path / "arg")) == tmp_path / "arg"
    assert resources_dir(None) == tmp_path / "env"


def test_empty_resources_dir_is_a_one_line_model_missing_error(tmp_path: Path) -> None:
    analyzer = StanzaAnalyzer(stanza_dir=str(tmp_path))
    with pytest.raises(ModelMissingError) as raised:
        analyzer.analyze([Article(text=TEXT)], Lexicon.default())
    message = str(raised.value)
    assert "\n" not in message
    assert "sayso models download" in message
    assert "tokenize" in message


def test_nothing_is_loaded_for_no_articles(tmp_path: Path) -> None:
    assert StanzaAnalyzer(stanza_dir=str(tmp_path)).analyze([], Lexicon.default()) == []


@needs_shared_models
def test_model_status_reports_present_and_missing_files() -> None:
    status = {(f.processor, f.model): f.present for f in model_status(str(SHARED_MODELS))}
    assert status[("tokenize", "tokenize")] and status[("mwt", "mwt")]
    assert not status[("depparse", "depparse")]
    assert not status[("pos", "pretrain")]
    assert missing_models(str(SHARED_MODELS), ("tokenize", "mwt")) == []


@needs_shared_models
def test_without_a_parser_the_rules_find_attributions_and_it_says_so() -> None:
    analyzer = StanzaAnalyzer(stanza_dir=str(SHARED_MODELS))
    with pytest.warns(ModelWarning, match=r"depparse: model missing .*sayso's rules"):
        [analysis] = analyzer.analyze([Article(text=TEXT)], Lexicon.default())
    assert [s.text for s in analysis.statements] == [
        "Kim Jong Un met Sergei Shoigu in Pyongyang.",
        "KCNA said the talks were productive.",
        "Officials didn't comment.",
    ]
    [kcna] = analysis.attributions
    assert kcna.source is not None and kcna.source.text == "KCNA"
    assert kcna.statements == [1]


@needs_shared_models
def test_tokenizer_models_give_statements_for_a_batch() -> None:
    analyzer = StanzaAnalyzer(stanza_dir=str(SHARED_MODELS), processors="tokenize,mwt")
    first, second = analyzer.analyze(
        [Article(text=TEXT), Article(text="Seoul said nothing.")], Lexicon.default()
    )
    assert [s.text for s in first.statements] == [
        "Kim Jong Un met Sergei Shoigu in Pyongyang.",
        "KCNA said the talks were productive.",
        "Officials didn't comment.",
    ]
    assert [s.paragraph for s in first.statements] == [0, 1, 1]
    # No NER asked for: the entities are the rules' (capitalised names).
    assert "Sergei Shoigu" in {e.span.text for e in first.entities}
    assert [s.text for s in second.statements] == ["Seoul said nothing."]
    assert first.analyzer == "stanza"
