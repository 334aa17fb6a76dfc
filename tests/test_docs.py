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


PAGES = [ROOT / "README.md", ROOT / "CONTRIBUTING.md", *sorted((ROOT / "docs").glob("*.md"))]
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")


def _without_code(text):
    text = re.sub(r"^```.*?^```", "", text, flags=re.MULTILINE | re.DOTALL)
    return re.sub(r"`[^`\n]*`", "", text)


def _anchors(text):
    """The anchors GitHub gives headings: lower case, punctuation dropped, spaces as hyphens."""
    text = re.sub(r"^```.*?^```", "", text, flags=re.MULTILINE | re.DOTALL)
    anchors = set()
    for heading in re.findall(r"^#{1,6} (.+?)\s*$", text, re.MULTILINE):
        slug = re.sub(r"[^\w\- ]", "", heading.lower()).replace(" ", "-")
        anchor, n = slug, 0
        while anchor in anchors:  # a repeated heading gets -1, -2, ...
            n += 1
            anchor = f"{slug}-{n}"
        anchors.add(anchor)
    return anchors


@pytest.mark.parametrize("page", PAGES, ids=lambda page: str(page.relative_to(ROOT)))
def test_relative_links_point_to_existing_files_and_headings(page):
    broken = []
    for target in LINK.findall(_without_code(page.read_text(encoding="utf-8"))):
        if re.match(r"[a-z]+:", target):  # https:, mailto:
            continue
        path, _, anchor = target.partition("#")
        linked = (page.parent / path) if path else page
        if not linked.exists() or (
            anchor
            and linked.suffix == ".md"
            and anchor not in _anchors(linked.read_text(encoding="utf-8"))
        ):
            broken.append(target)
    assert not broken, f"{page.name}: {broken}"


def test_readme_links_every_docs_page():
    linked = set(LINK.findall((ROOT / "README.md").read_text(encoding="utf-8")))
    pages = {f"docs/{page.name}" for page in (ROOT / "docs").glob("*.md")}
    assert pages <= {target.partition("#")[0] for target in linked}
