"""One test per hook (tests/test_docs.py checks every hook has one), through throwaway plugins."""

import sqlite3

import sqlite_utils
import typer
from sayso import hookimpl
from sayso.analysis.segment import (
    build_statements,
    link_statements,
    split_paragraphs,
    split_sentences,
)
from sayso.api import check
from sayso.manager import extra_plugins
from sayso.model import (
    Analysis,
    AnalyzerFactory,
    Article,
    Attribution,
    Checker,
    Deduction,
    Enrichment,
    Finding,
    Span,
)

TEXT = "Officials said the bridge would reopen in May. The river rose by 3 metres overnight."


class StatementPlugin:
    @hookimpl
    def register_checkers(self, register):
        register(Checker(id="test-length", description="Long statements.", options={"limit": 40}))

    @hookimpl
    def check_statement(self, statement, settings):
        if len(statement.text) > settings.option("test-length", "limit"):
            return [
                Finding("test-length", "long", "info", "Long.", statement.span, statement.index)
            ]
        return []


def test_hook_register_checkers():
    with extra_plugins(("statement-plugin", StatementPlugin())) as plugins:
        assert plugins.checkers["test-length"].options == {"limit": 40}
        assert plugins.checker_plugins["test-length"] == "statement-plugin"


def test_hook_check_statement():
    with extra_plugins(("statement-plugin", StatementPlugin())) as plugins:
        report = check(Article(TEXT), plugins=plugins).reports[0]
    long = [f for f in report.findings if f.checker == "test-length"]
    assert [f.span.text for f in long] == ["Officials said the bridge would reopen in May."]


def test_hook_check_article():
    class ArticlePlugin:
        @hookimpl
        def register_checkers(self, register):
            register(Checker(id="test-count", description="Counts attributions."))

        @hookimpl
        def check_article(self, analysis):
            message = f"{len(analysis.attributions)} attribution(s)."
            return [Finding("test-count", "count", "info", message)]

    with extra_plugins(("article-plugin", ArticlePlugin())) as plugins:
        report = check(Article(TEXT), plugins=plugins).reports[0]
    assert [f.message for f in report.findings if f.checker == "test-count"] == [
        "1 attribution(s)."
    ]


def test_hook_register_lexicon():
    text = "The ministry opined that the plan was sound."

    class LexiconPlugin:
        @hookimpl
        def register_lexicon(self, lexicon):
            lexicon.add_cue_verbs("opine")
            lexicon.add_source("Rodong Sinmun", "state_media")

    # The rule analyzer reads the lexicon and nothing else (the tagger also learned cue words).
    before = check(Article(text), analyzer="offline").reports[0].analysis
    with extra_plugins(("lexicon-plugin", LexiconPlugin())) as plugins:
        after = check(Article(text), plugins=plugins, analyzer="offline").reports[0].analysis
        rodong = check(Article("Rodong Sinmun said the harvest was good."), plugins=plugins)
    assert not before.attributions
    assert [a.cue.text for a in after.attributions] == ["opined"]
    assert [s.type for s in rodong.reports[0].analysis.sources.values()] == ["state_media"]


def test_hook_enrich_analysis():
    text = "Per the council, the bridge will close in May. Officials said the river was rising."

    class PerSource:
        @hookimpl
        def enrich_analysis(self, analysis, lexicon):
            comma = text.index(",")
            return Enrichment(
                add=[
                    Attribution(
                        "according_to",
                        Span.of(text, 0, 3),
                        Span.of(text, 4, comma),
                        [Span.of(text, comma + 2, text.index(" Officials") - 1)],
                    )
                ],
                drop=[0],  # the analyzer's "Officials said …", for the test's sake
            )

    before = check(Article(text)).reports[0].analysis
    assert [a.cue.text for a in before.attributions] == ["said"]
    with extra_plugins(("per-source", PerSource())) as plugins:
        report = check(Article(text), plugins=plugins).reports[0]
    [added] = report.analysis.attributions
    assert (added.cue.text, added.source.text, added.statements) == ("Per", "the council", (0,))
    assert report.analysis.source_of(added).name == "council"
    assert not report.failures


