"""tf.data guide, Preprocessing data with Dataset.map: per-element functions of tf ops, tuple
arguments unpacked, parallel calls, filter."""
import numpy as np
import tensorflow as tf

rng = np.random.default_rng(3)
features = rng.normal(size=(40, 3)).astype(np.float32)
labels = rng.integers(0, 4, size=40)


def normalize(x, y):
    x = (x - tf.reduce_mean(x)) / (tf.reduce_max(tf.abs(x)) + 1e-6)
    return tf.cast(x, tf.float32) * 2.0, tf.one_hot(y, depth=4)


dataset = tf.data.Dataset.from_tensor_slices((features, labels))
mapped = dataset.map(normalize, num_parallel_calls=tf.data.AUTOTUNE)
kept = mapped.filter(lambda x, y: tf.reduce_sum(x) > 0.0)
scaled = tf.data.Dataset.range(10).map(lambda x: tf.cast(x, tf.float64) / 4.0).batch(5)

first_x, first_y = next(iter(mapped))
RESULT = {
    "mapped_spec": repr(mapped.element_spec),
    "first_y": first_y.numpy(),
    "first_x": first_x.numpy(),
    "kept_count": sum(1 for _ in kept),
    "kept_cardinality": int(kept.cardinality()),
    "scaled": list(scaled.as_numpy_iterator()),
}
