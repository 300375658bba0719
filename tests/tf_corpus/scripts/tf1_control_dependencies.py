"""TF1 graphs and control dependencies: a read inside `tf.control_dependencies` sees the
assignment it depends on; tf.group and the global step counting minimize calls."""
import numpy as np
import tensorflow as tf

ISOLATE = True

tf1 = tf.compat.v1
tf1.disable_eager_execution()
v = tf.Variable(2.0)
triple = v.assign(v * 3)
with tf.control_dependencies([triple]):
    after = tf.identity(v)  # a read made inside the context: runs after the assignment

x = tf1.placeholder(tf.float32, [None, 1])
w = tf.Variable([[0.0]])
loss = tf.reduce_mean(tf.square(tf.matmul(x, w) - 2.0 * x))
global_step = tf1.train.get_or_create_global_step()
train = tf1.train.GradientDescentOptimizer(0.1).minimize(loss, global_step=global_step)
both = tf.group(train, tf1.assign_add(v, 1.0))

with tf1.Session() as sess:
    sess.run(tf1.global_variables_initializer())
    first, second = sess.run(after), sess.run(after)
    for _ in range(4):
        sess.run(both, {x: np.array([[1.0], [2.0]], np.float32)})
    step, w_value, v_value = sess.run([global_step, w, v])

RESULT = {"first": float(first), "second": float(second), "global_step": int(step),
          "w": w_value, "v": float(v_value)}
