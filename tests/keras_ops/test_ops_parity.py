"""``keras.ops`` against real Keras 3's: values and dtypes of every case in ``cases.py``, and the
gradient of a weighted sum of the output with respect to each float argument (``GradientTape``
on both sides), to 1e-5."""

from __future__ import annotations

import numpy as np
import pytest

import engine as tf_ours
from tests.keras_api.peers import k3, ours, tf
from tests.keras_ops.cases import CASES


def _leaves(out):
    return list(out) if isinstance(out, (list, tuple)) else [out]


def _dtype(value) -> str:
    return k3.backend.standardize_dtype(value.dtype)


def _check(got, want):
    got, want = _leaves(got), _leaves(want)
    assert len(got) == len(want)
    for g, w in zip(got, want, strict=True):
        assert _dtype(g) == _dtype(w), f"dtype {_dtype(g)} != Keras's {_dtype(w)}"
        g, w = np.asarray(g), k3.ops.convert_to_numpy(w)
        assert g.shape == w.shape
        if w.dtype.kind == "f":
            np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-6)
        else:
            np.testing.assert_array_equal(g, w)


@pytest.mark.parametrize(("op", "args", "kwargs"), [c[1:4] for c in CASES], ids=[c[0] for c in CASES])
def test_values_and_dtypes_match_keras3(op, args, kwargs):
    _check(getattr(ours.ops, op)(*args, **kwargs), getattr(k3.ops, op)(*args, **kwargs))


GRAD_CASES = [c for c in CASES if c[4]]


@pytest.mark.parametrize(("op", "args", "kwargs", "wrt"), [c[1:] for c in GRAD_CASES],
                         ids=[c[0] for c in GRAD_CASES])
def test_gradients_match_keras3(op, args, kwargs, wrt):
    first = _leaves(getattr(k3.ops, op)(*args, **kwargs))[0]
    weight = np.random.default_rng(5).uniform(0.5, 1.5, tuple(first.shape)).astype("float32")

    real_args = [tf.constant(a) if i in wrt else a for i, a in enumerate(args)]
    with tf.GradientTape() as tape:
        for i in wrt:
            tape.watch(real_args[i])
        loss = tf.reduce_sum(_leaves(getattr(k3.ops, op)(*real_args, **kwargs))[0] * weight)
    want = tape.gradient(loss, [real_args[i] for i in wrt])

    our_args = [tf_ours.constant(a) if i in wrt else a for i, a in enumerate(args)]
    with tf_ours.GradientTape() as tape:
        for i in wrt:
            tape.watch(our_args[i])
        loss = tf_ours.reduce_sum(_leaves(getattr(ours.ops, op)(*our_args, **kwargs))[0] * weight)
    got = tape.gradient(loss, [our_args[i] for i in wrt])
    for g, w in zip(got, want, strict=True):
        np.testing.assert_allclose(np.asarray(g), w.numpy(), rtol=1e-5, atol=1e-5)


def test_every_op_keras_guides_name_is_there():
    names = {c[1] for c in CASES} | {"cond", "convert_to_numpy", "shape", "logical_xor", "top_k"}
    missing = sorted(n for n in names if not hasattr(ours.ops, n))
    assert not missing
