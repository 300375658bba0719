"""``tf.compat.v1.layers.dense``, ``losses.*`` and ``metrics.accuracy`` against real TensorFlow:
the same variable names, losses equal to 1e-6 under every weighting and reduction, the same
streaming accuracy batch after batch."""

from __future__ import annotations

import numpy as np
import pytest

from tests.engine import tf1_peer

R = np.random.default_rng(3)
N, C = 6, 4
LABELS01 = (R.uniform(size=(N, C)) > 0.5).astype(np.float32)
PROBS = R.uniform(0.05, 0.95, size=(N, C)).astype(np.float32)
PREDS = R.normal(size=(N, C)).astype(np.float32)
TARGETS = R.normal(size=(N, C)).astype(np.float32) * 2
LOGITS = R.normal(size=(N, C)).astype(np.float32) * 3
CLASSES = R.integers(0, C, size=N).astype(np.int64)
ONEHOT = np.eye(C, dtype=np.float32)[CLASSES]
ROW_WEIGHTS = np.array([[1.0], [0.0], [2.0], [0.5], [0.0], [1.5]], np.float32)
FULL_WEIGHTS = (R.uniform(size=(N, C)) * (R.uniform(size=(N, C)) > 0.3)).astype(np.float32)
KERNEL = R.normal(size=(5, 3)).astype(np.float32)
KERNEL2 = R.normal(size=(3, 2)).astype(np.float32)
X = R.normal(size=(4, 5)).astype(np.float32)


def _weightings(tf):
    R_ = tf.losses.Reduction
    weights = [1.0, 2.5, ROW_WEIGHTS, FULL_WEIGHTS, np.zeros((N, 1), np.float32)]
    reductions = [R_.SUM_BY_NONZERO_WEIGHTS, R_.NONE, R_.SUM, R_.MEAN, R_.SUM_OVER_BATCH_SIZE]
    return [(w, r) for w in weights for r in reductions]


def _run_losses(tf, make):
    outs = [make(w, r) for w, r in _weightings(tf)]
    with tf.Session() as sess:
        return sess.run(outs)


def case_mean_squared_error(tf):
    return _run_losses(tf, lambda w, r: tf.losses.mean_squared_error(TARGETS, PREDS, weights=w, reduction=r))


def case_absolute_difference(tf):
    return _run_losses(tf, lambda w, r: tf.losses.absolute_difference(TARGETS, PREDS, weights=w, reduction=r))


def case_huber_loss(tf):
    return _run_losses(tf, lambda w, r: tf.losses.huber_loss(TARGETS, PREDS, weights=w, delta=0.7,
                                                             reduction=r))


def case_log_loss(tf):
    return _run_losses(tf, lambda w, r: tf.losses.log_loss(LABELS01, PROBS, weights=w, reduction=r))


def case_hinge_loss(tf):
    return _run_losses(tf, lambda w, r: tf.losses.hinge_loss(LABELS01, LOGITS, weights=w, reduction=r))


def case_sigmoid_cross_entropy(tf):
    return _run_losses(tf, lambda w, r: tf.losses.sigmoid_cross_entropy(LABELS01, LOGITS, weights=w,
                                                                        label_smoothing=0.1, reduction=r))


def case_softmax_cross_entropy(tf):
    weights = [1.0, 2.0, ROW_WEIGHTS[:, 0], np.zeros(N, np.float32)]
    outs = [tf.losses.softmax_cross_entropy(ONEHOT, LOGITS, weights=w, label_smoothing=s, reduction=r)
            for w in weights for s in (0.0, 0.2)
            for r in (tf.losses.Reduction.SUM_BY_NONZERO_WEIGHTS, tf.losses.Reduction.NONE,
                      tf.losses.Reduction.MEAN)]
    with tf.Session() as sess:
        return sess.run(outs)


def case_sparse_softmax_cross_entropy(tf):
    outs = [tf.losses.sparse_softmax_cross_entropy(CLASSES, LOGITS),
            tf.losses.sparse_softmax_cross_entropy(CLASSES.reshape(-1, 1), LOGITS),  # [N, 1] labels
            tf.losses.sparse_softmax_cross_entropy(CLASSES, LOGITS, weights=ROW_WEIGHTS[:, 0]),
            tf.losses.sparse_softmax_cross_entropy(CLASSES, LOGITS, weights=ROW_WEIGHTS),
            tf.losses.sparse_softmax_cross_entropy(CLASSES, LOGITS, reduction=tf.losses.Reduction.NONE)]
    with tf.Session() as sess:
        return sess.run(outs)


def case_loss_collection_and_total(tf):
    labels = tf.placeholder(tf.float32, [None, C])
    preds = tf.placeholder(tf.float32, [None, C])
    a = tf.losses.mean_squared_error(labels, preds)
    b = tf.losses.absolute_difference(labels, preds, loss_collection=None)  # not collected
    with tf.variable_scope("reg"):
        tf.get_variable("w", initializer=np.ones(3, np.float32),
                        regularizer=lambda v: 0.5 * tf.reduce_sum(v * v))
    total = tf.losses.get_total_loss()
    try:
        tf.losses.mean_squared_error(TARGETS, PREDS[:, :2])
        mismatch = None
    except ValueError:
        mismatch = "ValueError"
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        values = sess.run([a, b, total, tf.losses.get_regularization_loss()],
                          {labels: TARGETS[:3], preds: PREDS[:3]})
    return [len(tf.losses.get_losses()), len(tf.losses.get_regularization_losses()), values, mismatch,
            a.dtype.name, a.shape.as_list()]


