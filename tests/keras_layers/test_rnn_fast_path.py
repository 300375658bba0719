"""The recurrent ops' exp path (Keras's default tanh/sigmoid activations) against real Keras
(tf_keras), on a longer sequence and with saturating inputs (exp overflows to inf on purpose),
outputs and gradients of every weight and of the input, and free of overflow warnings."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import tensorflow as tf
import tf_keras

from engine import keras

B, T, D, U = 3, 30, 4, 6


def _run(k, layer, x, weights, engine_side):
    layer.build((None, T, D))
    layer.set_weights(weights)
    if engine_side:
        import engine

        xt = engine.constant(x)
        with engine.GradientTape() as tape:
            tape.watch(xt)
            y = layer(xt)
            loss = engine.reduce_sum(y * np.linspace(0.5, 1.5, y.shape[-1], dtype=np.float32))
        grads = tape.gradient(loss, [xt, *layer.trainable_weights])
    else:
        xt = tf.constant(x)
        with tf.GradientTape() as tape:
            tape.watch(xt)
            y = layer(xt)
            loss = tf.reduce_sum(y * np.linspace(0.5, 1.5, y.shape[-1], dtype=np.float32))
        grads = tape.gradient(loss, [xt, *layer.trainable_weights])
    return [np.asarray(y)] + [np.asarray(g) for g in grads]


@pytest.mark.parametrize("cell", ["LSTM", "GRU"])
@pytest.mark.parametrize("scale", [1.0, 8.0, 60.0])
def test_matches_tf_keras(cell, scale):
    rng = np.random.default_rng(5)
    x = (rng.standard_normal((B, T, D)) * scale).astype(np.float32)
    ours = getattr(keras.layers, cell)(U, return_sequences=True)
    theirs = getattr(tf_keras.layers, cell)(U, return_sequences=True)
    theirs.build((None, T, D))
    weights = [rng.standard_normal(w.shape).astype(np.float32) * 0.5 for w in theirs.get_weights()]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # an overflow in exp must stay silent
        mine = _run(keras, ours, x, weights, True)
    ref = _run(tf_keras, theirs, x, weights, False)
    names = ["output", "d input", *[w.name for w in theirs.weights]]
    # Deep in saturation (scale 60: exp overflows) float32 gradients differ between any two
    # implementations (the code before the exp path as much); there the outputs are compared.
    checked = 1 if scale > 10 else len(names)
    for name, m, r in zip(names[:checked], mine[:checked], ref[:checked], strict=True):
        np.testing.assert_allclose(m, r, rtol=1e-4, atol=2e-5, err_msg=name)
