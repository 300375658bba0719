"""tf.data guide, Dataset structure: element_spec of nested and zipped datasets."""
import tensorflow as tf

dataset1 = tf.data.Dataset.from_tensor_slices(tf.random.uniform([4, 10]))
dataset2 = tf.data.Dataset.from_tensor_slices(
    (tf.random.uniform([4]), tf.random.uniform([4, 100], maxval=100, dtype=tf.int32)))
dataset3 = tf.data.Dataset.zip((dataset1, dataset2))

# Dataset containing a sparse-free dict of named components
dataset4 = tf.data.Dataset.from_tensor_slices({"a": tf.zeros([4, 3]), "b": tf.ones([4], dtype=tf.int64)})


def describe(spec):
    if isinstance(spec, dict):
        return {k: describe(v) for k, v in spec.items()}
    if isinstance(spec, tuple):
        return [describe(s) for s in spec]
    return [spec.shape.as_list(), spec.dtype.name]


RESULT = {
    "dataset1": describe(dataset1.element_spec),
    "dataset2": describe(dataset2.element_spec),
    "dataset3": describe(dataset3.element_spec),
    "dataset4": describe(dataset4.element_spec),
    "dataset3_repr": repr(dataset3.element_spec),
    "first_of_3": [a.shape.as_list() for a in [next(iter(dataset3))[0], *next(iter(dataset3))[1]]],
}
