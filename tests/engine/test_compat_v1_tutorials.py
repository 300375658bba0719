"""TF1 programs as the classic TensorFlow 1 guides wrote them ("Getting Started", "Sharing
Variables", the layers CNN tutorial, "TensorBoard: Visualizing Learning", "Saving and
Restoring"), on small local data, run on real TensorFlow and on ours with the same outcome.
Weights start from fixed numbers (``constant_initializer`` of a seeded numpy array) so the
numbers can be compared, not only their trend."""

from __future__ import annotations

import glob
import os
import tempfile

import numpy as np
import pytest

from engine.datasets import digits
from tests.engine import tf1_peer

_R = np.random.default_rng(11)
(_X, _Y), _ = digits.load_data()
IMAGES = (_X[:200, :, :, None] / 16.0).astype(np.float32)
LABELS = _Y[:200].astype(np.int64)
CONV1 = (_R.normal(size=(3, 3, 1, 4)) * 0.5).astype(np.float32)
CONV2 = (_R.normal(size=(3, 3, 4, 8)) * 0.3).astype(np.float32)
DENSE = (_R.normal(size=(2 * 2 * 8, 10)) * 0.2).astype(np.float32)
FILTER = (_R.normal(size=(3, 3, 2, 2)) * 0.5).astype(np.float32)
PICTURES = _R.uniform(size=(2, 5, 5, 2)).astype(np.float32)


def case_getting_started_linear_model(tf):
    W = tf.Variable([0.3], dtype=tf.float32)  # noqa: N806 - the guide's names
    b = tf.Variable([-0.3], dtype=tf.float32)
    x = tf.placeholder(tf.float32)
    y = tf.placeholder(tf.float32)
    linear_model = W * x + b
    loss = tf.reduce_sum(tf.square(linear_model - y))
    train = tf.train.GradientDescentOptimizer(0.01).minimize(loss)
    x_train, y_train = [1, 2, 3, 4], [0, -1, -2, -3]
    sess = tf.Session()
    sess.run(tf.global_variables_initializer())
    before = sess.run(loss, {x: x_train, y: y_train})
    fix_w, fix_b = tf.assign(W, [-1.0]), tf.assign(b, [1.0])
    sess.run([fix_w, fix_b])
    fixed = sess.run(loss, {x: x_train, y: y_train})
    sess.run(tf.global_variables_initializer())
    for _ in range(1000):
        sess.run(train, {x: x_train, y: y_train})
    curr_w, curr_b, curr_loss = sess.run([W, b, loss], {x: x_train, y: y_train})
    sess.close()
    return [before, fixed, curr_w, curr_b, curr_loss]


def _conv_relu(tf, inputs, kernel_shape, bias_shape):
    weights = tf.get_variable("weights", kernel_shape, initializer=tf.constant_initializer(FILTER))
    biases = tf.get_variable("biases", bias_shape, initializer=tf.constant_initializer(0.1))
    conv = tf.nn.conv2d(inputs, weights, strides=[1, 1, 1, 1], padding="SAME")
    return tf.nn.relu(conv + biases)


def _image_filter(tf, images):
    with tf.variable_scope("conv1"):
        relu1 = _conv_relu(tf, images, [3, 3, 2, 2], [2])
    with tf.variable_scope("conv2"):
        return _conv_relu(tf, relu1, [3, 3, 2, 2], [2])


def case_sharing_variables_image_filters(tf):
    image1 = tf.constant(PICTURES[:1])
    image2 = tf.constant(PICTURES[1:])
    with tf.variable_scope("image_filters") as scope:
        result1 = _image_filter(tf, image1)
        scope.reuse_variables()
        result2 = _image_filter(tf, image2)
    with tf.variable_scope("image_filters", reuse=True):
        result3 = _image_filter(tf, image1)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        values = sess.run([result1, result2, result3])
    return [[v.name for v in tf.global_variables()], values, result1.name, result3.name]


def case_layers_cnn_on_digits(tf):
    x = tf.placeholder(tf.float32, [None, 8, 8, 1], name="images")
    y = tf.placeholder(tf.int64, [None], name="labels")
    training = tf.placeholder_with_default(False, shape=(), name="training")
    conv1 = tf.layers.conv2d(x, 4, [3, 3], padding="same", activation=tf.nn.relu,
                             kernel_initializer=tf.constant_initializer(CONV1))
    pool1 = tf.layers.max_pooling2d(conv1, pool_size=[2, 2], strides=2)
    conv2 = tf.layers.conv2d(pool1, 8, 3, padding="same", activation=tf.nn.relu,
                             kernel_initializer=tf.constant_initializer(CONV2))
    pool2 = tf.layers.average_pooling2d(conv2, pool_size=2, strides=2)
    flat = tf.layers.flatten(pool2)
    dropped = tf.layers.dropout(flat, rate=0.4, training=training)
    logits = tf.layers.dense(dropped, 10, kernel_initializer=tf.constant_initializer(DENSE))
    onehot = tf.one_hot(y, 10)
    loss = tf.losses.softmax_cross_entropy(onehot_labels=onehot, logits=logits)
    step = tf.train.get_or_create_global_step()
    train_op = tf.train.AdamOptimizer(0.01).minimize(loss, global_step=step)
    accuracy, update = tf.metrics.accuracy(labels=y, predictions=tf.argmax(logits, axis=1))
    losses, accuracies = [], []
    with tf.Session() as sess:
        sess.run([tf.global_variables_initializer(), tf.local_variables_initializer()])
        for _ in range(3):
            for i in range(0, len(IMAGES), 50):
                feed = {x: IMAGES[i:i + 50], y: LABELS[i:i + 50]}
                losses.append(sess.run([train_op, loss], feed)[1])
                sess.run(update, feed)
            accuracies.append(sess.run(accuracy))
        zeros = [float(np.mean(sess.run(dropped, {x: IMAGES, training: on}) == 0)) for on in (False, True)]
        steps = sess.run(step)
    return {"names": [v.name for v in tf.trainable_variables()], "shapes": [flat.shape.as_list(),
            pool1.shape.as_list()], "losses": losses, "accuracies": accuracies, "steps": steps,
            "zeros": zeros}


