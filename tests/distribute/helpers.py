"""Small shared helpers for the distributed tests."""

from __future__ import annotations

import numpy as np

from engine import keras


def make_mlp(hidden: int = 32, seed: int = 0):
    """The same 64-hidden-10 MLP (same initial weights) every time it is called with ``seed``."""
    keras.utils.set_random_seed(seed)
    return keras.Sequential([keras.layers.Dense(hidden, activation="relu", input_shape=(64,)),
                             keras.layers.Dense(10, activation="softmax")])


def max_abs_diff(a, b) -> float:
    return max(float(np.max(np.abs(x - y))) for x, y in zip(a, b, strict=True))
