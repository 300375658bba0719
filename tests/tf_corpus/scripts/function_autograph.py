"""Introduction to graphs and tf.function / AutoGraph: a Python `if` and `for` over tensors become
graph control flow; on Python values they run at trace time, one trace per value."""
import tensorflow as tf


@tf.function
def relu_sum(x):
    total = tf.constant(0.0)
    for i in tf.range(tf.shape(x)[0]):
        if x[i] > 0:
            total += x[i]
    return total


@tf.function
def fizzbuzz_count(n):
    count = tf.constant(0)
    i = tf.constant(1)
    while i <= n:
        if i % 15 == 0:
            count += 1
        i += 1
    return count


@tf.function
def scaled(x, training):
    if training:  # a Python bool: decided while tracing
        return x * 0.5
    return x


values = tf.constant([1.0, -2.0, 3.0, -4.0, 5.0])
RESULT = {
    "relu_sum": float(relu_sum(values)),
    "relu_sum_again": float(relu_sum(tf.constant([-1.0, 2.5]))),
    "fizzbuzz_45": int(fizzbuzz_count(tf.constant(45))),
    "fizzbuzz_100": int(fizzbuzz_count(tf.constant(100))),
    "scaled_train": scaled(values, True).numpy(),
    "scaled_eval": scaled(values, False).numpy(),
    "traces_of_scaled": scaled.experimental_get_tracing_count(),
}
