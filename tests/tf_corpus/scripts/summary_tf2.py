"""TensorBoard guides, TF 2: a writer made the default, summaries inside a tf.function at a
Variable step under record_if, an image and text, and the graphs guide's trace_on/trace_export;
read back with tf.compat.v1.train.summary_iterator."""
import glob

import numpy as np
import tensorflow as tf

import corpus

logdir = str(corpus.scratch() / "logs")
writer = tf.summary.create_file_writer(logdir)
step = tf.Variable(0, dtype=tf.int64)


@tf.function
def train_step(x):
    loss = tf.reduce_mean(tf.square(x))
    with tf.summary.record_if(lambda: tf.equal(step % 2, 0)):
        tf.summary.scalar("loss", loss, step=step)
    step.assign_add(1)
    return loss


with writer.as_default():
    tf.summary.trace_on(graph=True)
    losses = [float(train_step(tf.constant([1.0, 2.0]) * i)) for i in range(4)]
    tf.summary.trace_export("train_step", step=0)
    tf.summary.image("digits", np.linspace(0, 1, 128, dtype=np.float32).reshape(2, 8, 8, 1), step=0,
                     max_outputs=1)
    tf.summary.text("notes", "first run", step=0)
writer.close()

seen = []
for path in glob.glob(logdir + "/events.out.tfevents.*"):
    for event in tf.compat.v1.train.summary_iterator(path):
        for value in event.summary.value:
            shape = tuple(d.size for d in value.tensor.tensor_shape.dim)
            seen.append((int(event.step), value.tag, value.metadata.plugin_data.plugin_name, shape))

RESULT = {"values": sorted(seen), "losses": losses}
