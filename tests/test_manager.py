"""Plugin loading: built-ins, entry points, SAYSO_LOAD_PLUGINS, and failures that don't spread."""

import sys
import types
from importlib.metadata import EntryPoint

import pytest
from sayso import hookimpl
from sayso.api import check
from sayso.config import resolve_settings
from sayso.errors import PluginError
from sayso.manager import DEFAULT_PLUGINS, extra_plugins, get_plugins, load_plugins
from sayso.model import Article, Checker, Finding

from tests.conftest import RaisingPlugin

TEXT = "The mayor said the bridge would reopen in May. The river rose by 3 metres overnight."


@pytest.fixture
def fake_entry_points(monkeypatch):
    """Pretend these modules are installed as ``sayso`` entry points."""

    def install(**modules):
        for name, module in modules.items():
            monkeypatch.setitem(sys.modules, f"fake_{name}", module)
        points = [EntryPoint(name=name, value=f"fake_{name}", group="sayso") for name in modules]
        monkeypatch.setattr("sayso.manager.entry_points", lambda group: points)

    return install


def plugin_module(name, **hooks):
    module = types.ModuleType(name)
    for hook_name, function in hooks.items():
        setattr(module, hook_name, hookimpl(function))
    return module


def test_builtins_load():
    plugins = load_plugins()
    assert set(DEFAULT_PLUGINS) <= {info.name for info in plugins.info()}
    assert plugins.failures == []
    assert "unattributed" in plugins.checkers


def test_entry_point_plugins_load_unless_restricted(monkeypatch, fake_entry_points):
    fake_entry_points(extra=plugin_module("extra", register_lexicon=lambda lexicon: None))
    monkeypatch.delenv("SAYSO_LOAD_PLUGINS")
    assert "extra" in {info.name for info in load_plugins().info()}
    monkeypatch.setenv("SAYSO_LOAD_PLUGINS", "")
    assert "extra" not in {info.name for info in load_plugins().info()}
    monkeypatch.setenv("SAYSO_LOAD_PLUGINS", "other, extra")
    assert "extra" in {info.name for info in load_plugins().info()}


def test_plugin_failing_at_import_is_recorded(monkeypatch):
    monkeypatch.delenv("SAYSO_LOAD_PLUGINS")
    broken = EntryPoint(name="broken", value="no_such_module_for_sayso", group="sayso")
    monkeypatch.setattr("sayso.manager.entry_points", lambda group: [broken])
    plugins = load_plugins()
    assert [(f.plugin, f.stage) for f in plugins.failures] == [("broken", "import")]
    assert "ModuleNotFoundError" in plugins.failures[0].error
    assert check(Article(TEXT), plugins=plugins).reports[0].findings


def test_misspelled_hook_is_caught_at_load_time(monkeypatch, fake_entry_points):
    monkeypatch.delenv("SAYSO_LOAD_PLUGINS")
    fake_entry_points(typo=plugin_module("typo", check_statment=lambda statement: []))
    plugins = load_plugins()
    assert [(f.plugin, f.stage) for f in plugins.failures] == [("typo", "validation")]
    assert "check_statment" in plugins.failures[0].error
    assert "typo" not in {info.name for info in plugins.info()}


def test_raising_hook_is_isolated_and_stored(tmp_path):
    with extra_plugins(("raising", RaisingPlugin())) as plugins:
        result = check(Article(TEXT), db=tmp_path / "s.db", plugins=plugins)
        clean = check(Article(TEXT), plugins=load_plugins()).reports[0]
    report = result.reports[0]
    assert {f.plugin for f in report.failures} == {"raising"}
    assert "RuntimeError: boom" in report.failures[0].error
    assert [f.code for f in report.findings] == [f.code for f in clean.findings]
    import sqlite_utils

    rows = list(sqlite_utils.Database(tmp_path / "s.db")["plugin_errors"].rows)
    assert {row["plugin"] for row in rows} == {"raising"}


def test_duplicate_checker_ids_name_both_plugins():
    class Duplicate:
        @hookimpl
        def register_checkers(self, register):
            register(Checker(id="unattributed", description="Mine too."))

    with pytest.raises(PluginError) as error, extra_plugins(("dupe-plugin", Duplicate())):
        pass
    assert "sayso.plugins.unattributed" in str(error.value)
    assert "dupe-plugin" in str(error.value)


def test_a_finding_code_two_checkers_declare_names_both():
    class SameCode:
        @hookimpl
        def register_checkers(self, register):
            register(Checker(id="mine", description="Mine.", codes={"unattributed-claim": "?"}))

    with pytest.raises(PluginError) as error, extra_plugins(("same-code", SameCode())):
        pass
    message = str(error.value)
    assert "'unattributed-claim'" in message
    assert "unattributed (sayso.plugins.unattributed)" in message and "mine (same-code)" in message


def test_every_built_in_checker_declares_its_codes():
    plugins = get_plugins()
    for checker in plugins.checkers.values():
        assert checker.codes, checker.id
        assert all(meaning.strip() for meaning in checker.codes.values()), checker.id


def test_finding_for_unregistered_checker_is_a_plugin_error():
    class Impostor:
        @hookimpl
        def register_checkers(self, register):
            register(Checker(id="impostor", description="Reports for others."))

        @hookimpl
        def check_article(self):
            return [Finding("unattributed", "fake", "error", "Not mine to report.")]

    with extra_plugins(("impostor", Impostor())) as plugins:
        report = check(Article(TEXT), plugins=plugins).reports[0]
    assert "fake" not in {f.code for f in report.findings}
    assert [f.plugin for f in report.failures] == ["impostor"]


def test_a_plugin_whose_checkers_are_all_off_is_not_asked():
    calls = []

    class Counting:
        @hookimpl
        def register_checkers(self, register):
            register(Checker(id="counting", description="Counts.", enabled_by_default=False))

        @hookimpl
        def check_statement(self, statement):
            calls.append(statement.index)
            return []

        @hookimpl
        def check_article(self):
            calls.append("article")
            return []

    with extra_plugins(("counting", Counting())) as plugins:
        check(Article(TEXT), plugins=plugins)
        assert calls == []
        settings = resolve_settings(plugins.checkers, enable=["counting"])
        check(Article(TEXT), plugins=plugins, settings=settings)
    assert calls and calls[-1] == "article"


def test_plugin_already_installed_is_not_registered_twice(monkeypatch, fake_entry_points):
    module = plugin_module(
        "installed",
        register_checkers=lambda register: register(Checker(id="mine", description="Mine.")),
    )
    monkeypatch.delenv("SAYSO_LOAD_PLUGINS")
    fake_entry_points(installed=module)
    with extra_plugins(("under-test", module)) as plugins:
        assert plugins.checker_plugins["mine"] == "installed"
        assert plugins.failures == []


def test_hook_arguments_are_passed_by_name_in_any_order():
    class Reordered:
        @hookimpl
        def register_checkers(self, register):
            register(Checker(id="reordered", description="Names its arguments out of order."))

        @hookimpl
        def check_statement(self, settings, statement):
            message = f"{type(settings).__name__} {type(statement).__name__} {statement.index}"
            return [Finding("reordered", "seen", "info", message)]

    with extra_plugins(("reordered", Reordered())) as plugins:
        report = check(Article(TEXT), plugins=plugins).reports[0]
    seen = [f.message for f in report.findings if f.checker == "reordered"]
    assert seen == ["Settings Statement 0", "Settings Statement 1"]
    assert report.failures == []
