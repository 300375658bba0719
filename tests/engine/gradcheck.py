"""The one gradient check every op test uses: analytic gradients (GradientTape, eagerly, and
tf.gradients in a graph) against central finite differences in float64."""

from __future__ import annotations

import numpy as np

import engine as tf


def _weights(shape) -> np.ndarray:
    # A fixed, uneven upstream gradient: a plain sum would hide errors that cancel out.
    return np.random.default_rng(1234).uniform(0.5, 1.5, size=shape)


def eager_value_and_grads(fn, arrays):
    ts = [tf.constant(a) for a in arrays]
    with tf.GradientTape() as tape:
        tape.watch(ts)
        out = fn(*ts)
        loss = tf.reduce_sum(out * _weights(out.shape))
    grads = tape.gradient(loss, ts)
    return out.numpy(), [None if g is None else g.numpy() for g in grads]


def graph_value_and_grads(fn, arrays, batch_none: bool):
    with tf.Graph().as_default() as g:
        shapes = [list(a.shape) for a in arrays]
        if batch_none:
            shapes = [[None, *s[1:]] if s else s for s in shapes]
        phs = [tf.placeholder(tf.float64, s) for s in shapes]
        out = fn(*phs)
        loss = tf.reduce_sum(out * _weights(arrays_out_shape(fn, arrays)))
        grads = tf.gradients(loss, phs)
        fetch = [out] + [gr for gr in grads if gr is not None]
        with tf.Session(graph=g) as sess:
            values = sess.run(fetch, feed_dict=dict(zip(phs, arrays, strict=True)))
    it = iter(values[1:])
    return values[0], [None if gr is None else next(it) for gr in grads]


def arrays_out_shape(fn, arrays):
    return fn(*[tf.constant(a) for a in arrays]).shape


def numeric_grads(fn, arrays, eps: float):
    def f(xs):
        out = fn(*[tf.constant(x) for x in xs]).numpy()
        return float(np.sum(out * _weights(out.shape)))

    grads = []
    for i, a in enumerate(arrays):
        g = np.zeros_like(a)
        for index in np.ndindex(a.shape):
            plus = [x.copy() for x in arrays]
            minus = [x.copy() for x in arrays]
            plus[i][index] += eps
            minus[i][index] -= eps
            g[index] = (f(plus) - f(minus)) / (2 * eps)
        grads.append(g)
    return grads


def check_gradients(fn, inputs, *, eps=1e-6, rtol=1e-5, atol=1e-6, graph=True, batch_none=True):
    """Assert that ``fn``'s gradients w.r.t. each of ``inputs`` match finite differences, and that
    graph execution (placeholders, optionally with a None batch axis) gives the same values."""
    arrays = [np.asarray(x, dtype=np.float64) for x in inputs]
    value, grads = eager_value_and_grads(fn, arrays)
    assert value.dtype == np.float64, f"float64 in, {value.dtype} out"
    expected = numeric_grads(fn, arrays, eps)
    for i, (g, e) in enumerate(zip(grads, expected, strict=True)):
        assert g is not None, f"no gradient for input {i}"
        assert g.shape == e.shape, f"input {i}: gradient shape {g.shape}, input shape {e.shape}"
        np.testing.assert_allclose(g, e, rtol=rtol, atol=atol, err_msg=f"gradient of input {i}")
    if graph:
        for none in ([False, True] if batch_none else [False]):
            g_value, g_grads = graph_value_and_grads(fn, arrays, none)
            np.testing.assert_allclose(g_value, value, rtol=1e-12, atol=1e-12, err_msg="graph value")
            for i, (gg, g) in enumerate(zip(g_grads, grads, strict=True)):
                np.testing.assert_allclose(gg, g, rtol=1e-12, atol=1e-12,
                                           err_msg=f"graph gradient of input {i} (batch None: {none})")
