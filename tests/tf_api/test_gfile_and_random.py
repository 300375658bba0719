"""tf.io.gfile over local paths and tf.random's additions, against real TensorFlow."""

from __future__ import annotations

import numpy as np
import pytest

import engine as tf


def _session(lib, root):
    """The same file operations on either library; what each returns or raises, in order."""
    g, out = lib.io.gfile, []

    def attempt(fn):
        try:
            out.append(("ok", fn()))
        except lib.errors.OpError as e:
            out.append(("raised", type(e).__name__))

    attempt(lambda: g.GFile(f"{root}/missing.txt").read())
    with g.GFile(f"{root}/a.txt", "w") as f:
        f.write("first\nsecond\n")
    attempt(lambda: g.GFile(f"{root}/a.txt").read())
    attempt(lambda: list(g.GFile(f"{root}/a.txt")))
    attempt(lambda: g.GFile(f"{root}/a.txt", "rb").read())
    attempt(lambda: g.GFile(f"{root}/a.txt").size())
    attempt(lambda: g.copy(f"{root}/a.txt", f"{root}/a.txt"))
    attempt(lambda: g.copy(f"{root}/a.txt", f"{root}/b.txt"))
    attempt(lambda: g.makedirs(f"{root}/d/e"))
    attempt(lambda: sorted(g.listdir(root)))
    attempt(lambda: sorted(p.rsplit("/", 1)[1] for p in g.glob(f"{root}/*.txt")))
    attempt(lambda: (g.isdir(f"{root}/d"), g.exists(f"{root}/nope")))
    attempt(lambda: [(d[len(root):], sorted(s), sorted(f)) for d, s, f in g.walk(root)])
    attempt(lambda: g.remove(f"{root}/nope"))
    attempt(lambda: g.listdir(f"{root}/nope"))
    attempt(lambda: g.rename(f"{root}/b.txt", f"{root}/a.txt"))
    attempt(lambda: g.rename(f"{root}/b.txt", f"{root}/a.txt", overwrite=True))
    attempt(lambda: (g.stat(f"{root}/a.txt").length, g.stat(f"{root}/a.txt").is_directory))
    attempt(lambda: g.rmtree(f"{root}/d"))
    attempt(lambda: g.exists(f"{root}/d"))
    with g.GFile(f"{root}/bytes.bin", "wb") as f:
        f.write(b"\x00\x01")
    attempt(lambda: g.GFile(f"{root}/bytes.bin", "rb").read())
    return out


def test_gfile_behaves_as_tensorflows(real_tf, tmp_path):
    (tmp_path / "ours").mkdir()
    (tmp_path / "theirs").mkdir()
    assert _session(tf, str(tmp_path / "ours")) == _session(real_tf, str(tmp_path / "theirs"))


def test_shuffle_permutes_rows_and_is_seeded():
    x = np.arange(20).reshape(10, 2)
    tf.random.set_seed(5)
    first = tf.random.shuffle(x).numpy()
    tf.random.set_seed(5)
    again = tf.random.shuffle(x).numpy()
    np.testing.assert_array_equal(first, again)
    assert sorted(map(tuple, first)) == sorted(map(tuple, x))
    assert not np.array_equal(first, x)


def test_generator_streams_are_reproducible_and_split_independently(real_tf):
    a, b = tf.random.Generator.from_seed(7), tf.random.Generator.from_seed(7)
    np.testing.assert_array_equal(a.normal([3]).numpy(), b.normal([3]).numpy())
    left, right = a.split(2)
    assert not np.array_equal(left.uniform([4]).numpy(), right.uniform([4]).numpy())
    ints = a.uniform([1000], minval=0, maxval=5, dtype=tf.int32).numpy()
    assert set(ints) == {0, 1, 2, 3, 4} and ints.dtype == np.int32
    theirs = real_tf.random.Generator.from_seed(7).uniform([1000], minval=0, maxval=5, dtype=real_tf.int32)
    assert set(theirs.numpy()) == set(ints)  # same support and dtype; the bits differ (numpy, not Philox)
    with pytest.raises(ValueError):
        a.uniform([2], dtype=tf.int32)


def test_stateless_ops_depend_only_on_their_seed():
    one = tf.random.stateless_uniform([4], seed=[1, 2]).numpy()
    tf.random.uniform([10])  # drawing elsewhere changes nothing
    np.testing.assert_array_equal(one, tf.random.stateless_uniform([4], seed=[1, 2]).numpy())
    assert not np.array_equal(one, tf.random.stateless_uniform([4], seed=[1, 3]).numpy())
    with pytest.raises(ValueError, match="shape \\[2\\]"):
        tf.random.stateless_normal([2], seed=[1, 2, 3])


def test_categorical_follows_the_logits():
    tf.random.set_seed(0)
    logits = np.log(np.array([[0.7, 0.2, 0.1], [0.0001, 0.0001, 0.9998]], np.float32))
    draws = tf.random.categorical(logits, 4000).numpy()
    assert draws.shape == (2, 4000) and draws.dtype == np.int64
    np.testing.assert_allclose(np.bincount(draws[0], minlength=3) / 4000, [0.7, 0.2, 0.1], atol=0.03)
    assert (draws[1] == 2).mean() > 0.99
