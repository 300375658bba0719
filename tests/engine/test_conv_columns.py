"""A convolution under a recording tape keeps its im2col matrix for the filter's gradient: the
gradient then gathers no windows again, and is TensorFlow's whether the matrix was kept, bounded
away, or asked for twice by a persistent tape."""

from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
import tensorflow as real_tf  # noqa: E402

import engine as tf  # noqa: E402
from engine.ops import conv_ops  # noqa: E402

RNG = np.random.default_rng(3)
X = RNG.standard_normal((3, 9, 9, 2)).astype(np.float32)
W1 = RNG.standard_normal((3, 3, 2, 4)).astype(np.float32)
W2 = RNG.standard_normal((2, 2, 4, 3)).astype(np.float32)


@pytest.fixture(autouse=True)
def kept(monkeypatch):
    """An empty store of kept columns (tapes of other tests may have left theirs)."""
    store = conv_ops._KeptColumns()
    monkeypatch.setattr(conv_ops, "_KEPT", store)
    return store


@pytest.fixture
def gathers(monkeypatch):
    """How many times im2col gathered windows."""
    calls = []
    real = conv_ops._im2col

    def counted(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(conv_ops, "_im2col", counted)
    return calls


def _ours(persistent=False):
    x, w1, w2 = tf.constant(X), tf.Variable(W1), tf.Variable(W2)
    tape = tf.GradientTape(persistent=persistent)
    with tape:
        h = tf.nn.relu(tf.nn.conv2d(x, w1, 1, "SAME"))
        loss = tf.reduce_sum(tf.nn.conv2d(h, w2, 2, "VALID") ** 2)
    return tape, loss, [w1, w2]


def _real():
    x, w1, w2 = real_tf.constant(X), real_tf.Variable(W1), real_tf.Variable(W2)
    with real_tf.GradientTape() as tape:
        h = real_tf.nn.relu(real_tf.nn.conv2d(x, w1, 1, "SAME"))
        loss = real_tf.reduce_sum(real_tf.nn.conv2d(h, w2, 2, "VALID") ** 2)
    return [g.numpy() for g in tape.gradient(loss, [w1, w2])]


def _close(ours, real):
    for a, b in zip(ours, real, strict=True):
        np.testing.assert_allclose(a.numpy(), b, rtol=1e-4, atol=1e-4)


def test_filter_gradients_take_the_kept_columns(gathers, kept):
    tape, loss, variables = _ours()
    assert len(gathers) == 2  # one per forward convolution
    _close(tape.gradient(loss, variables), _real())
    assert len(gathers) == 2  # the backward pass gathered nothing again
    assert kept._entries == {} and kept._bytes == 0  # taken: nothing left


def test_a_persistent_tape_asked_twice_gathers_anew(gathers):
    tape, loss, variables = _ours(persistent=True)
    first = [g.numpy() for g in tape.gradient(loss, variables)]
    second = tape.gradient(loss, variables)
    _close(second, first)
    assert len(gathers) == 4  # the second pass found nothing kept and gathered both


def test_past_the_bound_nothing_is_kept(gathers, kept, monkeypatch):
    monkeypatch.setattr(conv_ops._KeptColumns, "LIMIT", 0)
    tape, loss, variables = _ours()
    _close(tape.gradient(loss, variables), _real())
    assert len(gathers) == 4 and kept._entries == {}


def test_without_a_tape_nothing_is_kept(kept):
    tf.nn.conv2d(tf.constant(X), tf.constant(W1), 1, "SAME")
    assert kept._entries == {}


def test_the_bound_drops_the_oldest(kept):
    kept.LIMIT = 3 * 800
    arrays = [np.zeros((10, 10)) for _ in range(4)]  # 800 bytes of columns each
    for a in arrays:
        kept.keep(a, "g", np.ones((10, 10)))
    assert kept._bytes == 3 * 800 and kept.take(arrays[0], "g") is None
    assert kept.take(arrays[1], "other geometry") is None  # and no longer kept either
    assert kept.take(arrays[1], "g") is None
    assert kept.take(arrays[3], "g") is not None and kept._bytes == 800
