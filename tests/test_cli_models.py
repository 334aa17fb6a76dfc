"""`sayso models` and the analyzer choice, as a user without (all) stanza models meets them."""

import json

import pytest
from sayso.analysis.analyzers import resolve_analyzer

from tests.conftest import SEEDS, SHARED

SEED = str(SEEDS / "000_81b6159aa6d9e869.txt")
STANZA_RESOURCES = SHARED / "stanza_resources"


def test_models_status_in_an_empty_directory(sayso_cli, tmp_path):
    result = sayso_cli("models", "status", "--stanza-dir", str(tmp_path))
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[1].split() == ["tokenize", "?", "missing"]
    assert "cannot run without it (`sayso models download` fetches it)" in lines[2]
    assert "sayso models download" in result.stderr


@pytest.mark.skipif(not STANZA_RESOURCES.is_dir(), reason="needs ../shared/stanza_resources")
def test_models_status_json_with_tokenizer_only(sayso_cli):
    result = sayso_cli("models", "status", "--stanza-dir", str(STANZA_RESOURCES), "--json")
    assert result.exit_code == 1
    document = json.loads(result.stdout)
    present = {m["model"] for m in document["models"] if m["present"]}
    assert present == {"tokenize", "mwt"}
    states = {p["processor"]: p["state"] for p in document["processors"]}
    assert states["tokenize"] == "loaded"
    assert states["depparse"] == "missing" and states["ner"] == "missing"


def test_auto_picks_the_tagger_and_says_so(sayso_cli, tmp_path):
    result = sayso_cli("check", SEED, "--no-db", "--stanza-dir", str(tmp_path))
    assert result.exit_code == 0
    assert "using the tagger analyzer" in result.stderr
    assert "analyzer: tagger" in result.stdout


def test_auto_falls_back_to_offline_and_says_so(sayso_cli, tmp_path):
    no_model = str(tmp_path / "no-model")
    result = sayso_cli("check", SEED, "--no-db", "--stanza-dir", str(tmp_path), "--model", no_model)
    assert result.exit_code == 0
    assert f"using the offline analyzer: no tagger model in {no_model}" in result.stderr
    assert "tagger-stanza needs stanza's models" in result.stderr
    assert "stanza models not found" in result.stderr
    assert "analyzer: offline" in result.stdout


def test_stanza_without_models_is_one_clear_line(sayso_cli, tmp_path):
    result = sayso_cli(
        "check", SEED, "--no-db", "--analyzer", "stanza", "--stanza-dir", str(tmp_path)
    )
    assert result.exit_code == 2
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("error: stanza's tokenize model is missing")
    assert "sayso models download" in line


def test_resolve_analyzer_keeps_explicit_names(tmp_path):
    options = {"stanza_dir": str(tmp_path)}
    assert resolve_analyzer("offline", options) == ("offline", None)
    name, note = resolve_analyzer("auto", options)
    assert (name, note) == ("tagger", "using the tagger analyzer")
    name, note = resolve_analyzer("auto", {**options, "model": str(tmp_path)})
    assert name == "offline" and note and str(tmp_path) in note
