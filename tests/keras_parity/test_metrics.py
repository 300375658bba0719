"""Every metric of ``engine.keras.metrics`` against real Keras 2 and 3: the result after several
``update_state`` calls (one weighted), and after ``reset_state`` (cases in ``metric_cases.py``)."""

from __future__ import annotations

import numpy as np
import pytest

from tests.keras_parity.harness import PEERS, B, close, loss_data, ours, params
from tests.keras_parity.metric_cases import METRICS


def batches(kind):
    out = []
    for seed in range(3):
        r = np.random.default_rng(10 + seed)
        if kind == "values":
            out.append((r.normal(size=(B, 2)).astype("f4"),))
        elif kind == "labels":
            out.append((r.integers(0, 3, (B, 2)).astype("f4"), r.integers(0, 3, (B, 2)).astype("f4")))
        else:
            out.append(loss_data(kind, seed=seed))
    return out


def _weights(data, seed):
    lead = np.shape(data[-1])[:2] if data[-1].ndim > 2 else (B,)
    return np.random.default_rng(seed).uniform(0, 2, lead).astype("f4")


@pytest.mark.parametrize("case, gen", params(METRICS))
def test_metric_matches_keras(case, gen):
    data = batches(case.arg)
    mine, theirs = case.build(ours), case.build(PEERS[gen])
    if not isinstance(mine, ours.metrics.Metric):  # a function: per-sample values
        close([np.asarray(mine(*data[0]))], [np.asarray(theirs(*data[0]))], f"{case.id} {gen}")
        return
    results = []
    for m in (mine, theirs):
        got = []
        for i, batch in enumerate(data):
            m.update_state(*batch, **({"sample_weight": _weights(batch, i)} if i == 1 else {}))
            got.append(float(m.result()))
        m.reset_state()
        m.update_state(*data[2])
        got.append(float(m.result()))
        results.append(np.array(got))
    close(results[:1], results[1:], f"{case.id} {gen} results")
