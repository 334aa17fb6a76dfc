"""Whatever a plugin returns or raises, the run goes on: the failure is the plugin's, named."""

from __future__ import annotations

import math
import time

import pytest
import sqlite_utils
from sayso import hookimpl
from sayso.api import check
from sayso.manager import extra_plugins
from sayso.model import Article, Checker, Deduction, Finding, Span

TEXT = "Officials said the bridge would reopen in May. The river rose by 3 metres overnight."
OTHER = "KCNA said the talks went well. Prices rose."


def statement_plugin(result):
    """A plugin registering checker "mine" whose check_statement returns ``result(statement)``."""

    class Plugin:
        @hookimpl
        def register_checkers(self, register):
            register(Checker(id="mine", description="Returns whatever the test asks."))

        @hookimpl
        def check_statement(self, statement):
            return result(statement)

    return Plugin()


def finding(**fields):
    values = {"checker": "mine", "code": "c", "severity": "warning", "message": "m."} | fields
    return lambda statement: [Finding(**values)]


BAD_RESULTS = {
    "a string": (lambda statement: "lots of findings", "returned str"),
    "an int": (lambda statement: 7, "returned int"),
    "a dict": (lambda statement: {"code": "x"}, "returned dict"),
    "a list of ints": (lambda statement: [1, 2], "returned int 1 in its list, not a Finding"),
    "a bad severity": (finding(severity="fatal"), "severity 'fatal' is not one of"),
    "a span that is not a span": (finding(span=(0, 5)), "span is tuple"),
    "a span past the text": (finding(span=Span(10**9, 10**9 + 3, "abc")), "past the end"),
    "a span not matching the text": (finding(span=Span(0, 5, "xxxxx")), "is not the article's"),
    "a statement index out of range": (finding(statement=10**6), "statement 1000000"),
    "a penalty of 'lots'": (finding(penalty="lots"), "penalty 'lots'"),
    "a NaN penalty": (finding(penalty=math.nan), "penalty nan"),
    "an infinite penalty": (finding(penalty=math.inf), "penalty inf"),
    "a checker of another plugin": (finding(checker="unattributed"), "did not register"),
    "no message": (finding(message=None), "message is NoneType"),
}


@pytest.mark.parametrize("case", BAD_RESULTS)
def test_an_invalid_result_is_the_plugins_error_and_every_article_is_stored(case, tmp_path):
    result, expected = BAD_RESULTS[case]
    db = tmp_path / "s.db"
    with extra_plugins(("bad-plugin", statement_plugin(result))) as plugins:
        checked = check([Article(TEXT), Article(OTHER)], db=db, plugins=plugins)
    with extra_plugins() as plugins:
        clean = check(Article(TEXT), plugins=plugins).reports[0]
    assert len(checked.reports) == 2
    for report in checked.reports:
        assert [failure.plugin for failure in report.failures] == ["bad-plugin"]
        assert expected in report.failures[0].error
        # The other checkers' findings are all there, and the score is theirs.
        assert [f.checker for f in report.findings if f.checker != "mine"]
    assert [f.code for f in checked.reports[0].findings] == [f.code for f in clean.findings]
    stored = sqlite_utils.Database(db)
    assert stored["articles"].count == 2
    assert {row["plugin"] for row in stored["plugin_errors"].rows} == {"bad-plugin"}
    # Nothing the plugin returned reached the findings table.
    assert stored["findings"].count_where("checker = 'mine'") == 0


def test_a_nan_penalty_does_not_score_100():
    with extra_plugins(("nan", statement_plugin(finding(penalty=math.nan)))) as plugins:
        score = check(Article(TEXT), plugins=plugins).reports[0].score
    with extra_plugins() as plugins:
        assert score == check(Article(TEXT), plugins=plugins).reports[0].score < 100


def test_valid_findings_of_the_same_plugin_are_kept():
    def mixed(statement):
        return [Finding("mine", "ok", "info", "Fine."), Finding("mine", "bad", "awful", "No.")]

    with extra_plugins(("mixed", statement_plugin(mixed))) as plugins:
        report = check(Article(TEXT), plugins=plugins).reports[0]
    assert {f.code for f in report.findings if f.checker == "mine"} == {"ok"}
    assert [f.plugin for f in report.failures] == ["mixed"]


