"""M4 down-sampling: bounded output that keeps every bucket's extremes, spikes and NaNs."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from board.api.downsample import m4_indices


def test_spike_survives():
    steps = np.arange(100_000)
    values = np.zeros(100_000)
    values[54_321] = 1e6
    values[77_777] = -5.0
    keep = m4_indices(steps, values, 1000)
    assert len(keep) <= 1000
    assert {54_321, 77_777, 0, 99_999} <= set(keep.tolist())


def test_non_finite_values_survive():
    steps = np.arange(10_000)
    values = np.sin(steps / 100.0)
    values[[10, 5000, 9000]] = [np.nan, np.inf, -np.inf]
    keep = set(m4_indices(steps, values, 100).tolist())
    assert {10, 5000, 9000} <= keep


def test_short_series_is_returned_whole():
    assert m4_indices(np.arange(5), np.zeros(5), 10).tolist() == [0, 1, 2, 3, 4]


def test_rejects_non_positive_budget():
    with pytest.raises(ValueError, match="at least 1"):
        m4_indices(np.arange(5), np.zeros(5), 0)


@given(st.lists(st.floats(allow_nan=True, allow_infinity=True, width=32), min_size=1, max_size=300),
       st.integers(1, 50), st.integers(1, 5))
def test_bounded_sorted_and_keeps_global_extremes(values, max_points, stride):
    values = np.array(values, dtype=np.float64)
    steps = np.arange(len(values)) * stride
    keep = m4_indices(steps, values, max_points)
    assert len(keep) <= max_points
    assert np.all(np.diff(keep) > 0)
    finite = np.isfinite(values)
    if max_points >= 4 and finite.any() and len(values) > max_points:
        assert np.nanmax(values[keep]) == np.max(values[finite]) or np.isposinf(values).any()
        assert np.nanmin(values[keep]) == np.min(values[finite]) or np.isneginf(values).any()
