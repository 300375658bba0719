"""The one gradient check every op and layer test uses: analytic gradients against central finite
differences in float64, of a weighted sum of the outputs (fixed, uneven weights: a plain sum would
hide errors that cancel out).

``check_gradients`` differentiates a function of tensors (GradientTape eagerly, and tf.gradients
in a graph, which must agree); ``check_layer_gradients`` differentiates a Keras layer or model
with respect to its float inputs and every trainable weight."""

from __future__ import annotations

import numpy as np

import engine as tf


def upstream(shape, index: int = 0) -> np.ndarray:
    """The weights of output ``index`` in the loss."""
    return np.random.default_rng(1234 + index).uniform(0.5, 1.5, size=shape)


def weighted_sum(outputs) -> float:
    return sum(float(np.sum(o.numpy() * upstream(o.shape, i))) for i, o in enumerate(outputs))


def finite_differences(loss, array: np.ndarray, eps: float) -> np.ndarray:
    """d loss() / d array by central differences, nudging ``array`` in place (restored after)."""
    g = np.zeros_like(array)
    for index in np.ndindex(array.shape):
        old = array[index]
        array[index] = old + eps
        plus = loss()
        array[index] = old - eps
        minus = loss()
        array[index] = old
        g[index] = (plus - minus) / (2 * eps)
    return g


def assert_close(grads, expected, names, rtol, atol) -> None:
    assert len(grads) == len(expected)
    for name, g, e in zip(names, grads, expected, strict=True):
        assert g is not None, f"no gradient for {name}"
        g = g.numpy() if hasattr(g, "numpy") else g
        assert g.shape == e.shape, f"{name}: gradient shape {g.shape}, value shape {e.shape}"
        np.testing.assert_allclose(g, e, rtol=rtol, atol=atol, err_msg=f"gradient of {name}")


# -- functions of tensors (ops) -------------------------------------------------------------------------
def eager_value_and_grads(fn, arrays):
    ts = [tf.constant(a) for a in arrays]
    with tf.GradientTape() as tape:
        tape.watch(ts)
        out = fn(*ts)
        loss = tf.reduce_sum(out * upstream(out.shape))
    grads = tape.gradient(loss, ts)
    return out.numpy(), [None if g is None else g.numpy() for g in grads]


def graph_value_and_grads(fn, arrays, batch_none: bool):
    out_shape = fn(*[tf.constant(a) for a in arrays]).shape
    with tf.Graph().as_default() as g:
        shapes = [list(a.shape) for a in arrays]
        if batch_none:
            shapes = [[None, *s[1:]] if s else s for s in shapes]
        phs = [tf.placeholder(tf.float64, s) for s in shapes]
        out = fn(*phs)
        loss = tf.reduce_sum(out * upstream(out_shape))
        grads = tf.gradients(loss, phs)
        fetch = [out] + [gr for gr in grads if gr is not None]
        with tf.Session(graph=g) as sess:
            values = sess.run(fetch, feed_dict=dict(zip(phs, arrays, strict=True)))
    it = iter(values[1:])
    return values[0], [None if gr is None else next(it) for gr in grads]


def check_gradients(fn, inputs, *, eps=1e-6, rtol=1e-5, atol=1e-6, graph=True, batch_none=True):
    """Assert that ``fn``'s gradients w.r.t. each of ``inputs`` match finite differences, and that
    graph execution (placeholders, optionally with a None batch axis) gives the same values."""
    arrays = [np.array(x, dtype=np.float64) for x in inputs]  # copies: nudged in place below
    value, grads = eager_value_and_grads(fn, arrays)
    assert value.dtype == np.float64, f"float64 in, {value.dtype} out"
    loss = lambda: weighted_sum([fn(*[tf.constant(a) for a in arrays])])
    expected = [finite_differences(loss, a, eps) for a in arrays]
    assert_close(grads, expected, [f"input {i}" for i in range(len(arrays))], rtol, atol)
    if graph:
        for none in ([False, True] if batch_none else [False]):
            g_value, g_grads = graph_value_and_grads(fn, arrays, none)
            np.testing.assert_allclose(g_value, value, rtol=1e-12, atol=1e-12, err_msg="graph value")
            for i, (gg, g) in enumerate(zip(g_grads, grads, strict=True)):
                np.testing.assert_allclose(gg, g, rtol=1e-12, atol=1e-12,
                                           err_msg=f"graph gradient of input {i} (batch None: {none})")


# -- Keras layers and models ----------------------------------------------------------------------------
def _flatten(x) -> list:
    if isinstance(x, dict):
        x = list(x.values())
    if isinstance(x, (list, tuple)):
        return [leaf for item in x for leaf in _flatten(item)]
    return [x]


def check_layer_gradients(layer, inputs, *, call_kwargs=None, eps=1e-6, rtol=1e-5, atol=1e-7,
                          check_inputs=True):
    """``inputs`` (an array or a list of arrays; float ones are differentiated) are fed to
    ``layer(inputs, **call_kwargs)``; every output contributes to the loss. Run with floatx
    float64."""
    call_kwargs = call_kwargs or {}
    single = not isinstance(inputs, list)
    arrays = [inputs] if single else list(inputs)
    arrays = [np.asarray(a, np.float64) if np.asarray(a).dtype.kind == "f" else np.asarray(a) for a in arrays]
    watched = [check_inputs and a.dtype.kind == "f" for a in arrays]
    differentiated = [a for a, w in zip(arrays, watched, strict=True) if w]

    def run(tape=None):
        ts = [tf.constant(a) for a in arrays]
        diff = [t for t, w in zip(ts, watched, strict=True) if w]
        if tape is not None:
            tape.watch(diff)
        return diff, _flatten(layer(ts[0] if single else ts, **call_kwargs))

    run()  # build
    weights = layer.trainable_weights
    assert all(w._value.dtype == np.float64 for w in weights), "run gradient checks with floatx float64"
    with tf.GradientTape() as tape:
        diff_inputs, outs = run(tape)
        loss = tf.add_n([tf.reduce_sum(o * upstream(tuple(o.shape), i)) for i, o in enumerate(outs)])
    grads = tape.gradient(loss, diff_inputs + weights)
    numeric_loss = lambda: weighted_sum(run()[1])
    expected = [finite_differences(numeric_loss, a, eps) for a in differentiated]
    expected += [finite_differences(numeric_loss, w._value, eps) for w in weights]
    names = [f"input {i}" for i in range(len(diff_inputs))] + [w.name for w in weights]
    assert_close(grads, expected, names, rtol, atol)
