"""Layer configs beyond the defaults, through files both ways: a model real Keras writes loads
into ours, and what ours then writes (``.h5`` and ``to_json``) loads in both real generations,
all predicting alike. The configs differ between generations (tf_keras's ``time_major`` and
``implementation``, its Embedding's ``batch_input_shape``, Keras 3's dtype policies, ``module``
and ``build_config``), so every file goes from each generation to each."""

from __future__ import annotations

import numpy as np
import pytest

from engine import keras as ours
from tests.keras_files.conftest import REAL

VARIANTS = ("gru_reset_before", "lstm_backwards", "dense_regularized", "conv_same", "embedding_rnn")


def _build(lib, variant):
    L = lib.layers
    if variant == "gru_reset_before":
        layers = [lib.Input(shape=(5, 4)), L.GRU(3, reset_after=False, return_sequences=True), L.Flatten(),
                  L.Dense(2)]
    elif variant == "lstm_backwards":
        layers = [lib.Input(shape=(5, 4)),
                  L.LSTM(3, go_backwards=True, unit_forget_bias=False, use_bias=False), L.Dense(2)]
    elif variant == "dense_regularized":
        layers = [lib.Input(shape=(4,)), L.Dense(3, use_bias=False, kernel_regularizer="l2",
                                                 activity_regularizer=lib.regularizers.L1(0.01)),
                  L.Dropout(0.2), L.Dense(2, activation="sigmoid")]
    elif variant == "conv_same":
        layers = [lib.Input(shape=(6, 6, 2)),
                  L.Conv2D(3, (3, 2), strides=2, padding="same", activation="tanh"), L.BatchNormalization(),
                  L.MaxPooling2D(pool_size=(1, 2), padding="same"), L.Reshape((-1,)),
                  L.Dense(2)]
    else:  # tf_keras writes batch_input_shape [null, null] into every Embedding's config
        layers = [lib.Input(shape=(5,), dtype="int32"), L.Embedding(10, 3, mask_zero=True),
                  L.SimpleRNN(2, activation="relu"), L.Activation("softmax")]
    return lib.Sequential(layers)


def _data(variant):
    rng = np.random.default_rng(1)
    shape = {"gru_reset_before": (5, 4), "lstm_backwards": (5, 4), "dense_regularized": (4,),
             "conv_same": (6, 6, 2), "embedding_rnn": (5,)}[variant]
    if variant == "embedding_rnn":
        x = rng.integers(1, 10, (4, *shape))
        x[:2, 3:] = 0  # masked steps
        return x
    return rng.normal(size=(4, *shape)).astype("float32")


@pytest.mark.parametrize("variant", VARIANTS)
def test_config_survives_every_crossing(tmp_path, real, variant):
    theirs, x = _build(real, variant), _data(variant)
    expected = theirs.predict(x, verbose=0)
    theirs.save(tmp_path / "theirs.h5")
    mine = ours.models.load_model(tmp_path / "theirs.h5")
    np.testing.assert_allclose(mine.predict(x, verbose=0), expected, atol=1e-6)
    mine.save(tmp_path / "ours.h5")
    for lib in REAL.values():
        loaded = lib.models.load_model(tmp_path / "ours.h5")
        np.testing.assert_allclose(loaded.predict(x, verbose=0), expected, atol=1e-6,
                                   err_msg=f"our .h5 in {lib.__name__}")
        again = lib.models.model_from_json(mine.to_json())
        again.set_weights(mine.get_weights())
        np.testing.assert_allclose(again.predict(x, verbose=0), expected, atol=1e-6,
                                   err_msg=f"our to_json in {lib.__name__}")
