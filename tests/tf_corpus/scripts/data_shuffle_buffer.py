"""tf.data guide, Randomly shuffling input data: a Counter zipped with the lines, shuffled with a
100-element buffer and batched by 20, so no index in the first batch passes 120; shuffle before
and after repeat."""
import tensorflow as tf

lines = tf.data.Dataset.range(1000).map(lambda x: x * 10)
counter = tf.data.experimental.Counter()

dataset = tf.data.Dataset.zip((counter, lines))
dataset = dataset.shuffle(buffer_size=100)
dataset = dataset.batch(20)

n, line_batch = next(iter(dataset))
first_batch = n.numpy()

shuffle_then_repeat = tf.data.Dataset.range(50).shuffle(buffer_size=10).repeat(2).batch(10)
epoch_boundary = [b.numpy() for b in shuffle_then_repeat]

repeat_then_shuffle = tf.data.Dataset.range(50).repeat(2).shuffle(buffer_size=10).batch(10)
mixed = [b.numpy() for b in repeat_then_shuffle]

RESULT = {
    "first_batch_max_under_120": bool(first_batch.max() < 120),
    "first_batch_size": len(first_batch),
    "labels_follow_ids": bool((line_batch.numpy() == first_batch * 10).all()),
    "each_epoch_whole": [sorted(sum((b.tolist() for b in epoch_boundary[:5]), [])) == list(range(50)),
                         sorted(sum((b.tolist() for b in epoch_boundary[5:]), [])) == list(range(50))],
    "repeat_then_shuffle_multiset": sorted(sum((b.tolist() for b in mixed), []))
    == sorted(list(range(50)) * 2),
}
