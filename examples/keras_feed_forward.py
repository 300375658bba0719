"""The seed's Keras overview and feed-forward example: a Sequential model built with ``.add``,
Dense(256, sigmoid) on 784 inputs -> Dense(10, sigmoid), compiled with categorical cross-entropy
and ``'sgd'``, fitted with ``batch_size=128, epochs=10, validation_data``; then the same with a
configured ``SGD(lr=0.01, decay=1e-6, momentum=0.9)``. Only the imports changed; the data is the
engine's shipped 8x8 digits enlarged to 28x28 and flattened to the seed's 784 inputs.

    python examples/keras_feed_forward.py [--logdir runs/keras_feed_forward]

Each run logs to its own sub-directory (``sgd_default``, ``sgd_momentum``), so the board
compares the two optimizers' curves.
"""

from __future__ import annotations

import argparse
import os

import numpy as np

from engine.datasets import digits
from engine.keras.callbacks import TensorBoard
from engine.keras.layers import Dense
from engine.keras.models import Sequential
from engine.keras.utils import to_categorical


def load_data():
    """784 pixel values in [0, 1] per image and one-hot labels."""
    (x_train, y_train), (x_test, y_test) = digits.load_data()
    rows = (np.arange(28) * 8) // 28
    def prep(x, y):
        big = x[:, rows][:, :, rows].reshape(len(x), 784).astype(np.float32) / 16.0
        return big, to_categorical(y, 10)
    return prep(x_train, y_train), prep(x_test, y_test)


def main(logdir: str) -> dict:
    (x_train, y_train), (x_test, y_test) = load_data()
    results = {}

    # 1. Instantiate the model  2. add layers  3. compile  4. fit  (the seed's steps)
    model = Sequential()
    model.add(Dense(256, activation="sigmoid", input_shape=(784,)))
    model.add(Dense(10, activation="sigmoid"))
    model.compile(loss="categorical_crossentropy", optimizer="sgd", metrics=["accuracy"])
    model.summary()
    model.fit(x_train, y_train, batch_size=128, epochs=10, validation_data=(x_test, y_test),
              callbacks=[TensorBoard(log_dir=os.path.join(logdir, "sgd_default"), histogram_freq=1,
                                     write_output_histograms=True)])
    results["sgd_default"] = model.evaluate(x_test, y_test, verbose=0)[1]

    # The same model with SGD configured instead of the default.
    from engine.keras.optimizers import SGD
    # specify params
    sgd = SGD(lr=0.01, decay=1e-6, momentum=0.9)
    model = Sequential()
    model.add(Dense(256, activation="sigmoid", input_shape=(784,)))
    model.add(Dense(10, activation="sigmoid"))
    # pass to compiler
    model.compile(loss="categorical_crossentropy", optimizer=sgd, metrics=["accuracy"])
    model.fit(x_train, y_train, batch_size=128, epochs=10, validation_data=(x_test, y_test),
              callbacks=[TensorBoard(log_dir=os.path.join(logdir, "sgd_momentum"), histogram_freq=1,
                                     write_output_histograms=True)])
    results["sgd_momentum"] = model.evaluate(x_test, y_test, verbose=0)[1]
    print("test accuracy:", {k: round(v, 4) for k, v in results.items()})
    return results


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--logdir", default="runs/keras_feed_forward")
    main(parser.parse_args().logdir)
