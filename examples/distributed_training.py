"""The seed's ``strategy.scope()`` example on Ray: the same Keras program trained with
``MirroredStrategy`` (2 synchronous replicas) and ``experimental.ParameterServerStrategy``
(2 asynchronous workers, 1 parameter server), each logging to its own run under ``--logdir``.

With no ``--address`` it starts a local Ray cluster on this machine; ``--address auto`` joins the
cluster this machine belongs to (``ray start --head`` on one node, ``ray start --address=...`` on
the others), and ``--address ray://head:10001`` joins a remote one. Nothing else changes.

    python examples/distributed_training.py [--logdir runs/distributed] [--address ADDRESS]
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np

import engine as tf


def load_images():
    """Digits as 28x28 images in [0, 1] (nearest-neighbour enlarged) with integer labels."""
    (x_train, y_train), (x_test, y_test) = tf.datasets.digits.load_data()
    rows = (np.arange(28) * 8) // 28
    def prep(x):
        return x[:, rows][:, :, rows].astype(np.float32) / 16.0
    return (prep(x_train), y_train), (prep(x_test), y_test)


def train(strategy, logdir, data):
    (train_images, train_labels), (test_images, test_labels) = data
    tf.keras.utils.set_random_seed(0)
    with strategy.scope():
        # --- the seed's program, unchanged but for its typos ---------------------------------------
        model = tf.keras.Sequential([
            tf.keras.layers.Flatten(input_shape=(28, 28)),
            tf.keras.layers.Dense(128, activation=tf.nn.relu),
            tf.keras.layers.Dense(10, activation=tf.nn.softmax),
        ])
        model.compile(optimizer="adam",
                      loss="sparse_categorical_crossentropy",
                      metrics=["accuracy"])
        model.fit(train_images, train_labels, epochs=5, verbose=0,
                  callbacks=[tf.keras.callbacks.TensorBoard(log_dir=logdir, histogram_freq=1)])
    test_loss, test_acc = model.evaluate(test_images, test_labels, verbose=0)
    # ----------------------------------------------------------------------------------------------
    return test_acc


def main(logdir: str, address: str | None = None) -> dict:
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
    data = load_images()
    results = {}
    started = time.perf_counter()
    strategy = tf.distribute.MirroredStrategy(num_replicas=2, address=address)
    try:
        print(f"MirroredStrategy: {strategy.num_replicas_in_sync} replicas in sync "
              f"(Ray up in {time.perf_counter() - started:.1f} s)")
        results["mirrored"] = train(strategy, os.path.join(logdir, "mirrored"), data)
        print(f"  test accuracy {results['mirrored']:.4f}")
    finally:
        strategy.shutdown()
    strategy = tf.distribute.experimental.ParameterServerStrategy(num_workers=2, num_ps=1, address=address)
    try:
        print(f"ParameterServerStrategy: {strategy.num_workers} workers, {strategy.num_ps} parameter server")
        results["parameter_server"] = train(strategy, os.path.join(logdir, "parameter_server"), data)
        print(f"  test accuracy {results['parameter_server']:.4f}")
    finally:
        strategy.shutdown()
    print(f"done in {time.perf_counter() - started:.1f} s; logs in {logdir} (board --logdir {logdir})")
    return results


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--logdir", default="runs/distributed")
    parser.add_argument("--address", default=None, help="a Ray cluster to join (default: start a local one)")
    args = parser.parse_args()
    main(args.logdir, args.address)
