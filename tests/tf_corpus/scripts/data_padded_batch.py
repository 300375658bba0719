"""tf.data guide, Batching tensors with padding: padded_batch over variable-length fills."""
import tensorflow as tf

dataset = tf.data.Dataset.range(100)
dataset = dataset.map(lambda x: tf.fill([tf.cast(x, tf.int32)], x))
dataset = dataset.padded_batch(4, padded_shapes=(None,))

batches = [batch.numpy() for batch in dataset.take(2)]
fixed = tf.data.Dataset.range(1, 6).map(lambda x: tf.fill([x], x)).padded_batch(
    2, padded_shapes=[8], padding_values=tf.constant(-1, dtype=tf.int64))

RESULT = {
    "batches": batches,
    "spec": repr(dataset.element_spec),
    "fixed": list(fixed.as_numpy_iterator()),
    "fixed_spec": repr(fixed.element_spec),
}
