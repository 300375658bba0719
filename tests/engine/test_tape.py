"""GradientTape: what it watches, persistence, higher order, deep graphs, unconnected sources."""

from __future__ import annotations

import numpy as np
import pytest

import engine as tf


def test_trainable_variables_are_watched_automatically():
    w = tf.Variable([[1.0, 2.0], [3.0, 4.0]])
    frozen = tf.Variable([1.0, 1.0], trainable=False)
    x = tf.constant([[1.0, 1.0]])
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(tf.matmul(x, w) * frozen)
    gw, gf = tape.gradient(loss, [w, frozen])
    np.testing.assert_allclose(gw.numpy(), np.ones((2, 2)))
    assert gf is None
    assert tape.watched_variables() == [w]


def test_tensors_need_watch():
    x = tf.constant(3.0)
    with tf.GradientTape() as tape:
        y = x * x
    assert tape.gradient(y, x) is None
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = x * x
    assert tape.gradient(y, x).numpy() == 6.0


def test_a_variable_read_twice_gets_both_contributions():
    w = tf.Variable(2.0)
    with tf.GradientTape() as tape:
        y = w * w + w
    assert tape.gradient(y, w).numpy() == 5.0


def test_non_persistent_tape_refuses_a_second_gradient():
    w = tf.Variable(1.0)
    with tf.GradientTape() as tape:
        y = w * 3
    tape.gradient(y, w)
    with pytest.raises(RuntimeError, match="persistent=True"):
        tape.gradient(y, w)


def test_persistent_tape_gives_several_gradients():
    x = tf.constant(2.0)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = x * x
        z = y * y
    assert tape.gradient(y, x).numpy() == 4.0
    assert tape.gradient(z, x).numpy() == 32.0


def test_second_order_with_nested_tapes():
    x = tf.constant(3.0)
    with tf.GradientTape() as outer:
        outer.watch(x)
        with tf.GradientTape() as inner:
            inner.watch(x)
            y = x ** 3
        dy = inner.gradient(y, x)
    assert dy.numpy() == 27.0
    assert outer.gradient(dy, x).numpy() == 18.0


def test_unconnected_sources_are_none_or_zero():
    x, unused = tf.constant(1.0), tf.constant([1.0, 2.0])
    with tf.GradientTape(persistent=True) as tape:
        tape.watch([x, unused])
        y = x * 2
    assert tape.gradient(y, unused) is None
    np.testing.assert_array_equal(tape.gradient(y, unused, unconnected_gradients="zero").numpy(), [0, 0])


def test_gradient_keeps_the_structure_of_sources():
    a, b = tf.Variable(1.0), tf.Variable(2.0)
    with tf.GradientTape() as tape:
        y = a * b
    grads = tape.gradient(y, {"a": a, "b": b})
    assert grads["a"].numpy() == 2.0 and grads["b"].numpy() == 1.0


def test_output_gradients_seed_the_backward_pass():
    x = tf.constant([1.0, 2.0])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = x * 3
    np.testing.assert_array_equal(tape.gradient(y, x, output_gradients=[np.array([1.0, 10.0])]).numpy(),
                                  [3, 30])


def test_a_chain_of_ten_thousand_ops_needs_no_recursion():
    x = tf.constant(1.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = x
        for _ in range(10_000):
            y = y * 1.0001
    np.testing.assert_allclose(tape.gradient(y, x).numpy(), 1.0001 ** 10_000, rtol=1e-3)


def test_stop_recording_and_stop_gradient():
    x = tf.constant(2.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        with tape.stop_recording():
            c = x * x
        y = x * c + tf.stop_gradient(x * x)
    assert tape.gradient(y, x).numpy() == 4.0


def test_jacobian():
    x = tf.constant([1.0, 2.0])
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = x * x
    np.testing.assert_allclose(tape.jacobian(y, x).numpy(), [[2, 0], [0, 4]])


def test_eager_training_loop_with_the_same_optimizer_api():
    tf.random.set_seed(0)
    w = tf.Variable(tf.random.normal([3, 1]))
    x = np.random.default_rng(0).normal(size=(32, 3)).astype(np.float32)
    y = x @ np.array([[1.0], [-2.0], [0.5]], np.float32)
    opt = tf.train.GradientDescentOptimizer(0.1)
    for _ in range(200):
        opt.minimize(lambda: tf.reduce_mean(tf.square(tf.matmul(x, w) - y)), var_list=[w])
    np.testing.assert_allclose(w.numpy().ravel(), [1.0, -2.0, 0.5], atol=1e-3)
