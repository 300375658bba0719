"""Control flow guide (tf.while_loop): Collatz steps with nested loop variables, a fixed number
of iterations with maximum_iterations, and a gradient through a loop of tanh layers."""
import numpy as np
import tensorflow as tf


def collatz_steps(n):
    def body(i, state):
        value, peak = state
        value = tf.where(value % 2 == 0, value // 2, 3 * value + 1)
        return i + 1, (value, tf.maximum(peak, value))

    steps, (_, peak) = tf.while_loop(lambda i, state: state[0] > 1, body, (tf.constant(0), (n, n)))
    return steps, peak


@tf.function
def traced_collatz(n):
    return collatz_steps(n)


w = tf.Variable(np.array([[0.3, -0.2], [0.1, 0.4]], np.float32))
h0 = tf.constant([[1.0, 2.0]])
with tf.GradientTape() as tape:
    _, h = tf.while_loop(lambda i, h: i < 4, lambda i, h: (i + 1, tf.tanh(tf.matmul(h, w))), (0, h0))
    loss = tf.reduce_sum(h)
grad = tape.gradient(loss, w)

capped = tf.while_loop(lambda i, j: i < 100, lambda i, j: (i + 3, j + 1), (tf.constant(0), tf.constant(0)),
                       maximum_iterations=5)

RESULT = {
    "eager": [int(v) for v in collatz_steps(tf.constant(27))],
    "traced": [int(v) for v in traced_collatz(tf.constant(27))],
    "traced_6": [int(v) for v in traced_collatz(tf.constant(6))],
    "capped": [int(v) for v in capped],
    "h": h.numpy(),
    "grad": grad.numpy(),
}
