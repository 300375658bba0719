"""The training-health checks: each red flag found on a run that has it, none on healthy runs."""

from __future__ import annotations

import os

import numpy as np
import pytest

from board.diagnostics import checks as dx
from tests.summary.runs import read_run


def _logdir_runs(base) -> dict:
    runs = {}
    for dirpath, _, files in os.walk(base):
        if any("tfevents" in f for f in files):
            r = read_run(dirpath)
            scalars = {t: (np.array([s for s, _ in p]), np.array([v for _, v in p]))
                       for t, p in r.scalars.items()}
            histograms = {t: [(h.step, h.buckets) for h in hs] for t, hs in r.histograms.items()}
            runs[os.path.relpath(dirpath, base)] = (scalars, histograms)
    return runs


@pytest.mark.parametrize("logdir", ["torch", "tbx"])
def test_fixtures_ground_truth(fixtures_dir, logdir):
    """lr_0.1 is healthy; lr_0.01's fc1/weight still looks like its initialisation; the
    edge_values run holds NaN and infinities on purpose."""
    findings = dx.diagnose(_logdir_runs(fixtures_dir / logdir))
    got = {(f.run, f.tag, f.kind) for f in findings}
    assert got == {("lr_0.01", "fc1/weight", "not_learning"), ("edge_values", "edge/special", "nonfinite")}
    (nonfinite,) = [f for f in findings if f.kind == "nonfinite"]
    assert nonfinite.step == 1 and nonfinite.severity == "error"


def _curve(values):
    values = np.asarray(values, dtype=np.float64)
    return np.arange(values.size), values


RNG = np.random.default_rng(0)
STEPS = 200
HEALTHY = 2.3 * np.exp(-np.arange(STEPS) / 40) + 0.1 + RNG.normal(scale=0.03, size=STEPS)


@pytest.mark.parametrize(("values", "kind"), [
    (HEALTHY, None),
    (2.3 + RNG.normal(scale=0.01, size=STEPS), "flat_loss"),
    (np.linspace(2.3, 9.0, STEPS), "diverging"),
    (np.concatenate([np.linspace(2.3, 0.2, 100), np.linspace(0.2, 2.0, 100)]), "diverging"),
    (2.0 + 1.5 * (-1.0) ** np.arange(STEPS) * RNG.uniform(0.5, 1.0, size=STEPS), "oscillating"),
])
def test_loss_curve_shapes(values, kind):
    findings = dx.check_loss_curve("r", "loss", *_curve(values))
    assert [f.kind for f in findings] == ([kind] if kind else [])


def test_nonfinite_names_the_first_step():
    steps, values = _curve([1.0, 0.9, 0.8, np.inf, np.nan])
    (f,) = dx.check_nonfinite("r", "loss", steps * 10, values)
    assert (f.kind, f.step, f.severity) == ("nonfinite", 30, "error")
    assert "infinite at step 30" in f.message


def test_loss_and_accuracy_should_be_inverse():
    acc_good = 1 - HEALTHY / HEALTHY.max()
    assert dx.check_inverse("r", "loss", _curve(HEALTHY), "acc", _curve(acc_good)) == []
    (f,) = dx.check_inverse("r", "loss", _curve(HEALTHY), "acc", _curve(HEALTHY / 3))
    assert f.kind == "not_inverse" and f.tag == "acc"


def _hist(values, bins=30):
    counts, edges = np.histogram(values, bins=bins)
    return np.stack([edges[:-1], edges[1:], counts], axis=1).astype(np.float64)


def _weights(scales, shift=0.0):
    rng = np.random.default_rng(1)
    init = rng.uniform(-0.05, 0.05, size=5000)
    return [(step, _hist(init * scale + shift * step * rng.normal(size=init.size)))
            for step, scale in enumerate(scales)]


@pytest.mark.parametrize(("series", "kind"), [
    (_weights([1, 1, 1, 1], shift=0.01), None),        # learned: moved away from its init
    (_weights([1, 1, 1, 1]), "not_learning"),           # frozen: identical every time
    (_weights([1, 0.3, 0.05, 0.01]), "degenerate_weights"),
    (_weights([1, 10, 1000, 1e5]), "exploding"),
])
def test_weight_histograms(series, kind):
    findings = dx.check_weights("r", "dense/kernel", series)
    assert [f.kind for f in findings] == ([kind] if kind else [])


def test_bias_starting_at_zero_is_not_flagged():
    zeros = np.array([[0.0, 0.0, 10.0]])
    assert dx.check_weights("r", "dense/bias", [(0, zeros), (1, zeros), (2, zeros)]) == []


def test_overfitting_needs_the_keras_run_layout():
    epochs = np.arange(20)
    train = 1.0 / (1 + epochs)
    val = np.concatenate([1.0 / (1 + epochs[:8]), 1 / 9 + 0.05 * np.arange(1, 13)])
    runs = {"exp/train": ({"epoch_loss": (epochs, train)}, {}),
            "exp/validation": ({"epoch_loss": (epochs, val)}, {})}
    (f,) = dx.diagnose(runs)
    assert (f.run, f.tag, f.kind, f.step) == ("exp/validation", "epoch_loss", "overfitting", 7)
    healthy = {"exp/train": runs["exp/train"], "exp/validation": ({"epoch_loss": (epochs, train * 1.1)}, {})}
    assert dx.diagnose(healthy) == []


def test_wasserstein_of_shifted_histograms():
    a = np.array([[0.0, 1.0, 1.0]])
    b = np.array([[2.0, 3.0, 1.0]])
    assert dx.wasserstein(a, b) == pytest.approx(2.0, rel=1e-3)
    assert dx.wasserstein(a, a) == 0.0


def test_weights_turned_nan_are_found_in_tensorflows_histograms(tmp_path):
    """TensorFlow's histogram of a tensor holding NaN has NaN bucket edges and no counts, and the
    loss can stay finite meanwhile (TensorFlow's fused MatMul+BiasAdd+Relu maps NaN to 0): the
    weights say it."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import tensorflow as tf

    from board.ingest.loader import RunLoader

    rng = np.random.default_rng(0)
    weights = [rng.uniform(-0.05, 0.05, (64, 32)).astype(np.float32) + 0.01 * step for step in range(4)]
    weights[2][3, 5] = np.nan
    weights[3][:] = np.nan
    with tf.summary.create_file_writer(str(tmp_path)).as_default():
        for step, w in enumerate(weights):
            tf.summary.histogram("sequential/dense/kernel/histogram", w, step=step)
    loader = RunLoader("r", str(tmp_path))
    loader.load()
    series = [(h.step, h.buckets) for h in loader.store.histograms["sequential/dense/kernel/histogram"].items]
    assert not np.isfinite(series[2][1][:, :2]).all()  # what TensorFlow wrote
    (f,) = dx.check_weights("r", "sequential/dense/kernel/histogram", series)
    assert (f.kind, f.cause, f.step, f.severity) == ("nonfinite", "nonfinite_values", 2, "error")
    assert "at step 2, after 2 finite histogram(s)" in f.message
    assert dx.check_weights("r", "sequential/dense/kernel/histogram", series[:2]) == []
