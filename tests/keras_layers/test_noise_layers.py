"""SpatialDropout1D/2D, GaussianNoise, GaussianDropout: identity at inference (checked against
real Keras with gradients and configs), and while training the noise real Keras draws: whole
channels dropped and the survivors scaled, additive noise of the given deviation, mean-one
multiplicative noise."""

from __future__ import annotations

import numpy as np
import pytest

import engine as tf
from engine import keras as ours
from tests.keras_layers.parity import check_parity, keras2, keras3, rand

LAYERS = [("SpatialDropout1D", dict(rate=0.4), (6, 5)), ("SpatialDropout2D", dict(rate=0.3), (4, 4, 3)),
          ("GaussianNoise", dict(stddev=0.5), (6, 5)), ("GaussianDropout", dict(rate=0.3), (6, 5))]


@pytest.mark.parametrize("name, kwargs, shape", LAYERS, ids=[n for n, _, _ in LAYERS])
def test_identity_at_inference(name, kwargs, shape):
    def build(k):
        inp = k.Input(shape=shape)
        return k.Model(inp, k.layers.Dense(3)(getattr(k.layers, name)(**kwargs)(inp)))

    check_parity(build, rand(2, *shape))


def test_spatial_dropout_drops_whole_channels_while_training():
    x = np.ones((200, 7, 6), np.float32)
    y = ours.layers.SpatialDropout1D(0.4)(x, training=True).numpy()
    assert set(np.unique(y)) <= {0.0, np.float32(1 / 0.6)}
    assert np.all(y == y[:, :1, :])  # the same for every step
    assert abs((y[:, 0] == 0).mean() - 0.4) < 0.05
    t = keras2.layers.SpatialDropout1D(0.4)(x, training=True).numpy()
    assert np.all(t == t[:, :1, :]) and set(np.unique(t)) <= {0.0, np.float32(1 / 0.6)}
    z = ours.layers.SpatialDropout2D(0.5)(np.ones((50, 3, 4, 5), np.float32), training=True).numpy()
    assert np.all(z == z[:, :1, :1, :])


def test_gaussian_noise_while_training_and_its_gradient():
    x = tf.constant(np.zeros((400, 50), np.float32))
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = ours.layers.GaussianNoise(0.5)(x, training=True)
        loss = tf.reduce_sum(y * 3.0)
    assert abs(float(np.std(y.numpy())) - 0.5) < 0.01 and abs(float(np.mean(y.numpy()))) < 0.01
    np.testing.assert_array_equal(tape.gradient(loss, x).numpy(), 3.0)
    theirs = keras3.layers.GaussianNoise(0.5)(np.zeros((400, 50), "f4"), training=True)
    theirs = keras3.ops.convert_to_numpy(theirs)
    assert abs(float(np.std(theirs)) - 0.5) < 0.01


def test_gaussian_dropout_while_training():
    y = ours.layers.GaussianDropout(0.3)(np.ones((400, 50), np.float32), training=True).numpy()
    assert abs(float(y.mean()) - 1.0) < 0.01
    assert abs(float(y.std()) - np.sqrt(0.3 / 0.7)) < 0.01


def test_noise_is_off_in_predict_and_on_in_fit():
    model = ours.Sequential([ours.Input(shape=(4,)), ours.layers.GaussianNoise(10.0), ours.layers.Dense(1)])
    x = rand(8, 4)
    np.testing.assert_allclose(model.predict(x), model.predict(x))
    model.compile("sgd", "mse")
    before = model.evaluate(x, np.zeros((8, 1)), verbose=0)
    np.testing.assert_allclose(model.evaluate(x, np.zeros((8, 1)), verbose=0), before)
