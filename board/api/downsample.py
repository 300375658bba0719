"""Down-sampling a curve for drawing without losing its spikes (M4).

M4 (Jugel et al., VLDB 2014) splits the x range into equal-width buckets and keeps, per bucket,
the first, last, smallest and largest point: a line chart drawn from them at one bucket per pixel
column looks the same as the full series. TensorBoard's reservoir sampling instead drops spikes.
"""

from __future__ import annotations

import numpy as np


def m4_indices(steps: np.ndarray, values: np.ndarray, max_points: int) -> np.ndarray:
    """Sorted indices of at most ``max_points`` points of (steps, values) that keep each step
    bucket's first, last, minimum and maximum, and the first non-finite value of a bucket that
    has one (NaN or an infinity shows where training broke, so it must not vanish).

    ``steps`` must be increasing, as the stores keep them.
    """
    n = len(steps)
    if max_points < 1:
        raise ValueError(f"max_points must be at least 1, got {max_points}")
    if n <= max_points:
        return np.arange(n)
    if max_points < 4:
        return np.unique(np.linspace(0, n - 1, max_points).round().astype(np.int64))
    values = np.asarray(values, np.float64)
    bad = ~np.isfinite(values)
    per_bucket = 5 if bad.any() and max_points >= 5 else 4
    buckets = max_points // per_bucket
    x = steps.astype(np.float64)
    span = x[-1] - x[0]
    if span > 0:
        ids = np.minimum(((x - x[0]) * (buckets / span)).astype(np.int64), buckets - 1)
    else:
        ids = np.zeros(n, np.int64)
    starts = np.flatnonzero(np.diff(ids, prepend=-1))      # first index of each non-empty bucket
    ends = np.append(starts[1:], n) - 1
    index = np.arange(n)
    owner = np.repeat(np.arange(len(starts)), np.diff(np.append(starts, n)))
    low = np.where(np.isnan(values), np.inf, values)
    high = np.where(np.isnan(values), -np.inf, values)
    mins = np.minimum.reduceat(low, starts)
    maxs = np.maximum.reduceat(high, starts)
    argmin = np.minimum.reduceat(np.where(low == mins[owner], index, n), starts)
    argmax = np.minimum.reduceat(np.where(high == maxs[owner], index, n), starts)
    picks = [starts, ends, argmin, argmax]
    if per_bucket == 5:
        first_bad = np.minimum.reduceat(np.where(bad, index, n), starts)
        picks.append(first_bad[first_bad < n])
    keep = np.unique(np.concatenate(picks))
    return keep[keep < n]
