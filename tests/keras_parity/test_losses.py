"""Every loss of ``engine.keras.losses`` against real Keras 2 and 3: the value under each reduction,
with and without sample weights, and its gradient with respect to the predictions (cases in
``loss_cases.py``)."""

from __future__ import annotations

import numpy as np
import pytest

from tests.keras_parity.harness import PEERS, B, T, close, engine, loss_data, ours, params, tf
from tests.keras_parity.loss_cases import LOSSES


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
    if not isinstance(mine, ours.losses.Loss):  # a function (or a partial of one): per-sample values
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
