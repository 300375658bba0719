"""tf.data guide, Consuming Python generators: from_generator with output_types and shapes, and a
ragged series with output_signature and padded_batch."""
import itertools

import numpy as np
import tensorflow as tf


def count(stop):
    i = 0
    while i < stop:
        yield i
        i += 1


ds_counter = tf.data.Dataset.from_generator(count, args=[25], output_types=tf.int32, output_shapes=())
counted = [count_batch.numpy() for count_batch in ds_counter.repeat().batch(10).take(10)]

rng = np.random.default_rng(1)
lengths = rng.integers(1, 8, size=20)


def gen_series():
    for i in itertools.count(1):
        if i > 20:
            return
        size = int(lengths[i - 1])
        yield i, np.arange(size, dtype=np.float32) / 10.0


ds_series = tf.data.Dataset.from_generator(
    gen_series, output_types=(tf.int32, tf.float32), output_shapes=((), (None,)))
ds_series_batch = ds_series.shuffle(20, seed=2).padded_batch(10)
ids, sequence_batch = next(iter(ds_series_batch))

RESULT = {
    "counted": counted,
    "series_spec": repr(ds_series.element_spec),
    "padded_shape": sequence_batch.shape.as_list()[1] == int(max(lengths[i - 1] for i in ids.numpy())),
    "padded_rows_sum_matches": bool(np.allclose(
        sequence_batch.numpy().sum(axis=1),
        [np.arange(int(lengths[i - 1])).sum() / 10.0 for i in ids.numpy()], atol=1e-5)),
    "ids_multiset": sorted(ids.numpy().tolist()
                           + next(iter(ds_series_batch.skip(1)))[0].numpy().tolist()) == list(range(1, 21)),
    "cardinality": int(ds_series_batch.cardinality()),
}
