"""Every script in examples/ runs to completion."""

from __future__ import annotations

import pathlib
import subprocess
import sys

import pytest

from tests.conftest import ROOT

EXAMPLES = sorted((ROOT / "examples").glob("*.py"))


@pytest.mark.parametrize("script", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_example_runs(script: pathlib.Path, tmp_path):
    result = subprocess.run([sys.executable, str(script), "--logdir", str(tmp_path)],
                            capture_output=True, text=True, timeout=600, cwd=ROOT)
    assert result.returncode == 0, result.stderr[-3000:]
    assert any(tmp_path.rglob("events.out.tfevents.*")), "the example wrote no event file"
