"""tf.data guide, Consuming text data: TextLineDataset over several files, interleaved, the
header line of each CSV skipped with flat_map, files found with list_files."""
import tensorflow as tf
from corpus import scratch

directory = scratch()
for name, rows in {"a.csv": ["id,value", "1,10", "2,20", "3,30"], "b.csv": ["id,value", "4,40"],
                   "c.csv": ["id,value", "5,50", "6,60"]}.items():
    (directory / name).write_text("\n".join(rows) + "\n")

file_paths = sorted(str(p) for p in directory.glob("*.csv"))
dataset = tf.data.TextLineDataset(file_paths)
all_lines = [line.numpy() for line in dataset]

files_ds = tf.data.Dataset.from_tensor_slices(file_paths)
lines_ds = files_ds.interleave(lambda f: tf.data.TextLineDataset(f), cycle_length=3)
interleaved = [line.numpy() for line in lines_ds]

no_headers = tf.data.Dataset.from_tensor_slices(file_paths).flat_map(
    lambda filename: tf.data.TextLineDataset(filename).skip(1))
rows = list(no_headers.as_numpy_iterator())

listed = tf.data.Dataset.list_files(str(directory / "*.csv"), shuffle=False)
names = [p.decode().rsplit("/", 1)[-1] for p in listed.as_numpy_iterator()]
shuffled = tf.data.Dataset.list_files(str(directory / "*.csv"), seed=4)

RESULT = {"all_lines": all_lines, "interleaved": interleaved, "rows": rows, "names": names,
          "shuffled_multiset": sorted(p.decode().rsplit("/", 1)[-1] for p in shuffled.as_numpy_iterator()),
          "spec": repr(dataset.element_spec)}
