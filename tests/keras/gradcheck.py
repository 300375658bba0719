"""The one gradient check every Keras layer test uses: the tape's gradients of a weighted sum
of a layer's output, with respect to its float inputs and every trainable weight, against
central finite differences in float64."""

from __future__ import annotations

import numpy as np

from engine.framework.tape import GradientTape
from engine.framework.tensor import eager
from engine.keras.layers.base import _flatten
from engine.ops import reduction_ops


def _weights_like(shape, seed):
    return np.random.default_rng(seed).uniform(0.5, 1.5, size=shape)


def _loss_value(outs, seed):
    return sum(float(np.sum(o.numpy() * _weights_like(o.shape, seed + i))) for i, o in enumerate(outs))


def check_layer_gradients(layer, inputs, *, call_kwargs=None, eps=1e-6, rtol=1e-5, atol=1e-7,
                          check_inputs=True):
    """``inputs`` (an array or a list of arrays; float ones are differentiated) are fed to
    ``layer(inputs, **call_kwargs)``; every output contributes to the loss."""
    call_kwargs = call_kwargs or {}
    single = not isinstance(inputs, list)
    arrays = [inputs] if single else list(inputs)
    arrays = [np.asarray(a, np.float64) if np.asarray(a).dtype.kind == "f" else np.asarray(a) for a in arrays]

    def run(arrs, tape=None):
        ts = [eager(a) for a in arrs]
        diff = [t for t, a in zip(ts, arrs, strict=True) if a.dtype.kind == "f"] if check_inputs else []
        if tape is not None:
            tape.watch(diff)
        return diff, _flatten(layer(ts[0] if single else ts, **call_kwargs))

    run(arrays)  # build
    weights = layer.trainable_weights
    assert all(w._value.dtype == np.float64 for w in weights), "run gradient checks with floatx float64"
    with GradientTape() as tape:
        diff_inputs, outs = run(arrays, tape)
        loss = None
        for i, o in enumerate(outs):
            term = reduction_ops.reduce_sum(o * _weights_like(tuple(o.shape), 7 + i))
            loss = term if loss is None else loss + term
    grads = tape.gradient(loss, diff_inputs + weights)

    def numeric(array, set_value):
        g = np.zeros_like(array)
        for index in np.ndindex(array.shape):
            old = array[index]
            array[index] = old + eps
            set_value()
            plus = _loss_value(run(arrays)[1], 7)
            array[index] = old - eps
            set_value()
            minus = _loss_value(run(arrays)[1], 7)
            array[index] = old
            set_value()
            g[index] = (plus - minus) / (2 * eps)
        return g

    expected = []
    for a in arrays:
        if a.dtype.kind == "f" and check_inputs:
            expected.append(numeric(a, lambda: None))
    for w in weights:
        expected.append(numeric(w._value, lambda: None))
    names = [f"input {i}" for i in range(len(diff_inputs))] + [w.name for w in weights]
    assert len(grads) == len(expected)
    for name, g, e in zip(names, grads, expected, strict=True):
        assert g is not None, f"no gradient for {name}"
        np.testing.assert_allclose(g.numpy(), e, rtol=rtol, atol=atol, err_msg=f"gradient of {name}")
