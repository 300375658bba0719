"""Normalization (adapt, given statistics, invert) against real Keras 2 and 3."""

from __future__ import annotations

import numpy as np
import pytest

import engine as tf
from engine import keras as ours
from tests.keras_layers.parity import _np, check_parity, keras2, keras3, rand

DATA = rand(40, 3, 4, seed=11) * 3 + 1.5


@pytest.mark.parametrize("axis", [-1, 1, (1, 2), None])
def test_adapt_learns_what_keras_learns(axis):
    mine = ours.layers.Normalization(axis=axis)
    mine.adapt(DATA)
    for real in (keras2, keras3):
        theirs = real.layers.Normalization(axis=axis)
        theirs.adapt(DATA)
        np.testing.assert_allclose(mine(DATA).numpy(), _np(theirs(DATA)), rtol=1e-4, atol=1e-5)
        # real Keras combines the statistics in float32 batch by batch; we sum in float64
        for ours_w, their_w in zip(mine.get_weights()[:2], theirs.get_weights()[:2], strict=True):
            np.testing.assert_allclose(ours_w, their_w, rtol=1e-5, atol=1e-5)
        if real is keras2:  # Keras 3 leaves count at 0 when it adapts to an array
            assert int(mine.get_weights()[2]) == int(theirs.get_weights()[2])


def test_adapt_on_batches_equals_adapt_on_the_array():
    whole, batched = ours.layers.Normalization(), ours.layers.Normalization()
    whole.adapt(DATA)
    batched.adapt((tf.constant(DATA[i:i + 7]), None) for i in range(0, len(DATA), 7))  # (x, y) batches
    np.testing.assert_allclose(batched.get_weights()[0], whole.get_weights()[0], rtol=1e-6)
    np.testing.assert_allclose(batched.get_weights()[1], whole.get_weights()[1], rtol=1e-6)


def _adapted_model(k, invert=False, axis=-1):
    layer = k.layers.Normalization(axis=axis, invert=invert)
    layer.adapt(DATA)
    inp = k.Input(shape=(3, 4))
    return k.Model(inp, k.layers.Dense(2)(layer(inp)))


@pytest.mark.parametrize("invert", [False, True])
@pytest.mark.parametrize("axis", [-1, (1, 2)])
def test_adapted_normalization_in_a_model(invert, axis):
    check_parity(lambda k: _adapted_model(k, invert, axis), rand(5, 3, 4, seed=2))


@pytest.mark.parametrize("invert", [False, True])
def test_given_mean_and_variance(invert):
    mean, var = [1.0, -2.0, 0.5, 3.0], [4.0, 0.25, 1.0, 1e-20]  # the last clipped to epsilon

    def build(k):
        inp = k.Input(shape=(3, 4))
        return k.Model(inp, k.layers.Normalization(mean=mean, variance=var, invert=invert)(inp))

    check_parity(build, rand(5, 3, 4, seed=3))


def test_adapted_statistics_are_saved_with_the_model(tmp_path):
    model = _adapted_model(ours)
    model.save(tmp_path / "m.h5")
    x = rand(5, 3, 4, seed=2)
    expected = model.predict(x)
    np.testing.assert_allclose(ours.models.load_model(tmp_path / "m.h5").predict(x), expected, atol=1e-6)
    for real in (keras2, keras3):
        theirs = real.models.load_model(tmp_path / "m.h5")
        np.testing.assert_allclose(theirs.predict(x, verbose=0), expected, rtol=1e-6, atol=1e-6)
