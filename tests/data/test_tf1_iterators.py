"""TF1's iterators in a graph: each Session.run of get_next() reads one element, the end is
tf.errors.OutOfRangeError, an initializable iterator restarts with its initializer - as in
TensorFlow's tf.compat.v1."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from tests.conftest import ROOT

SCRIPT = textwrap.dedent("""
    import json, sys
    import numpy as np
    if sys.argv[1] == "ours":
        import engine as tf
    else:
        import tensorflow as tf
    tf.compat.v1.disable_eager_execution()
    out = {}
    ds = tf.data.Dataset.from_tensor_slices((np.arange(5.0), np.arange(5))).batch(2)
    x, y = tf.compat.v1.data.make_one_shot_iterator(ds).get_next()
    out["shapes"] = [x.shape.as_list(), y.shape.as_list(), x.dtype.name, y.dtype.name]
    doubled = x * 2
    seen = []
    with tf.compat.v1.Session() as sess:
        while True:
            try:
                a, b = sess.run([doubled, y])
                seen.append([a.tolist(), b.tolist()])
            except tf.errors.OutOfRangeError:
                break
    out["one_shot"] = seen
    it = tf.compat.v1.data.make_initializable_iterator(tf.data.Dataset.range(3).map(lambda v: v * 10))
    nxt = it.get_next()
    epochs = []
    with tf.compat.v1.Session() as sess:
        try:
            sess.run(nxt)
        except tf.errors.FailedPreconditionError:
            epochs.append("not initialized")
        for _ in range(2):
            sess.run(it.initializer)
            values = []
            try:
                while True:
                    values.append(int(sess.run(nxt)))
            except tf.errors.OutOfRangeError:
                epochs.append(values)
    out["initializable"] = epochs
    d = tf.compat.v1.data.make_one_shot_iterator(
        tf.data.Dataset.from_tensor_slices({"a": np.ones((2, 3), np.float32)})).get_next()
    with tf.compat.v1.Session() as sess:
        out["dict"] = sess.run(d)["a"].tolist()
    print(json.dumps(out))
""")


def _run(side):
    done = subprocess.run([sys.executable, "-c", SCRIPT, side], cwd=ROOT, capture_output=True, text=True,
                          timeout=600, env={"PYTHONPATH": str(ROOT), "TF_CPP_MIN_LOG_LEVEL": "2",
                                            "PATH": "/usr/bin:/bin"})
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout.strip().splitlines()[-1]


@pytest.mark.parametrize("side", ["ours"])
def test_graph_iterators_behave_as_tensorflows(side):
    assert _run(side) == _run("tf")
