"""``keras.optimizers.schedules`` against Keras 2 and 3: the same rate at every step, the same
configs, and an optimizer driven by a schedule taking the same steps."""

from __future__ import annotations

import numpy as np
import pytest

from tests.keras_api.peers import k2, k3, ours, run_k2, run_k3, run_ours, weights_and_grads

CASES = [
    ("ExponentialDecay", {"initial_learning_rate": 0.1, "decay_steps": 3, "decay_rate": 0.5}),
    ("ExponentialDecay", {"initial_learning_rate": 0.1, "decay_steps": 3, "decay_rate": 0.5,
                          "staircase": True}),
    ("PiecewiseConstantDecay", {"boundaries": [2, 5], "values": [0.1, 0.05, 0.01]}),
    ("InverseTimeDecay", {"initial_learning_rate": 0.1, "decay_steps": 2, "decay_rate": 0.5}),
    ("InverseTimeDecay", {"initial_learning_rate": 0.1, "decay_steps": 2, "decay_rate": 0.5,
                          "staircase": True}),
    ("PolynomialDecay", {"initial_learning_rate": 0.1, "decay_steps": 6}),
    ("PolynomialDecay", {"initial_learning_rate": 0.1, "decay_steps": 4, "end_learning_rate": 0.01,
                         "power": 2.0, "cycle": True}),
    ("CosineDecay", {"initial_learning_rate": 0.1, "decay_steps": 7}),
    ("CosineDecay", {"initial_learning_rate": 0.1, "decay_steps": 7, "alpha": 0.1}),
    ("CosineDecay", {"initial_learning_rate": 0.0, "decay_steps": 6, "warmup_target": 0.1,
                     "warmup_steps": 4}),
    ("CosineDecayRestarts", {"initial_learning_rate": 0.1, "first_decay_steps": 3}),
    ("CosineDecayRestarts", {"initial_learning_rate": 0.1, "first_decay_steps": 3, "t_mul": 1.0, "m_mul": 0.5,
                             "alpha": 0.2}),
]
IDS = [f"{name}-{i}" for i, (name, _) in enumerate(CASES)]
STEPS = list(range(0, 25))


def _no_name(config):
    return {k: v for k, v in config.items() if k != "name"}


@pytest.mark.parametrize(("name", "kwargs"), CASES, ids=IDS)
def test_values_match_both_generations(name, kwargs):
    mine = getattr(ours.optimizers.schedules, name)(**kwargs)
    got = np.array([float(mine(s)) for s in STEPS])
    for lib in (k2, k3):
        ref = getattr(lib.optimizers.schedules, name)(**kwargs)
        want = np.array([float(np.asarray(ref(s))) for s in STEPS])
        np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-8, err_msg=lib.__name__)


@pytest.mark.parametrize(("name", "kwargs"), CASES, ids=IDS)
def test_config_round_trip(name, kwargs):
    mine = getattr(ours.optimizers.schedules, name)(**kwargs)
    config = mine.get_config()
    assert getattr(k3.optimizers.schedules, name)(**kwargs).get_config() == config
    theirs = getattr(k2.optimizers.schedules, name)(**kwargs).get_config()
    assert theirs.pop("name") is None  # Keras 2 leaves the name unset; we follow Keras 3's default
    assert theirs == {k: v for k, v in config.items() if k != "name"}
    again = type(mine).from_config(config)
    assert again.get_config() == config
    # Keras 3's serialized form (with its module) and Keras 2's both come back
    for lib in (k3, k2):
        blob = lib.optimizers.schedules.serialize(getattr(lib.optimizers.schedules, name)(**kwargs))
        back = ours.optimizers.schedules.deserialize(blob).get_config()
        assert _no_name(back) == _no_name(config)


@pytest.mark.parametrize(("name", "kwargs"), CASES, ids=IDS)
def test_optimizer_follows_schedule(name, kwargs):
    weights, grads = weights_and_grads(steps=8)
    mine_opt = ours.optimizers.SGD(getattr(ours.optimizers.schedules, name)(**kwargs), momentum=0.9)
    mine = run_ours(mine_opt, weights, grads)
    for lib, run in ((k2, run_k2), (k3, run_k3)):
        ref = run(lib.optimizers.SGD(getattr(lib.optimizers.schedules, name)(**kwargs), momentum=0.9),
                  weights, grads)
        for a, b in zip(mine, ref, strict=True):
            np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-6)
    # the rate reported is the one the next step uses, as Keras 3 reports it
    ref3 = k3.optimizers.SGD(getattr(k3.optimizers.schedules, name)(**kwargs), momentum=0.9)
    run_k3(ref3, weights, grads)
    assert float(mine_opt.learning_rate) == pytest.approx(float(np.asarray(ref3.learning_rate)), rel=1e-6)


def test_schedule_in_optimizer_config():
    sched = ours.optimizers.schedules.ExponentialDecay(0.1, 10, 0.9)
    config = ours.optimizers.serialize(ours.optimizers.Adam(sched))
    expected = {"class_name": "ExponentialDecay", "config": sched.get_config()}
    assert config["config"]["learning_rate"] == expected
    again = ours.optimizers.deserialize(config)
    assert isinstance(again._learning_rate, ours.optimizers.schedules.ExponentialDecay)
    # a Keras 3 optimizer config with a schedule builds ours
    ref = k3.optimizers.Adam(k3.optimizers.schedules.ExponentialDecay(0.1, 10, 0.9))
    mine = ours.optimizers.deserialize(k3.optimizers.serialize(ref))
    assert mine._learning_rate.get_config() == sched.get_config()
    ref2 = k2.optimizers.Adam(k2.optimizers.schedules.ExponentialDecay(0.1, 10, 0.9))
    mine2 = ours.optimizers.deserialize(k2.optimizers.serialize(ref2))
    assert _no_name(mine2._learning_rate.get_config()) == _no_name(sched.get_config())
