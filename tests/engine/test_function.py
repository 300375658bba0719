"""tf.function: trace once per signature, run the cached plan, keep side effects."""

from __future__ import annotations

import numpy as np
import pytest

import engine as tf

X = np.random.default_rng(0).normal(size=(8, 3)).astype(np.float32)
Y = (X @ np.array([[1.0], [-1.0], [2.0]], np.float32)).astype(np.float32)


def make_step(w, opt):
    def step(x, y):
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(tf.square(tf.matmul(x, w) - y))
        grads = tape.gradient(loss, [w])
        opt.apply_gradients(zip(grads, [w], strict=True))
        return loss

    return step


@pytest.mark.parametrize("make_opt", [lambda: tf.train.GradientDescentOptimizer(0.1),
                                      lambda: tf.train.AdamOptimizer(0.1)], ids=["sgd", "adam"])
def test_a_traced_training_step_matches_eager(make_opt):
    w_eager, w_traced = tf.Variable(np.zeros((3, 1), np.float32)), tf.Variable(np.zeros((3, 1), np.float32))
    eager_step = make_step(w_eager, make_opt())
    traced_step = tf.function(make_step(w_traced, make_opt()))
    for _ in range(5):
        le = eager_step(X, Y)
        lt = traced_step(X, Y)
        np.testing.assert_allclose(lt.numpy(), le.numpy(), rtol=1e-6)
    np.testing.assert_allclose(w_traced.numpy(), w_eager.numpy(), rtol=1e-5, atol=1e-7)
    assert traced_step.trace_count == 1


def test_retraces_for_new_shapes_unless_relaxed():
    f = tf.function(lambda x: tf.reduce_sum(x * 2.0))
    assert f(np.ones((2, 3), np.float32)).numpy() == 12.0
    assert f(np.ones((4, 3), np.float32)).numpy() == 24.0
    assert f.trace_count == 2
    g = tf.function(lambda x: tf.reduce_sum(x), reduce_retracing=True)
    g(np.ones((2, 3), np.float32))
    g(np.ones((5, 3), np.float32))
    assert g.trace_count == 1


def test_side_effects_run_every_call_and_outputs_keep_structure():
    counter = tf.Variable(0.0)

    @tf.function
    def bump(x):
        counter.assign_add(x)
        return {"double": x * 2.0, "pair": (x, 1)}

    out = bump(tf.constant(3.0))
    bump(tf.constant(4.0))
    assert counter.numpy() == 7.0
    assert out["double"].numpy() == 6.0 and out["pair"][1] == 1
    assert isinstance(out["pair"], tuple)


def test_random_ops_draw_fresh_values_each_call():
    f = tf.function(lambda x: tf.nn.dropout(x, rate=0.5))
    a, b = f(np.ones(100, np.float32)).numpy(), f(np.ones(100, np.float32)).numpy()
    assert not np.array_equal(a, b)
    assert set(np.unique(a)) <= {0.0, 2.0}


def test_input_signature_fixes_the_placeholders():
    f = tf.function(lambda x: tf.shape(x), input_signature=[tf.TensorSpec([None, 2], tf.float32)])
    np.testing.assert_array_equal(f(np.zeros((3, 2), np.float32)).numpy(), [3, 2])
    f(np.zeros((5, 2), np.float32))
    assert f.trace_count == 1
