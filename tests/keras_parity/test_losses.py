"""Every loss of ``engine.keras.losses`` against real Keras 2 and 3: the value under each reduction,
with and without sample weights, and its gradient with respect to the predictions (cases in
``loss_cases.py``)."""

from __future__ import annotations

import numpy as np
import pytest

from tests.keras_parity.harness import PEERS, close, engine, ours, params, tf
from tests.keras_parity.loss_cases import LOSSES

B, T, C = 4, 3, 5


def loss_data(kind, seed=0):
    r = np.random.default_rng(seed)
    lead = (B, T) if kind.endswith("-seq") else (B,)
    base = kind.removesuffix("-seq")
    logits = r.normal(size=lead + (C,)).astype("f4")
    probs = (np.exp(logits) / np.exp(logits).sum(-1, keepdims=True)).astype("f4")
    labels = r.integers(0, C, lead)
    if base in ("probs", "logits"):
        return np.eye(C, dtype="f4")[labels], probs if base == "probs" else logits
    if base.startswith("sparse"):
        y = labels[..., None] if base == "sparse-column" else labels
        return y.astype("f4"), logits if base == "sparse-logits" else probs
    if base.startswith("binary"):
        shape = lead + ((1,) if base == "binary-column" else (C,))
        y = r.integers(0, 2, shape).astype("f4")
        z = r.normal(size=shape).astype("f4")
        return y, z if base == "binary-logits" else (1 / (1 + np.exp(-z))).astype("f4")
    return r.normal(size=lead + (C,)).astype("f4"), r.normal(size=lead + (C,)).astype("f4")


def _ours(fn, y_true, y_pred, cot, **kw):
    p = engine.constant(y_pred)
    with engine.GradientTape() as tape:
        tape.watch(p)
        value = fn(y_true, p, **kw)
        total = engine.reduce_sum(value * cot(np.shape(value)))
    return [np.asarray(value), np.asarray(tape.gradient(total, p))]


def _theirs(fn, y_true, y_pred, cot, **kw):
    p = tf.constant(y_pred)
    with tf.GradientTape() as tape:
        tape.watch(p)
        value = fn(tf.constant(y_true), p, **kw)
        total = tf.reduce_sum(value * cot(np.shape(value)))
    return [np.asarray(value), np.asarray(tape.gradient(total, p))]


def _cot(shape):
    return np.random.default_rng(3).normal(size=shape).astype("f4")


@pytest.mark.parametrize("case, gen", params(LOSSES))
def test_loss_matches_keras(case, gen):
    y_true, y_pred = loss_data(case.arg)
    mine, theirs = case.build(ours), case.build(PEERS[gen])
    if not isinstance(mine, ours.losses.Loss):  # a function: per-sample values
        close(_ours(mine, y_true, y_pred, _cot), _theirs(theirs, y_true, y_pred, _cot), f"{case.id} {gen}")
        return
    r = np.random.default_rng(4)
    weights = [r.uniform(0, 2, B).astype("f4")]  # per sample
    if gen == "keras2":  # (batch, 1) squeezed to it; Keras 3 expands the values instead: (batch, 1) out
        weights.append(weights[0][:, None])
    if case.arg.endswith("-seq"):  # per step; Keras 3 refuses per-sample weights on sequence losses
        weights = [r.uniform(0, 2, (B, T)).astype("f4")] + (weights[:1] if gen == "keras2" else [])
    for reduction in ("sum_over_batch_size", "sum", "none"):
        mine.reduction = theirs.reduction = reduction
        for kw in [{}] + [{"sample_weight": w} for w in weights]:
            close(_ours(mine, y_true, y_pred, _cot, **kw), _theirs(theirs, y_true, y_pred, _cot, **kw),
                  f"{case.id} {gen} reduction={reduction} weights={np.shape(kw.get('sample_weight'))}")
