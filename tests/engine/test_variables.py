"""Variables: eager state, graph nodes, initialization, assignment, gradients through reads."""

from __future__ import annotations

import numpy as np
import pytest

import engine as tf


def test_eager_variable_assign_family():
    v = tf.Variable([1.0, 2.0], name="v")
    assert v.dtype == tf.float32 and v.shape == (2,) and v.trainable
    v.assign([3.0, 4.0])
    v.assign_add(tf.constant([1.0, 1.0]))
    v.assign_sub([0.5, 0.5])
    np.testing.assert_allclose(v.numpy(), [3.5, 4.5])
    np.testing.assert_allclose((v * 2).numpy(), [7.0, 9.0])
    assert v.name == "v:0"
    with pytest.raises(ValueError, match="shape"):
        v.assign([1.0, 2.0, 3.0])


def test_variables_created_in_a_name_scope_carry_it():
    with tf.Graph().as_default() as g:
        with tf.name_scope("dense"):
            w = tf.Variable(tf.ones([2, 2]), name="kernel")
        assert w.name == "dense/kernel:0"
        assert g.get_operation_by_name("dense/kernel").type == "VariableV2"


def test_symbolic_initial_values_need_the_initializer():
    with tf.Graph().as_default():
        tf.random.set_seed(3)
        w = tf.Variable(tf.random_normal([2, 3]), name="w")
        y = tf.reduce_sum(w)
        with tf.Session() as sess:
            with pytest.raises(RuntimeError, match="global_variables_initializer"):
                sess.run(y)
            sess.run(tf.global_variables_initializer())
            first = sess.run(w)
            sess.run(w.initializer)  # re-running the initializer draws again
            assert not np.allclose(first, sess.run(w))
            assert sess.run(y) == pytest.approx(float(sess.run(w).sum()))


def test_graph_assign_ops_run_in_the_session():
    with tf.Graph().as_default():
        v = tf.Variable(1.0)
        x = tf.placeholder(tf.float32, [])
        set_op, add_op = v.assign(x), v.assign_add(x)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            assert sess.run(set_op, feed_dict={x: 4.0}) == 4.0
            assert sess.run(add_op, feed_dict={x: 1.5}) == 5.5
            assert sess.run(v) == 5.5
    assert v.numpy() == 5.5  # the same object eager code sees


def test_collections_and_gradients_through_variable_reads():
    with tf.Graph().as_default():
        w = tf.Variable(np.array([1.0, 2.0]), name="w")
        frozen = tf.Variable(1.0, trainable=False)
        loss = tf.reduce_sum(w * w) * frozen
        assert tf.trainable_variables() == [w]
        assert set(tf.global_variables()) == {w, frozen}
        (g,) = tf.gradients(loss, [w])
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            np.testing.assert_allclose(sess.run(g), [2.0, 4.0])


def test_eval_and_load_work_with_and_without_a_session():
    v = tf.Variable([1.0, 2.0])
    np.testing.assert_array_equal(v.eval(), [1.0, 2.0])
    v.load([3.0, 4.0])
    with tf.Graph().as_default(), tf.Session() as sess:
        doubled = v * 2.0
        np.testing.assert_array_equal(sess.run(doubled), [6.0, 8.0])
        np.testing.assert_array_equal(v.eval(), [3.0, 4.0])
