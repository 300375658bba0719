"""TF 1.x guide "Sharing variables": get_variable in variable scopes, reuse=True and
AUTO_REUSE sharing one set of weights between two towers, and the errors a mistake gives."""
import numpy as np
import tensorflow as tf

ISOLATE = True  # disable_eager_execution is process-wide

tf1 = tf.compat.v1
tf1.disable_eager_execution()


def conv_relu(inputs, kernel_shape):
    weights = tf1.get_variable("weights", kernel_shape, initializer=tf1.constant_initializer(0.1))
    biases = tf1.get_variable("biases", [kernel_shape[-1]], initializer=tf1.zeros_initializer())
    return tf.nn.relu(tf.matmul(inputs, weights) + biases)


def tower(inputs):
    with tf1.variable_scope("layer1"):
        h = conv_relu(inputs, [4, 3])
    with tf1.variable_scope("layer2"):
        return conv_relu(h, [3, 2])


x1 = tf1.placeholder(tf.float32, [None, 4])
x2 = tf1.placeholder(tf.float32, [None, 4])
with tf1.variable_scope("model"):
    out1 = tower(x1)
with tf1.variable_scope("model", reuse=True):
    out2 = tower(x2)
with tf1.variable_scope("shared", reuse=tf1.AUTO_REUSE):
    a = tf1.get_variable("v", [1], initializer=tf1.ones_initializer())
with tf1.variable_scope("shared", reuse=tf1.AUTO_REUSE):
    b = tf1.get_variable("v", [1])

errors = []
try:
    with tf1.variable_scope("model"):
        tower(x1)
except ValueError as e:
    errors.append("already exists" in str(e))
try:
    with tf1.variable_scope("missing", reuse=True):
        tf1.get_variable("nothing", [1])
except ValueError as e:
    errors.append("does not exist" in str(e))

with tf1.Session() as sess:
    sess.run(tf1.global_variables_initializer())
    feed = {x1: np.ones((2, 4), np.float32), x2: np.full((1, 4), 2.0, np.float32)}
    o1, o2 = sess.run([out1, out2], feed)

RESULT = {"variables": sorted(v.name for v in tf1.global_variables()), "same": a is b or a.name == b.name,
          "errors": errors, "out1": o1, "out2": o2}
