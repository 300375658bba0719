"""The seed's TF1 program: 10 logistic-regression models in parallel (softmax regression), built
as a static graph and trained with ``Session.run``. Only the imports changed, the seed's typos were
fixed, and the data is the engine's shipped handwritten digits (64 pixels instead of MNIST's 784).

    python examples/tf1_logistic_regression.py [--logdir runs/tf1_logistic_regression]

Writes the graph and the test accuracy to the logdir, for the board or TensorBoard.
"""

from __future__ import annotations

import argparse

import numpy as np

import engine as tf
from engine.summary import SummaryWriter


def load_digits():
    """Images scaled to [0, 1] and flattened to 64 values, labels one-hot."""
    (x_train, y_train), (x_test, y_test) = tf.datasets.digits.load_data()
    def prep(x, y):
        return x.reshape(len(x), 64).astype(np.float32) / 16.0, np.eye(10, dtype=np.float32)[y]
    return prep(x_train, y_train), prep(x_test, y_test)


def main(logdir: str) -> float:
    (train_images, train_labels), (test_images, test_labels) = load_digits()
    rng = np.random.default_rng(0)

    def mnist_next_batch(n):
        index = rng.integers(0, len(train_images), n)
        return train_images[index], train_labels[index]

    # --- the seed's program, as written (784 -> 64) -----------------------------------------------
    x = tf.placeholder(tf.float32, [None, 64])  # a placeholder
    W = tf.Variable(tf.zeros([64, 10]))  # a variable  # noqa: N806
    b = tf.Variable(tf.zeros([10]))
    y = tf.nn.softmax(tf.matmul(x, W) + b)  # prediction

    y_ = tf.placeholder(tf.float32, [None, 10])

    cross_entropy = tf.reduce_mean(-tf.reduce_sum(y_ * tf.log(y), reduction_indices=[1]))
    train_step = tf.train.GradientDescentOptimizer(0.5).minimize(cross_entropy)

    sess = tf.InteractiveSession()

    tf.global_variables_initializer().run()

    for _ in range(1000):
        batch_xs, batch_ys = mnist_next_batch(100)
        sess.run(train_step, feed_dict={x: batch_xs, y_: batch_ys})

    correct_prediction = tf.equal(tf.argmax(y, 1), tf.argmax(y_, 1))
    accuracy = tf.reduce_mean(tf.cast(correct_prediction, tf.float32))
    result = sess.run(accuracy, feed_dict={x: test_images, y_: test_labels})
    print(result)
    # ----------------------------------------------------------------------------------------------

    with SummaryWriter(logdir) as writer:
        writer.add_graph(tf.get_default_graph())
        writer.add_scalar("test/accuracy", float(result), global_step=1000)
    sess.close()
    return float(result)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--logdir", default="runs/tf1_logistic_regression")
    main(parser.parse_args().logdir)
