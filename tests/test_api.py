"""sayso.check() has sayso check's defaults: configuration lookup, link policy, failure counts."""

from __future__ import annotations

import gc

from sayso import hookimpl
from sayso.api import LINK_LIMIT, CheckRun, check, expanded, links_by_default
from sayso.errors import InputError
from sayso.manager import extra_plugins
from sayso.model import Article, Checker
from sayso.pipeline.workers import CHECKING_GC_THRESHOLDS

TEXT = "The bridge will close in May because the river is rising."


def test_check_reads_the_configuration_a_check_here_would(tmp_path, monkeypatch):
    def checkers_found(**options):
        return {finding.checker for finding in check(Article(TEXT), **options).reports[0].findings}

    assert "unattributed" in checkers_found()
    (tmp_path / "sayso.toml").write_text("[checkers.unattributed]\nenabled = false\n")
    monkeypatch.chdir(tmp_path)
    assert "unattributed" not in checkers_found()
    elsewhere = tmp_path / "other.toml"
    elsewhere.write_text("[checkers.hedging]\nenabled = false\n")
    assert "unattributed" in checkers_found(config=elsewhere)


def test_the_time_limit_comes_from_the_configuration_unless_given(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "sayso.toml").write_text("time_limit = 7\n")
    assert CheckRun([], lambda report: None).checking.time_limit == 7
    assert CheckRun([], lambda report: None, time_limit=None).checking.time_limit is None
    (tmp_path / "sayso.toml").write_text("time_limit = 0\n")
    assert CheckRun([], lambda report: None).checking.time_limit is None


def test_links_by_default_for_two_to_link_limit_inputs(tmp_path):
    articles = [Article(f"Article {n}.") for n in range(LINK_LIMIT + 1)]
    assert not links_by_default(articles[:1])
    assert links_by_default(articles[:2])
    assert links_by_default(articles[:LINK_LIMIT])
    assert not links_by_default(articles)
    assert not links_by_default([articles[0], InputError("nothing here")])
    for name in ("a.txt", "b.txt"):
        (tmp_path / name).write_text(f"{TEXT} ({name})")
    assert [path.name for path in expanded([tmp_path])] == ["a.txt", "b.txt"]
    assert check([tmp_path]).provenance is not None
    assert check([tmp_path], link=False).provenance is None


def test_plugin_failures_are_counted_by_the_articles_they_happen_in():
    class Failing:
        @hookimpl
        def check_article(self, analysis):
            if "bridge" in analysis.article.text:
                raise RuntimeError("no bridges")

    texts = [TEXT, "The tunnel opens in June.", TEXT + " Again."]
    with extra_plugins(("failing", Failing())) as plugins:
        result = check([Article(text) for text in texts], plugins=plugins)
    [(failure, articles)] = result.failure_counts.items()
    assert failure.plugin == "failing" and "no bridges" in failure.error
    assert articles == 2


class CollectorWatcher:
    """Notes how the garbage collector is set while an article is checked."""

    def __init__(self) -> None:
        self.seen: list[tuple[tuple[int, ...], bool]] = []

    @hookimpl
    def check_article(self, analysis):
        self.seen.append((gc.get_threshold(), gc.get_freeze_count() > 0))


def test_check_tunes_the_garbage_collector_as_sayso_check_does_and_puts_it_back():
    watcher = CollectorWatcher()
    before = gc.get_threshold()
    with extra_plugins(("watcher", watcher)) as plugins:
        check([Article(TEXT), Article(TEXT + " Again.")], plugins=plugins)
    assert watcher.seen == [(CHECKING_GC_THRESHOLDS, True)] * 2
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0


class FailingChecker:
    @hookimpl
    def register_checkers(self, register):
        register(Checker(id="failing", description="Fails on one article."))

    @hookimpl
    def check_article(self, analysis):
        if "Again" in analysis.article.text:
            raise RuntimeError("boom")
        return []


def test_each_report_carries_its_own_failures_and_the_plugins_keep_none():
    with extra_plugins(("failing", FailingChecker())) as plugins:
        result = check([Article(TEXT), Article(TEXT + " Again.")], plugins=plugins)
        assert plugins.failures == []
    assert [[(f.plugin, f.stage) for f in report.failures] for report in result.reports] == [
        [],
        [("failing", "check_article")],
    ]


def test_check_spreads_articles_over_workers_and_returns_what_one_process_does():
    from sayso.document import article_document

    articles = [Article(f"{TEXT} Officials said {n} roads were shut.") for n in range(40)]

    def documents(result):
        # When each was checked aside.
        return [{**article_document(r), "checked_at": None} for r in result.reports]

    alone, spread = (check(articles, workers=n, link=False) for n in (1, 2))
    assert len(spread.reports) == 40 and documents(spread) == documents(alone)


def test_check_has_the_command_lines_default_workers():
    import inspect

    from sayso.cli.app import check_command

    def default(function):
        return inspect.signature(function).parameters["workers"].default

    assert default(check) == default(check_command) == 0
