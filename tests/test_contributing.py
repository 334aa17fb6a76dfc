"""CONTRIBUTING.md's tutorial works: its files are written out, its tests run, its commands agree.

Files are the code blocks preceded by ``<!-- file: PATH -->``.
"""

import importlib.util
import re
import sqlite3
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

GUIDE = Path(__file__).resolve().parents[1] / "CONTRIBUTING.md"
# A code block, with the file it belongs in when a "<!-- file: PATH -->" line precedes it.
BLOCK = re.compile(r"(?:<!-- file: (\S+) -->\n)?^```(\w*)\n(.*?)^```$", re.DOTALL | re.MULTILINE)


def blocks(language: str) -> list[str]:
    return [code for _, lang, code in BLOCK.findall(GUIDE.read_text()) if lang == language]


@pytest.fixture(scope="module")
def tutorial(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("tutorial")
    for path, _, content in BLOCK.findall(GUIDE.read_text()):
        if path:
            (root / path).parent.mkdir(parents=True, exist_ok=True)
            (root / path).write_text(content)
    return root


@pytest.fixture(scope="module")
def plugin(tutorial):
    spec = importlib.util.spec_from_file_location(
        "sayso_loaded_cues", tutorial / "sayso-loaded-cues" / "sayso_loaded_cues.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_entry_point_names_the_module(tutorial):
    package = tutorial / "sayso-loaded-cues"
    project = tomllib.loads((package / "pyproject.toml").read_text())["project"]
    [module] = project["entry-points"]["sayso"].values()
    assert (package / f"{module}.py").is_file()


def test_tutorial_tests_pass(tutorial):
    package = tutorial / "sayso-loaded-cues"
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
        cwd=package,
        env={"PYTHONPATH": str(package), "PATH": ""},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "5 passed" in result.stdout


def test_report_and_database_are_as_shown(tutorial, plugin, sayso_cli, monkeypatch):
    monkeypatch.chdir(tutorial)
    result = sayso_cli(
        "check", "story.txt", "--all", "--db", "sayso.db", "--config", "sayso.toml", plugin=plugin
    )
    assert result.exit_code == 0, result.stderr
    [shown] = [block for block in blocks("") if "loaded-cues/loaded-cue" in block]
    report = [line.strip() for line in result.stdout.splitlines()]
    assert all(line.strip() in report for line in shown.splitlines() if line.strip())
    [query] = blocks("sql")
    with sqlite3.connect(tutorial / "sayso.db") as conn:
        rows = conn.execute(query).fetchall()
    assert [row[1:3] for row in rows] == [("loaded-cue", "admitted")]


def test_analyzer_plugin_finds_speaker_labels(tutorial):
    from sayso.api import check
    from sayso.manager import extra_plugins
    from sayso.model import Article

    spec = importlib.util.spec_from_file_location(
        "sayso_labels", tutorial / "sayso-labels" / "sayso_labels.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    text = "SPOKESWOMAN: The port reopens Monday.\n\nThe weather was fine."
    with extra_plugins(("sayso-labels", module)) as plugins:
        report = check(Article(text), plugins=plugins, analyzer="labels").reports[0]
    assert report.failures == []
    [attribution] = report.analysis.attributions
    assert (attribution.source.text, attribution.content[0].text) == (
        "SPOKESWOMAN",
        "The port reopens Monday.",
    )


def test_enrichment_plugin_attributes_agentless_passives_to_an_unnamed_source(tutorial):
    from sayso.api import check
    from sayso.manager import extra_plugins
    from sayso.model import Article

    spec = importlib.util.spec_from_file_location(
        "sayso_agentless", tutorial / "sayso-agentless" / "sayso_agentless.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    text = (
        "It was widely reported that the mayor will resign by Friday. "
        "The minister is believed to have left the country. "
        "The council said the budget was approved."
    )
    plain = check(Article(text), analyzer="offline").reports[0]
    with extra_plugins(("sayso-agentless", module)) as plugins:
        report = check(Article(text), analyzer="offline", plugins=plugins).reports[0]
    assert not report.failures
    analysis = report.analysis
    found = {
        (a.source.text, a.cue.text, a.content[0].text, analysis.source_of(a).type)
        for a in analysis.attributions
        if analysis.source_of(a).type == "anonymous"
    }
    assert found == {
        ("It was widely reported", "reported", "the mayor will resign by Friday", "anonymous"),
        (
            "is believed",
            "believed",
            "The minister is believed to have left the country.",
            "anonymous",
        ),
    }

    def unattributed(report):
        return {f.statement for f in report.findings if f.checker == "unattributed"}

    # Without the plugin each is flagged once, for its missing source or for its hedge (one
    # finding supersedes the other); with it, both have a source.
    flagged = {f.statement for f in plain.findings if f.checker in ("unattributed", "hedging")}
    assert {0, 1} <= flagged
    assert not {0, 1} & unattributed(report)
    assert {f.code for f in report.findings if f.statement in (0, 1)} >= {"unexplained-anonymity"}
