"""Every optimizer of ``engine.keras.optimizers`` against real Keras 2 and 3: the variables after
each of three steps of the same gradients (cases in ``optimizer_cases.py``)."""

from __future__ import annotations

import numpy as np
import pytest

from tests.keras_parity.harness import PEERS, close, keras3, ours, params, tf
from tests.keras_parity.optimizer_cases import OPTIMIZERS

SHAPES = [(3, 4), (4,)]
STEPS = 3


def _start():
    r = np.random.default_rng(0)
    return [r.normal(size=s).astype("f4") for s in SHAPES]


def _grads(step):
    r = np.random.default_rng(100 + step)
    return [r.normal(size=s).astype("f4") for s in SHAPES]


@pytest.mark.parametrize("case, gen", params(OPTIMIZERS))
def test_optimizer_steps_match_keras(case, gen):
    mine, theirs = case.build(ours), case.arg(PEERS[gen])
    ours_vars = [ours.backend.KerasVariable(v, f"v{i}") for i, v in enumerate(_start())]
    make = keras3.Variable if gen == "keras3" else tf.Variable
    their_vars = [make(v) for v in _start()]
    for step in range(STEPS):
        grads = _grads(step)
        mine.apply_gradients(zip(grads, ours_vars, strict=True))
        theirs.apply_gradients(zip([tf.constant(g) for g in grads], their_vars, strict=True))
        close([v.numpy() for v in ours_vars], [np.asarray(v.numpy()) for v in their_vars],
              f"{case.id} {gen} step {step + 1}", atol=1e-6)
