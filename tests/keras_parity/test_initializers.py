"""Every initializer of ``engine.keras.initializers`` against real Keras 2 and 3: constant ones
exactly, random ones by the statistics of a large draw (cases in ``initializer_cases.py``)."""

from __future__ import annotations

import numpy as np
import pytest

from tests.keras_parity.harness import PEERS, close, ours, params
from tests.keras_parity.initializer_cases import INITIALIZERS


def draw(init, shape):
    return np.asarray(init(shape, dtype="float32"))


def stats(x):
    std = x.std()
    return {"mean": x.mean(), "std": std, "absmax": np.abs(x - x.mean()).max(),
            "beyond_2std": float((np.abs(x - x.mean()) > 2 * std).mean())}


def _gram(x):
    flat = x.reshape(-1, x.shape[-1])
    return flat.T @ flat if flat.shape[0] >= flat.shape[1] else flat @ flat.T


@pytest.mark.parametrize("case, gen", params(INITIALIZERS))
def test_initializer_matches_keras(case, gen):
    shape, kind = case.arg, case.opts["kind"]
    for seeded in (ours.backend, PEERS[gen].utils):  # the same draws every run: no flaky statistics
        seeded.set_random_seed(0)
    mine, theirs = draw(case.build(ours), shape), draw(case.build(PEERS[gen]), shape)
    assert mine.shape == theirs.shape == shape and mine.dtype == theirs.dtype == np.float32
    if kind == "exact":
        close([mine], [theirs], f"{case.id} {gen}", atol=0, rtol=0)
        return
    if kind == "orthogonal":  # rows or columns orthonormal, times the gain: the same Gram on both sides
        close([_gram(mine)], [_gram(theirs)], f"{case.id} {gen}", atol=1e-5)
        return
    s, t = stats(mine), stats(theirs)
    scale = t["std"]
    assert abs(s["mean"] - t["mean"]) < 0.03 * scale, (s, t)
    assert abs(s["std"] / t["std"] - 1) < 0.03, (s, t)
    assert abs(s["beyond_2std"] - t["beyond_2std"]) < 0.006, (s, t)  # normal 4.6%, truncated and uniform 0
    if t["beyond_2std"] < 0.01:  # bounded: the bound is the same (uniform's limit, two truncation stddevs)
        assert abs(s["absmax"] / t["absmax"] - 1) < 0.02, (s, t)
