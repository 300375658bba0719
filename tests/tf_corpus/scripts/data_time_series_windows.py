"""tf.data guide, Time series windowing: features and labels from batches of a range (batch,
map with slicing, skip, zip)."""
import tensorflow as tf

range_ds = tf.data.Dataset.range(100000)
batches = range_ds.batch(10, drop_remainder=True)
first_batches = [batch.numpy() for batch in batches.take(5)]


def dense_1_step(batch):
    # Shift features and labels one step relative to each other.
    return batch[:-1], batch[1:]


predict_dense_1_step = batches.map(dense_1_step)
dense = [(f.numpy(), t.numpy()) for f, t in predict_dense_1_step.take(3)]

batches = range_ds.batch(15, drop_remainder=True)


def label_next_5_steps(batch):
    return (batch[:-5],   # Inputs: All except the last 5 steps
            batch[-5:])   # Labels: The last 5 steps


predict_5_steps = batches.map(label_next_5_steps)
five = [(f.numpy(), t.numpy()) for f, t in predict_5_steps.take(3)]

feature_length = 10
label_length = 3
features = range_ds.batch(feature_length, drop_remainder=True)
labels = range_ds.batch(feature_length).skip(1).map(lambda labels: labels[:label_length])
predicted_steps = tf.data.Dataset.zip((features, labels))
overlap = [(f.numpy(), t.numpy()) for f, t in predicted_steps.take(5)]

RESULT = {"first_batches": first_batches, "dense": dense, "five": five, "overlap": overlap,
          "cardinality": int(predicted_steps.cardinality()),
          "spec": repr(predict_5_steps.element_spec)}
