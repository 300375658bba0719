"""TF1's graph-state idioms against real TensorFlow: ``tf.assign`` and friends,
``placeholder_with_default``, collections, the global step counted by ``minimize``,
``summary_iterator`` and ``make_ndarray``/``make_tensor_proto``."""

from __future__ import annotations

import glob
import os
import tempfile

import numpy as np
import pytest

from tests.engine import tf1_peer


def _type(op_type: str) -> str:
    return op_type.replace("V2", "")


def case_assign_functions_and_methods(tf):
    v = tf.Variable([1.0, 2.0], name="v")
    ops = [tf.assign(v, [3.0, 4.0]), tf.assign_add(v, [1.0, 1.0]), tf.assign_sub(v, [0.5, 0.25]),
           v.assign([10.0, 20.0]), v.assign_add([1.0, 2.0]), v.assign_sub([3.0, 3.0])]
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        values = [sess.run(op) for op in ops]
        final = sess.run(v)
    return [values, final, [op.op.type for op in ops]]


def case_assign_in_a_control_dependency(tf):
    v = tf.Variable(2.0)
    counter = tf.Variable(0, dtype=tf.int32)
    with tf.control_dependencies([tf.assign_add(counter, 1)]):
        out = tf.identity(v * 3.0)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        results = [sess.run(out) for _ in range(3)]
        return [results, sess.run(counter)]


def case_placeholder_with_default(tf):
    p = tf.placeholder_with_default(np.array([[1.0, 2.0]], np.float32), shape=[None, 2], name="inp")
    y = p * 2.0
    scalar = tf.placeholder_with_default(0.5, shape=[], name="rate")
    with tf.Session() as sess:
        unfed = sess.run(y)
        fed = sess.run(y, {p: np.ones((3, 2), np.float32)})
        rates = [sess.run(scalar), sess.run(scalar, {scalar: 0.1})]
        try:
            sess.run(y, {p: np.ones((3,), np.float32)})
            wrong = None
        except ValueError:
            wrong = "ValueError"
    return [p.name, p.op.type, p.shape.as_list(), p.dtype.name, unfed, fed, rates, wrong]


def case_collections(tf):
    with tf.variable_scope("net"):
        w = tf.get_variable("w", [2], trainable=True)
        tf.get_variable("frozen", [2], trainable=False)
    tf.get_variable("outside", [1])
    tf.add_to_collection("mine", w)
    tf.add_to_collections(["a", "b"], w)
    keys = [tf.GraphKeys.GLOBAL_VARIABLES, tf.GraphKeys.TRAINABLE_VARIABLES, tf.GraphKeys.LOCAL_VARIABLES,
            tf.GraphKeys.LOSSES, tf.GraphKeys.REGULARIZATION_LOSSES, tf.GraphKeys.GLOBAL_STEP,
            tf.GraphKeys.UPDATE_OPS, tf.GraphKeys.SUMMARIES]
    return [keys, [v.name for v in tf.get_collection(tf.GraphKeys.GLOBAL_VARIABLES)],
            [v.name for v in tf.get_collection(tf.GraphKeys.TRAINABLE_VARIABLES, scope="net")],
            [v.name for v in tf.get_collection("mine")], len(tf.get_collection("b")),
            tf.get_collection("absent"), [v.name for v in tf.local_variables()],
            [v.name for v in tf.get_collection_ref("a")]]


def case_global_step(tf):
    assert tf.train.get_global_step() is None
    gs = tf.train.get_or_create_global_step()
    same = tf.train.get_or_create_global_step() is gs and tf.train.get_global_step() is gs
    try:
        tf.train.create_global_step()
        again = None
    except ValueError as exc:
        again = str(exc)
    return [gs.name, gs.dtype.name.replace("_ref", ""), gs.shape.as_list(), gs.trainable, same, again,
            [v.name for v in tf.get_collection(tf.GraphKeys.GLOBAL_STEP)],
            gs in tf.global_variables(), gs in tf.trainable_variables()]


