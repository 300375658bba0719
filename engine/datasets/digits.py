"""1797 real handwritten digits, 8x8 pixels of 0..16, shipped in ``data/digits.csv.gz``
(UCI "Optical Recognition of Handwritten Digits", CC BY 4.0; see ``data/README.md``)."""

from __future__ import annotations

import gzip
import pathlib

import numpy as np

DATA = pathlib.Path(__file__).resolve().parent / "data" / "digits.csv.gz"


def load_data(test_split: float = 0.2, seed: int = 113):
    """``(x_train, y_train), (x_test, y_test)``: x of shape (n, 8, 8), uint8 in 0..16; y uint8
    labels 0..9. The split is a fixed shuffle (``seed``), the same on every machine."""
    if not 0 < test_split < 1:
        raise ValueError(f"test_split must lie strictly between 0 and 1, got {test_split}")
    with gzip.open(DATA, "rt") as f:
        table = np.loadtxt(f, delimiter=",", dtype=np.float64)
    x = table[:, :64].astype(np.uint8).reshape(-1, 8, 8)
    y = table[:, 64].astype(np.uint8)
    order = np.random.default_rng(seed).permutation(len(y))
    x, y = x[order], y[order]
    n_test = int(round(len(y) * test_split))
    return (x[n_test:], y[n_test:]), (x[:n_test], y[:n_test])
