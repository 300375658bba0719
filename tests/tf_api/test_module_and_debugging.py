"""tf.Module's tracking and tf.debugging's assertions, side by side with real TensorFlow."""

from __future__ import annotations

import numpy as np
import pytest

import engine as tf


def _program(lib):
    class Dense(lib.Module):
        def __init__(self, i, o, name=None):
            super().__init__(name=name)
            self.w = lib.Variable(lib.ones([i, o]), name="w")
            self.b = lib.Variable(lib.zeros([o]), name="b", trainable=False)

        @lib.Module.with_name_scope
        def __call__(self, x):
            return lib.matmul(x, self.w) + self.b

    class MLP(lib.Module):
        def __init__(self):
            super().__init__()
            self.layers = [Dense(2, 3), Dense(3, 1, name="out")]
            self.extra = {"z": lib.Variable(1.0, name="z"), "a": lib.Variable(2.0, name="a")}
            self.same = self.extra["a"]  # held twice: listed once

        def __call__(self, x):
            for layer in self.layers:
                x = layer(x)
            return x

    return MLP()


def _names(variables):
    return [v.name for v in variables]


def test_module_tracks_what_tensorflow_tracks_in_the_same_order(real_tf):
    ours, theirs = _program(tf), _program(real_tf)
    assert ours.name == theirs.name == "mlp"
    assert ours.name_scope.name == theirs.name_scope.name == "mlp/"
    assert _names(ours.variables) == _names(theirs.variables)
    assert _names(ours.trainable_variables) == _names(theirs.trainable_variables)
    assert _names(ours.non_trainable_variables) == _names(theirs.non_trainable_variables)
    assert [m.name for m in ours.submodules] == [m.name for m in theirs.submodules] == ["dense", "out"]
    x = np.ones((4, 2), np.float32)
    np.testing.assert_allclose(ours(x).numpy(), theirs(x).numpy())


def test_module_name_is_checked_as_tensorflow_checks_it(real_tf):
    with pytest.raises(ValueError, match="not a valid module name"):
        real_tf.Module(name="bad name")
    with pytest.raises(ValueError, match="not a valid module name"):
        tf.Module(name="bad name")


def test_with_name_scope_names_graph_ops_under_the_module():
    with tf.Graph().as_default() as g:
        module = _program(tf)
        module(tf.placeholder(tf.float32, [None, 2]))
        names = [op.name for op in g.get_operations()]
    assert any(n.startswith("dense/MatMul") for n in names), names
    assert any(n.startswith("out/MatMul") for n in names), names


def test_a_gradient_tape_trains_a_module():
    model = _program(tf)
    x, y = np.ones((4, 2), np.float32), np.zeros((4, 1), np.float32)
    losses = []
    for _ in range(20):
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(tf.square(model(x) - y))
        grads = tape.gradient(loss, model.trainable_variables)
        for v, g in zip(model.trainable_variables, grads, strict=True):
            if g is not None:
                v.assign_sub(0.01 * g)
        losses.append(float(loss.numpy()))
    assert losses[-1] < 0.2 * losses[0]


ASSERTIONS = [
    ("assert_equal", ([1, 2], [1, 3]), ([1, 2], [1, 2])),
    ("assert_none_equal", ([1, 2], [1, 3]), ([1, 2], [3, 4])),
    ("assert_greater", ([1, 2], [1, 1]), ([2, 3], [1, 1])),
    ("assert_less_equal", ([3, 2], [2, 2]), ([1, 2], [2, 2])),
    ("assert_near", ([1.0, 2.0], [1.0, 2.1]), ([1.0, 2.0], [1.0, 2.0000001])),
]


@pytest.mark.parametrize("name, failing, passing", ASSERTIONS, ids=[a[0] for a in ASSERTIONS])
def test_assertions_fail_and_pass_where_tensorflows_do(real_tf, name, failing, passing):
    cast = np.float32 if name == "assert_near" else np.int32
    for lib in (real_tf, tf):
        assert getattr(lib.debugging, name)(*[np.array(v, cast) for v in passing]) is None
        with pytest.raises(lib.errors.InvalidArgumentError):
            getattr(lib.debugging, name)(*[np.array(v, cast) for v in failing])


def test_sign_and_numerics_checks(real_tf):
    for lib in (real_tf, tf):
        lib.debugging.assert_positive(np.array([1.0, 2.0], np.float32))
        with pytest.raises(lib.errors.InvalidArgumentError):
            lib.debugging.assert_non_negative(np.array([1.0, -2.0], np.float32))
        with pytest.raises(lib.errors.InvalidArgumentError):
            lib.debugging.check_numerics(np.array([1.0, np.nan], np.float32), "bad")
        np.testing.assert_array_equal(lib.debugging.check_numerics(np.array([1.0], np.float32), "ok").numpy(),
                                      [1.0])


def test_static_shape_checks_raise_value_errors_at_once(real_tf):
    for lib in (real_tf, tf):
        with pytest.raises(ValueError, match="must have rank 2"):
            lib.debugging.assert_rank(lib.zeros([2]), 2)
        with pytest.raises(ValueError, match="must have size 2"):
            lib.debugging.assert_shapes([(lib.zeros([2, 3]), ("N", "D")), (lib.zeros([3]), ("N",))])
        lib.debugging.assert_shapes([(lib.zeros([2, 3]), ("N", "D")), (lib.zeros([2]), ("N",))])


def test_a_graph_assertion_fails_when_it_runs_not_when_it_is_built():
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [None])
        check = tf.debugging.assert_non_negative(x, message="x must be >= 0")
        with tf.control_dependencies([check]):
            y = tf.identity(x * 2.0)
        with tf.Session() as sess:
            np.testing.assert_array_equal(sess.run(y, {x: [1.0, 2.0]}), [2.0, 4.0])
            with pytest.raises(tf.errors.InvalidArgumentError, match="x must be >= 0"):
                sess.run(y, {x: [1.0, -2.0]})


def test_errors_have_tensorflows_hierarchy_and_codes(real_tf):
    for name in ["InvalidArgumentError", "NotFoundError", "OutOfRangeError", "AlreadyExistsError",
                 "FailedPreconditionError", "ResourceExhaustedError"]:
        ours, theirs = getattr(tf.errors, name), getattr(real_tf.errors, name)
        assert issubclass(ours, tf.errors.OpError)
        assert ours(None, None, "m").error_code == theirs(None, None, "m").error_code
        assert ours(None, None, "the message").message == "the message"
