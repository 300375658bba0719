"""Optimizers: the same update eagerly and in a graph, and against torch.optim."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import engine as tf

X = np.random.default_rng(0).normal(size=(16, 3)).astype(np.float32)
Y = (X @ np.array([[1.0], [-2.0], [0.5]], np.float32) + 0.3).astype(np.float32)
W0 = np.random.default_rng(1).normal(size=(3, 1)).astype(np.float32)
OPTIMIZERS = {
    "sgd": (lambda: tf.train.GradientDescentOptimizer(0.1), lambda p: torch.optim.SGD(p, lr=0.1)),
    "momentum": (lambda: tf.train.MomentumOptimizer(0.05, 0.9),
                 lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.9)),
    "adam": (lambda: tf.train.AdamOptimizer(0.05), lambda p: torch.optim.Adam(p, lr=0.05, eps=1e-8)),
}
STEPS = 20


def graph_run(make_opt):
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [None, 3])
        y = tf.placeholder(tf.float32, [None, 1])
        w, b = tf.Variable(W0), tf.Variable(0.0)
        loss = tf.reduce_mean(tf.square(tf.matmul(x, w) + b - y))
        step = make_opt().minimize(loss)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            for _ in range(STEPS):
                sess.run(step, feed_dict={x: X, y: Y})
            return sess.run(w), sess.run(b)


def eager_run(make_opt):
    w, b = tf.Variable(W0), tf.Variable(0.0)
    opt = make_opt()
    for _ in range(STEPS):
        opt.minimize(lambda: tf.reduce_mean(tf.square(tf.matmul(X, w) + b - Y)), var_list=[w, b])
    return w.numpy(), b.numpy()


def torch_run(make_opt):
    w = torch.tensor(W0, requires_grad=True)
    b = torch.tensor(0.0, requires_grad=True)
    opt = make_opt([w, b])
    for _ in range(STEPS):
        opt.zero_grad()
        loss = ((torch.from_numpy(X) @ w + b - torch.from_numpy(Y)) ** 2).mean()
        loss.backward()
        opt.step()
    return w.detach().numpy(), b.detach().numpy()


@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_graph_eager_and_torch_take_the_same_steps(name):
    ours, theirs = OPTIMIZERS[name]
    gw, gb = graph_run(ours)
    ew, eb = eager_run(ours)
    tw, tb = torch_run(theirs)
    np.testing.assert_allclose(gw, ew, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(gb, eb, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(gw, tw, rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(gb, tb, rtol=1e-4, atol=1e-4)


def test_adam_exports_tensorflow_shaped_nodes():
    with tf.Graph().as_default() as g:
        w = tf.Variable(W0, name="W")
        step = tf.train.AdamOptimizer().minimize(tf.reduce_sum(w * w))
        names = {op.name: op.type for op in g.get_operations()}
    assert step.name == "Adam" and step.type == "NoOp"
    assert names["Adam/update_W/ApplyAdam"] == "ApplyAdam"
    assert names["W/Adam"] == "VariableV2" and names["W/Adam_1"] == "VariableV2"
    assert names["beta1_power"] == "VariableV2"


def test_global_step_counts_updates():
    with tf.Graph().as_default():
        w = tf.Variable(1.0)
        step_var = tf.Variable(0, trainable=False, name="global_step")
        train = tf.train.GradientDescentOptimizer(0.1).minimize(w * w, global_step=step_var)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            for _ in range(3):
                sess.run(train)
            assert sess.run(step_var) == 3


def test_eager_minimize_needs_a_callable():
    with pytest.raises(TypeError, match="callable"):
        tf.train.GradientDescentOptimizer(0.1).minimize(tf.constant(1.0))


def test_saver_round_trips_variables_and_finds_the_latest(tmp_path):
    with tf.Graph().as_default():
        with tf.name_scope("layer"):
            w = tf.Variable(np.arange(6, dtype=np.float32).reshape(2, 3), name="W")
        b = tf.Variable(1.5, name="b")
        saver = tf.train.Saver(max_to_keep=2)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            for step in range(3):
                sess.run(b.assign(float(step)))  # in a graph, assign() is an op to run
                saver.save(sess, str(tmp_path / "model"), global_step=step)
            sess.run(w.assign(np.zeros((2, 3))))
            latest = tf.train.latest_checkpoint(str(tmp_path))
            assert latest.endswith("model-2")
            saver.restore(sess, latest)
            np.testing.assert_array_equal(sess.run(w), np.arange(6).reshape(2, 3))
            assert sess.run(b) == 2.0
    assert sorted(p.name for p in tmp_path.glob("*.npz")) == ["model-1.npz", "model-2.npz"]
    with pytest.raises(FileNotFoundError, match="no checkpoint"):
        saver.restore(None, str(tmp_path / "model-0"))
