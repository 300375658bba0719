"""tf.function guide, "Rules of tracing": a new trace per input signature (dtype, shape, Python
value), none for the same signature, input_signature pinning one, get_concrete_function."""
import tensorflow as tf

traces = []


@tf.function
def double(a):
    traces.append(a.dtype.name if hasattr(a, "dtype") else repr(a))
    return a + a


double(tf.constant(1))
double(tf.constant(2))            # same signature: no new trace
double(tf.constant(1.5))          # float32: a new trace
double(tf.constant([1.0, 2.0]))   # a new shape: a new trace


@tf.function(input_signature=[tf.TensorSpec(shape=[None], dtype=tf.float32)])
def next_collatz(x):
    return tf.where(x % 2 == 0, x // 2, 3 * x + 1)


concrete = next_collatz.get_concrete_function()
rejected = None
try:
    next_collatz(tf.constant([[1.0, 2.0]]))
except (TypeError, ValueError) as e:
    rejected = type(e).__name__ in ("TypeError", "ValueError")

spec = tf.TensorSpec(shape=[None, 3], dtype=tf.float32)
RESULT = {
    "traces": len(traces),
    "double_count": double.experimental_get_tracing_count(),
    "collatz": next_collatz(tf.constant([1.0, 2.0, 3.0, 4.0])).numpy(),
    "concrete": concrete(tf.constant([5.0, 6.0])).numpy(),
    "rejected_rank_2": rejected,
    "spec_compatible": [spec.is_compatible_with(tf.zeros([4, 3])), spec.is_compatible_with(tf.zeros([4, 2]))],
    "spec_shape": spec.shape.as_list(),
}
