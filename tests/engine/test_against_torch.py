"""Key ops against PyTorch: forward values and gradients (float64) on the same inputs."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F

import engine as tf

R = np.random.default_rng(11)


def nchw(x):
    return x.permute(0, 3, 1, 2)


def nhwc(x):
    return x.permute(0, 2, 3, 1)


LABELS = np.array([2, 0, 1, 3])
CASES = [
    ("matmul", tf.matmul, torch.matmul, [(4, 3), (3, 5)]),
    ("softmax", tf.nn.softmax, lambda x: torch.softmax(x, -1), [(4, 6)]),
    ("log_softmax", tf.nn.log_softmax, lambda x: torch.log_softmax(x, -1), [(4, 6)]),
    ("sigmoid", tf.sigmoid, torch.sigmoid, [(3, 4)]),
    ("tanh", tf.tanh, torch.tanh, [(3, 4)]),
    ("relu", tf.nn.relu, torch.relu, [(3, 4)]),
    ("softmax_xent",
     lambda y, x: tf.nn.softmax_cross_entropy_with_logits(labels=tf.nn.softmax(y), logits=x),
     lambda y, x: torch.sum(-torch.softmax(y, -1) * torch.log_softmax(x, -1), -1), [(4, 5), (4, 5)]),
    ("sparse_softmax_xent",
     lambda x: tf.nn.sparse_softmax_cross_entropy_with_logits(labels=LABELS, logits=x),
     lambda x: F.cross_entropy(x, torch.from_numpy(LABELS), reduction="none"), [(4, 5)]),
    ("sigmoid_xent",
     lambda z, x: tf.nn.sigmoid_cross_entropy_with_logits(labels=tf.sigmoid(z), logits=x),
     lambda z, x: F.binary_cross_entropy_with_logits(x, torch.sigmoid(z), reduction="none"),
     [(3, 4), (3, 4)]),
    ("conv2d_valid", lambda x, f: tf.nn.conv2d(x, f, 1, "VALID"),
     lambda x, f: nhwc(F.conv2d(nchw(x), f.permute(3, 2, 0, 1))), [(2, 6, 6, 3), (3, 3, 3, 4)]),
    ("conv2d_same_stride2", lambda x, f: tf.nn.conv2d(x, f, 2, "SAME"),
     lambda x, f: nhwc(F.conv2d(F.pad(nchw(x), (0, 1, 0, 1)), f.permute(3, 2, 0, 1), stride=2)),
     [(2, 6, 6, 2), (3, 3, 2, 3)]),  # SAME pads 0 before, 1 after, as TensorFlow does
    ("max_pool", lambda x: tf.nn.max_pool2d(x, 2, 2, "VALID"),
     lambda x: nhwc(F.max_pool2d(nchw(x), 2, 2)), [(2, 6, 6, 3)]),
    ("avg_pool", lambda x: tf.nn.avg_pool2d(x, 2, 2, "VALID"),
     lambda x: nhwc(F.avg_pool2d(nchw(x), 2, 2)), [(2, 6, 6, 3)]),
    ("reduce_mean_max", lambda x: tf.reduce_mean(x, axis=0) + tf.reduce_max(x, axis=0),
     lambda x: x.mean(0) + x.max(0).values, [(5, 4)]),
    ("gather", lambda p: tf.gather(p, [3, 1, 3]), lambda p: p[torch.tensor([3, 1, 3])], [(4, 3)]),
    ("broadcast_div_pow", lambda x, y: (x / (y * y + 1.0)) ** 2.0, lambda x, y: (x / (y * y + 1.0)) ** 2.0,
     [(3, 4), (4,)]),
]


@pytest.mark.parametrize("ours, theirs, shapes", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_forward_and_gradient_match_torch(ours, theirs, shapes):
    arrays = [R.normal(size=s) for s in shapes]
    weights = None
    ts = [tf.constant(a) for a in arrays]
    with tf.GradientTape() as tape:
        tape.watch(ts)
        out = ours(*ts)
        weights = R.uniform(0.5, 1.5, size=out.shape)
        loss = tf.reduce_sum(out * weights)
    our_grads = tape.gradient(loss, ts)

    pts = [torch.tensor(a, requires_grad=True) for a in arrays]
    pout = theirs(*pts)
    (pout * torch.from_numpy(weights)).sum().backward()

    np.testing.assert_allclose(out.numpy(), pout.detach().numpy(), rtol=1e-10, atol=1e-12)
    for g, p in zip(our_grads, pts, strict=True):
        np.testing.assert_allclose(g.numpy(), p.grad.numpy(), rtol=1e-9, atol=1e-12)


def test_float32_logistic_regression_step_matches_torch():
    x = R.normal(size=(100, 64)).astype(np.float32)
    labels = np.eye(10, dtype=np.float32)[R.integers(0, 10, 100)]
    w = tf.Variable(np.zeros((64, 10), np.float32))
    with tf.GradientTape() as tape:
        loss = tf.reduce_mean(-tf.reduce_sum(labels * tf.log(tf.nn.softmax(tf.matmul(x, w))), axis=1))
    (g,) = tape.gradient(loss, [w])
    pw = torch.zeros(64, 10, requires_grad=True)
    ploss = (-(torch.from_numpy(labels) * torch.log_softmax(torch.from_numpy(x) @ pw, 1)).sum(1)).mean()
    ploss.backward()
    assert g.dtype == tf.float32
    np.testing.assert_allclose(loss.numpy(), ploss.item(), rtol=1e-6)
    np.testing.assert_allclose(g.numpy(), pw.grad.numpy(), rtol=1e-5, atol=1e-7)
