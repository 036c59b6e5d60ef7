"""The package layout keeps its promises: no import cycles, and features that do not import each other.

The layers are described in docs/architecture.md. Every ``import`` in ``portal/`` counts, those
inside functions and under ``TYPE_CHECKING`` included: a cycle hidden in a function is still a
cycle a reader has to untangle.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PORTAL = Path(__file__).resolve().parents[2] / "portal"

# Shared kernel: what any feature may use.
KERNEL = {"core", "web", "auth", "accounts", "audit", "calendar", "matters", "outbox", "withholding"}
# Features: each owns its pages, forms and tables and imports only the kernel.
FEATURES = {
    "catalog", "notices", "disclosure", "complaints", "cases", "questions", "error_reports", "appointments",
    "penalties",
}
# Read-side compositions: they read features' queries and models to build dashboards, reports,
# feeds, search and backups; nothing below them imports them.
COMPOSITIONS = {"oversight", "annual", "api", "public", "search", "backup", "staff", "seed", "inspection"}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PORTAL.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path: Path, name: str) -> set[str]:
    package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module is not None:
            base = node.module
            if node.level:
                base = ".".join([*package[:len(package) - node.level + 1], node.module])
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


def _graph() -> dict[str, set[str]]:
    modules = {_module_name(path): path for path in PORTAL.rglob("*.py")}
    return {
        name: {target for target in _imports(path, name) if target in modules and target != name}
        for name, path in modules.items()
    }


GRAPH = _graph()


def _package(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 2 or (len(parts) == 2 and (PORTAL / parts[1]).is_dir()) else None


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for root in graph:
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
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
    return found


def test_the_graph_is_read():
    assert "portal.disclosure.services" in GRAPH
    assert "portal.matters.services" in GRAPH["portal.disclosure.services"]


def test_no_import_cycles():
    assert _cycles(GRAPH) == []


def test_the_cycle_finder_finds_a_cycle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_every_package_has_a_layer():
    packages = {path.name for path in PORTAL.iterdir() if (path / "__init__.py").exists()}
    assert packages - {"templates", "static"} <= KERNEL | FEATURES | COMPOSITIONS


@pytest.mark.parametrize("layer,forbidden", [
    ("kernel", FEATURES | COMPOSITIONS),
    ("feature", COMPOSITIONS),
])
def test_lower_layers_do_not_import_higher_ones(layer, forbidden):
    members = KERNEL if layer == "kernel" else FEATURES
    wrong = sorted(
        f"{module} -> {target}"
        for module, targets in GRAPH.items() if _package(module) in members
        for target in targets if _package(target) in forbidden
    )
    assert wrong == []


def test_features_do_not_import_each_other():
    wrong = sorted(
        f"{module} -> {target}"
        for module, targets in GRAPH.items() if _package(module) in FEATURES
        for target in targets
        if _package(target) in FEATURES and _package(target) != _package(module)
    )
    assert wrong == []
