"""Files moving both ways between real Keras 3 and us, and one training step through masked
recurrent layers on both. Keras 3 is a test peer (pyproject's ``test`` extra), so nothing here
skips; it runs on the TensorFlow backend, the one the parity harness (tests/keras_parity) needs
too: a process holds one Keras 3 backend, chosen when ``keras`` is first imported."""

from __future__ import annotations

import os

os.environ.setdefault("KERAS_BACKEND", "tensorflow")

import keras as real  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from engine import keras as ours  # noqa: E402

RNG = np.random.default_rng(0)


def _models(lib, ract="sigmoid"):
    """A masked recurrent stack and a two-input conv model; ``ract`` is the recurrent layers'
    gate activation ("hard_sigmoid" means different things in Keras 2 and 3, so files only carry
    it faithfully from Keras 3 to us)."""
    seq = lib.Sequential([lib.Input(shape=(6,), dtype="int32"), lib.layers.Embedding(20, 4, mask_zero=True),
                          lib.layers.LSTM(5, return_sequences=True, recurrent_activation=ract),
                          lib.layers.GRU(3, return_sequences=True, recurrent_activation=ract),
                          lib.layers.SimpleRNN(2), lib.layers.Dense(2, activation="softmax")])
    a, b = lib.Input(shape=(6, 6, 1)), lib.Input(shape=(3,))
    h = lib.layers.Flatten()(lib.layers.MaxPooling2D()(lib.layers.BatchNormalization()(
        lib.layers.Conv2D(2, 3, activation="relu")(a))))
    h2 = lib.layers.Dense(4, activation="tanh")(b)
    out = lib.layers.Dense(2)(lib.layers.Concatenate()([h, h2, lib.layers.Add()([h2, h2])]))
    return seq, lib.Model([a, b], out)


def _data():
    ids = RNG.integers(0, 20, (8, 6))
    ids[:3, 4:] = 0
    return ids, [RNG.normal(size=(5, 6, 6, 1)).astype("f4"), RNG.normal(size=(5, 3)).astype("f4")]


def _train(seq, fun, ids, xs):
    seq.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
    seq.fit(ids, RNG.integers(0, 2, len(ids)), verbose=0)
    fun.compile("sgd", "mse")
    fun.fit(xs, np.zeros((5, 2), "f4"), verbose=0)


def test_keras_loads_our_h5_files(tmp_path):
    ids, xs = _data()
    seq, fun = _models(ours)
    _train(seq, fun, ids, xs)
    seq.save(tmp_path / "seq.h5")
    fun.save(tmp_path / "fun.h5")
    np.testing.assert_allclose(real.models.load_model(tmp_path / "seq.h5").predict(ids, verbose=0),
                               seq.predict(ids), atol=1e-6)
    np.testing.assert_allclose(real.models.load_model(tmp_path / "fun.h5").predict(xs, verbose=0),
                               fun.predict(xs), atol=1e-6)


@pytest.mark.parametrize("ext", ["h5", "keras"])
def test_we_load_keras_files(tmp_path, ext):
    ids, xs = _data()
    seq, fun = _models(real, ract="hard_sigmoid")
    _train(seq, fun, ids, xs)
    seq.save(tmp_path / f"seq.{ext}")
    fun.save(tmp_path / f"fun.{ext}")
    mine = ours.models.load_model(tmp_path / f"seq.{ext}")
    np.testing.assert_allclose(mine.predict(ids), seq.predict(ids, verbose=0), atol=1e-6)
    mine.save(tmp_path / "back.h5")  # and back: Keras 3's hard_sigmoid stays Keras 3's
    np.testing.assert_allclose(real.models.load_model(tmp_path / "back.h5").predict(ids, verbose=0),
                               seq.predict(ids, verbose=0), atol=1e-6)
    np.testing.assert_allclose(ours.models.load_model(tmp_path / f"fun.{ext}").predict(xs),
                               fun.predict(xs, verbose=0), atol=1e-6)


def test_same_gradients_as_keras_through_masked_recurrent_layers(tmp_path):
    ids, _ = _data()
    y = RNG.integers(0, 2, len(ids))
    theirs, _ = _models(real, ract="hard_sigmoid")
    theirs.save(tmp_path / "seq.keras")
    mine = ours.models.load_model(tmp_path / "seq.keras")
    for model, lib in ((theirs, real), (mine, ours)):
        model.compile(lib.optimizers.SGD(1.0), "sparse_categorical_crossentropy")
    before = mine.get_weights()
    theirs.train_on_batch(ids, y)
    mine.train_on_batch(ids, y)
    for b, t, m in zip(before, theirs.get_weights(), mine.get_weights(), strict=True):
        np.testing.assert_allclose(b - m, b - t, atol=1e-6)


def test_masked_sequence_loss_and_step_match_keras(tmp_path):
    ids, y = np.array([[3, 1, 2, 0, 0], [1, 4, 4, 2, 1]]), np.array([[1, 0, 2, 0, 0], [2, 2, 1, 0, 1]])
    theirs = real.Sequential([real.Input(shape=(5,), dtype="int32"),
                              real.layers.Embedding(5, 3, mask_zero=True),
                              real.layers.LSTM(4, return_sequences=True),
                              real.layers.Dense(3, activation="softmax")])
    theirs.compile("sgd", "sparse_categorical_crossentropy", metrics=["accuracy"])
    theirs.save(tmp_path / "mask.keras")
    mine = ours.models.load_model(tmp_path / "mask.keras")
    np.testing.assert_allclose(mine.evaluate(ids, y, verbose=0), theirs.evaluate(ids, y, verbose=0),
                               rtol=1e-5)
    before = mine.get_weights()
    theirs.train_on_batch(ids, y)
    mine.train_on_batch(ids, y)
    for b, t, m in zip(before, theirs.get_weights(), mine.get_weights(), strict=True):
        np.testing.assert_allclose(b - m, b - t, atol=1e-7)
