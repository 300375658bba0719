"""The corpus's data: the bundled digits (engine/datasets), scaled to [0, 1], and the sick
variants a run needs (NaN inputs, shuffled labels, a tiny training set)."""

from __future__ import annotations

import functools

import numpy as np

from engine.datasets import digits

TRAIN, VALIDATION = 600, 300


@functools.cache
def _digits():
    (xt, yt), (xv, yv) = digits.load_data()
    scale = np.float32(1 / 16)
    return ((xt.astype("float32") * scale, yt.astype("int32")),
            (xv.astype("float32") * scale, yv.astype("int32")))


def load(samples=TRAIN, nan=False, shuffled=False, image=False, sequence=False):
    """((x, y), (x_val, y_val)): flat 64-vectors, or 8x8x1 images, or 8 steps of 8 features."""
    (x, y), (xv, yv) = _digits()
    x, y, xv, yv = x[:samples].copy(), y[:samples].copy(), xv[:VALIDATION], yv[:VALIDATION]
    if nan:
        x[3] = np.nan
    if shuffled:
        y = np.random.default_rng(0).permutation(y)
    shape = (8, 8, 1) if image else (8, 8) if sequence else (64,)
    return (x.reshape(-1, *shape), y), (xv.reshape(-1, *shape), yv)
