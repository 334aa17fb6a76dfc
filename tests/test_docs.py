"""Every hook is documented in docs/hooks.md and has a test_hook_* test."""

import re
from pathlib import Path

import pytest
from sayso import hookspecs

ROOT = Path(__file__).resolve().parents[1]
HOOKS = sorted(name for name, value in vars(hookspecs).items() if hasattr(value, "sayso_spec"))


def test_hooks_found():
    assert "check_statement" in HOOKS and len(HOOKS) >= 7


@pytest.mark.parametrize("hook", HOOKS)
def test_hook_is_documented(hook):
    headings = re.findall(r"^## (\w+)\(", (ROOT / "docs" / "hooks.md").read_text(), re.MULTILINE)
    assert hook in headings
    assert getattr(hookspecs, hook).__doc__.strip()


@pytest.mark.parametrize("hook", HOOKS)
def test_hook_has_a_test(hook):
    tests = (ROOT / "tests" / "test_hooks.py").read_text()
    assert f"def test_hook_{hook}(" in tests


def test_hook_docs_list_no_unknown_hooks():
    headings = re.findall(r"^## (\w+)\(", (ROOT / "docs" / "hooks.md").read_text(), re.MULTILINE)
    assert sorted(headings) == HOOKS


def test_readme_first_check_shows_real_output(sayso_cli):
    readme = (ROOT / "README.md").read_text()
    command = "$ sayso check seeds/000_81b6159aa6d9e869.txt\n"
    block = readme.split(command, 1)[1].split("\n```", 1)[0]
    shown = block.split("\n", 1)[1]  # after the stderr line naming the analyzer
    result = sayso_cli("check", str(ROOT / "seeds" / "000_81b6159aa6d9e869.txt"), "--no-db")
    assert result.exit_code == 0
    assert result.stdout.rstrip("\n").replace(str(ROOT) + "/", "") == shown
