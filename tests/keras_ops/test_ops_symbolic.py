"""``keras.ops`` on a functional model's KerasTensors (each call a node of the model, as in
Keras 3), inside a TF1 graph, and the conveniences around it (cond, convert_to_numpy, errors)."""

from __future__ import annotations

import numpy as np
import pytest

import engine as tf_ours
from tests.keras_api.peers import k3, ours

X = np.random.default_rng(2).normal(size=(8, 4)).astype("float32")
Y = np.random.default_rng(3).normal(size=(8, 3)).astype("float32")


def _model(keras):
    ops = keras.ops
    inputs = keras.Input(shape=(4,))
    h = keras.layers.Dense(3, name="dense")(inputs)
    mixed = ops.relu(h) * 2.0 + ops.mean(h, axis=-1, keepdims=True) - 1
    probs = ops.softmax(mixed)
    first_two = probs[:, :2]
    gated = ops.where(h > 0, h, ops.zeros_like(h)) + ops.square(first_two[:, :1])
    model = keras.Model(inputs, [probs, first_two, gated])
    rng = np.random.default_rng(0)
    model.get_layer("dense").set_weights([rng.normal(size=(4, 3)).astype("float32"), np.ones(3, "float32")])
    return model, (mixed, probs, first_two, gated)


def test_ops_on_keras_tensors_build_the_same_model_as_keras3():
    ours_model, ours_tensors = _model(ours)
    real_model, real_tensors = _model(k3)
    assert [tuple(t.shape) for t in ours_tensors] == [tuple(t.shape) for t in real_tensors]
    assert [t.dtype for t in ours_tensors] == [t.dtype for t in real_tensors]
    for got, want in zip(ours_model.predict(X, verbose=0), real_model.predict(X, verbose=0), strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


def test_a_model_built_with_ops_trains_as_in_keras3():
    losses = {}
    for side, keras in (("ours", ours), ("keras3", k3)):
        model, _ = _model(keras)
        ys = [Y, Y[:, :2], Y]
        model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
        # Batches of 4: Keras 3.15 broadcasts ``h + mean(h, keepdims=True)`` wrongly (as the mean's
        # transpose) in a functional model run on a batch as large as h's last axis.
        history = model.fit(X, ys, epochs=3, batch_size=4, shuffle=False, verbose=0)
        losses[side] = (history.history["loss"], model.get_layer("dense").get_weights())
    np.testing.assert_allclose(losses["ours"][0], losses["keras3"][0], rtol=1e-5)
    for got, want in zip(losses["ours"][1], losses["keras3"][1], strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


def test_ops_build_and_differentiate_a_tf1_graph():
    with tf_ours.Graph().as_default():
        x = tf_ours.placeholder(tf_ours.float32, [None, 3])
        y = ours.ops.sum(ours.ops.square(x) * 0.5 + ours.ops.relu(x), axis=1)
        (grad,) = tf_ours.gradients(ours.ops.sum(y), [x])
        with tf_ours.Session() as sess:
            value, g = sess.run([y, grad], feed_dict={x: X[:, :3]})
    a = X[:, :3]
    np.testing.assert_allclose(value, (0.5 * a * a + np.maximum(a, 0)).sum(axis=1), rtol=1e-6)
    np.testing.assert_allclose(g, a + (a > 0), rtol=1e-6)


def test_cond_picks_a_branch_eagerly_and_selects_in_a_graph():
    assert float(ours.ops.cond(ours.ops.convert_to_tensor(True), lambda: 1.0, lambda: 2.0)) == 1.0
    assert float(k3.ops.cond(True, lambda: 1.0, lambda: 2.0)) == 1.0
    with tf_ours.Graph().as_default():
        flag = tf_ours.placeholder(tf_ours.bool_, [])
        out = ours.ops.cond(flag, lambda: ours.ops.ones((2,)), lambda: ours.ops.zeros((2,)))
        with tf_ours.Session() as sess:
            assert sess.run(out, feed_dict={flag: False}).tolist() == [0.0, 0.0]
            assert sess.run(out, feed_dict={flag: True}).tolist() == [1.0, 1.0]


def test_convert_to_numpy_and_shape():
    var = ours.layers.Dense(2)
    var.build((3,))
    np.testing.assert_array_equal(ours.ops.convert_to_numpy(var.kernel), var.get_weights()[0])
    assert ours.ops.shape(ours.Input((5, 2))) == k3.ops.shape(k3.Input((5, 2))) == (None, 5, 2)
    assert ours.ops.shape(np.ones((2, 3))) == (2, 3)
    with pytest.raises(ValueError, match="symbolic"):
        ours.ops.convert_to_numpy(ours.Input((3,)))


def test_saving_a_model_with_an_op_node_says_why_it_cannot(tmp_path):
    model, _ = _model(ours)
    with pytest.raises(NotImplementedError, match="keras.ops.relu"):
        model.to_json()
