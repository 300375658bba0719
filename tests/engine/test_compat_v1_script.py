"""A classic TF1 training script, run on real TensorFlow and on ours: variable scopes with
``AUTO_REUSE`` and ``get_variable``, ``layers.dense``, ``losses.sparse_softmax_cross_entropy``,
``minimize(global_step=...)``, streaming ``metrics.accuracy`` and a ``Saver`` round trip, trained
on the bundled digits. The weights start from the same numbers on both sides, so the whole
training curve must agree, not only its end."""

from __future__ import annotations

import os
import tempfile

import numpy as np
import pytest

from engine.datasets import digits
from tests.engine import tf1_peer

(_X, _Y), (_XT, _YT) = digits.load_data()
X_TRAIN = (_X.reshape(-1, 64) / 16.0).astype(np.float32)
Y_TRAIN = _Y.astype(np.int64)
X_TEST = (_XT.reshape(-1, 64) / 16.0).astype(np.float32)
Y_TEST = _YT.astype(np.int64)
_R = np.random.default_rng(0)
W1 = (_R.normal(size=(64, 32)) * np.sqrt(2.0 / 64)).astype(np.float32)
W2 = (_R.normal(size=(32, 10)) * np.sqrt(1.0 / 32)).astype(np.float32)
BATCH, EPOCHS = 100, 4


def case_classic_script(tf):
    x = tf.placeholder(tf.float32, [None, 64], name="x")
    labels = tf.placeholder(tf.int64, [None], name="labels")

    def model(inputs):
        with tf.variable_scope("mlp", reuse=tf.AUTO_REUSE):
            hidden = tf.layers.dense(inputs, 32, activation=tf.nn.relu, name="hidden",
                                     kernel_initializer=tf.constant_initializer(W1))
            with tf.variable_scope("out"):
                w = tf.get_variable("w", initializer=W2)
                b = tf.get_variable("b", [10], initializer=tf.zeros_initializer())
            return tf.matmul(hidden, w) + b

    logits = model(x)
    eval_logits = model(x)  # the same variables again, through AUTO_REUSE
    loss = tf.losses.sparse_softmax_cross_entropy(labels, logits)
    step = tf.train.get_or_create_global_step()
    train_op = tf.train.GradientDescentOptimizer(0.5).minimize(loss, global_step=step)
    accuracy, accuracy_update = tf.metrics.accuracy(labels, tf.argmax(eval_logits, 1))
    saver = tf.train.Saver(max_to_keep=2)
    ckpt_dir = tempfile.mkdtemp()

    def evaluate(sess):
        sess.run(tf.local_variables_initializer())
        for i in range(0, len(X_TEST), BATCH):  # streamed over batches, as an evaluation loop does
            sess.run(accuracy_update, {x: X_TEST[i:i + BATCH], labels: Y_TEST[i:i + BATCH]})
        return sess.run(accuracy)

    losses, accuracies = [], []
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        accuracies.append(evaluate(sess))
        for _ in range(EPOCHS):
            for i in range(0, len(X_TRAIN), BATCH):
                _, value = sess.run([train_op, loss], {x: X_TRAIN[i:i + BATCH], labels: Y_TRAIN[i:i + BATCH]})
                losses.append(value)
            accuracies.append(evaluate(sess))
            saver.save(sess, os.path.join(ckpt_dir, "model"), global_step=step)
        trained = sess.run(tf.trainable_variables())
        steps = sess.run(step)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())  # back to the initial weights...
        fresh = evaluate(sess)
        latest = tf.train.latest_checkpoint(ckpt_dir)
        saver.restore(sess, latest)  # ...and the trained ones again
        restored, restored_step = evaluate(sess), sess.run(step)
    return {"names": [v.name for v in tf.global_variables()], "losses": losses, "accuracies": accuracies,
            "steps": steps, "trained": trained, "fresh": fresh, "restored": restored,
            "restored_step": restored_step, "latest": os.path.basename(latest)}


@pytest.fixture(scope="module")
def both(tmp_path_factory):
    real = tf1_peer.run_real(__name__, tmp_path_factory.mktemp("real_tf"))["classic_script"]
    assert not tf1_peer.raised(real), real
    return tf1_peer.run_ours(case_classic_script), real


def test_same_variables_steps_and_checkpoint(both):
    ours, real = both
    assert ours["names"] == real["names"] == [
        "mlp/hidden/kernel:0", "mlp/hidden/bias:0", "mlp/out/w:0", "mlp/out/b:0", "global_step:0"]
    steps = EPOCHS * -(-len(X_TRAIN) // BATCH)
    assert ours["steps"] == real["steps"] == ours["restored_step"] == real["restored_step"] == steps
    assert ours["latest"] == real["latest"] == f"model-{steps}"


def test_the_training_curve_is_tensorflows(both):
    ours, real = both
    np.testing.assert_allclose(ours["losses"], real["losses"], rtol=1e-3, atol=1e-4)
    for a, b in zip(ours["trained"], real["trained"], strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-3, atol=1e-4)
    # Accuracy over 359 test digits: at most one prediction apart at each epoch.
    np.testing.assert_allclose(ours["accuracies"], real["accuracies"], atol=1.5 / len(X_TEST))
    assert real["accuracies"][0] < 0.3 and real["accuracies"][-1] > 0.85


def test_restoring_the_checkpoint_gives_the_trained_accuracy_back(both):
    ours, real = both
    assert ours["fresh"] == pytest.approx(ours["accuracies"][0])
    assert ours["restored"] == pytest.approx(ours["accuracies"][-1])
    assert real["restored"] == pytest.approx(real["accuracies"][-1])
