"""tf.cond / tf.case / tf.switch_case / tf.while_loop / tf.where: the same values and gradients as
real TensorFlow, eagerly, in TF1 graphs (only the taken branch runs) and inside tf.function; and
reads inside control_dependencies seeing the assignment."""

from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
import tensorflow as real_tf  # noqa: E402

import engine as tf  # noqa: E402
from tests.engine.gradcheck import check_gradients  # noqa: E402

X = np.array([0.3, -0.8, 0.5], np.float32)
W = np.array([[0.5, -0.3, 0.2], [0.1, 0.4, -0.6], [-0.2, 0.3, 0.7]], np.float32)


# The same program for both libraries: ``lib`` is real TensorFlow or ours.
def rnn_loss(lib, x, w, steps=4):
    """A tanh recurrence in a while_loop, a cond choosing the loss: weights captured by the body."""

    def body(i, h, acc):
        h = lib.tanh(lib.reshape(lib.matmul(lib.reshape(h, [1, 3]), w), [3]) + x)
        return i + 1, h, acc + lib.reduce_sum(h * h)

    _, h, acc = lib.while_loop(lambda i, h, acc: i < steps, body, (lib.constant(0), x, lib.constant(0.0)))
    return lib.cond(lib.reduce_sum(h) > 0, lambda: acc * 2.0, lambda: acc - lib.reduce_sum(h))


def real_rnn(x, w):
    xt, wt = real_tf.constant(x), real_tf.Variable(w)
    with real_tf.GradientTape() as tape:
        tape.watch(xt)
        loss = rnn_loss(real_tf, xt, wt)
    gx, gw = tape.gradient(loss, [xt, wt])
    return loss.numpy(), gx.numpy(), gw.numpy()


