"""The front end's structure, read from the files (no browser): one template per dashboard over
the shared layout, ES modules whose imports resolve and form no cycle, modules of a readable
size, and no Keras config parsing left in the browser (the server sends graph nodes)."""

from __future__ import annotations

import re

import pytest

from board.assets import STATIC, TEMPLATES
from board.pages.routes import DASHBOARDS

JS = STATIC / "js"
MODULES = sorted(p for p in JS.rglob("*.js"))
IMPORT = re.compile(r'^import\s[^;]*?from\s+"([^"]+)";', re.M | re.S)
MAX_LINES = 400


def imports(path):
    return [(path.parent / spec).resolve() for spec in IMPORT.findall(path.read_text())]


@pytest.mark.parametrize("name", [name for name, _ in DASHBOARDS])
def test_each_dashboard_has_its_template_over_the_layout_and_its_module(name):
    text = (TEMPLATES / f"{name}.html").read_text()
    frame = text.split("\n", 1)[0]
    assert frame in ('{% extends "layout.html" %}', '{% extends "charts.html" %}'), frame
    assert (JS / f"{name}.js").is_file()


def test_layout_is_the_only_frame():
    names = {p.name for p in TEMPLATES.glob("*.html") if not p.name.startswith("_")}   # _x: partials
    assert names == {"layout.html", "charts.html"} | {f"{name}.html" for name, _ in DASHBOARDS}
    assert (TEMPLATES / "charts.html").read_text().startswith('{% extends "layout.html" %}')
    for path in TEMPLATES.glob("*.html"):
        text = path.read_text()
        assert not re.search(r"<script(?![^>]*\bsrc=)", text), f"{path.name}: inline script"
        assert not re.search(r"\son[a-z]+\s*=", text), f"{path.name}: on...= attribute"
        if path.name != "layout.html":
            assert "<html" not in text and "<header" not in text, path.name


def test_module_imports_resolve_and_form_no_cycle():
    graph = {p.resolve(): imports(p) for p in MODULES}
    for module, targets in graph.items():
        for target in targets:
            assert target in graph, f"{module.relative_to(JS)} imports missing {target}"
    done, stack = set(), []

    def visit(module):
        if module in stack:
            cycle = stack[stack.index(module):] + [module]
            raise AssertionError("import cycle: " + " -> ".join(str(m.relative_to(JS)) for m in cycle))
        if module in done:
            return
        stack.append(module)
        for target in graph[module]:
            visit(target)
        stack.pop()
        done.add(module)

    for module in graph:
        visit(module)


def test_the_old_common_module_is_gone_and_modules_stay_small():
    assert not (JS / "common.js").exists()
    long = {str(p.relative_to(JS)): n for p in MODULES if (n := len(p.read_text().splitlines())) > MAX_LINES}
    assert not long, f"modules over {MAX_LINES} lines: {long}"


def test_the_browser_reads_no_keras_config():
    for path in MODULES:
        text = path.read_text()
        for word in ("inbound_nodes", "keras_history", "__keras_tensor__", "/api/keras_model"):
            assert word not in text, f"{path.relative_to(JS)} still handles Keras configs ({word})"
