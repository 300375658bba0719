"""Broadcast gradients on random shapes, against PyTorch's autograd (property-based)."""

from __future__ import annotations

import numpy as np
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

import engine as tf

OPS = {
    "add": (lambda x, y: x + y, lambda x, y: x + y),
    "sub": (lambda x, y: x - y, lambda x, y: x - y),
    "mul": (lambda x, y: x * y, lambda x, y: x * y),
    "div": (lambda x, y: x / (y * y + 1.0), lambda x, y: x / (y * y + 1.0)),
    "maximum": (tf.maximum, torch.maximum),
    "where": (lambda x, y: tf.where(x > 0, x, y), lambda x, y: torch.where(x > 0, x, y)),
}


@st.composite
def broadcast_pair(draw):
    """Two shapes numpy broadcasts together: one is the other with leading axes dropped and
    some axes shrunk to 1 (in either order)."""
    full = draw(st.lists(st.integers(1, 3), min_size=0, max_size=4))
    drop = draw(st.integers(0, len(full)))
    other = [1 if draw(st.booleans()) else d for d in full[drop:]]
    return (full, other) if draw(st.booleans()) else (other, full)


@settings(max_examples=60, deadline=None, derandomize=True)  # the same examples in CI
@given(shapes=broadcast_pair(), op=st.sampled_from(sorted(OPS)), seed=st.integers(0, 2**16))
def test_broadcast_gradients_match_torch(shapes, op, seed):
    ours, theirs = OPS[op]
    rng = np.random.default_rng(seed)
    x, y = rng.normal(size=shapes[0]), rng.normal(size=shapes[1])
    tx, ty = tf.constant(x), tf.constant(y)
    with tf.GradientTape() as tape:
        tape.watch([tx, ty])
        out = ours(tx, ty)
        w = rng.uniform(0.5, 1.5, size=out.shape)
        loss = tf.reduce_sum(out * w)
    gx, gy = tape.gradient(loss, [tx, ty])

    px = torch.tensor(x, requires_grad=True)
    py = torch.tensor(y, requires_grad=True)
    (theirs(px, py) * torch.from_numpy(np.asarray(w))).sum().backward()
    assert gx.shape == x.shape and gy.shape == y.shape
    np.testing.assert_allclose(gx.numpy(), px.grad.numpy(), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(gy.numpy(), py.grad.numpy(), rtol=1e-10, atol=1e-12)
