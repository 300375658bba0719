"""The seed's two TensorFlow programs, run as the scripts in examples/ a user would run."""

from __future__ import annotations

import collections
import subprocess
import sys

from tensorboard.backend.event_processing import event_accumulator

from tests.conftest import ROOT


def _run(script: str, logdir) -> str:
    result = subprocess.run([sys.executable, str(ROOT / "examples" / script), "--logdir", str(logdir)],
                            capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def test_tf1_logistic_regression_learns_the_digits(tmp_path):
    accuracy = float(_run("tf1_logistic_regression.py", tmp_path).strip().splitlines()[-1])
    assert accuracy >= 0.90
    # The graph it logged opens in the real TensorBoard with the seed's ops and the optimizer's.
    acc = event_accumulator.EventAccumulator(str(tmp_path))
    acc.Reload()
    ops = collections.Counter(node.op for node in acc.Graph().node)
    assert ops["Placeholder"] == 2 and ops["VariableV2"] == 2 and ops["ApplyGradientDescent"] == 2
    assert {"MatMul", "Softmax", "Log", "Mean", "ArgMax", "Equal", "Cast"} <= set(ops)
    assert sum(ops.values()) > 40


def test_tf2_eager_tensordot_prints_32(tmp_path):
    assert _run("tf2_eager_tensordot.py", tmp_path).strip() == "32.0"