def test_invalid_deductions_are_the_plugins_error():
    class Scorer:
        @hookimpl
        def score_deductions(self, findings):
            return [Deduction(math.nan, "bad"), Deduction(5, "fine", [10**6]), Deduction(3, "ok")]

    with extra_plugins(("scorer", Scorer())) as plugins:
        report = check(Article(TEXT), plugins=plugins).reports[0]
    assert [d.reason for d in report.deductions if d.reason in ("bad", "fine", "ok")] == ["ok"]
    assert {f.plugin for f in report.failures} == {"scorer"}
    assert {f.stage for f in report.failures} == {"score_deductions"}


@pytest.mark.parametrize("code", [0, 1, None])
def test_sys_exit_in_a_plugin_is_a_plugin_error(code, tmp_path):
    def leave(statement):
        raise SystemExit(code)

    with extra_plugins(("quitter", statement_plugin(leave))) as plugins:
        result = check([Article(TEXT), Article(OTHER)], db=tmp_path / "s.db", plugins=plugins)
    assert len(result.reports) == 2
    assert "SystemExit" in result.reports[0].failures[0].error
    assert sqlite_utils.Database(tmp_path / "s.db")["articles"].count == 2


def test_sys_exit_at_import_is_a_load_failure(monkeypatch):
    from sayso import manager

    def exits():
        raise SystemExit(3)

    plugins = manager.load_plugins()
    assert manager._register(plugins, "exits-on-import", exits) is False
    assert plugins.failures[-1].stage == "import"
    assert "SystemExit: 3" in plugins.failures[-1].error


@pytest.mark.parametrize("marker", [{"wrapper": True}, {"hookwrapper": True}])
def test_hook_wrappers_are_refused_at_load(marker):
    class Wrapper:
        @hookimpl(**marker)
        def check_statement(self, statement):
            yield

    with extra_plugins(("wrapping", Wrapper())) as plugins:
        assert [(f.plugin, f.stage) for f in plugins.failures] == [("wrapping", "validation")]
        assert "hook wrapper" in plugins.failures[0].error
        assert "wrapping" not in {info.name for info in plugins.info()}
        assert check(Article(TEXT), plugins=plugins).reports[0].findings


def test_plugin_times_are_recorded_per_run(tmp_path):
    db = tmp_path / "s.db"
    with extra_plugins() as plugins:
        result = check([Article(TEXT), Article(OTHER)], db=db, plugins=plugins)
    assert "sayso.plugins.unattributed" in result.plugin_seconds
    rows = {row["plugin"]: row for row in sqlite_utils.Database(db)["plugin_times"].rows}
    assert rows["sayso.plugins.unattributed"]["run_id"] == result.run_id
    assert rows["sayso.plugins.unattributed"]["articles"] == 2
    assert result.slow_plugins == []


def test_a_slow_plugin_gets_a_warning_naming_it(monkeypatch, sayso_cli, tmp_path):
    # Times are wall-clock: on a busy machine the built-in plugins may pass a small limit too,
    # so the test looks only at its own two plugins, a sleeper far over the limit and a no-op
    # far under it (a no-op can't take 50 ms).
    monkeypatch.setattr("sayso.api.SLOW_PLUGIN_SECONDS", 0.05)

    class Slow:
        @hookimpl
        def check_article(self):
            time.sleep(0.2)
            return []

    class Quick:
        @hookimpl
        def check_article(self):
            return []

    with extra_plugins(("slow-plugin", Slow()), ("quick-plugin", Quick())) as plugins:
        result = check(Article(TEXT), plugins=plugins)
    slow = {slow.plugin: slow for slow in result.slow_plugins}
    assert "slow-plugin" in slow
    assert "quick-plugin" not in slow
    assert "slow-plugin is slow" in str(slow["slow-plugin"])
    article = tmp_path / "a.txt"
    article.write_text(TEXT)
    cli = sayso_cli("check", str(article), "--no-db", "--analyzer", "offline", plugin=Slow())
    assert cli.exit_code == 0
    assert "warning: plugin plugin-under-test is slow" in cli.stderr