def _minimize_with_global_step(tf, make_optimizer):
    x = tf.placeholder(tf.float32, [None, 3])
    w = tf.get_variable("w", initializer=np.array([[0.5], [-1.0], [2.0]], np.float32))
    b = tf.get_variable("b", initializer=np.array([0.1], np.float32))
    loss = tf.reduce_mean(tf.square(tf.matmul(x, w) + b - 1.0))
    step = tf.train.get_or_create_global_step()
    train = make_optimizer().minimize(loss, global_step=step)
    data = np.array([[1.0, 2.0, 3.0], [0.5, -1.0, 0.0], [2.0, 0.0, -1.0]], np.float32)
    steps, losses = [], []
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for _ in range(5):
            _, value = sess.run([train, loss], {x: data})
            losses.append(value)
            steps.append(sess.run(step))
        final = sess.run([w, b])
        counted = tf.train.global_step(sess, step)
    return [steps, counted, losses, final]


def case_minimize_sgd_counts_the_global_step(tf):
    return _minimize_with_global_step(tf, lambda: tf.train.GradientDescentOptimizer(0.05))


def case_minimize_momentum_counts_the_global_step(tf):
    return _minimize_with_global_step(tf, lambda: tf.train.MomentumOptimizer(0.02, 0.9))


def case_minimize_adam_counts_the_global_step(tf):
    return _minimize_with_global_step(tf, lambda: tf.train.AdamOptimizer(0.1))


def case_summary_iterator(tf):
    logdir = tempfile.mkdtemp()
    x = tf.placeholder(tf.float32, [])
    tf.summary.scalar("loss", x)
    tf.summary.scalar("double", x * 2)
    merged = tf.summary.merge_all()
    writer = tf.summary.FileWriter(logdir)
    with tf.Session() as sess:
        for step in range(4):
            writer.add_summary(sess.run(merged, {x: 1.0 / (step + 1)}), step)
    writer.close()
    (path,) = glob.glob(os.path.join(logdir, "events.out.tfevents.*"))
    with open(path, "rb") as f:
        data = f.read()
    seen = []
    for event in tf.train.summary_iterator(path):
        if event.HasField("file_version"):
            seen.append(("version", event.file_version))
        for value in event.summary.value:
            seen.append((event.step, value.tag, round(value.simple_value, 6)))
    return [seen, data]


def case_make_ndarray_and_tensor_proto(tf):
    tf.constant([[1, 2], [3, 4]], name="ints")
    tf.constant(np.linspace(0, 1, 5, dtype=np.float32), name="floats")
    tf.constant(7.5, name="scalar")
    nodes = {n.name: n for n in tf.get_default_graph().as_graph_def().node}
    from_graph = [tf.make_ndarray(nodes[k].attr["value"].tensor) for k in ("ints", "floats", "scalar")]
    protos = [tf.make_tensor_proto(1.0), tf.make_tensor_proto([1, 2, 3]),
              tf.make_tensor_proto(2, shape=[2, 2]), tf.make_tensor_proto([1.0, 2.0], dtype=tf.float64),
              tf.make_tensor_proto(np.arange(6, dtype=np.int64).reshape(2, 3)),
              tf.make_tensor_proto([True, False]), tf.make_tensor_proto(["a", "bc"])]
    back = [tf.make_ndarray(p) for p in protos]
    return [from_graph, [p.SerializeToString() for p in protos], back, [b.dtype.name for b in back]]


def case_learning_rate_schedules_follow_the_global_step(tf):
    step = tf.train.get_or_create_global_step()
    schedules = [
        tf.train.exponential_decay(0.1, step, 10, 0.5),
        tf.train.exponential_decay(0.1, step, 10, 0.5, staircase=True),
        tf.train.inverse_time_decay(0.2, step, 5, 0.5),
        tf.train.natural_exp_decay(0.2, step, 5, 0.3, staircase=True),
        tf.train.polynomial_decay(0.1, step, 20, end_learning_rate=0.01, power=2.0),
        tf.train.polynomial_decay(0.1, step, 20, end_learning_rate=0.01, cycle=True),
        tf.train.piecewise_constant(step, [5, 15], [1.0, 0.5, 0.1]),
    ]
    set_step = tf.assign(step, tf.placeholder(tf.int64, [], name="to"))
    feed_name = set_step.op.inputs[1]
    values = []
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for s in (0, 3, 5, 10, 15, 16, 25, 45):
            sess.run(set_step, {feed_name: s})
            values.append(sess.run(schedules))
    return values


