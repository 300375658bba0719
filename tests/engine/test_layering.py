"""What the engine's layers may import: engine/framework is the core the ops, Keras, the
distribute strategies and the summaries build on, so it imports none of them (not even inside
a function), runs without them, and gets Tensor's operators from the ops package; the tf.compat
namespaces do not import the engine package that contains them."""

from __future__ import annotations

import ast
import pathlib
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
ENGINE = ROOT / "engine"
ABOVE_FRAMEWORK = ("engine.ops", "engine.keras", "engine.distribute", "engine.summary", "engine.train",
                   "engine.compat", "engine.datasets", "engine._api", "engine.math", "engine.nn",
                   "engine.random")


def imported_modules(path: pathlib.Path) -> list[tuple[int, str]]:
    """(line, module) of every import in ``path``, at any depth. ``from a import b`` imports the
    module ``a.b`` when there is one, else ``a``."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, f"{path}:{node.lineno}: relative import"
            for a in node.names:
                sub = f"{node.module}.{a.name}"
                found.append((node.lineno, sub if _is_module(sub) else node.module))
    return found


def _is_module(name: str) -> bool:
    path = ROOT.joinpath(*name.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def _is_under(module: str, packages) -> bool:
    return any(module == p or module.startswith(p + ".") for p in packages)


@pytest.mark.parametrize("path", sorted((ENGINE / "framework").glob("*.py")), ids=lambda p: p.name)
def test_the_framework_imports_nothing_built_on_it(path):
    bad = [f"{path.name}:{line}: {m}" for line, m in imported_modules(path)
           if _is_under(m, ABOVE_FRAMEWORK) or m == "engine" or _is_under(m, ("board",))]
    assert not bad, "engine/framework must not import the layers above it:\n" + "\n".join(bad)


@pytest.mark.parametrize("path", sorted((ENGINE / "compat").glob("*.py")), ids=lambda p: p.name)
def test_compat_does_not_import_the_engine_package(path):
    bad = [f"{path.name}:{line}" for line, m in imported_modules(path) if m == "engine"]
    assert not bad, f"tf.compat imports `engine` (a circle through engine/__init__): {bad}"


def test_the_checker_sees_imports_inside_functions(tmp_path):
    source = tmp_path / "m.py"
    source.write_text("def f():\n    from engine.ops import math_ops\n    import engine\n"
                      "    from engine import nothing_such\n")
    assert imported_modules(source) == [(2, "engine.ops.math_ops"), (3, "engine"), (4, "engine")]


ALONE = """
import sys, types
engine = types.ModuleType("engine")   # the framework without engine/__init__, which loads every layer
engine.__path__ = [sys.argv[1]]
sys.modules["engine"] = engine
import numpy as np
from engine.framework import dtypes, function, gradients, graph, placeholder, session, tape, variables
from engine.framework.tensor import Tensor

g = graph.Graph()
with g.as_default():
    p = placeholder.placeholder(dtypes.float32, [2])
    v = variables.Variable(np.ones(2, np.float32))
    init = variables.global_variables_initializer()
with session.Session(graph=g) as sess:
    sess.run(init)
    assert sess.run([p, v], {p: [1.0, 2.0]})[0].tolist() == [1.0, 2.0]
print(hasattr(Tensor, "__add__"))
print(" ".join(sorted(m for m in sys.modules if m.startswith("engine."))))
import engine.ops
print(hasattr(Tensor, "__add__"))
"""


def test_the_framework_runs_alone_and_the_ops_give_tensors_their_operators():
    out = subprocess.run([sys.executable, "-c", ALONE, str(ENGINE)], capture_output=True, text=True,
                         check=True, cwd=ROOT).stdout.split("\n")
    assert out[0] == "False", "Tensor has operators before engine.ops is imported"
    loaded = out[1].split()
    assert "engine.framework.graph" in loaded
    # The event-file format (tfevents) is below the framework, not part of the engine.
    assert [m for m in loaded if not _is_under(m, ("engine.framework",))] == []
    assert out[2] == "True"
