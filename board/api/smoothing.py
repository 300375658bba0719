"""Smoothing a scalar curve as TensorBoard's scalar dashboard does, on the server, over the full
series (so the curve does not change with zoom or run length, unlike TensorBoard's)."""

from __future__ import annotations

import math

import numpy as np


def smooth(values: np.ndarray, weight: float) -> np.ndarray:
    """TensorBoard's debiased exponential moving average over the full series.

    ``last = last*w + (1-w)*y; n += 1; shown = last / (1 - w**n)``; non-finite values pass through
    unchanged and uncounted; a constant series is returned as is (the debiasing would otherwise
    add rounding noise to a flat line). Vectorised by blocks short enough that ``w**-k`` stays
    small, with the carry between blocks done in a short Python loop.
    """
    values = np.asarray(values, np.float64)
    out = values.copy()
    finite = np.isfinite(values)
    y = values[finite]
    if weight <= 0 or len(y) < 2 or np.all(y == y[0]):
        return out
    w = min(float(weight), 0.999)
    m = len(y)
    block = max(1, min(m, int(12 / -math.log10(w))))
    nb = -(-m // block)
    padded = np.zeros(nb * block)
    padded[:m] = y
    grid = padded.reshape(nb, block)
    j = np.arange(block)
    wj = w ** j
    # partial[b, i] = (1-w) * sum_{k<=i} w**(i-k) * y[b, k]
    partial = (1 - w) * wj * np.cumsum(grid * w ** -j.astype(np.float64), axis=1)
    carry = np.zeros(nb)
    wb = w ** block
    for b in range(1, nb):
        carry[b] = carry[b - 1] * wb + partial[b - 1, -1]
    last = partial + carry[:, None] * (w * wj)[None, :]
    n = np.arange(1, nb * block + 1)
    shown = (last.ravel() / (1 - w ** n))[:m]
    if not np.all(np.isfinite(shown)):  # overflow on huge values: fall back to the plain loop
        shown = np.empty(m)
        acc = 0.0
        for i, v in enumerate(y.tolist()):
            acc = acc * w + (1 - w) * v
            shown[i] = acc / (1 - w ** (i + 1))
    out[finite] = shown
    return out
