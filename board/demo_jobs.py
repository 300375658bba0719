"""The trainings ``board demo`` runs, one per process: the seed's examples on the bundled digits.

    python -m board.demo_jobs JOB --logdir DIR [--epochs N] [--seconds_per_epoch S]

Each job writes scalars, histograms and its graph as it goes and prints one progress line per
epoch (``epoch 3/40 loss 0.52 accuracy 0.86``), paced so that curves visibly grow.

Jobs run in separate processes so they train side by side on every core (a GradientTape, like
TensorFlow 1's default graph, belongs to the whole interpreter).
"""

from __future__ import annotations

import argparse
import os
import sys
import time

import numpy as np

# name -> (description, learning rate or None)
JOBS = {
    "tf1_logistic_regression": ("the seed's TF1 softmax regression, graph mode", None),
    "mlp_lr_8": ("Keras MLP, SGD learning rate 8 (too high)", 8.0),
    "mlp_lr_0.1": ("Keras MLP, SGD learning rate 0.1 (about right)", 0.1),
    "mlp_lr_0.0001": ("Keras MLP, SGD learning rate 0.0001 (too low)", 0.0001),
    "lstm": ("Keras LSTM reading each digit as 8 rows of 8 pixels", None),
}


def _digits(flat: bool = True):
    from engine.datasets import digits

    (x, y), (x_test, y_test) = digits.load_data()
    shape = (-1, 64) if flat else (-1, 8, 8)
    def prep(images):
        return images.reshape(shape).astype("float32") / 16

    return (prep(x), y), (prep(x_test), y_test)


def _progress(epoch: int, epochs: int, **metrics) -> None:
    shown = " ".join(f"{k} {v:.4g}" for k, v in metrics.items())
    print(f"epoch {epoch}/{epochs} {shown}", flush=True)


def tf1_logistic_regression(logdir: str, epochs: int, pace: float) -> None:
    """The seed's TF1 program (placeholders, Variables, Session.run with feed_dict), logging its
    loss, accuracy and weight histogram every 50 steps, and its graph."""
    import engine as tf
    from engine.summary import SummaryWriter

    (x_train, y_train), (x_test, y_test) = _digits()
    y_train, y_test = np.eye(10, dtype=np.float32)[y_train], np.eye(10, dtype=np.float32)[y_test]
    rng = np.random.default_rng(0)
    x = tf.placeholder(tf.float32, [None, 64], name="x")
    W = tf.Variable(tf.zeros([64, 10]), name="W")  # noqa: N806 (the seed's name)
    b = tf.Variable(tf.zeros([10]), name="b")
    y = tf.nn.softmax(tf.matmul(x, W) + b)
    y_ = tf.placeholder(tf.float32, [None, 10], name="y_")
    cross_entropy = tf.reduce_mean(-tf.reduce_sum(y_ * tf.log(y), reduction_indices=[1]))
    train_step = tf.train.GradientDescentOptimizer(0.5).minimize(cross_entropy)
    accuracy = tf.reduce_mean(tf.cast(tf.equal(tf.argmax(y, 1), tf.argmax(y_, 1)), tf.float32))
    with tf.Session() as sess, SummaryWriter(logdir, flush_secs=1) as writer:
        sess.run(tf.global_variables_initializer())
        writer.add_graph(sess.graph)
        step = 0
        for epoch in range(1, epochs + 1):
            for _ in range(50):
                index = rng.integers(0, len(x_train), 100)
                _, loss = sess.run([train_step, cross_entropy],
                                   feed_dict={x: x_train[index], y_: y_train[index]})
                step += 1
                writer.add_scalar("train/loss", float(loss), step)
            test_accuracy = sess.run(accuracy, feed_dict={x: x_test, y_: y_test})
            writer.add_scalar("test/accuracy", float(test_accuracy), step)
            writer.add_histogram("W", sess.run(W), step)
            writer.flush()
            _progress(epoch, epochs, loss=float(loss), test_accuracy=float(test_accuracy))
            time.sleep(pace)


def _keras_fit(model, logdir: str, epochs: int, pace: float, data) -> None:
    from engine import keras

    class Progress(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            logs = logs or {}
            _progress(epoch + 1, epochs, loss=logs.get("loss", float("nan")),
                      val_accuracy=logs.get("val_accuracy", float("nan")))
            time.sleep(pace)

    (x, y), (x_test, y_test) = data
    board = keras.callbacks.TensorBoard(logdir, histogram_freq=1, update_freq=10)
    model.fit(x, y, epochs=epochs, batch_size=32, validation_data=(x_test, y_test),
              callbacks=[board, Progress()], verbose=0)


def mlp(logdir: str, epochs: int, pace: float, lr: float) -> None:
    from engine import keras

    keras.utils.set_random_seed(0)
    model = keras.Sequential([
        keras.layers.Dense(64, activation="tanh", input_shape=(64,), name="hidden"),
        keras.layers.Dense(10, activation="softmax", name="output"),
    ])
    model.compile(optimizer=keras.optimizers.SGD(lr), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    _keras_fit(model, logdir, epochs, pace, _digits())


def lstm(logdir: str, epochs: int, pace: float) -> None:
    from engine import keras

    keras.utils.set_random_seed(0)
    model = keras.Sequential([
        keras.layers.LSTM(32, input_shape=(8, 8), name="lstm"),
        keras.layers.Dense(10, activation="softmax", name="output"),
    ])
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    _keras_fit(model, logdir, epochs, pace, _digits(flat=False))


def run(job: str, logdir: str, epochs: int, pace: float) -> None:
    if job == "tf1_logistic_regression":
        tf1_logistic_regression(logdir, epochs, pace)
    elif job == "lstm":
        lstm(logdir, epochs, pace)
    else:
        mlp(logdir, epochs, pace, JOBS[job][1])


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("job", choices=sorted(JOBS))
    p.add_argument("--logdir", required=True)
    p.add_argument("--epochs", type=int, default=40)
    p.add_argument("--seconds_per_epoch", type=float, default=0.5)
    args = p.parse_args(argv)
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    try:
        run(args.job, args.logdir, args.epochs, args.seconds_per_epoch)
    except KeyboardInterrupt:
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
