"""Every activation of ``engine.keras.activations`` against real Keras 2 and 3: values and
gradients on a float32 batch that spans the kinks (cases in ``activation_cases.py``)."""

from __future__ import annotations

import numpy as np
import pytest

from tests.keras_parity.activation_cases import ACTIVATIONS
from tests.keras_parity.harness import PEERS, close, engine, ours, params, tf


def batch():
    x = np.random.default_rng(0).normal(scale=3.0, size=(4, 3, 7)).astype("f4")
    x[0, 0, :] = [-3.0, -1.0, 0.0, 0.3, 1.0, 3.0, 6.0]  # the kinks of relu/hard_sigmoid/relu6
    x += 1e-3  # no input exactly on a kink: there the two sides may pick different one-sided slopes
    return x


def ours_of(case):
    from engine.keras.activations import hard_sigmoid_keras3

    return hard_sigmoid_keras3 if case.build == "hard_sigmoid_keras3" else getattr(ours.activations,
                                                                                  case.build)


@pytest.mark.parametrize("case, gen", params(ACTIVATIONS))
def test_activation_matches_keras(case, gen):
    x = batch()
    r = np.random.default_rng(1).normal(size=x.shape).astype("f4")
    fn, kwargs = ours_of(case), case.opts["kwargs"]
    theirs, their_kwargs = PEERS[gen].activations.get(case.arg), case.opts["theirs"][gen]
    xe = engine.constant(x)
    with engine.GradientTape() as tape:
        tape.watch(xe)
        y = fn(xe, **kwargs)
        total = engine.reduce_sum(y * r)
    mine = [np.asarray(y), np.asarray(tape.gradient(total, xe))]
    xt = tf.constant(x)
    with tf.GradientTape() as tape:
        tape.watch(xt)
        y = theirs(xt, **their_kwargs)
        total = tf.reduce_sum(y * r)
    close(mine, [np.asarray(y), np.asarray(tape.gradient(total, xt))], f"{case.id} {gen}")
