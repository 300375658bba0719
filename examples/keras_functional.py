"""The seed's non-sequential example: the functional API, ``Input(shape=(784,))`` transformed by
two Dense(512, relu) layers into softmax predictions, compiled with binary cross-entropy and
``'sgd'``. Only the imports changed (the seed imports ``Model`` from ``keras.layers``, which
works here too); the data is the shipped digits enlarged to 784 pixels, labels one-hot.

    python examples/keras_functional.py [--logdir runs/keras_functional]
"""

from __future__ import annotations

import argparse

import numpy as np

from engine.datasets import digits
from engine.keras.callbacks import TensorBoard
from engine.keras.layers import Dense, Input, Model
from engine.keras.utils import to_categorical


def load_data():
    (x_train, y_train), (x_test, y_test) = digits.load_data()
    rows = (np.arange(28) * 8) // 28
    def prep(x, y):
        return x[:, rows][:, :, rows].reshape(len(x), 784).astype(np.float32) / 16.0, to_categorical(y, 10)
    return prep(x_train, y_train), prep(x_test, y_test)


def main(logdir: str) -> float:
    (x_train, y_train), (x_test, y_test) = load_data()

    num_classes = 10
    inputs = Input(shape=(784,))

    x = Dense(512, activation="relu")(inputs)  # : input -> x
    x = Dense(512, activation="relu")(x)       # x -> x

    predictions = Dense(num_classes, activation="softmax")(x)  # x -> pred

    model = Model(inputs=inputs, outputs=predictions)
    model.compile(loss="binary_crossentropy", optimizer="sgd", metrics=["accuracy"])
    model.fit(x_train, y_train, batch_size=32, epochs=5, validation_data=(x_test, y_test),
              callbacks=[TensorBoard(log_dir=logdir, histogram_freq=1)])
    model.summary()
    acc = model.evaluate(x_test, y_test, verbose=0)[1]
    print(f"test accuracy: {acc:.4f}")
    return acc


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--logdir", default="runs/keras_functional")
    main(parser.parse_args().logdir)
