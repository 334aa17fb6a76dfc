"""The analyzer registry: names, "auto", workers, and analyzer plugins that break."""

import pytest
import sqlite_utils
from sayso import hookimpl
from sayso.analysis.analyzers import analyzer_names, get_analyzer, resolve_analyzer
from sayso.api import check
from sayso.errors import ConfigError, PluginError
from sayso.manager import DEFAULT_PLUGINS, extra_plugins, load_plugins
from sayso.model import Analysis, AnalyzerFactory, Article, Attribution, Span
from sayso.pipeline.workers import default_workers

TEXT = "The mayor said the bridge would reopen in May. The river rose by 3 metres overnight."


def registering(*factories):
    class Plugin:
        @hookimpl
        def register_analyzers(self, register):
            for factory in factories:
                register(factory)

    return Plugin()


def test_builtin_analyzers_are_plugins():
    plugins = load_plugins()
    for name in ("offline", "stanza", "conllu"):
        assert plugins.analyzer_plugins[name] in DEFAULT_PLUGINS
    assert analyzer_names(plugins)[0] == "auto"
    assert plugins.analyzers["offline"].parallel
    assert not plugins.analyzers["stanza"].parallel


def test_unknown_analyzer_names_the_registered_ones(sayso_cli):
    with pytest.raises(ConfigError) as error:
        get_analyzer("spacy")
    assert "auto, " in str(error.value) and "offline" in str(error.value)
    result = sayso_cli("check", "-", "--no-db", "--analyzer", "spacy")
    assert result.exit_code == 2
    assert result.stderr.startswith("error: unknown analyzer 'spacy'; choose one of auto")


def test_duplicate_analyzer_names_name_both_plugins():
    again = AnalyzerFactory("offline", "Mine too.", build=object)
    with pytest.raises(PluginError) as error, extra_plugins(("dupe", registering(again))):
        pass
    assert "sayso.analysis.offline" in str(error.value) and "dupe" in str(error.value)


def test_register_takes_analyzer_factories_only():
    with extra_plugins(("wrong", registering("offline"))) as plugins:
        assert [f.stage for f in plugins.failures] == ["register_analyzers"]
        assert "AnalyzerFactory" in plugins.failures[0].error


def test_auto_skips_unavailable_analyzers_and_says_why():
    missing = AnalyzerFactory(
        "needs-model",
        "Needs a model.",
        build=object,
        auto_priority=10_000,
        unavailable=lambda options: f"needs-model: no model in {options.get('model')}",
        options=("model",),
    )
    with extra_plugins(("missing", registering(missing))) as plugins:
        name, note = resolve_analyzer("auto", {"model": "/nowhere"}, plugins)
    assert name != "needs-model"
    assert note is not None and note.startswith(f"using the {name} analyzer: ")
    assert "needs-model: no model in /nowhere" in note


def test_workers_come_from_the_registry():
    serial = AnalyzerFactory("serial", "One process.", build=object)
    with extra_plugins(("serial", registering(serial))) as plugins:
        assert default_workers("serial", plugins) == 1
        assert default_workers("offline", plugins) >= 1


class RaisingAnalyzer:
    name = "raising"

    def analyze(self, articles, lexicon):
        if any("bridge" in article.text for article in articles):
            raise RuntimeError("no bridges")
        return [Analysis(article, self.name) for article in articles]


class LyingAnalyzer:
    """Returns a span whose text is not the article's at its offsets."""

    name = "lying"

    def analyze(self, articles, lexicon):
        fake = Span(0, 3, "KCNA")
        return [
            Analysis(a, self.name, attributions=[Attribution("direct", fake, fake)])
            for a in articles
        ]


@pytest.mark.parametrize(
    ("analyzer", "error"),
    [(RaisingAnalyzer, "RuntimeError: no bridges"), (LyingAnalyzer, "not the article's text")],
)
def test_a_failing_analyzer_falls_back_to_the_rules(tmp_path, analyzer, error):
    factory = AnalyzerFactory(analyzer.name, "Broken.", build=analyzer)
    articles = [Article(TEXT), Article("Nothing to see.")]
    with extra_plugins(("broken-plugin", registering(factory))) as plugins:
        result = check(articles, plugins=plugins, analyzer=analyzer.name, db=tmp_path / "s.db")
    first, second = result.reports
    assert [f.plugin for f in first.failures] == ["broken-plugin"]
    assert first.failures[0].stage == "analyze" and error in first.failures[0].error
    # The rule analyzer stood in: the mayor's attribution is still found.
    assert first.analysis.analyzer == "offline"
    assert [a.cue.text for a in first.analysis.attributions] == ["said"]
    if analyzer is RaisingAnalyzer:  # the other article of the batch was analyzed as usual
        assert second.failures == [] and second.analysis.analyzer == "raising"
    rows = list(sqlite_utils.Database(tmp_path / "s.db")["plugin_errors"].rows)
    assert "broken-plugin" in {row["plugin"] for row in rows}