def case_minimize_with_a_decayed_learning_rate(tf):
    return _minimize_with_global_step(tf, lambda: tf.train.GradientDescentOptimizer(
        tf.train.exponential_decay(0.05, tf.train.get_or_create_global_step(), 2, 0.5, staircase=True)))


CASES = tf1_peer.cases_of(__import__(__name__, fromlist=["_"]))


@pytest.fixture(scope="module")
def real(tmp_path_factory):
    return tf1_peer.run_real(__name__, tmp_path_factory.mktemp("real_tf"))


@pytest.mark.parametrize("name", sorted(set(CASES) - {"summary_iterator"}))
def test_same_outcome_as_tensorflow(real, name):
    assert not tf1_peer.raised(real[name]), real[name]
    tf1_peer.assert_same(tf1_peer.run_ours(CASES[name]), real[name])


def test_summary_iterator_reads_what_each_side_wrote(real):
    ours_seen, _ = tf1_peer.run_ours(CASES["summary_iterator"])
    theirs_seen, _ = real["summary_iterator"]
    assert ours_seen == theirs_seen
    assert ours_seen[0] == ("version", "brain.Event:2") and len(ours_seen) == 9


def test_our_summary_iterator_reads_tensorflows_file(real, tmp_path):
    import engine as tf

    theirs_seen, data = real["summary_iterator"]
    path = tmp_path / "events.out.tfevents.1.host"
    path.write_bytes(data)
    seen = [("version", e.file_version) if e.HasField("file_version") else None
            for e in tf.compat.v1.train.summary_iterator(str(path))]
    events = list(tf.train.summary_iterator(str(path)))
    values = [(e.step, v.tag, round(v.simple_value, 6)) for e in events for v in e.summary.value]
    assert [s for s in seen if s] + values == theirs_seen


def test_summary_iterator_on_a_missing_file_says_so(tmp_path):
    import engine as tf

    with pytest.raises(FileNotFoundError, match="nothing-here"):
        next(tf.compat.v1.train.summary_iterator(str(tmp_path / "nothing-here")))


def test_disable_v2_behavior_switches_to_graphs_and_back():
    import engine as tf

    assert tf.executing_eagerly()
    tf.compat.v1.disable_v2_behavior()
    try:
        assert not tf.executing_eagerly()
        assert tf.constant(1.0).graph is tf.get_default_graph()
    finally:
        tf.compat.v1.enable_v2_behavior()
        tf.reset_default_graph()
    assert tf.executing_eagerly() and tf.disable_v2_behavior is tf.compat.v1.disable_v2_behavior


def test_eager_assign_functions_and_placeholder_with_default():
    import engine as tf

    v = tf.Variable([1.0, 2.0])
    tf.compat.v1.assign_add(v, [1.0, 1.0])
    tf.assign_sub(v, [0.5, 0.5])
    np.testing.assert_allclose(tf.assign(v, v * 2).numpy(), [3.0, 5.0])
    assert tf.placeholder_with_default([1.0], shape=[None]).numpy().tolist() == [1.0]
    with pytest.raises(TypeError, match="tf.Variable"):
        tf.assign(tf.constant(1.0), 2.0)


def test_eager_schedules_are_functions_of_the_step():
    import engine as tf

    step = tf.Variable(0, dtype=tf.int64)
    lr = tf.compat.v1.train.exponential_decay(0.1, step, 10, 0.5)
    assert callable(lr) and float(lr()) == pytest.approx(0.1)
    step.assign(10)
    assert float(lr()) == pytest.approx(0.05)
    with pytest.raises(ValueError, match="global_step is required"):
        tf.compat.v1.train.exponential_decay(0.1, None, 10, 0.5)
