"""TF1 graphs and sessions: placeholders, shapes, name scopes, feeds, fetches, plan caching."""

from __future__ import annotations

import collections

import numpy as np
import pytest

import engine as tf
from engine.framework import context


@pytest.fixture
def graph():
    with tf.Graph().as_default() as g:
        yield g


def test_placeholder_shapes_flow_through_ops(graph):
    x = tf.placeholder(tf.float32, [None, 64], name="x")
    w = tf.Variable(tf.zeros([64, 10]))
    logits = tf.matmul(x, w)
    assert logits.shape == (None, 10)
    assert tf.reduce_sum(logits, axis=1).shape == (None,)
    assert tf.reshape(x, [-1, 8, 8]).shape == (None, 8, 8)
    assert tf.transpose(x).shape == (64, None)
    assert tf.concat([x, x], axis=1).shape == (None, 128)
    image = tf.reshape(x, [-1, 8, 8, 1])
    assert tf.nn.conv2d(image, tf.zeros([3, 3, 1, 4]), 2, "SAME").shape == (None, 4, 4, 4)
    assert tf.placeholder(tf.float32, None).shape.rank is None
    assert x.name == "x:0" and logits.name == "MatMul:0"


def test_names_are_unique_and_scoped(graph):
    with tf.name_scope("layer"):
        a = tf.constant(1.0) + tf.constant(2.0)
        b = tf.add(a, 1.0, name="out")
    with tf.name_scope("layer"):
        c = tf.identity(b)
    assert a.op.name == "layer/Add"
    assert b.op.name == "layer/out"
    assert c.op.name == "layer_1/Identity"
    assert tf.add(a, a).op.name == "Add"
    assert tf.add(a, a).op.name == "Add_1"
    assert graph.get_tensor_by_name("layer/out:0") is b


def test_session_run_feeds_and_nested_fetches(graph):
    x = tf.placeholder(tf.float32, [None, 2])
    y = x * 2.0
    s = tf.reduce_sum(y)
    Pair = collections.namedtuple("Pair", "doubled total")
    with tf.Session() as sess:
        out = sess.run({"a": [y, (s,)], "b": Pair(y, s)}, feed_dict={x: [[1, 2], [3, 4]]})
    np.testing.assert_array_equal(out["a"][0], [[2, 4], [6, 8]])
    assert out["a"][1][0] == 20.0 and isinstance(out["a"][1], tuple)
    assert out["b"].total == 20.0
    assert isinstance(out["a"][1][0], np.float32)


def test_fetching_an_op_gives_none_and_names_work(graph):
    x = tf.placeholder(tf.float32, [], name="x")
    y = tf.multiply(x, 3.0, name="y")
    with tf.Session() as sess:
        assert sess.run("y:0", feed_dict={"x:0": 2.0}) == 6.0
        assert sess.run(y.op, feed_dict={x: 1.0}) is None


def test_wrong_feeds_say_what_is_expected(graph):
    x = tf.placeholder(tf.float32, [None, 64], name="x")
    n = tf.placeholder(tf.int32, [2], name="n")
    y = tf.reduce_sum(x)
    with tf.Session() as sess:
        with pytest.raises(ValueError, match=r"'x:0' has shape \(3, 5\), expected \(None, 64\)"):
            sess.run(y, feed_dict={x: np.zeros((3, 5))})
        with pytest.raises(TypeError, match="'n:0' has dtype float64, expected int32"):
            sess.run(n, feed_dict={n: [1.5, 2.5]})
        with pytest.raises(ValueError, match="must feed a value for placeholder 'x:0'"):
            sess.run(y)


def test_plans_are_cached_and_pruned(graph):
    x = tf.placeholder(tf.float32, [None])
    unused = tf.placeholder(tf.float32, [None])
    y = x + 1.0
    z = unused * 2.0  # noqa: F841 - not needed for y, so not fed
    with tf.Session() as sess:
        sess.run(y, feed_dict={x: [1.0]})
        sess.run(y, feed_dict={x: [2.0, 3.0]})
        assert len(sess._plans) == 1
        plan = next(iter(sess._plans.values()))
        assert len(plan.steps) == 1  # the Add; the constant is in the template, the placeholder fed
        sess.run([y, y * 2.0], feed_dict={x: [1.0]})
        assert len(sess._plans) == 2


def test_feeding_an_intermediate_tensor_cuts_its_inputs(graph):
    x = tf.placeholder(tf.float32, [])
    y = x * 2.0
    z = y + 1.0
    with tf.Session() as sess:
        assert sess.run(z, feed_dict={y: 10.0}) == 11.0


def test_interactive_session_eval_and_run(graph):
    sess = tf.InteractiveSession()
    try:
        v = tf.Variable(1.0)
        inc = v.assign_add(2.0)
        tf.global_variables_initializer().run()
        assert inc.eval() == 3.0
        inc.op.run()
        assert v.eval() == 5.0
        assert tf.get_default_session() is sess
    finally:
        sess.close()
    assert tf.get_default_session() is not sess


