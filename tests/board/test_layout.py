"""Structural promises of board/: what importing it loads, and who may touch a run's lock."""

from __future__ import annotations

import ast
import subprocess
import sys

from tests.conftest import ROOT


def test_importing_the_cli_and_the_app_loads_no_engine():
    """Reading event files needs tfevents only: none of the engine (its autodiff, Keras and
    distribute packages above all), nor torch or ray. ``board demo`` imports the engine when run."""
    code = ("import sys, board.cli, board.app; "
            "print('\\n'.join(sorted(m for m in sys.modules if m.split('.')[0] in "
            "('engine', 'torch', 'ray', 'keras', 'tensorflow'))))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                         check=True)
    loaded = out.stdout.split()
    assert loaded == [], f"importing the board loads modules it does not need: {loaded}"


def test_only_the_data_provider_and_the_ingest_touch_a_runs_lock():
    allowed = {"board/data/provider.py", "board/ingest/accumulator.py"}
    touching = set()
    for path in sorted((ROOT / "board").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        if any(isinstance(n, ast.Attribute) and n.attr in ("lock", "_store") for n in ast.walk(tree)):
            touching.add(path.relative_to(ROOT).as_posix())
    assert touching <= allowed, sorted(touching - allowed)


def test_the_command_line_starts_without_numpy_or_protobuf():
    """``board --help`` and argument errors need neither: the CLI finds runs by file name only."""
    code = ("import sys, board.cli; print(sorted({m.split('.')[0] for m in sys.modules} & "
            "{'numpy', 'google', 'fastapi', 'engine'}))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "[]", out.stdout + out.stderr
