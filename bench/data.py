"""tf.data pipeline throughput, ours beside TensorFlow's: one epoch of a shuffled, mapped, batched
pipeline over MNIST-sized arrays (60,000 x 784 float32), then the same without the shuffle.

    python bench/data.py
"""

from __future__ import annotations

import os
import time

import numpy as np

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


def _epoch(tf, x, y, shuffle):
    ds = tf.data.Dataset.from_tensor_slices((x, y))
    if shuffle:
        ds = ds.shuffle(10_000, seed=0)
    ds = ds.map(lambda a, b: (a / 255.0, b), num_parallel_calls=tf.data.AUTOTUNE).batch(128).prefetch(
        tf.data.AUTOTUNE)
    start = time.perf_counter()
    n = sum(1 for _ in ds)
    return time.perf_counter() - start, n


def main():
    import tensorflow as real

    import engine as ours

    rng = np.random.default_rng(0)
    x = rng.uniform(0, 255, size=(60_000, 784)).astype(np.float32)
    y = rng.integers(0, 10, size=60_000)
    for shuffle in (True, False):
        t_ours, n = _epoch(ours, x, y, shuffle)
        t_tf, m = _epoch(real, x, y, shuffle)
        assert n == m == 469
        label = "shuffle+map+batch" if shuffle else "map+batch"
        ratio = t_ours / t_tf
        print(f"{label:18s} ours {t_ours:.2f} s, TensorFlow {t_tf:.2f} s ({ratio:.1f}x TensorFlow's time)")


if __name__ == "__main__":
    main()
