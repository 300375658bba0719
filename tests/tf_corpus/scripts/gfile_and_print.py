"""tf.io.gfile, as TensorFlow's file helpers are used in tutorials: write, read, list, glob,
copy and rename in a scratch directory, and the errors TensorFlow raises for mistakes."""
import tensorflow as tf

import corpus

root = str(corpus.scratch())
gfile = tf.io.gfile
gfile.makedirs(root + "/data/train")
with gfile.GFile(root + "/data/train/labels.txt", "w") as f:
    f.write("cat\ndog\nbird\n")
with gfile.GFile(root + "/data/train/labels.txt") as f:
    lines = [line.strip() for line in f]
gfile.copy(root + "/data/train/labels.txt", root + "/data/labels_copy.txt")
errors = []
for attempt in (lambda: gfile.copy(root + "/data/train/labels.txt", root + "/data/labels_copy.txt"),
                lambda: gfile.GFile(root + "/nothing.txt").read(),
                lambda: gfile.listdir(root + "/nothing")):
    try:
        attempt()
    except tf.errors.OpError as e:
        errors.append(type(e).__name__)
gfile.rename(root + "/data/labels_copy.txt", root + "/data/labels.txt")

RESULT = {
    "lines": lines,
    "listing": sorted(gfile.listdir(root + "/data")),
    "glob": sorted(p[len(root):] for p in gfile.glob(root + "/data/*.txt")),
    "exists": [gfile.exists(root + "/data/labels.txt"), gfile.exists(root + "/data/labels_copy.txt")],
    "isdir": gfile.isdir(root + "/data/train"),
    "size": gfile.stat(root + "/data/labels.txt").length,
    "errors": errors,
}
