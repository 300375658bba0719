"""Gradients the tape knows nobody can ask for are not computed, and the fast ReluGrad kernel
gives TensorFlow's ReluGrad bit for bit: checked against real TensorFlow."""

from __future__ import annotations

import dataclasses
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
import tensorflow as real_tf  # noqa: E402

import engine as tf  # noqa: E402
from engine.framework import op_registry  # noqa: E402
from engine.framework.execute import apply_op  # noqa: E402

RNG = np.random.default_rng(7)
X = RNG.standard_normal((2, 6, 6, 3)).astype(np.float32)
W = RNG.standard_normal((3, 3, 3, 4)).astype(np.float32)


def _count_calls(monkeypatch, op_type: str) -> list:
    """A list that grows by one each time the ``op_type`` kernel runs."""
    calls = []
    op_def = op_registry.get_op_def(op_type)

    def counted(*args, **kwargs):
        calls.append(1)
        return op_def.kernel(*args, **kwargs)

    monkeypatch.setitem(op_registry._REGISTRY, op_type, dataclasses.replace(op_def, kernel=counted))
    return calls


@pytest.fixture
def backprop_input_calls(monkeypatch):
    return _count_calls(monkeypatch, "Conv2DBackpropInput")


@pytest.mark.parametrize("watch_x", [False, True])
def test_matmul_on_data_runs_one_product_backwards(monkeypatch, watch_x):
    x = RNG.standard_normal((5, 4)).astype(np.float32)
    w = RNG.standard_normal((4, 3)).astype(np.float32)
    ours_x, ours_w = tf.constant(x), tf.Variable(w)
    with tf.GradientTape() as tape:
        if watch_x:
            tape.watch(ours_x)
        loss = tf.reduce_sum(tf.tanh(tf.matmul(ours_x, ours_w)))
    calls = _count_calls(monkeypatch, "MatMul")
    dw, dx = tape.gradient(loss, [ours_w, ours_x])
    real_x, real_w = real_tf.constant(x), real_tf.Variable(w)
    with real_tf.GradientTape() as real_tape:
        if watch_x:
            real_tape.watch(real_x)
        real_loss = real_tf.reduce_sum(real_tf.tanh(real_tf.matmul(real_x, real_w)))
    real_dw, real_dx = real_tape.gradient(real_loss, [real_w, real_x])
    np.testing.assert_allclose(dw.numpy(), real_dw.numpy(), rtol=1e-5, atol=1e-6)
    if watch_x:
        np.testing.assert_allclose(dx.numpy(), real_dx.numpy(), rtol=1e-5, atol=1e-6)
    else:
        assert dx is None and real_dx is None
    assert len(calls) == (2 if watch_x else 1)


def _real_conv_grads(watch_x: bool):
    x, w = real_tf.constant(X), real_tf.Variable(W)
    with real_tf.GradientTape() as tape:
        if watch_x:
            tape.watch(x)
        loss = real_tf.reduce_sum(real_tf.nn.relu(real_tf.nn.conv2d(x, w, 1, "SAME")) ** 2)
    return tape.gradient(loss, [w, x])


def test_conv_on_data_skips_the_input_gradient(backprop_input_calls):
    x, w = tf.constant(X), tf.Variable(W)
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(tf.nn.relu(tf.nn.conv2d(x, w, 1, "SAME")) ** 2)
    dw, dx = tape.gradient(loss, [w, x])
    real_dw, real_dx = _real_conv_grads(watch_x=False)
    assert dx is None and real_dx is None
    np.testing.assert_allclose(dw.numpy(), real_dw.numpy(), rtol=1e-5, atol=1e-5)
    assert backprop_input_calls == []


def test_a_watched_input_still_gets_its_gradient(backprop_input_calls):
    x, w = tf.constant(X), tf.Variable(W)
    with tf.GradientTape() as tape:
        tape.watch(x)
        loss = tf.reduce_sum(tf.nn.relu(tf.nn.conv2d(x, w, 1, "SAME")) ** 2)
    dw, dx = tape.gradient(loss, [w, x])
    real_dw, real_dx = _real_conv_grads(watch_x=True)
    np.testing.assert_allclose(dw.numpy(), real_dw.numpy(), rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(dx.numpy(), real_dx.numpy(), rtol=1e-5, atol=1e-5)
    assert backprop_input_calls == [1]


def test_second_conv_layer_passes_its_input_gradient_on(backprop_input_calls):
    """The second layer's input is the first's output, which the tape tracks."""
    x, w1 = tf.constant(X), tf.Variable(W)
    w2 = tf.Variable(RNG.standard_normal((3, 3, 4, 2)).astype(np.float32))
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(tf.nn.conv2d(tf.nn.relu(tf.nn.conv2d(x, w1, 1, "VALID")), w2, 1, "VALID"))
    g1, g2 = tape.gradient(loss, [w1, w2])
    rx, rw1, rw2 = real_tf.constant(X), real_tf.Variable(W), real_tf.Variable(w2.numpy())
    with real_tf.GradientTape() as real_tape:
        real_loss = real_tf.reduce_sum(
            real_tf.nn.conv2d(real_tf.nn.relu(real_tf.nn.conv2d(rx, rw1, 1, "VALID")), rw2, 1, "VALID"))
    r1, r2 = real_tape.gradient(real_loss, [rw1, rw2])
    np.testing.assert_allclose(g1.numpy(), r1.numpy(), rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(g2.numpy(), r2.numpy(), rtol=1e-4, atol=1e-4)
    assert backprop_input_calls == [1]


@pytest.mark.filterwarnings("error")  # TensorFlow's kernel does not warn on inf times 0: nor ours
@pytest.mark.parametrize("special", [None, np.nan, np.inf, -np.inf])
def test_relu_grad_equals_tensorflow_bit_for_bit(special):
    features = RNG.standard_normal((4, 5, 6)).astype(np.float32)
    features[0, 0, :3] = 0.0  # the gradient at 0 is 0, as in TensorFlow
    g = RNG.standard_normal(features.shape).astype(np.float32)
    if special is not None:
        g[features <= 0] = special  # TensorFlow multiplies by the mask: NaN where the input is <= 0
        g[features > 0][:3] = special
    ours = apply_op("ReluGrad", [tf.constant(g), tf.constant(features)]).numpy()
    real = real_tf.raw_ops.ReluGrad(gradients=g, features=features).numpy()
    np.testing.assert_array_equal(ours, real)
    np.testing.assert_array_equal(np.signbit(ours), np.signbit(real))  # -0.0 where TensorFlow has it
