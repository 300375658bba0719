"""tf.einsum, tf.linalg and the tf.math additions against real TensorFlow: values and gradients."""

from __future__ import annotations

import numpy as np
import pytest

import engine as tf

R = np.random.default_rng(3)
A = (np.eye(3) + 0.3 * R.standard_normal((3, 3))).astype(np.float32)
B = R.standard_normal((3, 4)).astype(np.float32)
BATCH = (np.eye(3) + 0.2 * R.standard_normal((2, 3, 3))).astype(np.float32)

EINSUMS = [
    ("ij,jk->ik", [A, B]),
    ("ij,jk", [A, B]),
    ("bij,bjk->bik", [BATCH, BATCH]),
    ("...ij,...jk->...ik", [BATCH, A]),
    ("ii->i", [A]),
    ("ij->", [B]),
    ("i,j->ij", [A[0], B[0]]),
    ("bij,jk->bik", [BATCH, B]),
]


@pytest.mark.parametrize("equation, operands", EINSUMS, ids=[e for e, _ in EINSUMS])
def test_einsum_values_match_tensorflow(real_tf, equation, operands):
    ours = tf.einsum(equation, *operands).numpy()
    theirs = real_tf.einsum(equation, *operands).numpy()
    np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=1e-5)


def _grads(lib, fn, arrays):
    xs = [lib.Variable(a) for a in arrays]
    with lib.GradientTape() as tape:
        y = lib.reduce_sum(fn(lib, *xs) * np.arange(1, 1 + np.size(fn(np, *arrays))).reshape(
            np.shape(fn(np, *arrays))).astype(np.float32))
    return [g.numpy() for g in tape.gradient(y, xs)]


def _np_or(lib, name):
    return {"inv": np.linalg.inv, "det": np.linalg.det}[name] if lib is np else getattr(lib.linalg, name)


GRADIENTS = {
    "einsum_bij_jk": (lambda lib, x, y: lib.einsum("bij,jk->bik", x, y), [BATCH, B]),
    "einsum_outer": (lambda lib, x, y: lib.einsum("i,j->ij", x, y), [A[0], B[0]]),
    "inv": (lambda lib, x: _np_or(lib, "inv")(x), [A]),
    "det_batch": (lambda lib, x: _np_or(lib, "det")(x), [BATCH]),
    "diag_part": (lambda lib, x: np.diagonal(x, axis1=-2, axis2=-1) if lib is np else lib.linalg.diag_part(x),
                  [BATCH]),
    "top_k": (lambda lib, x: -np.sort(-x, axis=-1)[..., :2] if lib is np else lib.math.top_k(x, 2).values,
              [B]),
    "reduce_std": (lambda lib, x: np.std(x, axis=0) if lib is np else lib.math.reduce_std(x, axis=0),
                   [B]),
    "reduce_variance": (lambda lib, x: np.var(x, axis=1, keepdims=True) if lib is np else
                        lib.math.reduce_variance(x, axis=1, keepdims=True), [B]),
}


@pytest.mark.parametrize("name", list(GRADIENTS))
def test_values_and_gradients_match_tensorflow(real_tf, name):
    fn, arrays = GRADIENTS[name]
    ours, theirs = fn(tf, *arrays).numpy(), fn(real_tf, *arrays).numpy()
    np.testing.assert_allclose(ours, theirs, rtol=1e-4, atol=1e-5)
    for g_ours, g_theirs in zip(_grads(tf, fn, arrays), _grads(real_tf, fn, arrays), strict=True):
        np.testing.assert_allclose(g_ours, g_theirs, rtol=1e-4, atol=1e-4)


def test_top_k_breaks_ties_by_the_lower_index_as_tensorflow(real_tf):
    x = np.array([[1.0, 3.0, 3.0, 2.0, 3.0]], np.float32)
    ours, theirs = tf.math.top_k(x, k=3), real_tf.math.top_k(x, k=3)
    np.testing.assert_array_equal(ours.indices.numpy(), theirs.indices.numpy())
    np.testing.assert_array_equal(ours.values.numpy(), theirs.values.numpy())
    assert ours.indices.dtype.name == theirs.indices.dtype.name == "int32"


def test_linalg_helpers_match_tensorflow(real_tf):
    for ours, theirs in [
        (tf.eye(3, 2, batch_shape=[2]), real_tf.eye(3, 2, batch_shape=[2])),
        (tf.linalg.diag(A[0]), real_tf.linalg.diag(A[0])),
        (tf.linalg.trace(BATCH), real_tf.linalg.trace(BATCH)),
        (tf.linalg.matrix_transpose(BATCH), real_tf.linalg.matrix_transpose(BATCH)),
        (tf.linalg.solve(A, B), real_tf.linalg.solve(A, B)),
        (tf.linalg.matmul(A, B), real_tf.linalg.matmul(A, B)),
        (tf.linalg.norm(B), real_tf.linalg.norm(B)),
        (tf.linalg.inv(A, adjoint=True), real_tf.linalg.inv(A, adjoint=True)),
    ]:
        assert tuple(ours.shape.as_list()) == tuple(theirs.shape)
        np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-4, atol=1e-5)


def test_graph_mode_linalg_runs_in_a_session():
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [None, 3, 3])
        y = tf.linalg.det(x) + tf.reduce_sum(tf.einsum("bij,bjk->bik", x, tf.linalg.inv(x)), axis=[1, 2])
        (grad,) = tf.gradients(tf.reduce_sum(y), [x])
        with tf.Session() as sess:
            value, g = sess.run([y, grad], {x: BATCH})
    np.testing.assert_allclose(value, np.linalg.det(BATCH) + 3.0, rtol=1e-5)
    expected = np.linalg.det(BATCH)[:, None, None] * np.swapaxes(np.linalg.inv(BATCH), -1, -2)
    np.testing.assert_allclose(g, expected, rtol=1e-3, atol=1e-4)


def test_a_singular_matrix_raises_tensorflows_error(real_tf):
    singular = np.ones((2, 2), np.float32)
    with pytest.raises(real_tf.errors.InvalidArgumentError):
        real_tf.linalg.inv(singular)
    with pytest.raises(tf.errors.InvalidArgumentError, match="not invertible"):
        tf.linalg.inv(singular)


def test_top_k_larger_than_the_axis_raises(real_tf):
    with pytest.raises(real_tf.errors.InvalidArgumentError):
        real_tf.math.top_k([1.0, 2.0], k=3)
    with pytest.raises(tf.errors.InvalidArgumentError, match="at least k=3"):
        tf.math.top_k([1.0, 2.0], k=3)
