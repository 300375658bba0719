"""tf.function as TensorFlow traces it: AutoGraph's rules for if/while/for (a tensor condition
becomes graph control flow, a Python value runs at trace time), one trace per input signature,
input_signature / TensorSpec, get_concrete_function, tf.print inside. Each program is written once
against ``lib`` and run on ours and on real TensorFlow."""

from __future__ import annotations

import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
import tensorflow as real_tf  # noqa: E402

import engine as tf  # noqa: E402

LIBS = [pytest.param(tf, id="ours"), pytest.param(real_tf, id="tensorflow")]


def count(f):
    return f.experimental_get_tracing_count()


def op_types(lib, f, *args):
    graph = f.get_concrete_function(*args).graph
    return {op.type for op in graph.get_operations()}


# -- the programs --------------------------------------------------------------------------------------
def make_sign_square(lib):
    @lib.function
    def f(x):
        if lib.reduce_sum(x) > 0:
            return x * x
        else:
            return -x // 2

    return f


def make_loops(lib):
    @lib.function
    def f(x, n):
        s = lib.constant(0.0)
        for i in lib.range(n):
            if i % 2 == 0:
                s = s + lib.cast(i, lib.float32) * x
            else:
                s = s - 1.0
        steps = 0
        while s > 1.0:
            s = s / 2.0
            steps += 1
        return s, steps

    return f


def make_python_flag(lib):
    @lib.function
    def f(x, flag, times):
        if flag:
            x = x + 100.0
        for k in range(times):
            x = x * 2.0 + k
        return x

    return f


def make_branch_local(lib):
    @lib.function
    def f(x):
        if x > 0:
            tmp = x * 2.0
            y = tmp + 1.0
        else:
            y = -x
        return y

    return f


def make_one_branch_only(lib):
    @lib.function
    def f(x):
        if x > 0:
            y = x * 2.0
        return y  # noqa: F821 - the error under test

    return f


def make_collatz(lib):
    @lib.function
    def collatz(n):
        steps = lib.constant(0)
        while n != 1:
            if n % 2 == 0:
                n = n // 2
            else:
                n = 3 * n + 1
            steps += 1
        return steps

    return collatz


class Model:
    """A method traced with self's state, as tf.Module subclasses write it."""

    def __init__(self, lib):
        self.w = lib.Variable(2.0)
        self.lib = lib
        self.step = lib.function(self._step)

    def _step(self, x):
        if x > self.w:
            self.w.assign_add(1.0)
        return self.w * x


# -- AutoGraph -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("lib", LIBS)
def test_if_on_a_tensor_becomes_a_cond_traced_once(lib):
    f = make_sign_square(lib)
    assert f(lib.constant([1.0, 2.0])).numpy().tolist() == [1.0, 4.0]
    assert f(lib.constant([-1.0, -2.0])).numpy().tolist() == [0.0, 1.0]
    assert count(f) == 1
    assert op_types(lib, f, lib.constant([1.0])) & {"If", "StatelessIf"}


@pytest.mark.parametrize("lib", LIBS)
def test_for_over_tf_range_and_while_on_a_tensor_become_loops(lib):
    f = make_loops(lib)
    s, steps = f(lib.constant(1.5), lib.constant(6))
    assert (round(float(s), 5), int(steps)) == (0.75, 3)
    s, steps = f(lib.constant(0.1), lib.constant(3))
    assert (round(float(s), 5), int(steps)) == (-0.8, 0)
    assert count(f) == 1
    types = op_types(lib, f, lib.constant(1.0), lib.constant(2))
    assert types & {"While", "StatelessWhile"}  # the loops; the if is inside the first one's body


@pytest.mark.parametrize("lib", LIBS)
def test_python_values_run_at_trace_time_and_retrace(lib):
    f = make_python_flag(lib)
    assert float(f(lib.constant(1.0), True, 2)) == (101.0 * 2) * 2 + 1
    assert float(f(lib.constant(1.0), False, 2)) == (1.0 * 2) * 2 + 1
    assert float(f(lib.constant(3.0), False, 2)) == (3.0 * 2) * 2 + 1
    assert count(f) == 2  # one trace per Python value, none per tensor value
    types = op_types(lib, f, lib.constant(1.0), True, 3)
    assert not types & {"If", "StatelessIf", "While", "StatelessWhile"}


@pytest.mark.parametrize("lib", LIBS)
def test_a_name_assigned_in_one_branch_only(lib):
    f = make_branch_local(lib)
    assert float(f(lib.constant(2.0))) == 5.0 and float(f(lib.constant(-3.0))) == 3.0
    g = make_one_branch_only(lib)
    with pytest.raises(ValueError, match="'y' must also be initialized in the else branch"):
        g(lib.constant(1.0))


