"""TF 1.x TensorBoard tutorial: scalar and histogram summaries merged, written with a FileWriter
each step, then read back with tf.compat.v1.train.summary_iterator."""
import glob

import numpy as np
import tensorflow as tf

import corpus

ISOLATE = True

tf1 = tf.compat.v1
tf1.disable_eager_execution()
logdir = str(corpus.scratch() / "logs")

x = tf1.placeholder(tf.float32, [None])
with tf1.name_scope("stats"):
    mean = tf.reduce_mean(x)
    tf1.summary.scalar("mean", mean)
    tf1.summary.histogram("values", x)
merged = tf1.summary.merge_all()

writer = tf1.summary.FileWriter(logdir)
with tf1.Session() as sess:
    for step in range(3):
        writer.add_summary(sess.run(merged, {x: np.arange(4, dtype=np.float32) + step}), step)
writer.close()

seen = []
for path in glob.glob(logdir + "/events.out.tfevents.*"):
    for event in tf1.train.summary_iterator(path):
        for value in event.summary.value:
            kind = value.WhichOneof("value")
            number = {"simple_value": value.simple_value, "histo": value.histo.num}.get(kind)
            seen.append((int(event.step), value.tag, kind, float(number) if number is not None else None))

RESULT = {"values": sorted(seen)}