def case_accuracy_streams(tf):
    labels = tf.placeholder(tf.int64, [None])
    preds = tf.placeholder(tf.int64, [None])
    weights = tf.placeholder(tf.float32, [None])
    acc, update = tf.metrics.accuracy(labels, preds)
    wacc, wupdate = tf.metrics.accuracy(labels, preds, weights=weights, name="weighted")
    batches = [([1, 2, 3, 4], [1, 2, 0, 0], [1.0, 1.0, 2.0, 0.0]), ([0, 0], [0, 1], [0.5, 0.5]),
               ([5, 6, 7], [5, 6, 7], [1.0, 0.0, 1.0])]
    trace = []
    with tf.Session() as sess:
        sess.run(tf.local_variables_initializer())
        before = sess.run(acc)
        for lab, pre, wei in batches:
            feed = {labels: lab, preds: pre, weights: wei}
            trace.append(sess.run([update, wupdate], feed))
            trace.append(sess.run([acc, wacc]))
        sess.run(tf.local_variables_initializer())  # a fresh evaluation pass
        reset = sess.run(acc)
    return [before, trace, reset, acc.name, update.name, wacc.name,
            sorted(v.name for v in tf.local_variables()), tf.global_variables(),
            sorted(v.name for v in tf.get_collection(tf.GraphKeys.METRIC_VARIABLES))]


def case_accuracy_of_argmax_predictions(tf):
    logits = tf.constant(LOGITS)
    acc, update = tf.metrics.accuracy(labels=tf.argmax(ONEHOT, 1), predictions=tf.argmax(logits, 1))
    column = tf.metrics.accuracy(labels=CLASSES.reshape(-1, 1), predictions=np.argmax(LOGITS, 1))
    with tf.Session() as sess:
        sess.run(tf.local_variables_initializer())
        return [sess.run(update), sess.run(acc), sess.run(column[1])]


def case_dense_names_values_and_reuse(tf):
    x = tf.placeholder(tf.float32, [None, 5])
    h = tf.layers.dense(x, 3, activation=tf.nn.relu, kernel_initializer=tf.constant_initializer(KERNEL),
                        bias_initializer=tf.constant_initializer(0.1))
    y = tf.layers.dense(h, 2, kernel_initializer=tf.constant_initializer(KERNEL2))
    named = tf.layers.dense(x, 3, name="shared", kernel_initializer=tf.constant_initializer(KERNEL))
    again = tf.layers.dense(x, 3, name="shared", reuse=True)
    with tf.variable_scope("tower"):
        inner = tf.layers.dense(x, 2, use_bias=False, kernel_initializer=tf.zeros_initializer())
    with tf.variable_scope("init", initializer=tf.constant_initializer(0.5)):
        scoped = tf.layers.dense(x, 1)  # the scope's initializer sets the kernel's
    frozen = tf.layers.dense(x, 1, trainable=False, name="frozen", kernel_initializer=tf.ones_initializer())
    seq = tf.layers.dense(tf.constant(np.ones((2, 3, 5), np.float32)), 2,
                          kernel_initializer=tf.ones_initializer())
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        values = sess.run([h, y, named, again, inner, scoped, frozen, seq], {x: X})
    return [[v.name for v in tf.global_variables()], [v.name for v in tf.trainable_variables()],
            [v.shape.as_list() for v in tf.global_variables()], values, h.name, y.name,
            seq.shape.as_list()]


def case_dense_errors(tf):
    def twice():
        tf.layers.dense(tf.placeholder(tf.float32, [None, 5]), 2, name="d")
        tf.layers.dense(tf.placeholder(tf.float32, [None, 5]), 2, name="d")

    out = []
    for fn in (lambda: tf.layers.dense(tf.placeholder(tf.float32, [None, None]), 2), twice):
        try:
            fn()
            out.append(None)
        except ValueError as exc:
            out.append(("ValueError", str(exc).splitlines()[0][:40]))
    return out


CASES = tf1_peer.cases_of(__import__(__name__, fromlist=["_"]))


@pytest.fixture(scope="module")
def real(tmp_path_factory):
    return tf1_peer.run_real(__name__, tmp_path_factory.mktemp("real_tf"))


@pytest.mark.parametrize("name", sorted(CASES))
def test_same_outcome_as_tensorflow(real, name):
    assert not tf1_peer.raised(real[name]), real[name]
    tf1_peer.assert_same(tf1_peer.run_ours(CASES[name]), real[name], atol=1e-6)


def test_losses_work_eagerly_and_are_the_same():
    import engine as tf

    eager = tf.compat.v1.losses.huber_loss(TARGETS, PREDS, weights=FULL_WEIGHTS, delta=0.7).numpy()
    graph = tf1_peer.run_ours(lambda t: t.Session().run(t.losses.huber_loss(TARGETS, PREDS,
                                                                            weights=FULL_WEIGHTS, delta=0.7)))
    np.testing.assert_allclose(eager, graph, rtol=1e-7)


def test_loss_gradients_match_finite_differences():
    import engine as tf

    p = tf.Variable(PREDS.astype(np.float64))
    with tf.GradientTape() as tape:
        loss = tf.compat.v1.losses.huber_loss(TARGETS.astype(np.float64), p, weights=ROW_WEIGHTS, delta=0.7)
    grad = tape.gradient(loss, p).numpy()
    # TF1's losses compute in float32 (as TensorFlow's do), so the step is a float32-sized one.
    eps, numeric = 1e-3, np.zeros_like(grad)
    for idx in np.ndindex(grad.shape):
        for sign in (1, -1):
            moved = PREDS.astype(np.float64).copy()
            moved[idx] += sign * eps
            numeric[idx] += sign * tf.compat.v1.losses.huber_loss(TARGETS.astype(np.float64), moved,
                                                                  weights=ROW_WEIGHTS, delta=0.7).numpy()
    np.testing.assert_allclose(grad, numeric / (2 * eps), atol=2e-3)