def test_enrich_analysis_failures_are_isolated():
    text = "Officials said the river was rising."

    class Raising:
        @hookimpl
        def enrich_analysis(self):
            raise RuntimeError("boom")

    class WrongSpan:
        @hookimpl
        def enrich_analysis(self, analysis):
            return Enrichment(add=[Attribution("direct", Span(0, 4, "nope"), None)])

    class Mutating:
        @hookimpl
        def enrich_analysis(self, analysis):
            analysis.attributions[0].source_key = "mine"

    plugins_under_test = (("raising", Raising()), ("wrong-span", WrongSpan()))
    with extra_plugins(*plugins_under_test, ("mutating", Mutating())) as plugins:
        report = check(Article(text), plugins=plugins).reports[0]
    assert [a.cue.text for a in report.analysis.attributions] == ["said"]
    problems = {failure.plugin: failure.error for failure in report.failures}
    assert problems.keys() == {"raising", "wrong-span", "mutating"}
    assert "RuntimeError: boom" in problems["raising"]
    assert "cue text 'nope' is not the article's text at 0–4" in problems["wrong-span"]
    assert "FrozenInstanceError" in problems["mutating"]


def test_hook_score_deductions():
    class ScorePlugin:
        @hookimpl
        def score_deductions(self, findings):
            return [Deduction(points=7, reason="house rule", findings=list(range(len(findings))))]

    baseline = check(Article(TEXT)).reports[0]
    with extra_plugins(("score-plugin", ScorePlugin())) as plugins:
        report = check(Article(TEXT), plugins=plugins).reports[0]
    assert report.score == max(0, baseline.score - 7)
    assert "house rule" in [d.reason for d in report.deductions]


def test_hook_prepare_database(tmp_path):
    class DatabasePlugin:
        @hookimpl
        def prepare_database(self, conn):
            assert isinstance(conn, sqlite3.Connection)
            conn.execute("create table if not exists plugin_notes (note text)")

    path = tmp_path / "sayso.db"
    with extra_plugins(("database-plugin", DatabasePlugin())) as plugins:
        check(Article(TEXT), db=path, plugins=plugins)
        check(Article(TEXT), db=path, plugins=plugins)
    assert "plugin_notes" in sqlite_utils.Database(path).table_names()


def test_hook_register_commands(sayso_cli):
    class CommandPlugin:
        @hookimpl
        def register_commands(self, app):
            @app.command()
            def hello(name: str = typer.Argument("editor")) -> None:
                """Say hello."""
                typer.echo(f"hello {name}")

    result = sayso_cli("hello", "desk", plugin=CommandPlugin())
    assert result.exit_code == 0
    assert result.stdout == "hello desk\n"


class ColonAnalyzer:
    """A throwaway analyzer: "NAME: words" paragraphs are attributions, nothing else is."""

    name = "colons"

    def analyze(self, articles, lexicon):
        analyses = []
        for article in articles:
            text = article.text
            paragraphs = split_paragraphs(text)
            sentences = [s for p in paragraphs for s in split_sentences(text, p.start, p.end)]
            statements = build_statements(text, paragraphs, sentences)
            attributions = []
            for paragraph in paragraphs:
                colon = text.find(":", paragraph.start, paragraph.end)
                if colon > paragraph.start:
                    source = Span.of(text, paragraph.start, colon)
                    cue = Span.of(text, colon, colon + 1)
                    content = Span.of(text, colon + 2, paragraph.end)
                    attributions.append(Attribution("direct", cue, source, [content]))
            link_statements(attributions, statements)
            analyses.append(Analysis(article, self.name, paragraphs, statements, attributions))
        return analyses


class ColonPlugin:
    @hookimpl
    def register_analyzers(self, register):
        register(
            AnalyzerFactory(
                name="colons",
                description="Speaker labels only.",
                build=ColonAnalyzer,
                parallel=True,
                auto_priority=1000,
            )
        )


def test_hook_register_analyzers(sayso_cli):
    text = "Minister Ann Lee: The harbour will reopen in May."
    with extra_plugins(("colon-plugin", ColonPlugin())) as plugins:
        assert plugins.analyzer_plugins["colons"] == "colon-plugin"
        report = check(Article(text), plugins=plugins, analyzer="colons").reports[0]
        # The highest auto_priority wins "auto", the default of sayso.check().
        assert check(Article(text), plugins=plugins).reports[0].analysis.analyzer == "colons"
    assert [(a.source.text, a.cue.text) for a in report.analysis.attributions] == [
        ("Minister Ann Lee", ":")
    ]
    assert [s.name for s in report.analysis.sources.values()] == ["Ann Lee"]
    help_text = sayso_cli("check", "--help", plugin=ColonPlugin()).stdout
    assert "colons" in help_text and "Speaker labels only." in help_text
