"""The execution context is per thread (engine/framework/context.py): tapes record only their
own thread's ops, a graph one thread entered is not another's default, name scopes and default
sessions stay in their thread; the global default graph and the eager flag are shared."""

from __future__ import annotations

import threading

import numpy as np

import engine as tf


def _in_threads(*targets, timeout=60):
    """Run each target in its own thread, all started together; re-raise the first failure."""
    errors = []
    start = threading.Barrier(len(targets))

    def wrap(fn):
        def run():
            try:
                start.wait()
                fn()
            except BaseException as e:  # noqa: BLE001 - reported to the test below
                errors.append(e)
        return run

    threads = [threading.Thread(target=wrap(fn)) for fn in targets]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout)
        assert not t.is_alive(), "a thread hung"
    if errors:
        raise errors[0]


def test_tapes_in_two_threads_record_their_own_ops():
    """Two threads interleave ops under their own tapes; each gets exactly its own gradient."""
    both_recording = threading.Barrier(2)
    results = {}

    def train(name, scale):
        w = tf.Variable(np.full((3,), scale, np.float32), name=name)
        x = tf.constant([1.0, 2.0, 3.0])
        with tf.GradientTape() as tape:
            both_recording.wait()          # the other thread's tape is active now too
            loss = tf.constant(0.0)
            for _ in range(200):           # many small ops, so the threads interleave
                loss = loss + tf.reduce_sum(w * w * x)
            both_recording.wait()
        n_records = len(tape._records)
        grad = tape.gradient(loss, w)
        results[name] = (grad.numpy(), n_records, tape.watched_variables() == [w])

    _in_threads(lambda: train("a", 1.0), lambda: train("b", 3.0))
    x = np.array([1.0, 2.0, 3.0], np.float32)
    for name, scale in (("a", 1.0), ("b", 3.0)):
        grad, n_records, watched_own = results[name]
        np.testing.assert_allclose(grad, 200 * 2 * scale * x, rtol=1e-5)
        assert n_records == 4 * 200, "a tape recorded the other thread's ops"
        assert watched_own


def test_an_op_in_another_thread_is_not_recorded():
    x = tf.constant(2.0)
    seen = {}
    with tf.GradientTape() as tape:
        tape.watch(x)
        _in_threads(lambda: seen.setdefault("y", x * x))
    assert tape.gradient(seen["y"], x) is None


def test_a_graph_entered_in_one_thread_is_not_the_default_in_another():
    global_default = tf.get_default_graph()
    entered, released = threading.Event(), threading.Event()
    seen = {}
    g = tf.Graph()

    def builder():
        with g.as_default():
            seen["builder"] = tf.get_default_graph()
            seen["builder_const"] = tf.constant(1.0)
            entered.set()
            released.wait(30)

    def other():
        entered.wait(30)
        seen["other"] = tf.get_default_graph()
        seen["other_eager"] = tf.executing_eagerly()
        seen["other_const"] = tf.constant(1.0)
        released.set()

    _in_threads(builder, other)
    assert seen["builder"] is g
    assert seen["builder_const"].graph is g
    assert seen["other"] is global_default, "the other thread saw the entered graph"
    assert seen["other_eager"] and seen["other_const"].graph is None


def test_the_global_default_graph_and_the_eager_flag_are_shared():
    seen = {}
    _in_threads(lambda: seen.setdefault("graph", tf.get_default_graph()))
    assert seen["graph"] is tf.get_default_graph()
    tf.disable_eager_execution()
    try:
        _in_threads(lambda: seen.setdefault("eager", tf.executing_eagerly()))
    finally:
        tf.enable_eager_execution()
    assert seen["eager"] is False


def test_name_scopes_stay_in_their_thread():
    g = tf.Graph()
    inside, done = threading.Event(), threading.Event()
    names = {}

    def scoped():
        with g.as_default(), tf.name_scope("layer"):
            inside.set()
            done.wait(30)
            names["scoped"] = tf.constant(1.0, name="c").op.name

    def plain():
        inside.wait(30)
        with g.as_default():
            names["plain"] = tf.constant(1.0, name="d").op.name
            with g.control_dependencies(None):
                names["deps"] = tf.constant(1.0, name="e").op.control_inputs
        done.set()

    _in_threads(scoped, plain)
    assert names == {"scoped": "layer/c", "plain": "d", "deps": []}


def test_default_sessions_are_per_thread():
    g = tf.Graph()
    with g.as_default():
        x = tf.constant(2.0) * 3.0
    sess = tf.Session(graph=g)
    seen = {}
    with sess:
        _in_threads(lambda: seen.setdefault("other", tf.get_default_session()))
        assert tf.get_default_session() is sess
        assert x.eval() == 6.0
    assert seen["other"] is None
