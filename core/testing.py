"""pytest fixtures for people writing sayso plugins (loaded through the ``pytest11`` entry point).

Use them in a plugin's tests::

    def test_my_checker(run_checker):
        findings = run_checker("my-checker", "Officials said it rained.", plugin=my_plugin)
        assert [f.code for f in findings] == ["weather-claim"]
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from .config import resolve_settings
from .manager import Plugins, extra_plugins, get_plugins
from .model import Analysis, Article, Finding
from .pipeline.engine import Checking, check_one

AnalysisFactory = Callable[..., Analysis]
# The width :func:`sayso_cli` draws the text report at, whatever the terminal running the tests.
REPORT_COLUMNS = 100


def _analyze(text: str, plugins: Plugins, analyzer: str = "offline") -> Analysis:
    checking = Checking.prepare(analyzer, plugins=plugins)
    report = check_one(Article(text=text, path="<test>"), checking)
    return report.analysis


@pytest.fixture
def make_analysis() -> AnalysisFactory:
    """Turn a string into an :class:`Analysis`: statements, attributions and resolved sources.

    ``make_analysis(text, analyzer="offline")``
    """

    def make(text: str, analyzer: str = "offline") -> Analysis:
        return _analyze(text, get_plugins(), analyzer)

    return make


@pytest.fixture
def run_checker() -> Callable[..., list[Finding]]:
    """Run one checker on a string and return its findings.

    ``run_checker(checker_id, text, plugin=None, options=None)``: ``plugin`` is your plugin
    module or object, registered for this call only; ``options`` override the checker's
    defaults. The checker runs even if it is off by default.
    """

    def run(
        checker_id: str,
        text: str,
        plugin: object | None = None,
        options: dict[str, Any] | None = None,
    ) -> list[Finding]:
        extra = ((getattr(plugin, "__name__", "plugin-under-test"), plugin),) if plugin else ()
        with extra_plugins(*extra) as plugins:
            if checker_id not in plugins.checkers:
                raise LookupError(
                    f"no checker {checker_id!r}; loaded: {', '.join(sorted(plugins.checkers))}"
                )
            settings = resolve_settings(
                plugins.checkers,
                assignments=[f"{checker_id}.{k}={_toml(v)}" for k, v in (options or {}).items()],
            )
            settings.enabled = {checker_id}
            checking = Checking.prepare(settings=settings, plugins=plugins)
            report = check_one(Article(text=text, path="<test>"), checking)
            if report.failures:
                raise AssertionError("; ".join(str(f) for f in report.failures))
            return report.findings

    return run


@pytest.fixture
def sayso_cli() -> Callable[..., Result]:
    """Invoke the ``sayso`` command line in-process: ``sayso_cli("check", path, plugin=...)``.

    Returns typer's ``Result`` (``exit_code``, ``stdout``, ``stderr``). The text report is drawn
    :data:`REPORT_COLUMNS` wide, without colour, unless ``env`` sets ``COLUMNS`` or ``NO_COLOR``.
    """
    from .cli import make_app

    def invoke(
        *args: str, plugin: object | None = None, env: dict[str, str] | None = None
    ) -> Result:
        extra = ((getattr(plugin, "__name__", "plugin-under-test"), plugin),) if plugin else ()
        with extra_plugins(*extra):
            environment = {"COLUMNS": str(REPORT_COLUMNS), **(env or {})}
            return CliRunner().invoke(make_app(), list(args), env=environment)

    return invoke


def _toml(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return repr(value)
