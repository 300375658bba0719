"""TF1 summaries: graph ops, merge_all, FileWriter(logdir, sess.graph), read back by TensorBoard."""

from __future__ import annotations

import numpy as np
from tensorboard.backend.event_processing import event_accumulator

import engine

tf = engine.compat.v1


def test_tf1_summaries_reach_tensorboard(tmp_path):
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [None, 3], name="x")
        w = tf.Variable(np.ones((3, 1), np.float32), name="w")
        with tf.name_scope("train"):
            loss = tf.reduce_mean(tf.square(tf.matmul(x, w)))
            tf.summary.scalar("loss", loss)
            tf.summary.histogram("weights", w)
        merged = tf.summary.merge_all()
        step = tf.train.GradientDescentOptimizer(0.01).minimize(loss)
        with tf.Session() as sess, tf.summary.FileWriter(str(tmp_path), sess.graph) as writer:
            sess.run(tf.global_variables_initializer())
            data = np.arange(6, dtype=np.float32).reshape(2, 3)
            for i in range(3):
                summary, _ = sess.run([merged, step], feed_dict={x: data})
                assert isinstance(summary, bytes)
                writer.add_summary(summary, i)
    acc = event_accumulator.EventAccumulator(str(tmp_path), size_guidance={"histograms": 0, "scalars": 0})
    acc.Reload()
    assert acc.Tags()["scalars"] == ["train/loss"]
    losses = [e.value for e in acc.Scalars("train/loss")]
    assert [e.step for e in acc.Scalars("train/loss")] == [0, 1, 2]
    assert losses[0] == np.mean((np.arange(6).reshape(2, 3) @ np.ones(3)) ** 2)
    assert losses[2] < losses[0]
    assert acc.Tags()["histograms"] == ["train/weights"]
    ops = {n.name: n.op for n in acc.Graph().node}
    assert ops["train/loss"] == "ScalarSummary" and ops["train/weights"] == "HistogramSummary"
    assert ops["Merge/MergeSummary"] == "MergeSummary"  # merge_all's node, named as TensorFlow names it


def test_eager_summary_ops_return_bytes_at_once():
    from tfevents.proto import summary_pb2

    value = tf.summary.scalar("accuracy", engine.constant(0.5))
    summary = summary_pb2.Summary.FromString(value.numpy()[()])
    assert summary.value[0].tag == "accuracy" and summary.value[0].simple_value == 0.5
    both = tf.summary.merge([value, tf.summary.histogram("w", engine.constant([1.0, 2.0]))])
    assert [v.tag for v in summary_pb2.Summary.FromString(both.numpy()[()]).value] == ["accuracy", "w"]
