"""The seed's "Keras as first class citizen in TensorFlow" example: ``tf.keras.Sequential`` with
Flatten(28x28) -> Dense(128, relu) -> Dense(10, softmax), Adam, sparse categorical cross-entropy.
Only the imports changed and the seed's typos were fixed (``tf.nn.reul``, and the second
``Flatten`` that was meant to be ``Dense``). The data is the engine's shipped 8x8 handwritten
digits, enlarged to 28x28 so the seed's input shape stands.

The seed wraps the model in ``ParameterServerStrategy().scope()`` (``tf.distribute`` on Ray):
``--parameter-server`` does that (Ray starts a worker per CPU and a server, which takes a few
seconds); by default the same code runs on this process alone.

    python examples/keras_first_class_citizen.py [--logdir runs/keras_first_class_citizen]
                                                 [--parameter-server]
"""

from __future__ import annotations

import argparse
import contextlib

import numpy as np

import engine as tf


def load_images():
    """Digits as 28x28 images in [0, 1] (nearest-neighbour enlarged) with integer labels."""
    (x_train, y_train), (x_test, y_test) = tf.datasets.digits.load_data()
    rows = (np.arange(28) * 8) // 28
    def prep(x):
        return x[:, rows][:, :, rows].astype(np.float32) / 16.0
    return (prep(x_train), y_train), (prep(x_test), y_test)


def main(logdir: str, parameter_server: bool = False) -> float:
    (train_images, train_labels), (test_images, test_labels) = load_images()
    tf.keras.utils.set_random_seed(0)
    scope = contextlib.nullcontext()
    if parameter_server:
        # this is the cool part (see text below)
        ps_strategy = tf.distribute.experimental.ParameterServerStrategy()
        scope = ps_strategy.scope()

    # --- the seed's program ----------------------------------------------------------------------
    with scope:
        # this is keras syntax in tf, activation funciton are form tf now
        model = tf.keras.Sequential([
            tf.keras.layers.Flatten(input_shape=(28, 28)),
            tf.keras.layers.Dense(128, activation=tf.nn.relu),
            tf.keras.layers.Dense(10, activation=tf.nn.softmax),
        ])
        # this is keras syntax in tf

        model.compile(optimizer="adam",
                      loss="sparse_categorical_crossentropy",
                      metrics=["accuracy"])

        model.fit(train_images, train_labels, epochs=5,
                  callbacks=[tf.keras.callbacks.TensorBoard(log_dir=logdir, histogram_freq=1)])

        test_loss, test_acc = model.evaluate(test_images, test_labels)
    # ----------------------------------------------------------------------------------------------
    if parameter_server:
        ps_strategy.shutdown()
    print(f"test accuracy: {test_acc:.4f}")
    return test_acc


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--logdir", default="runs/keras_first_class_citizen")
    parser.add_argument("--parameter-server", action="store_true",
                        help="train inside tf.distribute.experimental.ParameterServerStrategy().scope()")
    args = parser.parse_args()
    main(args.logdir, args.parameter_server)
