"""Conv1D and the poolings against real Keras 2 and 3: outputs, gradients, configs."""

from __future__ import annotations

import numpy as np
import pytest

from tests.keras_layers.parity import KERAS3_ON_TORCH, check_parity, layer_model, rand

CONV1D = [
    dict(filters=4, kernel_size=3),
    dict(filters=4, kernel_size=3, padding="same", activation="relu"),
    dict(filters=3, kernel_size=2, strides=2, padding="same"),
    dict(filters=3, kernel_size=4, strides=3),
    dict(filters=5, kernel_size=3, padding="causal", dilation_rate=2, use_bias=False),
    dict(filters=4, kernel_size=3, dilation_rate=2, padding="same", activation="tanh"),
    dict(filters=6, kernel_size=2, groups=2),
]


@pytest.mark.parametrize("kwargs", CONV1D, ids=[str(sorted(k.items())) for k in CONV1D])
def test_conv1d(kwargs):
    check_parity(layer_model(lambda k: k.layers.Conv1D(**kwargs), (9, 4)), rand(2, 9, 4))


def test_conv1d_channels_first_keras3():
    # TensorFlow's CPU kernels have no channels_first Conv1D: Keras 3 on torch or our engine only,
    # so it is checked against the channels_last result on transposed data.
    from engine import keras

    x = rand(2, 9, 4)
    last = keras.layers.Conv1D(3, 3, padding="same")
    first = keras.layers.Conv1D(3, 3, padding="same", data_format="channels_first")
    y = last(x)
    first(np.transpose(x, (0, 2, 1)))
    first.set_weights(last.get_weights())
    np.testing.assert_allclose(first(np.transpose(x, (0, 2, 1))).numpy(), np.transpose(y.numpy(), (0, 2, 1)),
                               rtol=1e-6, atol=1e-6)


POOL1D = [("MaxPooling1D", {}), ("MaxPooling1D", dict(pool_size=3, strides=2, padding="same")),
          ("MaxPooling1D", dict(pool_size=3, strides=1)), ("AveragePooling1D", dict(pool_size=2)),
          ("AveragePooling1D", dict(pool_size=3, strides=2, padding="same")),
          ("AveragePooling1D", dict(pool_size=4, padding="same")), ("MaxPool1D", dict(pool_size=2)),
          ("AvgPool1D", dict(pool_size=3))]


@pytest.mark.parametrize("name, kwargs", POOL1D, ids=[f"{n}-{sorted(k.items())}" for n, k in POOL1D])
def test_pooling1d(name, kwargs):
    x = np.random.default_rng(3).permutation(2 * 9 * 3).reshape(2, 9, 3).astype(np.float32) / 10  # no ties
    # Keras 3 on torch pads an even "same" average window on the other side than TensorFlow (and
    # Keras 2, and Keras 3 on TensorFlow), which we follow: there Keras 2 is the reference.
    odd_torch = KERAS3_ON_TORCH and kwargs.get("padding") == "same" and kwargs.get("pool_size", 2) % 2 == 0 \
        and name.startswith("Av")
    check_parity(layer_model(lambda k: getattr(k.layers, name)(**kwargs), (9, 3)), x,
                 sides=("keras2",) if odd_torch else ("keras2", "keras3"))


POOL2D = [("AveragePooling2D", dict(pool_size=2)),
          ("AveragePooling2D", dict(pool_size=3, strides=2, padding="same")),
          ("AveragePooling2D", dict(pool_size=(2, 3), strides=(1, 2))),
          ("AvgPool2D", dict(pool_size=(2, 2), padding="same"))]


@pytest.mark.parametrize("name, kwargs", POOL2D, ids=[f"{n}-{sorted(k.items())}" for n, k in POOL2D])
def test_average_pooling2d(name, kwargs):
    check_parity(layer_model(lambda k: getattr(k.layers, name)(**kwargs), (5, 7, 2)), rand(2, 5, 7, 2))


GLOBAL = ["GlobalAveragePooling1D", "GlobalMaxPooling1D", "GlobalAveragePooling2D", "GlobalMaxPooling2D",
          "GlobalAvgPool1D", "GlobalMaxPool2D"]


@pytest.mark.parametrize("keepdims", [False, True])
@pytest.mark.parametrize("name", GLOBAL)
def test_global_pooling(name, keepdims):
    shape = (6, 3) if name.endswith("1D") else (4, 5, 3)
    x = np.random.default_rng(5).permutation(2 * int(np.prod(shape))).reshape(2, *shape).astype(np.float32)
    check_parity(layer_model(lambda k: getattr(k.layers, name)(keepdims=keepdims), shape), x / 7)


@pytest.mark.parametrize("name", GLOBAL)
def test_global_pooling_channels_first(name):
    shape = (3, 6) if name.endswith("1D") else (3, 4, 5)
    check_parity(layer_model(lambda k: getattr(k.layers, name)(data_format="channels_first"), shape),
                 rand(2, *shape))


def test_global_average_pooling1d_averages_unmasked_steps():
    ids = np.array([[3, 1, 4, 0, 0], [2, 7, 1, 8, 2], [5, 0, 0, 0, 0]])

    def build(k):
        inp = k.Input(shape=(5,), dtype="int32")
        h = k.layers.Embedding(10, 4, mask_zero=True)(inp)
        return k.Model(inp, k.layers.Dense(2)(k.layers.GlobalAveragePooling1D()(h)))

    # (Keras 3's config holds the mask as NotEqual/Any op layers, which loading leaves out.)
    check_parity(build, ids, grad_input=False)


def test_conv1d_pooling_stack_trains_like_keras():
    """A small Conv1D text-classifier stack: the same loss after a few SGD steps."""
    import tf_keras

    from engine import keras as ours

    x, y = rand(16, 12, 3, seed=4), (np.arange(16) % 2).astype(np.float32)

    def build(k):
        return k.Sequential([k.Input(shape=(12, 3)), k.layers.Conv1D(4, 3, activation="relu"),
                             k.layers.MaxPooling1D(2), k.layers.Conv1D(4, 2, padding="causal"),
                             k.layers.GlobalAveragePooling1D(), k.layers.Dense(1, activation="sigmoid")])

    theirs, mine = build(tf_keras), build(ours)
    mine.set_weights(theirs.get_weights())
    for m, opt in ((theirs, tf_keras.optimizers.SGD(0.1)), (mine, ours.optimizers.SGD(0.1))):
        m.compile(opt, "binary_crossentropy")
    h1 = theirs.fit(x, y, batch_size=8, epochs=3, shuffle=False, verbose=0).history["loss"]
    h2 = mine.fit(x, y, batch_size=8, epochs=3, shuffle=False, verbose=0).history["loss"]
    np.testing.assert_allclose(h2, h1, rtol=1e-5)
