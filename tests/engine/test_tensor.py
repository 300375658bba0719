"""Eager tensors: dtypes, conversion, operators, indexing, numpy interop and error messages."""

from __future__ import annotations

import numpy as np
import pytest

import engine as tf


def test_python_values_default_to_float32_and_int32_numpy_keeps_its_dtype():
    assert tf.constant(1.5).dtype == tf.float32
    assert tf.constant([1, 2]).dtype == tf.int32
    assert tf.constant(np.array([1.0, 2.0])).dtype == tf.float64
    assert tf.constant([1, 2], dtype=tf.float32).numpy().dtype == np.float32
    assert tf.constant(0.0, shape=[2, 3]).shape == (2, 3)


def test_dtype_objects_compare_with_numpy_and_names():
    assert tf.float32 == np.float32
    assert tf.as_dtype("int64") is tf.int64
    assert tf.float32.as_numpy_dtype is np.float32
    assert repr(tf.float64) == "tf.float64"
    with pytest.raises(TypeError, match="data type"):
        tf.as_dtype("no-such-type")


def test_operators_follow_numpy_and_keep_float32():
    x = tf.constant([[1.0, 2.0], [3.0, 4.0]])
    y = tf.constant([10.0, 20.0])
    np.testing.assert_allclose((x + y).numpy(), [[11, 22], [13, 24]])
    np.testing.assert_allclose((2 - x).numpy(), [[1, 0], [-1, -2]])
    np.testing.assert_allclose((x * 2).numpy(), [[2, 4], [6, 8]])
    np.testing.assert_allclose((1 / x).numpy(), 1 / np.array([[1, 2], [3, 4.0]]), rtol=1e-6)
    np.testing.assert_allclose((x ** 2).numpy(), [[1, 4], [9, 16]])
    np.testing.assert_allclose((x @ x).numpy(), [[7, 10], [15, 22]])
    np.testing.assert_allclose((-x).numpy(), -x.numpy())
    np.testing.assert_allclose(abs(-x).numpy(), x.numpy())
    assert (x * 2).dtype == tf.float32 and (x / 3).dtype == tf.float32
    np.testing.assert_array_equal((x > 2).numpy(), [[False, False], [True, True]])
    np.testing.assert_array_equal((x == 2.0).numpy(), [[False, True], [False, False]])
    np.testing.assert_array_equal((x <= 2).numpy(), [[True, True], [False, False]])


def test_numpy_arrays_on_the_left_defer_to_tensors():
    out = np.array([1.0, 2.0], dtype=np.float32) + tf.constant([1.0, 1.0])
    assert isinstance(out, tf.Tensor)
    np.testing.assert_allclose(out.numpy(), [2, 3])


def test_indexing_and_slicing():
    x = tf.constant(np.arange(12.0).reshape(3, 4))
    np.testing.assert_array_equal(x[1].numpy(), [4, 5, 6, 7])
    np.testing.assert_array_equal(x[:, 1:3].numpy(), [[1, 2], [5, 6], [9, 10]])
    np.testing.assert_array_equal(x[..., -1].numpy(), [3, 7, 11])
    assert x[None].shape == (1, 3, 4)
    np.testing.assert_array_equal(x[[0, 2], 0].numpy(), [0, 8])
    np.testing.assert_array_equal(x[tf.constant(2)].numpy(), [8, 9, 10, 11])


def test_numpy_interop_and_python_conversions():
    x = tf.constant([1.0, 2.0, 3.0])
    np.testing.assert_array_equal(np.asarray(x), [1, 2, 3])
    assert np.exp(x).shape == (3,)
    assert float(tf.reduce_sum(x)) == 6.0
    assert len(x) == 3
    assert [float(v) for v in x] == [1.0, 2.0, 3.0]
    assert "numpy=" in repr(x) and "float32" in repr(x)
    assert x.shape.as_list() == [3] and x.ndim == 1


def test_tensors_are_hashable_dict_keys():
    a, b = tf.constant(1.0), tf.constant(1.0)
    assert len({a: 1, b: 2}) == 2


def test_numpy_on_a_symbolic_tensor_says_what_to_do():
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [None, 3], name="x")
        with pytest.raises(ValueError, match=r"symbolic.*sess\.run"):
            x.numpy()
        with pytest.raises(TypeError, match="truth value"):
            bool(x)


def test_convert_to_tensor_rejects_a_silent_dtype_change():
    with pytest.raises(TypeError, match="tf.cast"):
        tf.convert_to_tensor(tf.constant([1, 2]), dtype=tf.float32)


def test_matmul_of_vectors_points_to_tensordot():
    with pytest.raises(ValueError, match="tensordot"):
        tf.matmul(tf.constant([1.0, 2.0]), tf.constant([1.0, 2.0]))


def test_seed_tensordot():
    a = tf.constant(np.array([1.0, 2.0, 3.0]))
    b = tf.constant(np.array([4.0, 5.0, 6.0]))
    assert tf.tensordot(a, b, 1).numpy() == 32.0


@pytest.mark.parametrize("fn, expected", [
    (lambda: tf.reduce_max(tf.constant([[1.0, 5.0], [3.0, 2.0]]), axis=1), [5.0, 3.0]),
    (lambda: tf.argmax(tf.constant([[1.0, 5.0], [3.0, 2.0]]), 1), [1, 0]),
    (lambda: tf.one_hot([0, 2], 3), [[1, 0, 0], [0, 0, 1]]),
    (lambda: tf.cast(tf.constant([1.7, -1.2]), tf.int32), [1, -1]),
    (lambda: tf.where(tf.constant([True, False]), tf.constant([1.0, 2.0]), tf.constant([3.0, 4.0])),
     [1.0, 4.0]),
    (lambda: tf.concat([tf.ones([1, 2]), tf.zeros([1, 2])], 0), [[1, 1], [0, 0]]),
    (lambda: tf.stack([tf.constant([1.0]), tf.constant([2.0])], axis=1), [[1.0, 2.0]]),
    (lambda: tf.squeeze(tf.ones([1, 2, 1])), [1.0, 1.0]),
    (lambda: tf.gather(tf.constant([10.0, 20.0, 30.0]), [2, 0]), [30.0, 10.0]),
    (lambda: tf.clip_by_value(tf.constant([-2.0, 0.5, 2.0]), -1.0, 1.0), [-1.0, 0.5, 1.0]),
    (lambda: tf.shape(tf.zeros([2, 3])), [2, 3]),
    (lambda: tf.split(tf.constant([1.0, 2.0, 3.0, 4.0]), [1, -1])[1], [2.0, 3.0, 4.0]),
])
def test_op_values(fn, expected):
    np.testing.assert_allclose(fn().numpy(), expected)


def test_set_seed_makes_random_ops_reproducible():
    tf.random.set_seed(5)
    a = [tf.random.normal([3]).numpy(), tf.random.uniform([2], 0, 10, dtype=tf.int32).numpy(),
         tf.random.truncated_normal([100], stddev=2.0).numpy(), tf.random.normal([2], seed=7).numpy()]
    tf.random.set_seed(5)
    b = [tf.random.normal([3]).numpy(), tf.random.uniform([2], 0, 10, dtype=tf.int32).numpy(),
         tf.random.truncated_normal([100], stddev=2.0).numpy(), tf.random.normal([2], seed=7).numpy()]
    for x, y in zip(a, b, strict=True):
        np.testing.assert_array_equal(x, y)
    assert a[0].dtype == np.float32 and a[1].dtype == np.int32
    assert np.abs(a[2]).max() <= 4.0
