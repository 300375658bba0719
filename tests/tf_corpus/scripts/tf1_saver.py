"""TF 1.x guide "Saving and restoring": tf.train.Saver saves variables during training with a
global step, keeps max_to_keep checkpoints, and restores them into a new graph by name."""
import os

import tensorflow as tf

import corpus

ISOLATE = True

tf1 = tf.compat.v1
tf1.disable_eager_execution()
directory = str(corpus.scratch() / "ckpt")
prefix = os.path.join(directory, "model")

graph = tf.Graph()
with graph.as_default():
    v1 = tf1.get_variable("v1", shape=[3], initializer=tf1.zeros_initializer())
    v2 = tf1.get_variable("v2", shape=[5], initializer=tf1.zeros_initializer())
    inc_v1, dec_v2 = v1.assign(v1 + 1), v2.assign(v2 - 1)
    saver = tf1.train.Saver(max_to_keep=2)
    with tf1.Session() as sess:
        sess.run(tf1.global_variables_initializer())
        paths = []
        for step in range(3):
            sess.run([inc_v1, dec_v2])
            paths.append(os.path.basename(saver.save(sess, prefix, global_step=step)))

latest = tf1.train.latest_checkpoint(directory)
with tf.Graph().as_default():
    r1 = tf1.get_variable("v1", shape=[3])
    r2 = tf1.get_variable("v2", shape=[5])
    restorer = tf1.train.Saver()
    with tf1.Session() as sess:
        restorer.restore(sess, latest)
        values = sess.run([r1, r2])

RESULT = {"paths": paths, "latest": os.path.basename(latest), "v1": values[0], "v2": values[1]}
