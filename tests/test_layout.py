"""The package layout: no module of sayso imports, directly or through others, itself.

Imports are read from the source, not by importing it: every ``import``/``from … import`` of a
sayso module counts, at module level or inside a function (a lazy import still ties the two
modules together), except under ``if TYPE_CHECKING:``, which never runs.
"""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

import pytest
import sayso

PACKAGE_ROOTS = {
    "sayso": Path(sayso.__file__).parent,
    "sayso.plugins": Path(sayso.__file__).parent.parent / "plugins",
}


def module_files() -> dict[str, Path]:
    """Every module of sayso by dotted name (a package by its ``__init__``)."""
    modules = {}
    for prefix, root in PACKAGE_ROOTS.items():
        for path in root.rglob("*.py"):
            parts = list(path.relative_to(root).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            modules[".".join([prefix, *parts])] = path
    return modules


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _runtime_imports(tree: ast.AST) -> list[ast.Import | ast.ImportFrom]:
    found: list[ast.Import | ast.ImportFrom] = []

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import | ast.ImportFrom):
            found.append(node)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return found


def imported_modules(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """The sayso modules ``name`` imports (``from X import y`` counts X.y if a module, else X)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    targets: set[str] = set()
    for node in _runtime_imports(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets.update(alias.name for alias in node.names)
            continue
        base = node.module or ""
        if node.level:
            anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
            base = ".".join([*anchor, *([base] if base else [])])
        for alias in node.names:
            submodule = f"{base}.{alias.name}"
            targets.add(submodule if submodule in modules else base)
    return {target for target in targets if target in modules and target != name}


def import_graph() -> dict[str, set[str]]:
    modules = module_files()
    return {name: imported_modules(name, path, modules) for name, path in modules.items()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def connect(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph[node]):
            if target not in index:
                connect(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            connect(node)
    return found


def test_no_import_cycles():
    assert cycles(import_graph()) == []


def test_the_cycle_check_finds_a_cycle():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(graph) == [["a", "b", "c"]]


def test_the_graph_reads_relative_lazy_and_type_checking_imports():
    graph = import_graph()
    assert "sayso.pipeline.engine" in graph["sayso.api"]
    # a lazy import inside a function counts
    assert "sayso.web.serve" in graph["sayso.cli.app"]
    # ``from ..storage import store`` names the module, not only the package
    assert "sayso.storage.store" in graph["sayso.web.serve"]
    # the store's type-only import of provenance does not
    assert "sayso.provenance.linking" not in graph["sayso.storage.store"]


SUBPACKAGES = sorted(
    name for name, path in module_files().items() if path.name == "__init__.py" and "." in name
)


@pytest.mark.parametrize("package", SUBPACKAGES)
def test_every_subpackage_says_what_it_is_for(package):
    source = module_files()[package].read_text(encoding="utf-8")
    assert ast.get_docstring(ast.parse(source))


@pytest.mark.parametrize("package", SUBPACKAGES)
def test_the_readme_architecture_names_every_subpackage(package):
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    architecture = readme.split("\n## Architecture\n", 1)[1].split("\n## ", 1)[0]
    assert f"`{package}`" in architecture


def test_pyproject_lists_every_package():
    pyproject = tomllib.loads(
        (Path(__file__).resolve().parents[1] / "pyproject.toml").read_text(encoding="utf-8")
    )
    listed = pyproject["tool"]["setuptools"]["packages"]
    packages = [name for name, path in module_files().items() if path.name == "__init__.py"]
    assert sorted(listed) == sorted(packages)
