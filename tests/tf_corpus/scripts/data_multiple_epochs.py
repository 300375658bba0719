"""tf.data guide, Processing multiple epochs: repeat before and after batch, and a per-epoch
computation with a plain loop over the dataset."""
import tensorflow as tf

lines = tf.data.Dataset.range(300)
repeat_then_batch = [int(tf.size(b)) for b in lines.repeat(3).batch(128)]
batch_then_repeat = [int(tf.size(b)) for b in lines.batch(128).repeat(3)]

epochs = 3
dataset = lines.batch(128)
per_epoch = []
for epoch in range(epochs):
    total = 0
    for batch in dataset:
        total += int(tf.reduce_sum(batch))
    per_epoch.append((epoch, total))

RESULT = {"repeat_then_batch": repeat_then_batch, "batch_then_repeat": batch_then_repeat,
          "per_epoch": per_epoch}
