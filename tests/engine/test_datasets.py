"""engine.datasets: the shipped digits and MNIST read from local files only."""

from __future__ import annotations

import gzip
import struct

import numpy as np
import pytest

from engine.datasets import digits, mnist


def test_digits_are_real_and_split_reproducibly():
    (x_train, y_train), (x_test, y_test) = digits.load_data()
    assert x_train.shape == (1438, 8, 8) and x_test.shape == (359, 8, 8)
    assert x_train.dtype == np.uint8 and x_train.max() == 16
    assert sorted(set(y_train.tolist())) == list(range(10))
    (again, _), _ = digits.load_data()
    np.testing.assert_array_equal(again, x_train)
    # Real images, not noise: the mean "0" has an empty centre and a dark ring around it.
    zero = x_train[y_train == 0].mean(axis=0)
    assert zero[3:5, 3:5].mean() < 4 < zero[1:7, 1:7].mean() * 2


def _idx(array: np.ndarray) -> bytes:
    return bytes([0, 0, 8, array.ndim]) + struct.pack(f">{array.ndim}I", *array.shape) + array.tobytes()


def test_mnist_reads_idx_files_plain_or_gzipped(tmp_path):
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, (5, 28, 28), dtype=np.uint8)
    labels = rng.integers(0, 10, 5, dtype=np.uint8)
    (tmp_path / "train-images-idx3-ubyte").write_bytes(_idx(images))
    (tmp_path / "train-labels-idx1-ubyte.gz").write_bytes(gzip.compress(_idx(labels)))
    (tmp_path / "t10k-images-idx3-ubyte").write_bytes(_idx(images[:2]))
    (tmp_path / "t10k-labels-idx1-ubyte").write_bytes(_idx(labels[:2]))
    (x_train, y_train), (x_test, y_test) = mnist.load_data(tmp_path)
    np.testing.assert_array_equal(x_train, images)
    np.testing.assert_array_equal(y_train, labels)
    assert x_test.shape == (2, 28, 28) and y_test.shape == (2,)


def test_mnist_reads_keras_npz(tmp_path):
    arrays = {k: np.zeros((2, 28, 28) if k.startswith("x") else 2, np.uint8)
              for k in ("x_train", "y_train", "x_test", "y_test")}
    np.savez(tmp_path / "mnist.npz", **arrays)
    (x_train, _), _ = mnist.load_data(tmp_path / "mnist.npz")
    assert x_train.shape == (2, 28, 28)
    (x_train, _), _ = mnist.load_data(tmp_path)
    assert x_train.shape == (2, 28, 28)


def test_missing_mnist_says_what_to_provide(tmp_path):
    with pytest.raises(FileNotFoundError, match="never downloads.*digits"):
        mnist.load_data(tmp_path / "nowhere.npz")
    with pytest.raises(FileNotFoundError, match="train-images-idx3-ubyte"):
        mnist.load_data(tmp_path)


def test_a_truncated_idx_file_is_reported(tmp_path):
    (tmp_path / "bad").write_bytes(_idx(np.zeros((3, 2), np.uint8))[:-1])
    with pytest.raises(ValueError, match="header says"):
        mnist._read_idx(tmp_path / "bad")
