"""tf.data guide, Batching dataset elements: batch, drop_remainder and the shapes it gives."""
import tensorflow as tf

inc_dataset = tf.data.Dataset.range(100)
dec_dataset = tf.data.Dataset.range(0, -100, -1)
dataset = tf.data.Dataset.zip((inc_dataset, dec_dataset))
batched_dataset = dataset.batch(4)

batches = [[a.numpy(), b.numpy()] for a, b in batched_dataset.take(4)]
kept = batched_dataset
dropped = dataset.batch(7, drop_remainder=True)
last = list(dataset.batch(7).as_numpy_iterator())[-1]

RESULT = {
    "batches": batches,
    "spec": repr(kept.element_spec),
    "drop_spec": repr(dropped.element_spec),
    "lengths": [int(kept.cardinality()), int(dropped.cardinality())],
    "last_partial": [x.tolist() for x in last],
}
