"""tf.data guide, Consuming NumPy arrays: slices of (images, labels), scaled, batched."""
import numpy as np
import tensorflow as tf

rng = np.random.default_rng(0)
images = rng.integers(0, 256, size=(50, 8, 8)).astype(np.uint8)
labels = rng.integers(0, 10, size=50).astype(np.uint8)
images = images / 255

dataset = tf.data.Dataset.from_tensor_slices((images, labels))
batches = dataset.batch(16)
shapes = [(img.shape.as_list(), lbl.shape.as_list()) for img, lbl in batches]
first_images, first_labels = next(iter(batches))

RESULT = {
    "spec": repr(dataset.element_spec),
    "shapes": shapes,
    "first_labels": first_labels.numpy(),
    "first_pixel_sum": float(tf.reduce_sum(first_images)),
    "cardinality": [int(dataset.cardinality()), int(batches.cardinality())],
}
