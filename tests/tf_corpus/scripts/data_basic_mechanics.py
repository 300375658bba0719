"""tf.data guide, Basic mechanics: a dataset from a list, Python iteration, reduce."""
import tensorflow as tf

dataset = tf.data.Dataset.from_tensor_slices([8, 3, 0, 8, 2, 1])
seen = []
for elem in dataset:
    seen.append(elem.numpy())

it = iter(dataset)
first = next(it).numpy()
total = dataset.reduce(0, lambda state, value: state + value).numpy()

RESULT = {"seen": seen, "first": first, "total": total, "spec": str(dataset.element_spec),
          "cardinality": int(dataset.cardinality())}
