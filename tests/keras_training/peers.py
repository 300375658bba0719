"""The three Kerases side by side: real tf_keras (Keras 2), real Keras 3 on TensorFlow (what
``tf.keras`` is in TensorFlow 2.16+) and ours; helpers that give them the same weights."""

from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras as k3  # noqa: E402
import numpy as np  # noqa: E402
import tf_keras as k2  # noqa: E402

from engine import keras as ours  # noqa: E402, F401 (the three, imported from here)

assert k3.backend.backend() == "tensorflow", "Keras 3 must run on TensorFlow here (tests/conftest.py)"

REAL = {"keras2": k2, "keras3": k3}


def same_weights(source, *targets):
    """Copy ``source``'s weights into each target model, layer by layer (tf_keras counts the
    variables of metrics set as model attributes among ``get_weights``; layers' are the model's)."""
    for t in targets:
        assert len(t.layers) == len(source.layers)
        for a, b in zip(source.layers, t.layers, strict=True):
            b.set_weights(a.get_weights())


def value(x) -> np.ndarray:
    """A tensor of any of the three (or a number) as numpy."""
    if hasattr(x, "numpy"):
        return np.asarray(x.numpy())
    return np.asarray(x)
