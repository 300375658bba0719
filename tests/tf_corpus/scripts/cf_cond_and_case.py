"""Control flow guide (tf.cond, tf.case, tf.switch_case, tf.where): the same branches eagerly and
inside tf.function, and the gradient through the branch that ran."""
import tensorflow as tf

x = tf.constant([[1.0, -2.0], [3.0, -4.0]])


def piecewise(v):
    return tf.cond(tf.reduce_sum(v) > 0, lambda: v * 2.0, lambda: tf.square(v))


@tf.function
def traced(v):
    return piecewise(v)


def classify(n):
    return tf.case([(tf.less(n, 0), lambda: tf.constant(-1)), (tf.equal(n, 0), lambda: tf.constant(0))],
                   default=lambda: tf.constant(1))


branches = [lambda: tf.constant(10.0), lambda: tf.constant(20.0), lambda: tf.constant(30.0)]
w = tf.Variable([[0.5, -1.5], [2.0, 1.0]])
with tf.GradientTape() as tape:
    y = tf.reduce_sum(piecewise(w * x))
grad = tape.gradient(y, w)

RESULT = {
    "eager": piecewise(x).numpy(),
    "traced": traced(x).numpy(),
    "traced_positive": traced(-x).numpy(),
    "case": [int(classify(tf.constant(n))) for n in (-3, 0, 5)],
    "switch_case": [float(tf.switch_case(tf.constant(i), branches)) for i in (0, 2, 7)],
    "where": tf.where(x > 0, x, tf.zeros_like(x)).numpy(),
    "grad": grad.numpy(),
}
