"""The package's modules import one way: every module imports on its own, and no module
reaches back (directly or round a loop) to one that imports it.

Every import counts, also one inside a function or under ``TYPE_CHECKING``: a loop
deferred to run time is still two modules that each need the other. A submodule's
import of its own package (``fleksmon.store.records`` runs ``fleksmon/store/__init__``)
is the package's business and not counted; nor is ``fleksmon`` itself, whose public
names are loaded lazily.
"""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

import fleksmon

PACKAGE = Path(fleksmon.__file__).parent


def _modules() -> dict[str, Path]:
    """Every module of the package by dotted name (a package by its ``__init__``)."""
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


MODULES = _modules()


def _imported(name: str, path: Path) -> set[str]:
    """The package's modules that module ``name`` imports anywhere in its text."""
    is_package = path.name == "__init__.py"
    here = name.split(".") if is_package else name.split(".")[:-1]
    targets: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            targets |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(here[: len(here) - node.level + 1] + ([base] if base else []))
            for alias in node.names:
                full = f"{base}.{alias.name}"
                targets.add(full if full in MODULES else base)
    found = set()
    for target in targets:
        while target and target not in MODULES:
            target = target.rpartition(".")[0]
        if target and target not in ("fleksmon", name) and not name.startswith(target + "."):
            found.add(target)
    return found


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The import loops: each strongly connected group of two or more modules, as one
    path round it (Tarjan's algorithm, then a walk inside the group)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    groups: list[set[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = set()
            while True:
                member = stack.pop()
                group.add(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(group)

    for node in sorted(graph):
        if node not in index:
            visit(node)
    loops = []
    for group in groups:
        start = min(group)
        path, seen = [start], {start}
        while True:
            nxt = min(n for n in graph[path[-1]] if n in group)
            path.append(nxt)
            if nxt in seen:
                loops.append(path[path.index(nxt) :])
                break
            seen.add(nxt)
    return loops


def test_cycle_finder_finds_a_loop() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert _cycles(graph) == [["a", "b", "c", "a"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_cycle() -> None:
    graph = {name: _imported(name, path) for name, path in MODULES.items()}
    assert graph["fleksmon.targets"] >= {"fleksmon.criteria", "fleksmon.groups"}
    loops = [" -> ".join(loop) for loop in _cycles(graph)]
    assert loops == []


@pytest.mark.parametrize("name", sorted(MODULES))
def test_every_module_imports(name: str) -> None:
    assert importlib.import_module(name).__name__ == name
