"""The real Keras generations these tests compare against, and helpers to run the same optimizer
steps on each side."""

from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras as k3  # noqa: E402 - Keras 3
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
import tf_keras as k2  # noqa: E402 - Keras 2

from engine import keras as ours  # noqa: E402
from engine.keras import backend as ours_backend  # noqa: E402

__all__ = ["k2", "k3", "ours", "tf", "weights_and_grads", "run_ours", "run_k2", "run_k3"]


def weights_and_grads(steps=6, seed=0, shapes=((4, 3), (3,))):
    rng = np.random.default_rng(seed)
    weights = [rng.normal(size=s).astype("float32") for s in shapes]
    grads = [[rng.normal(size=s).astype("float32") for s in shapes] for _ in range(steps)]
    return weights, grads


def run_ours(opt, weights, grads, constraint=None, before_step=None):
    vs = [ours_backend.KerasVariable(w, f"dense/w{i}") for i, w in enumerate(weights)]
    for v in vs:
        v.constraint = constraint
    for i, step in enumerate(grads):
        if before_step is not None:
            before_step(i)
        opt.apply_gradients(zip(step, vs, strict=True))
    return [v.numpy() for v in vs]


def run_k3(opt, weights, grads, constraint=None, before_step=None):
    vs = [k3.Variable(w, name=f"w{i}") for i, w in enumerate(weights)]
    for v in vs:
        v.constraint = constraint  # Keras 3's Variable takes it as an attribute, not an argument
    for i, step in enumerate(grads):
        if before_step is not None:
            before_step(i)
        opt.apply_gradients(zip([k3.ops.convert_to_tensor(g) for g in step], vs, strict=True))
    return [k3.ops.convert_to_numpy(v) for v in vs]


def run_k2(opt, weights, grads, constraint=None, before_step=None):
    vs = [tf.Variable(w, name=f"w{i}", constraint=constraint) for i, w in enumerate(weights)]
    for i, step in enumerate(grads):
        if before_step is not None:
            before_step(i)
        opt.apply_gradients(zip([tf.constant(g) for g in step], vs, strict=True))
    return [v.numpy() for v in vs]