@pytest.mark.parametrize("lib", LIBS)
def test_nested_control_flow_collatz(lib):
    f = make_collatz(lib)
    assert [int(f(lib.constant(n))) for n in (1, 6, 27)] == [0, 8, 111]
    assert count(f) == 1


@pytest.mark.parametrize("lib", LIBS)
def test_a_method_with_state_in_a_branch(lib):
    m = Model(lib)
    assert float(m.step(lib.constant(3.0))) == 9.0  # 3 > 2: w becomes 3
    assert float(m.step(lib.constant(1.0))) == 3.0
    assert float(m.w.numpy()) == 3.0


def test_without_source_the_function_is_traced_as_written():
    namespace = {"tf": tf}
    exec("def f(x, k):\n    if k > 1:\n        return x * k\n    return x\n", namespace)  # noqa: S102
    f = tf.function(namespace["f"])
    assert float(f(tf.constant(2.0), 3)) == 6.0
    exec("def g(x):\n    if x > 0:\n        return x\n    return -x\n", namespace)  # noqa: S102
    with pytest.raises(TypeError, match="truth value"):
        tf.function(namespace["g"])(tf.constant(1.0))


def test_autograph_false_leaves_python_control_flow_alone():
    def f(x):
        if x > 0:
            return x
        return -x

    with pytest.raises(TypeError, match="truth value"):
        tf.function(f, autograph=False)(tf.constant(1.0))
    assert float(tf.function(f)(tf.constant(-4.0))) == 4.0


# -- signatures and concrete functions -------------------------------------------------------------------
@pytest.mark.parametrize("lib", LIBS)
def test_input_signature_traces_once_and_rejects_other_shapes(lib):
    f = lib.function(
        lambda x: lib.reduce_sum(x, axis=1), input_signature=[lib.TensorSpec([None, 2], lib.float32)]
    )
    assert f(np.ones((3, 2), np.float32)).numpy().tolist() == [2.0] * 3
    assert f(np.ones((5, 2), np.float32)).numpy().tolist() == [2.0] * 5
    assert count(f) == 1
    with pytest.raises((TypeError, ValueError)):
        f(np.ones((3, 4), np.float32))


@pytest.mark.parametrize("lib", LIBS)
def test_get_concrete_function(lib):
    @lib.function
    def f(x):
        return {"double": x * 2.0}

    concrete = f.get_concrete_function(lib.TensorSpec([None], lib.float32))
    assert concrete(lib.constant([1.0, 2.0]))["double"].numpy().tolist() == [2.0, 4.0]
    assert "double" in concrete.structured_outputs
    assert concrete.graph.get_operations()
    assert count(f) == 1


def test_tensor_spec_reads_as_tensorflows():
    assert repr(tf.TensorSpec([None, 2], tf.float32)) == repr(real_tf.TensorSpec([None, 2], real_tf.float32))


@pytest.mark.parametrize("lib", LIBS)
def test_retracing_rules(lib):
    f = lib.function(lambda x: x + 1)
    f(lib.constant(1.0))
    f(lib.constant(2.0))  # same shape and dtype: no new trace
    f(lib.constant([1.0, 2.0]))  # new shape
    f(lib.constant(1))  # new dtype
    f(2.0)  # a Python value: traced for that value
    f(2.0)
    f(3.0)
    assert count(f) == 5


# -- tf.print ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize("lib", LIBS)
def test_tf_print_inside_a_function_prints_every_call(lib, capfd):
    @lib.function
    def f(x):
        print("tracing")
        lib.print("x:", x, {"n": lib.range(10)}, output_stream=sys.stdout)
        return x

    f(lib.constant([1.5, 2.0]))
    f(lib.constant([1.0, 1.0 / 3.0]))
    out = capfd.readouterr().out
    assert out.splitlines() == [
        "tracing",
        "x: [1.5 2] {'n': [0 1 2 ... 7 8 9]}",
        "x: [1 0.333333343] {'n': [0 1 2 ... 7 8 9]}",
    ]


def test_tf_print_formats_as_tensorflow(capfd):
    printed = []
    for lib in (tf, real_tf):
        lib.print(
            lib.constant([[1, 2], [3, 4]]),
            lib.constant(True),
            lib.zeros([2, 8]),
            lib.constant(["a", "b"]),
            lib.constant(123456789.0),
            output_stream=sys.stdout,
            summarize=2,
            sep="|",
        )
        printed.append(capfd.readouterr().out)
    assert printed[0] == printed[1]
