"""Order statistics of every sliding window of a series, exactly, in O(n log n) time and O(n)
memory: what ``checks._levels`` needs for a curve's best windowed median.

The direct way (``np.median(sliding_window_view(x, w), axis=1)``) copies every window: with the
window a tenth of the series, that is n²/10 numbers (a 120k-point loss curve asked for 9.7 GB).
Here every window's k-th smallest value is found at once by descending a wavelet matrix built
over the values' ranks: one level per bit of the rank, each level a few vector operations over
the n values and the n windows, so a 100k-point curve takes tens of milliseconds.
"""

from __future__ import annotations

import numpy as np


def window_order_statistics(x: np.ndarray, w: int, ks, starts=None) -> np.ndarray:
    """``out[j, i]`` is the ``ks[j]``-th smallest (0-based) of ``x[s:s + w]`` for the i-th
    window start ``s`` (``starts``, default every one): the values ``np.partition(window, k)[k]``
    gives, for many windows of ``x`` (1-D, no NaN) at once."""
    x = np.asarray(x)
    n = x.size
    if not 1 <= w <= n or not all(0 <= k < w for k in ks):
        raise ValueError(f"window of {w} over {n} values, ranks {list(ks)}")
    it = np.int32 if n < 2**31 - 1 else np.int64
    starts = np.arange(n - w + 1, dtype=it) if starts is None else np.asarray(starts, it)
    order = np.argsort(x, kind="stable")
    seq = np.empty(n, it)  # the values' ranks (unique), reordered level by level
    seq[order] = np.arange(n, dtype=it)
    m = starts.size
    start = np.tile(starts, len(ks))  # each window as [start, stop) in the level's order
    stop = start + it(w)
    k = np.repeat(np.asarray(ks, it), m)  # rank still to find inside the window's part
    rank = np.zeros(start.size, it)  # the answer's rank among all values, bit by bit
    zeros = np.zeros(n + 1, it)  # zeros[j]: values among the level's first j with the bit 0
    for d in range(max(1, (n - 1).bit_length()) - 1, -1, -1):
        one = (seq >> d) & 1
        np.cumsum(1 - one, out=zeros[1:])
        n_zero = zeros[n]
        z_start, z_stop = zeros[start], zeros[stop]
        inside = z_stop - z_start  # the window's values with this bit 0
        right = (k >= inside).astype(it)  # the answer has this bit 1
        k -= inside * right
        # bit 0: the window's zeros keep their order at the front of the next level;
        # bit 1: its ones follow all the zeros.
        start = z_start + right * (n_zero + start - 2 * z_start)
        stop = z_stop + right * (n_zero + stop - 2 * z_stop)
        rank |= right << d
        mask = one.astype(bool)
        seq = np.concatenate((seq[~mask], seq[mask]))
    return x[order][rank].reshape(len(ks), m)


def _at_most(x: np.ndarray, t: float, w: int) -> np.ndarray:
    """How many values of each window ``x[i:i + w]`` are <= t."""
    c = np.cumsum(x <= t, dtype=np.int64)
    out = c[w - 1:].copy()
    out[1:] -= c[:-w]
    return out


def min_window_median(x: np.ndarray, w: int) -> float:
    """``np.median(sliding_window_view(x, w), axis=1).min()``, bit for bit, without the n*w
    copy (x 1-D, no NaN). The median of an even window is the mean of its two middle values,
    as numpy's is.

    The lowest lower-middle value over all windows, m, is found by bisecting the sorted values
    (a window's lower middle is <= t iff it holds more than ``lo`` values <= t: one cumulative
    sum per probe). The window reaching m gives a median B; only windows whose lower middle is
    <= B can have a median <= B, and those are evaluated exactly: a few by partition, many (a
    plateau of ties) by ``window_order_statistics``.
    """
    x = np.asarray(x, np.float64)
    lo, hi = (w - 1) // 2, w // 2
    values = np.sort(x)
    a, b = 0, values.size - 1
    while a < b:
        mid = (a + b) // 2
        if _at_most(x, values[mid], w).max() > lo:
            b = mid
        else:
            a = mid + 1
    low = values[a]
    if lo == hi:
        return float(low)
    first = int(np.argmax(_at_most(x, low, w) > lo))
    bound = (low + np.partition(x[first:first + w], hi)[hi]) / 2
    if bound == low:
        return float(low)
    candidates = np.flatnonzero(_at_most(x, bound, w) > lo)
    if candidates.size * w <= 4 * x.size:
        middles = [np.partition(x[s:s + w], (lo, hi))[[lo, hi]] for s in candidates]
        return float(min((m[0] + m[1]) / 2 for m in middles))
    low_mid, high_mid = window_order_statistics(x, w, [lo, hi], candidates)
    return float(((low_mid + high_mid) / 2).min())


def _increasing(a: np.ndarray) -> bool:
    return a.ndim == 1 and bool(np.all(a[1:] > a[:-1]))


def common_steps(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``np.intersect1d(a, b, return_indices=True)``, in one linear pass (no sort) when both
    are strictly increasing, as every stored series' steps are."""
    if not (_increasing(a) and _increasing(b)):
        return np.intersect1d(a, b, return_indices=True)
    if a.shape == b.shape and np.array_equal(a, b):
        index = np.arange(a.size)
        return a.copy(), index, index.copy()
    at = np.searchsorted(b, a)
    found = at < b.size
    found[found] = b[at[found]] == a[found]
    ai = np.flatnonzero(found)
    return a[ai], ai, at[ai]
