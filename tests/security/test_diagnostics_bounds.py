"""Issue 20, "ordinary users": ``/api/diagnostics`` grew as n² in a loss curve's length (60k
points: 2.6 GB and 6 s; 120k: a 500). Its work is now O(n log n), its findings unchanged, and
they are cached per run and data version."""

from __future__ import annotations

import tracemalloc

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from board.diagnostics import checks
from board.diagnostics.windows import common_steps, min_window_median, window_order_statistics
from engine.summary import SummaryWriter
from tests.board.conftest import board_client


def _windowed_medians(x, w):
    """The old computation: every window copied (n*w numbers)."""
    return np.median(np.lib.stride_tricks.sliding_window_view(x, w), axis=1)


def _curve(n, seed=0):
    rng = np.random.default_rng(seed)
    steps = np.arange(n)
    return steps, 2.0 / (1 + steps / 1000) + rng.normal(0, 0.05, n)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.integers(-3, 3).map(float), st.floats(-1e6, 1e6)), min_size=6, max_size=120),
       st.data())
def test_min_window_median_is_numpys_bit_for_bit(values, data):
    x = np.array(values)
    w = data.draw(st.integers(3, x.size // 2))
    assert min_window_median(x, w) == float(_windowed_medians(x, w).min())
    ks = data.draw(st.lists(st.integers(0, w - 1), min_size=1, max_size=3))
    starts = np.array(sorted(data.draw(st.sets(st.integers(0, x.size - w), min_size=1, max_size=5))))
    expected = [[np.partition(x[s:s + w], k)[k] for s in starts] for k in ks]
    assert window_order_statistics(x, w, ks, starts).tolist() == expected


@pytest.mark.parametrize("kind", ["noise", "ties", "constant", "alternating", "staircase"])
def test_min_window_median_on_plateaus_of_ties(kind):
    rng = np.random.default_rng(1)
    n = 3000
    x = {"noise": rng.normal(size=n), "ties": rng.integers(0, 3, n).astype(float),
         "constant": np.ones(n), "alternating": np.tile([0.0, 1.0], n // 2),
         "staircase": np.repeat(np.arange(30.0)[::-1], 100)}[kind]
    for w in (300, 301):
        assert min_window_median(x, w) == float(_windowed_medians(x, w).min())


def test_common_steps_is_intersect1d():
    rng = np.random.default_rng(2)
    for _ in range(300):
        a = np.unique(rng.integers(0, 60, rng.integers(0, 40)))
        b = a.copy() if rng.random() < 0.3 else np.unique(rng.integers(0, 60, rng.integers(0, 40)))
        got, want = common_steps(a, b), np.intersect1d(a, b, return_indices=True)
        assert all(np.array_equal(g, e) for g, e in zip(got, want, strict=True))


def _peak_mb(n):
    steps, values = _curve(n)
    scalars = {"train/loss": (steps, values), "train/accuracy": (steps, 1 - values / 3)}
    checks.diagnose_run("r", scalars, {})  # warm: numpy's lazy imports are not the checks' memory
    tracemalloc.start()
    try:
        checks.diagnose_run("r", scalars, {})
        return tracemalloc.get_traced_memory()[1] / 1e6
    finally:
        tracemalloc.stop()


def test_memory_grows_linearly_with_the_curve():
    # The old checks peaked at 72 MB for 10k points and 290 MB for 20k (n²).
    small, large = _peak_mb(10_000), _peak_mb(20_000)
    assert large < 20, large
    assert large / small < 2.6, (small, large)
    assert _peak_mb(100_000) < 50  # issue 20's budget for a 100k-step curve (timed in bench/diagnostics.py)


def test_findings_unchanged_on_a_diverging_curve():
    rng = np.random.default_rng(3)
    values = np.concatenate([np.linspace(2, 0.2, 4000), np.linspace(0.2, 3, 4000)]) + rng.normal(0, 0.1, 8000)
    (finding,) = checks.check_loss_curve("r", "loss", np.arange(8000), values)
    best = float(_windowed_medians(values, 800).min())
    assert finding.kind == "diverging" and f"(best {best:.4g})" in finding.message


def test_route_answers_on_a_long_loss_curve(tmp_path):
    steps, values = _curve(30_000)
    with SummaryWriter(str(tmp_path / "run")) as w:
        for s, v in zip(steps.tolist(), values.tolist(), strict=True):
            w.add_scalar("train/loss", v, s)
    with board_client(tmp_path) as client:
        tracemalloc.start()
        try:
            response = client.get("/api/diagnostics")
            peak = tracemalloc.get_traced_memory()[1] / 1e6
        finally:
            tracemalloc.stop()
        assert response.status_code == 200 and response.json() == {"findings": []}
        assert peak < 40, peak  # the old route: 650 MB for 30k points


def test_only_the_changed_run_is_checked_again(tmp_path, monkeypatch):
    for run in ("a", "b"):
        with SummaryWriter(str(tmp_path / run)) as w:
            for s in range(50):
                w.add_scalar("train/loss", 2.0 / (s + 1), s)
                w.add_scalar("train/accuracy", 1 - 1.0 / (s + 1), s)
    with board_client(tmp_path) as client:
        monitor = client.app.state.health
        checked = []
        real = checks.diagnose_run
        monkeypatch.setattr(checks, "diagnose_run",
                            lambda run, *a, **k: checked.append(run) or real(run, *a, **k))
        assert monitor.findings() == []
        assert sorted(checked) == ["a", "b"]
        checked.clear()
        assert monitor.findings() == [] and checked == []  # nothing changed: nothing checked
        with SummaryWriter(str(tmp_path / "a")) as w:
            w.add_scalar("train/loss", float("nan"), 50)
        client.app.state.multiplexer.reload()
        (finding,) = monitor.findings()
        assert finding.kind == "nonfinite" and finding.step == 50
        assert checked == ["a"]
