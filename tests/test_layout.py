"""The source tree's shape, read from the files (nothing is imported): no import cycle among the
modules of engine/, board/ and tfevents/, and no module over 400 lines without a stated reason.

An import counts wherever it is written, at module level or inside a function (a lazy import
still ties the two modules together); only an ``if TYPE_CHECKING:`` import, which never runs,
does not. Generated protobuf modules (``*_pb2.py``) are not ours to shape and are left out."""

from __future__ import annotations

import ast
import pathlib

from tests.conftest import ROOT

PACKAGES = [p for p in ("engine", "board", "tfevents") if (ROOT / p).is_dir()]
MAX_LINES = 400

# Modules allowed over MAX_LINES, and why. Keep it short: past 400 lines, look for the seam first.
LONG_MODULES: dict[str, str] = {}


def source_modules() -> dict[str, pathlib.Path]:
    """Dotted module name -> file, for every module of PACKAGES."""
    modules = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if path.name.endswith("_pb2.py") or "__pycache__" in path.parts:
                continue
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            modules[".".join(parts)] = path
    return modules


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _imports(tree: ast.AST):
    """Every Import/ImportFrom node that can run: all of them but the bodies of ``if TYPE_CHECKING``."""
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            yield node
        elif isinstance(node, ast.If) and _is_type_checking(node.test):
            for child in node.orelse:
                yield from _imports(ast.Module(body=[child], type_ignores=[]))
        else:
            yield from _imports(node)


def import_graph(modules: dict[str, pathlib.Path]) -> dict[str, dict[str, int]]:
    """module -> {imported module of ours: line of the first import of it}."""

    def ours(name: str | None) -> str | None:
        while name and name not in modules:
            name = name.rpartition(".")[0]
        return name or None

    edges: dict[str, dict[str, int]] = {m: {} for m in modules}
    for module, path in modules.items():
        is_package = path.name == "__init__.py"
        for node in _imports(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            else:
                if node.level:
                    base = module.split(".") if is_package else module.split(".")[:-1]
                    base = base[:len(base) - (node.level - 1)]
                    source = ".".join(base + ([node.module] if node.module else []))
                else:
                    source = node.module or ""
                # ``from package import submodule`` imports the submodule; a name imports the module.
                targets = [f"{source}.{a.name}" if f"{source}.{a.name}" in modules else source
                           for a in node.names]
            for target in map(ours, targets):
                if target and target != module:
                    edges[module].setdefault(target, node.lineno)
    return edges


def strongly_connected(edges: dict[str, dict[str, int]]) -> list[list[str]]:
    """Tarjan's components with more than one module (iterative: no recursion limit)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found = []
    for root in edges:
        if root in index:
            continue
        work = [(root, iter(edges[root]))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            v, children = work[-1]
            for w in children:
                if w not in index:
                    index[w] = low[w] = len(index)
                    stack.append(w)
                    on_stack.add(w)
                    work.append((w, iter(edges[w])))
                    break
                if w in on_stack:
                    low[v] = min(low[v], index[w])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[v])
                if low[v] == index[v]:
                    component = []
                    while True:
                        w = stack.pop()
                        on_stack.discard(w)
                        component.append(w)
                        if w == v:
                            break
                    if len(component) > 1:
                        found.append(sorted(component))
    return sorted(found)


def one_cycle(component: list[str], edges: dict[str, dict[str, int]]) -> str:
    """The shortest import path from the component's first module back to itself, with lines."""
    start, members = component[0], set(component)
    previous: dict[str, str] = {}
    frontier = [start]
    while frontier and start not in previous:
        following = []
        for v in frontier:
            for w in edges[v]:
                if w in members and w not in previous:
                    previous[w] = v
                    following.append(w)
        frontier = following
    path = [start]
    while True:
        path.append(previous[path[-1]])
        if path[-1] == start:
            break
    path.reverse()
    steps = [f"{a} (line {edges[a][b]})" for a, b in zip(path, path[1:], strict=False)]
    return " -> ".join(steps) + f" -> {start}"


def test_the_cycle_finder_finds_cycles():
    edges = {"a": {"b": 1}, "b": {"c": 2}, "c": {"a": 3, "d": 4}, "d": {}, "e": {"e": 5}}
    assert strongly_connected(edges) == [["a", "b", "c"]]
    assert one_cycle(["a", "b", "c"], edges) == "a (line 1) -> b (line 2) -> c (line 3) -> a"


def test_type_checking_imports_do_not_count():
    source = ("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import pkg.b\nelse:\n    import os\n"
              "def f():\n    from pkg import c\n")
    lines = [getattr(n, "module", None) or n.names[0].name for n in _imports(ast.parse(source))]
    assert lines == ["typing", "os", "pkg"]


def test_no_import_cycle():
    modules = source_modules()
    edges = import_graph(modules)
    cycles = [f"{one_cycle(c, edges)}\n    (all {len(c)} tied together: {', '.join(c)})"
              for c in strongly_connected(edges)]
    assert not cycles, f"{len(cycles)} import cycle(s) among {', '.join(PACKAGES)}:\n" + "\n".join(cycles)


def _line_count(path: pathlib.Path) -> int:
    return len(path.read_text().splitlines())


def test_no_module_over_the_limit_without_a_reason():
    too_long = {str(p.relative_to(ROOT)): _line_count(p) for p in source_modules().values()
                if _line_count(p) > MAX_LINES}
    unexplained = {name: n for name, n in sorted(too_long.items()) if name not in LONG_MODULES}
    assert not unexplained, (f"modules over {MAX_LINES} lines: split them at their seam, or add them "
                             f"to LONG_MODULES with the reason: {unexplained}")


def test_allowed_long_modules_are_still_long():
    for name in sorted(LONG_MODULES):
        path = ROOT / name
        assert path.is_file(), f"{name} is gone: remove it from LONG_MODULES"
        assert _line_count(path) > MAX_LINES, f"{name} is within {MAX_LINES} lines: drop it from LONG_MODULES"
