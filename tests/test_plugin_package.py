"""A plugin package installed into a fresh virtual environment is found through its entry point.

The venv sees sayso as installed where the tests run: the system's packages through
``--system-site-packages`` (pip and setuptools), and the test run's own environment, which may
itself be a virtualenv (whose packages a venv made from it does not see), through a ``.pth``
file. The plugin is installed into the venv only, offline.
"""

import json
import os
import sqlite3
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

SEED = Path(__file__).resolve().parents[1] / "seeds" / "000_81b6159aa6d9e869.txt"

PYPROJECT = """\
[build-system]
requires = ["setuptools"]
build-backend = "setuptools.build_meta"

[project]
name = "sayso-shouting"
version = "0.3.0"

[project.entry-points.sayso]
shouting = "sayso_shouting"
"""

PLUGIN = """\
from sayso import hookimpl
from sayso.model import Checker, Finding


@hookimpl
def register_checkers(register):
    register(Checker(id="shouting", description="Words in capitals."))


@hookimpl
def check_statement(statement, analysis, settings):
    if "KCNA" not in statement.text:
        return []
    return [
        Finding(
            checker="shouting",
            code="capitals",
            severity="info",
            message="This sentence names KCNA in capitals.",
            span=statement.span,
            statement=statement.index,
        )
    ]
"""


@pytest.fixture(scope="module")
def venv_python(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("plugin-package")
    package = root / "sayso-shouting"
    package.mkdir()
    (package / "pyproject.toml").write_text(PYPROJECT)
    (package / "sayso_shouting.py").write_text(PLUGIN)
    venv = root / "venv"
    created = subprocess.run(
        [sys.executable, "-m", "venv", "--system-site-packages", "--without-pip", str(venv)],
        capture_output=True,
        text=True,
    )
    python = venv / ("Scripts" if os.name == "nt" else "bin") / "python"
    if created.returncode != 0 or not python.exists():
        pytest.skip(f"cannot create a virtual environment: {created.stderr.strip()}")
    see_this_environment(python)
    install = [
        str(python),
        "-m",
        "pip",
        "install",
        "--quiet",
        "--no-deps",
        "--no-build-isolation",
        "--no-index",
        str(package),
    ]
    installed = subprocess.run(install, capture_output=True, text=True)
    if installed.returncode != 0:
        pytest.skip(f"cannot install a package into the venv offline: {installed.stderr.strip()}")
    return python


def see_this_environment(python: Path) -> None:
    """Make the packages of the environment running the tests (sayso among them) importable in
    the venv, with their own ``.pth`` files (an editable install's finder) processed."""
    site_packages = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    ours = sysconfig.get_paths()["purelib"]
    Path(site_packages).mkdir(parents=True, exist_ok=True)
    (Path(site_packages) / "tested_environment.pth").write_text(
        f"import site; site.addsitedir({ours!r})\n"
    )


def run_sayso(python: Path, *args: str, load_plugins: str | None = None, cwd: Path):
    env = {k: v for k, v in os.environ.items() if k != "SAYSO_LOAD_PLUGINS"}
    if load_plugins is not None:
        env["SAYSO_LOAD_PLUGINS"] = load_plugins
    return subprocess.run(
        [str(python), "-m", "sayso", *args], capture_output=True, text=True, env=env, cwd=cwd
    )


def test_installed_plugin_is_listed(venv_python, tmp_path):
    result = run_sayso(venv_python, "plugins", "--json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    plugins = {plugin["name"]: plugin for plugin in json.loads(result.stdout)}
    assert plugins["sayso-shouting[shouting]"]["version"] == "0.3.0"
    assert plugins["sayso-shouting[shouting]"]["hooks"] == ["check_statement", "register_checkers"]


def test_installed_plugin_findings_are_stored(venv_python, tmp_path):
    result = run_sayso(venv_python, "check", str(SEED), "--db", "tmp.db", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    with sqlite3.connect(tmp_path / "tmp.db") as conn:
        rows = conn.execute(
            "select code, text from findings where checker = 'shouting' order by start"
        ).fetchall()
    assert rows and all(code == "capitals" and "KCNA" in text for code, text in rows)


def test_empty_load_plugins_leaves_it_out(venv_python, tmp_path):
    result = run_sayso(venv_python, "plugins", "--json", load_plugins="", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    names = [plugin["name"] for plugin in json.loads(result.stdout)]
    assert "sayso-shouting[shouting]" not in names
    assert "sayso.plugins.unattributed" in names
