"""The five models the file tests move between real Keras and us, built with any of the three
libraries (``tf_keras``, ``keras``, ``engine.keras``: they share the API), and their data."""

from __future__ import annotations

import numpy as np

KINDS = ("mlp", "cnn", "lstm", "gru", "functional")
OPTIMIZERS = ("adam", "sgd")


def build(lib, kind):
    L = lib.layers
    if kind == "mlp":
        return lib.Sequential([lib.Input(shape=(8,)), L.Dense(16, activation="relu"),
                               L.Dense(3, activation="softmax")])
    if kind == "cnn":
        return lib.Sequential([lib.Input(shape=(8, 8, 1)), L.Conv2D(4, 3, activation="relu"),
                               L.MaxPooling2D(), L.Flatten(), L.Dense(3, activation="softmax")])
    if kind in ("lstm", "gru"):
        rnn = L.LSTM if kind == "lstm" else L.GRU
        return lib.Sequential([lib.Input(shape=(5, 4)), rnn(6), L.Dense(3, activation="softmax")])
    inp = lib.Input(shape=(6,))
    a = L.Dense(5, activation="relu")(inp)
    b = L.Dense(5, activation="tanh")(inp)
    h = L.Concatenate()([a, b, L.Add()([a, b])])
    return lib.Model(inp, L.Dense(3, activation="softmax")(h))


def data(kind, n=16, seed=0):
    rng = np.random.default_rng(seed)
    shape = {"mlp": (8,), "cnn": (8, 8, 1), "lstm": (5, 4), "gru": (5, 4), "functional": (6,)}[kind]
    return rng.normal(size=(n, *shape)).astype("float32"), rng.integers(0, 3, n)


def optimizer(lib, name):
    if name == "adam":
        return lib.optimizers.Adam(learning_rate=0.01)
    return lib.optimizers.SGD(learning_rate=0.05, momentum=0.9)


def trained(lib, kind, opt):
    """The model compiled with ``opt`` and fitted one short epoch (two steps), so the file holds
    optimizer state."""
    model = build(lib, kind)
    x, y = data(kind)
    model.compile(optimizer(lib, opt), "sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(x, y, epochs=1, batch_size=8, shuffle=False, verbose=0)
    return model, x, y