def case_tensorboard_summaries(tf):
    logdir = tempfile.mkdtemp()
    x = tf.placeholder(tf.float32, [None, 3], name="x-input")
    with tf.name_scope("layer1"):
        with tf.variable_scope("layer1"):
            w = tf.get_variable("weights", initializer=np.eye(3, dtype=np.float32))
        with tf.name_scope("summaries"):
            tf.summary.scalar("mean", tf.reduce_mean(w))
            tf.summary.histogram("histogram", w)
        act = tf.matmul(x, w)
    with tf.name_scope("loss"):
        loss = tf.reduce_mean(tf.square(act))
    tf.summary.scalar("loss", loss)
    train = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
    merged = tf.summary.merge_all()
    data = np.array([[1.0, 2.0, 3.0]], np.float32)
    with tf.Session() as sess:
        writer = tf.summary.FileWriter(logdir, sess.graph)
        sess.run(tf.global_variables_initializer())
        for i in range(3):
            writer.add_summary(sess.run(merged, {x: data}), i)  # apart from the update: TF runs the
            sess.run(train, {x: data})                          # two in no set order in one run
        writer.close()
    (path,) = glob.glob(os.path.join(logdir, "events.out.tfevents.*"))
    tags, graphs = [], 0
    for event in tf.train.summary_iterator(path):
        graphs += event.HasField("graph_def")
        for value in event.summary.value:
            scalar = round(value.simple_value, 5) if value.HasField("simple_value") else None
            count = value.histo.num if value.HasField("histo") else None
            tags.append((event.step, value.tag, scalar, count))
    return [tags, graphs]


def _restore_model(tf):
    x = tf.placeholder(tf.float32, [None, 8, 8, 1])
    with tf.variable_scope("model"):
        logits = tf.layers.dense(tf.layers.flatten(x), 10, kernel_initializer=tf.zeros_initializer())
    return x, logits


def case_save_and_restore_in_a_new_graph(tf):
    ckpt = os.path.join(tempfile.mkdtemp(), "model.ckpt")
    with tf.Graph().as_default():
        x, logits = _restore_model(tf)
        loss = tf.losses.sparse_softmax_cross_entropy(LABELS[:50], logits)
        train = tf.train.GradientDescentOptimizer(0.5).minimize(loss)
        saver = tf.train.Saver()
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            for _ in range(5):
                sess.run(train, {x: IMAGES[:50]})
            trained = sess.run(logits, {x: IMAGES[:5]})
            saver.save(sess, ckpt)
    with tf.Graph().as_default():
        x, logits = _restore_model(tf)
        with tf.variable_scope("model/dense", reuse=True):
            bias = tf.get_variable("bias")
        with tf.Session() as sess:
            tf.train.Saver().restore(sess, ckpt)
            restored = sess.run(logits, {x: IMAGES[:5]})
            only_bias = tf.Variable(tf.zeros([10]), name="other_bias")
            sess.run(only_bias.initializer)
            tf.train.Saver({"model/dense/bias": only_bias}).restore(sess, ckpt)  # by checkpoint name
            same_bias = sess.run([bias, only_bias])
    return [trained, restored, same_bias]


CASES = tf1_peer.cases_of(__import__(__name__, fromlist=["_"]))
TOLERANCES = {"layers_cnn_on_digits": 1e-4, "getting_started_linear_model": 1e-4}


@pytest.fixture(scope="module")
def real(tmp_path_factory):
    return tf1_peer.run_real(__name__, tmp_path_factory.mktemp("real_tf"))


@pytest.mark.parametrize("name", sorted(set(CASES) - {"layers_cnn_on_digits"}))
def test_same_outcome_as_tensorflow(real, name):
    assert not tf1_peer.raised(real[name]), real[name]
    tf1_peer.assert_same(tf1_peer.run_ours(CASES[name]), real[name], atol=TOLERANCES.get(name, 1e-6))


def test_the_layers_cnn_trains_as_tensorflows_does(real):
    theirs = real["layers_cnn_on_digits"]
    assert not tf1_peer.raised(theirs), theirs
    ours = tf1_peer.run_ours(CASES["layers_cnn_on_digits"])
    assert ours["names"] == theirs["names"] == ["conv2d/kernel:0", "conv2d/bias:0", "conv2d_1/kernel:0",
                                                "conv2d_1/bias:0", "dense/kernel:0", "dense/bias:0"]
    assert ours["shapes"] == theirs["shapes"] and ours["steps"] == theirs["steps"] == 12
    np.testing.assert_allclose(ours["losses"], theirs["losses"], rtol=1e-3, atol=1e-4)
    np.testing.assert_allclose(ours["accuracies"], theirs["accuracies"], atol=1.5 / len(IMAGES))
    # Dropout is off by default (the placeholder's default) and drops about 40% when fed True.
    assert ours["zeros"][0] == pytest.approx(theirs["zeros"][0], abs=1e-9)
    assert abs(ours["zeros"][1] - theirs["zeros"][1]) < 0.05