def test_closed_sessions_and_missing_default_session(graph, monkeypatch):
    monkeypatch.setattr(context._thread, "sessions", [])  # whatever other tests left open
    x = tf.constant(1.0) + 1.0
    with pytest.raises(ValueError, match="without a session"):
        x.eval()
    sess = tf.Session()
    sess.close()
    with pytest.raises(RuntimeError, match="closed"):
        sess.run(x)


def test_eager_values_can_be_fetched(graph):
    sess = tf.Session()
    assert sess.run(tf.tensordot(np.array([1.0, 2.0, 3.0]), np.array([4.0, 5.0, 6.0]), 1)) == 32.0


def test_control_dependencies_order_side_effects(graph):
    v = tf.Variable(0.0)
    first = v.assign(5.0)
    with tf.control_dependencies([first]):
        read = v.read_value()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        assert sess.run(read) == 5.0


def test_session_toposort_handles_very_deep_graphs(graph):
    x = tf.placeholder(tf.float32, [])
    y = x
    for _ in range(5_000):
        y = y + 1.0
    with tf.Session() as sess:
        assert sess.run(y, feed_dict={x: 0.0}) == 5000.0
    assert len(tf.gradients(y, [x])) == 1


def test_tf_gradients_builds_scoped_nodes(graph):
    x = tf.placeholder(tf.float32, [None, 3], name="x")
    w = tf.Variable(np.ones((3, 2), np.float32), name="W")
    loss = tf.reduce_mean(tf.square(tf.matmul(x, w)))
    gw, gx = tf.gradients(loss, [w, x])
    assert gw.op.name.startswith("gradients/MatMul_grad/")
    assert gw.shape == (3, 2)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        data = np.arange(6, dtype=np.float32).reshape(2, 3)
        got = sess.run(gw, feed_dict={x: data})
    xw = data @ np.ones((3, 2))
    np.testing.assert_allclose(got, data.T @ (2 * xw / xw.size), rtol=1e-6)


def test_eager_and_graph_run_the_same_program():
    def program(x, w, b):
        h = tf.nn.relu(tf.matmul(x, w) + b)
        p = tf.nn.softmax(h)
        return tf.reduce_mean(-tf.reduce_sum(p * tf.log(p + 1e-6), axis=1)), h[:, 1:] * 2.0

    rng = np.random.default_rng(0)
    x, w, b = rng.normal(size=(4, 3)), rng.normal(size=(3, 5)), rng.normal(size=5)
    eager = [t.numpy() for t in program(tf.constant(x), tf.constant(w), tf.constant(b))]
    with tf.Graph().as_default():
        phs = [tf.placeholder(tf.float64, [None, 3]), tf.placeholder(tf.float64, [3, 5]),
               tf.placeholder(tf.float64, [5])]
        outs = program(*phs)
        with tf.Session() as sess:
            graph_values = sess.run(list(outs), feed_dict=dict(zip(phs, [x, w, b], strict=True)))
    for e, g in zip(eager, graph_values, strict=True):
        np.testing.assert_allclose(g, e, rtol=1e-12)


def test_disable_eager_execution_makes_constants_graph_nodes():
    tf.reset_default_graph()
    tf.disable_eager_execution()
    try:
        c = tf.constant(np.array([1.0, 2.0, 3.0]))
        d = tf.tensordot(c, c, 1)
        assert d.graph is tf.get_default_graph() and not tf.executing_eagerly()
        with tf.Session() as sess:
            assert sess.run(d) == 14.0
    finally:
        tf.enable_eager_execution()
        tf.reset_default_graph()


def test_random_ops_draw_per_run_and_probing_keeps_the_seeded_stream(graph):
    tf.random.set_seed(42)
    expected = np.random.default_rng(42).normal(0, 1, (2,)).astype(np.float32)
    x = tf.placeholder(tf.float32, [None, 2])
    r = tf.random.normal(tf.shape(x))
    with tf.Session() as sess:
        first = sess.run(r, feed_dict={x: np.zeros((1, 2))})
        second = sess.run(r, feed_dict={x: np.zeros((1, 2))})
    np.testing.assert_allclose(first[0], expected)
    assert not np.allclose(first, second)


def test_variable_gradients_collect_every_read(graph):
    v = tf.Variable(3.0)
    y = v.value() * v.read_value()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        assert sess.run(tf.gradients(y, v)) == 6.0


def test_second_order_gradients_in_a_graph(graph):
    x = tf.placeholder(tf.float64, [])
    y = x * x * x
    (dy,) = tf.gradients(y, [x])
    (d2y,) = tf.gradients(dy, [x])
    with tf.Session() as sess:
        assert sess.run([dy, d2y], feed_dict={x: 2.0}) == [12.0, 12.0]


def test_dropout_keeps_the_expected_value():
    tf.random.set_seed(0)
    x = tf.ones([20_000])
    y = tf.nn.dropout(x, rate=0.25).numpy()
    assert set(np.unique(y)) == {0.0, np.float32(1 / 0.75)}
    assert abs(y.mean() - 1.0) < 0.03
    assert tf.nn.dropout(x, keep_prob=1.0) is x
