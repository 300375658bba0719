"""The layer parity harness: one model-building function run on our engine, on real Keras 2
(tf_keras) and on real Keras 3, the weights copied from Keras 2 to the others, then the same
outputs, the same gradients (w.r.t. the inputs and every trainable weight) and the same
predictions after a config round trip (ours -> ours, Keras 2 -> ours, Keras 3 -> ours).

``build(k)`` gets ``k``, the ``keras`` namespace of one side (ours, tf_keras or keras) and
returns a model. Keras 3 may run on TensorFlow or torch (another test module may pick torch
first); gradients are taken with that backend's autodiff.
"""

from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras as keras3  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as real_tf  # noqa: E402
import tf_keras as keras2  # noqa: E402

import engine as tf  # noqa: E402
from engine import keras as ours  # noqa: E402

SIDES = {"keras2": keras2, "keras3": keras3}
KERAS3_ON_TORCH = keras3.backend.backend() == "torch"  # when another test module chose torch first
RTOL, ATOL = 1e-5, 1e-5


def _flat(x):
    return list(x) if isinstance(x, (list, tuple)) else [x]


def _np(x):
    if isinstance(x, real_tf.IndexedSlices):
        x = real_tf.convert_to_tensor(x)
    if hasattr(x, "detach"):
        return x.detach().cpu().numpy()
    return np.asarray(x.numpy() if hasattr(x, "numpy") else x)


def _weights_of(model):
    return [w for w in model.trainable_weights]


def _cotangents(outputs, seed=1):
    rng = np.random.default_rng(seed)
    return [rng.normal(size=np.shape(o)).astype(np.float32) for o in outputs]


def _tape_grads(lib, model, xs, cots, grad_input=True, **call):
    """Outputs and gradients with ``lib``'s GradientTape (our engine or TensorFlow)."""
    inputs = [lib.constant(x) for x in xs]
    with lib.GradientTape() as tape:
        for t in inputs:
            if grad_input:
                tape.watch(t)
        out = _flat(model(inputs if len(inputs) > 1 else inputs[0], training=False, **call))
        loss = lib.add_n([lib.reduce_sum(o * c) for o, c in zip(out, cots, strict=True)])
    targets = (inputs if grad_input else []) + _weights_of(model)
    return [_np(o) for o in out], [None if g is None else _np(g) for g in tape.gradient(loss, targets)]


def ours_grads(model, xs, cots, grad_input=True, **call):
    return _tape_grads(tf, model, xs, cots, grad_input, **call)


def keras2_grads(model, xs, cots, grad_input=True, **call):
    return _tape_grads(real_tf, model, xs, cots, grad_input, **call)


def keras3_grads(model, xs, cots, grad_input=True, **call):
    backend = keras3.backend.backend()
    if backend == "tensorflow":
        return keras2_grads(model, xs, cots, grad_input, **call)
    if backend != "torch":
        raise AssertionError(f"no gradient helper for the Keras 3 {backend} backend")
    import torch

    inputs = [torch.tensor(x, requires_grad=grad_input and np.issubdtype(x.dtype, np.floating)) for x in xs]
    out = _flat(model(inputs if len(inputs) > 1 else inputs[0], training=False, **call))
    loss = sum((o * torch.tensor(c)).sum() for o, c in zip(out, cots, strict=True))
    targets = (inputs if grad_input else []) + [w.value for w in _weights_of(model)]
    grads = torch.autograd.grad(loss, targets, allow_unused=True)
    return [_np(o) for o in out], [None if g is None else _np(g) for g in grads]


def _close(a, b, what, rtol=RTOL, atol=ATOL):
    assert len(a) == len(b), f"{what}: {len(a)} values against {len(b)}"
    for i, (x, y) in enumerate(zip(a, b, strict=True)):
        if x is None or y is None:
            assert x is None and y is None, f"{what}[{i}]: one side has no gradient"
            continue
        np.testing.assert_allclose(x, y, rtol=rtol, atol=atol, err_msg=f"{what}[{i}]")


def check_parity(build, xs, sides=("keras2", "keras3"), grad_input=True, rtol=RTOL, atol=ATOL,
                 from_real_config=("keras2", "keras3"), weights=None, safe_mode=True):
    """Build on every side, copy weights, compare outputs and gradients, then the configs.
    ``weights(model2)`` may set fixed weights on the Keras 2 model first. Returns our model."""
    xs = [np.asarray(x) for x in _flat(xs)]
    mine = build(ours)
    reals = {name: build(SIDES[name]) for name in sides}
    ref = reals.get("keras2") or next(iter(reals.values()))
    if weights is not None:
        weights(ref)
    values = ref.get_weights()
    mine.set_weights(values)
    for model in reals.values():
        if model is not ref:
            model.set_weights(values)
    helpers = {"keras2": keras2_grads, "keras3": keras3_grads}
    cots = _cotangents(_predict(mine, xs))
    our_out, our_grads = ours_grads(mine, xs, cots, grad_input)
    for name, model in reals.items():
        out, grads = helpers[name](model, xs, cots, grad_input)
        _close(our_out, out, f"{name} outputs", rtol, atol)
        _close(our_grads, grads, f"{name} gradients", rtol, atol)
        if name in from_real_config:
            loaded = ours.models.model_from_json(model.to_json(), safe_mode=safe_mode)
            loaded.set_weights(values)
            _close(_predict(loaded, xs), out, f"{name} config -> ours", rtol, atol)
    again = ours.models.model_from_json(mine.to_json(), safe_mode=safe_mode)
    again.set_weights(values)
    _close(_predict(again, xs), our_out, "our config round trip", 1e-6, 1e-6)
    if safe_mode:  # (a lambda's re-marshalled bytecode need not be byte-identical)
        assert again.get_config() == mine.get_config()
    return mine


def _predict(model, xs):
    return [_np(o) for o in _flat(model.predict(xs if len(xs) > 1 else xs[0], verbose=0))]


def layer_model(make, input_shape, dtype="float32"):
    """``build`` for one layer on one input: ``Input(shape) -> make(k) -> output``."""
    def build(k):
        inp = k.Input(shape=input_shape, dtype=dtype)
        return k.Model(inp, make(k)(inp))
    return build


def rand(*shape, seed=0):
    return np.random.default_rng(seed).normal(size=shape).astype(np.float32)
