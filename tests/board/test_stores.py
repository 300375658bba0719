"""The stores: full-resolution scalars, the restart rule, bounded histogram samples."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from board.data.stores import Reservoir, RunStore, ScalarSeries


def points(series: ScalarSeries) -> list[tuple[int, float]]:
    step, _, value = series.snapshot()
    return list(zip(step.tolist(), value.tolist(), strict=True))


def reference(steps: list[int]) -> list[tuple[int, int]]:
    """The restart rule applied one point at a time: (step, index written)."""
    kept: list[tuple[int, int]] = []
    for i, s in enumerate(steps):
        kept = [p for p in kept if p[0] < s] + [(s, i)]
    return kept


def test_restarted_job_keeps_later_values():
    s = ScalarSeries()
    s.extend([0, 1, 2, 3, 4, 2, 3], [0.0] * 7, [0, 1, 2, 3, 4, 20, 30])
    assert points(s) == [(0, 0), (1, 1), (2, 20), (3, 30)]


def test_restart_across_batches_and_duplicate_steps():
    s = ScalarSeries()
    s.extend([0, 1, 2, 3], [0.0] * 4, [0, 1, 2, 3])
    s.extend([1, 1], [0.0] * 2, [10, 11])
    assert points(s) == [(0, 0), (1, 11)]


@given(st.lists(st.lists(st.integers(0, 30), max_size=20), max_size=6))
def test_batches_match_point_by_point_rule(batches):
    s = ScalarSeries(capacity=1)
    flat = [x for b in batches for x in b]
    written = 0
    for b in batches:
        s.extend(b, [0.0] * len(b), [float(written + i) for i in range(len(b))])
        written += len(b)
    assert points(s) == [(step, float(i)) for step, i in reference(flat)]


def test_growth_keeps_spare_capacity_small():
    s = ScalarSeries()
    for start in range(0, 100_000, 1000):
        steps = np.arange(start, start + 1000)
        s.extend(steps, steps.astype(float), steps.astype(float))
    assert len(s) == 100_000
    assert s.nbytes <= 1.26 * 24 * len(s)
    s.compact()
    assert s.nbytes == 24 * len(s)
    assert points(s)[-1] == (99_999, 99_999.0)


def item(step):
    return SimpleNamespace(step=step)


def test_reservoir_is_bounded_and_keeps_newest():
    r = Reservoir(10)
    for step in range(1000):
        r.add(item(step))
        assert r.items[-1].step == step
        assert len(r) == min(step + 1, 10)
    steps = [i.step for i in r.items]
    assert steps == sorted(steps)


def test_reservoir_restart_purges_later_steps():
    r = Reservoir(100)
    for step in [0, 1, 2, 3, 4, 2]:
        r.add(item(step))
    assert [i.step for i in r.items] == [0, 1, 2]


def test_session_start_purges_every_kind():
    store = RunStore()
    store.series("loss").extend([0, 1, 2], [0.0] * 3, [1.0, 2.0, 3.0])
    for s in range(3):
        store.add_histogram(SimpleNamespace(tag="w", step=s))
        store.add_text(SimpleNamespace(tag="t", step=s))
    store.purge(1)
    assert points(store.scalars["loss"]) == [(0, 1.0)]
    assert [i.step for i in store.histograms["w"].items] == [0]
    assert [i.step for i in store.text["t"].items] == [0]