@pytest.mark.parametrize("sign", [1.0, -1.0], ids=["cond-true", "cond-false"])
def test_eager_tape_through_while_and_cond_matches_tensorflow(sign):
    x = X * sign
    w = tf.Variable(W)
    xt = tf.constant(x)
    with tf.GradientTape() as tape:
        tape.watch(xt)
        loss = rnn_loss(tf, xt, w)
    gx, gw = tape.gradient(loss, [xt, w])
    want = real_rnn(x, W)
    np.testing.assert_allclose([loss.numpy(), *[g.numpy() for g in (gx, gw)]][0], want[0], rtol=1e-5)
    np.testing.assert_allclose(gx.numpy(), want[1], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(gw.numpy(), want[2], rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("sign", [1.0, -1.0], ids=["cond-true", "cond-false"])
def test_tf1_graph_gradients_through_while_and_cond_match_tensorflow(sign):
    with tf.Graph().as_default() as g:
        x = tf.placeholder(tf.float32, [3])
        w = tf.Variable(W)
        loss = rnn_loss(tf, x, w)
        gx, gw = tf.gradients(loss, [x, w])
        types = {op.type for op in g.get_operations()}
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            got = sess.run([loss, gx, gw], {x: X * sign})
    assert {"StatelessWhile", "StatelessIf", "WhileGrad"} <= types
    for a, b in zip(got, real_rnn(X * sign, W), strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("sign", [1.0, -1.0], ids=["cond-true", "cond-false"])
def test_tape_inside_tf_function_matches_tensorflow(sign):
    w = tf.Variable(W)

    @tf.function
    def step(x):
        with tf.GradientTape() as tape:
            tape.watch(x)
            loss = rnn_loss(tf, x, w)
        return loss, tape.gradient(loss, [x, w])

    loss, (gx, gw) = step(tf.constant(X * sign))
    want = real_rnn(X * sign, W)
    np.testing.assert_allclose(loss.numpy(), want[0], rtol=1e-5)
    np.testing.assert_allclose(gx.numpy(), want[1], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(gw.numpy(), want[2], rtol=1e-5, atol=1e-6)
    step(tf.constant(-X * sign))
    assert step.trace_count == 1  # one trace serves both branches: the choice is made at run time


# -- finite differences, eagerly and in graphs (the shared checker: tape and tf.gradients agree) ------
def _cond_fn(x, y):
    return tf.cond(tf.reduce_sum(x) > 0.0, lambda: tf.sin(x) * y, lambda: x * x + y)


def _nested_fn(x, y):
    def body(i, h):
        h = tf.cond(tf.reduce_sum(h) > 0.0, lambda: tf.tanh(h * y), lambda: h * 0.5 + y)
        return i + 1, h

    return tf.while_loop(lambda i, h: i < 3, body, [0, x])[1]


def _case_fn(x, y):
    return tf.switch_case(tf.constant(1), [lambda: x + y, lambda: x * y * y, lambda: x - y])


@pytest.mark.parametrize("fn", [_cond_fn, _nested_fn, _case_fn], ids=["cond", "cond-in-while", "switch_case"])
@pytest.mark.parametrize("sign", [1.0, -1.0], ids=["positive", "negative"])
def test_gradients_match_finite_differences(fn, sign):
    x = np.array([[0.4, -0.2, 0.9], [0.3, 0.7, -0.5]]) * sign
    y = np.array([[0.6, 0.2, -0.3], [0.5, -0.4, 0.8]])
    check_gradients(fn, [x, y], batch_none=False)


def test_second_derivative_through_cond():
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [])
        y = tf.cond(x > 0, lambda: x * x * x, lambda: -x * x)
        (dy,) = tf.gradients(y, [x])
        (d2y,) = tf.gradients(dy, [x])
        with tf.Session() as sess:
            assert sess.run([y, dy, d2y], {x: 2.0}) == [8.0, 12.0, 12.0]
            assert sess.run([y, dy, d2y], {x: -3.0}) == [-9.0, 6.0, -2.0]


# -- graphs run only the branch taken ------------------------------------------------------------------
def test_tf1_graph_runs_only_the_branch_taken():
    with tf.Graph().as_default():
        p = tf.placeholder(tf.bool, [])
        taken = tf.Variable(0.0)
        skipped = tf.Variable(0.0)
        out = tf.cond(p, lambda: taken.assign_add(1.0), lambda: skipped.assign_add(1.0))
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            for flag in (True, True, False):
                sess.run(out, {p: flag})
            assert sess.run([taken, skipped]) == [2.0, 1.0]


def test_a_failing_branch_not_taken_does_not_run():
    with tf.Graph().as_default():
        i = tf.placeholder(tf.int32, [])
        table = tf.constant([10.0, 20.0])
        out = tf.cond(i < 2, lambda: tf.gather(table, i), lambda: tf.constant(-1.0))
        with tf.Session() as sess:
            assert sess.run(out, {i: 1}) == 20.0
            assert sess.run(out, {i: 7}) == -1.0  # gather(table, 7) would raise


def test_side_effects_in_a_tf_function_branch_run_when_taken():
    v = tf.Variable(1.0)

    @tf.function
    def bump(x):
        tf.cond(x > 0, lambda: v.assign_add(x), lambda: v.assign_sub(x))
        return x

    bump(tf.constant(2.0))
    bump(tf.constant(-1.0))
    assert v.numpy() == 4.0


# -- while_loop's arguments --------------------------------------------------------------------------
def both(program):
    """``program(lib)`` on ours (in a tf.function) and on real TensorFlow (in a tf.function)."""
    ours = tf.function(lambda: program(tf))()
    real = real_tf.function(lambda: program(real_tf))()
    return ours, real


def assert_same(ours, real):
    o_leaves, r_leaves = real_tf.nest.flatten(ours), real_tf.nest.flatten(real)
    if isinstance(real, (list, tuple, dict)):
        assert type(ours) is type(real)
    assert len(o_leaves) == len(r_leaves)
    for a, b in zip(o_leaves, r_leaves, strict=True):
        np.testing.assert_allclose(np.asarray(a), b.numpy(), rtol=1e-6)


@pytest.mark.parametrize(
    "program",
    [
        lambda lib: lib.while_loop(
            lambda i, s: i < 10,
            lambda i, s: (i + 1, s + lib.cast(i, lib.float32)),
            (lib.constant(0), lib.constant(0.0)),
            maximum_iterations=4,
        ),
        lambda lib: lib.while_loop(
            lambda i, d: i < 3,
            lambda i, d: (i + 1, {"a": d["a"] * 2.0, "b": (d["b"][0] + 1,)}),
            [lib.constant(0), {"a": lib.constant(1.5), "b": (lib.constant(2),)}],
        ),
        lambda lib: lib.while_loop(
            lambda x: lib.reduce_sum(x) < 10.0,
            lambda x: lib.concat([x, x], 0),
            [lib.constant([1.0, 2.0])],
            shape_invariants=[lib.TensorShape([None])],
        ),
        lambda lib: lib.while_loop(lambda i: i < 3, lambda i: (i + 1,), [lib.constant(0)]),
    ],
    ids=["maximum_iterations", "nested", "shape_invariants", "single"],
)
def test_while_loop_arguments_match_tensorflow(program):
    assert_same(*both(program))


def test_a_loop_variable_changing_shape_needs_a_shape_invariant():
    f = tf.function(
        lambda x: tf.while_loop(lambda x: tf.reduce_sum(x) < 10, lambda x: tf.concat([x, x], 0), [x])
    )
    with pytest.raises(ValueError, match="enters the loop with shape .* use the `shape_invariants` argument"):
        f(tf.constant([1.0, 2.0]))


def test_eager_while_loop_is_a_python_loop_with_tensorflows_result_structure():
    ours = tf.while_loop(lambda i, x: i < 3, lambda i, x: (i + 1, x * 2.0), [0, tf.constant(1.0)])
    real = real_tf.while_loop(lambda i, x: i < 3, lambda i, x: (i + 1, x * 2.0), [0, real_tf.constant(1.0)])
    assert_same(ours, real)


# -- case, switch_case, where -------------------------------------------------------------------------
@pytest.mark.parametrize("index", [0, 1, 5, -1])
def test_switch_case_matches_tensorflow(index):
    program = lambda lib: lib.switch_case(
        lib.constant(index),
        [lambda: lib.constant(1.0), lambda: lib.constant(2.0)],
        default=lambda: lib.constant(7.0),
    )
    assert_same(*both(program))
    eager = tf.switch_case(tf.constant(index), {0: lambda: 1, 1: lambda: 2})
    assert eager == real_tf.switch_case(real_tf.constant(index), {0: lambda: 1, 1: lambda: 2})


@pytest.mark.parametrize("flags", [(True, False), (False, True), (False, False), (True, True)])
def test_case_matches_tensorflow(flags):
    def program(lib):
        a, b = (lib.constant(f) for f in flags)
        return lib.case(
            [(a, lambda: lib.constant(1.0)), (b, lambda: lib.constant(2.0))],
            default=lambda: lib.constant(3.0),
        )

    assert_same(*both(program))


def test_case_without_default_and_no_true_predicate_is_an_error_eagerly():
    with pytest.raises(ValueError, match="None of conditions evaluated as True"):
        tf.case([(tf.constant(False), lambda: 1), (tf.constant(False), lambda: 2)])
    with pytest.raises(real_tf.errors.InvalidArgumentError, match="None of conditions evaluated as True"):
        real_tf.case([(real_tf.constant(False), lambda: 1), (real_tf.constant(False), lambda: 2)])


def test_where_in_every_mode_matches_tensorflow():
    c, a, b = np.array([True, False, True]), np.array([1.0, 2.0, 3.0], np.float32), np.float32(-1.0)
    want = real_tf.where(c, a, b).numpy()
    np.testing.assert_array_equal(tf.where(c, a, b).numpy(), want)
    np.testing.assert_array_equal(tf.function(lambda c, a: tf.where(c, a, b))(c, a).numpy(), want)
    with tf.Graph().as_default():
        pc = tf.placeholder(tf.bool, [None])
        with tf.Session() as sess:
            np.testing.assert_array_equal(sess.run(tf.where(pc, a, b), {pc: c}), want)


# -- errors users meet ---------------------------------------------------------------------------------
def test_branches_of_different_structure_or_dtype_are_errors():
    f = tf.function(lambda x: tf.cond(x[0] > 0, lambda: x, lambda: (x, x)))
    with pytest.raises(ValueError, match="same structure"):
        f(tf.constant([1.0, 2.0]))
    g = tf.function(lambda x: tf.cond(x[0] > 0, lambda: x, lambda: tf.cast(x, tf.int32)))
    with pytest.raises(TypeError, match="float32 and int32"):
        g(tf.constant([1.0, 2.0]))
    h = tf.function(lambda x: tf.cond(x[0], lambda: x, lambda: x))
    with pytest.raises(TypeError, match="bool"):
        h(tf.constant([1.0, 2.0]))
    with pytest.raises(TypeError, match="'branch_index' must be a Tensor"):
        tf.switch_case(1, [lambda: 1])


# -- control_dependencies: a read inside sees the assignment ----------------------------------------
def test_a_read_inside_control_dependencies_sees_the_assignment_as_in_tensorflow():
    def program(lib, v):
        a = v.assign(v * 3.0)
        with lib.control_dependencies([a]):
            return v * 1.0, lib.identity(v)

    with tf.Graph().as_default():
        v = tf.Variable(2.0)
        reads = program(tf, v)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            ours = [sess.run(list(reads)), sess.run(list(reads))]
    with real_tf.Graph().as_default():
        v = real_tf.Variable(2.0)
        reads = program(real_tf, v)
        with real_tf.compat.v1.Session() as sess:
            sess.run(real_tf.compat.v1.global_variables_initializer())
            real = [sess.run(list(reads)), sess.run(list(reads))]
    assert ours == real == [[6.0, 6.0], [18.0, 18.0]]
