"""Optimizers against real Keras 2 (tf_keras) and Keras 3: the same initial weights and gradients,
six steps, the same weights to ~1e-6. Keras computes in float32 and we partly in float64, so a
few ulps of difference are expected; 1e-6 relative (atol 1e-6) bounds them."""

from __future__ import annotations

import numpy as np
import pytest

from tests.keras_api.peers import k2, k3, ours, run_k2, run_k3, run_ours, tf, weights_and_grads

# (our class name, kwargs): every optimizer we have, each with the options that change its math.
CASES = [
    ("SGD", {}),
    ("SGD", {"learning_rate": 0.1, "momentum": 0.9}),
    ("SGD", {"learning_rate": 0.1, "momentum": 0.9, "nesterov": True}),
    ("RMSprop", {}),
    ("RMSprop", {"learning_rate": 0.01, "rho": 0.8, "momentum": 0.5}),
    ("RMSprop", {"learning_rate": 0.01, "centered": True}),
    ("RMSprop", {"learning_rate": 0.01, "epsilon": 0.1}),  # where epsilon sits shows
    ("Adam", {}),
    ("Adam", {"learning_rate": 0.01, "amsgrad": True}),
    ("Adam", {"learning_rate": 0.01, "beta_1": 0.5, "beta_2": 0.9, "epsilon": 0.1}),
    ("Adagrad", {"learning_rate": 0.1}),
    ("Adagrad", {"learning_rate": 0.1, "initial_accumulator_value": 0.0, "epsilon": 0.01}),
    ("AdamW", {"learning_rate": 0.01}),
    ("AdamW", {"learning_rate": 0.01, "weight_decay": 0.1, "amsgrad": True}),
    ("Nadam", {"learning_rate": 0.01}),
    ("Nadam", {"learning_rate": 0.01, "beta_1": 0.8, "epsilon": 0.01}),
    ("Adamax", {"learning_rate": 0.01}),
    ("Adamax", {"learning_rate": 0.01, "beta_2": 0.9, "epsilon": 0.01}),
    ("Adadelta", {"learning_rate": 1.0}),
    ("Adadelta", {"learning_rate": 0.5, "rho": 0.8, "epsilon": 1e-3}),
    ("Ftrl", {"learning_rate": 0.1}),
    ("Ftrl", {"learning_rate": 0.1, "l1_regularization_strength": 0.01, "l2_regularization_strength": 0.1,
              "l2_shrinkage_regularization_strength": 0.05, "beta": 0.2, "learning_rate_power": -0.7}),
    ("SGD", {"learning_rate": 0.1, "momentum": 0.9, "weight_decay": 0.05}),
    ("Adam", {"learning_rate": 0.01, "clipnorm": 1.0}),
    ("RMSprop", {"learning_rate": 0.01, "clipvalue": 0.3}),
    ("Adagrad", {"learning_rate": 0.1, "global_clipnorm": 0.5}),
]
IDS = [f"{name}-{'-'.join(f'{k}={v}' for k, v in kw.items()) or 'defaults'}" for name, kw in CASES]


def _close(got, want):
    for g, w in zip(got, want, strict=True):
        np.testing.assert_allclose(g, w, rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize(("name", "kwargs"), CASES, ids=IDS)
def test_steps_match_keras3(name, kwargs):
    weights, grads = weights_and_grads()
    mine = run_ours(getattr(ours.optimizers, name)(**kwargs), weights, grads)
    _close(mine, run_k3(getattr(k3.optimizers, name)(**kwargs), weights, grads))


@pytest.mark.parametrize(("name", "kwargs"), CASES, ids=IDS)
def test_steps_match_keras2(name, kwargs):
    weights, grads = weights_and_grads()
    mine = run_ours(getattr(ours.optimizers, name)(**kwargs), weights, grads)
    _close(mine, run_k2(getattr(k2.optimizers, name)(**kwargs), weights, grads))


LEGACY = [("SGD", {"lr": 0.1, "momentum": 0.9, "decay": 0.1}), ("SGD", {"learning_rate": 0.1, "decay": 0.5}),
          ("Adam", {"lr": 0.01, "decay": 0.2}), ("RMSprop", {"learning_rate": 0.01, "decay": 0.3}),
          ("Adagrad", {"learning_rate": 0.1, "decay": 0.3}),
          ("Adamax", {"learning_rate": 0.01, "decay": 0.1}),
          ("Adadelta", {"learning_rate": 1.0, "decay": 0.1}),
          ("Nadam", {"learning_rate": 0.01, "decay": 0.1}),
          ("RMSprop", {"learning_rate": 0.01, "epsilon": 0.1}),  # epsilon outside the root there
          ("RMSprop", {"learning_rate": 0.01, "epsilon": 0.1, "centered": True}),
          ("RMSprop", {"learning_rate": 0.01, "epsilon": 0.1, "momentum": 0.5}),  # ... and inside here
          ("RMSprop", {"learning_rate": 0.01, "epsilon": 0.1, "momentum": 0.5, "centered": True}),
          ("Adagrad", {"learning_rate": 0.1, "epsilon": 0.1, "initial_accumulator_value": 0.01}),
          ("Adam", {"learning_rate": 0.01, "epsilon": 0.1, "amsgrad": True})]


@pytest.mark.parametrize(("name", "kwargs"), LEGACY, ids=[f"{n}-{sorted(k.items())}" for n, k in LEGACY])
def test_keras2_legacy_lr_and_decay(name, kwargs):
    """Keras 2's ``lr`` and time ``decay`` (``lr / (1 + decay * iterations)``), as its legacy
    optimizers (``tf.keras.optimizers.legacy``) applied them."""
    weights, grads = weights_and_grads()
    mine = run_ours(getattr(ours.optimizers.legacy, name)(**kwargs), weights, grads)
    _close(mine, run_k2(getattr(k2.optimizers.legacy, name)(**kwargs), weights, grads))


def test_iterations_is_a_variable():
    opt = ours.optimizers.Adam()
    weights, grads = weights_and_grads(steps=3)
    run_ours(opt, weights, grads)
    ref = k3.optimizers.Adam()
    run_k3(ref, weights, grads)
    assert isinstance(opt.iterations, ours.backend.KerasVariable)
    assert int(opt.iterations) == int(ref.iterations) == 3
    assert opt.iterations.numpy() == 3 and opt.iterations == 3 and opt.iterations > 2
    assert ours.backend.get_value(opt.iterations) == 3
    opt.iterations.assign(7)
    assert int(opt.iterations) == 7


def test_learning_rate_is_a_settable_variable():
    opt = ours.optimizers.SGD(0.1)
    ref = k3.optimizers.SGD(0.1)
    assert float(opt.learning_rate) == float(np.asarray(ref.learning_rate))  # float32 in both
    ours.backend.set_value(opt.learning_rate, 0.5)
    assert float(opt.lr) == 0.5 and ours.backend.get_value(opt.learning_rate) == np.float32(0.5)
    opt.learning_rate.assign(0.25)
    opt.learning_rate = 0.125
    assert float(opt.learning_rate) == 0.125
    assert opt.get_config()["learning_rate"] == 0.125


@pytest.mark.parametrize("lib", ["k3"])
def test_learning_rate_callable(lib):
    """A callable of no arguments is read at every step (Keras 2 calls it once per variable, so
    it reads a value the loop sets)."""
    module, run = {"k2": (k2, run_k2), "k3": (k3, run_k3)}[lib]
    weights, grads = weights_and_grads()
    rates = [0.1, 0.05, 0.02, 0.01, 0.005, 0.001]
    current = {}

    def before_step(i):
        current["lr"] = rates[i]

    mine = run_ours(ours.optimizers.SGD(lambda: current["lr"], momentum=0.5), weights, grads,
                    before_step=before_step)
    # tf_keras runs the step in a tf.function, which would freeze a Python number at the first
    # trace: its callable reads a variable instead
    lr_var = tf.Variable(rates[0])

    def peer_step(i):
        before_step(i)
        lr_var.assign(rates[i])

    rate = (lambda: lr_var) if lib == "k2" else (lambda: current["lr"])
    ref = run(module.optimizers.SGD(rate, momentum=0.5), weights, grads, before_step=peer_step)
    _close(mine, ref)
    plain = run_ours(ours.optimizers.SGD(lambda: current["lr"]), weights, grads, before_step=before_step)
    expected = weights[0] - sum(r * g[0] for r, g in zip(rates, grads, strict=True))
    np.testing.assert_allclose(plain[0], expected, rtol=1e-5, atol=1e-6)


def test_legacy_configs_rebuild_legacy_optimizers():
    """A config from tf_keras's legacy RMSprop rebuilds the legacy formula; a new one the new."""
    weights, grads = weights_and_grads()
    for ref_cls in (k2.optimizers.legacy.RMSprop, k2.optimizers.RMSprop, k3.optimizers.RMSprop,
                    k2.optimizers.legacy.Adagrad, k2.optimizers.Adagrad):
        ref = ref_cls(learning_rate=0.01, epsilon=0.1)
        config = (k3.optimizers.serialize(ref) if ref_cls is k3.optimizers.RMSprop
                  else k2.optimizers.serialize(ref))
        mine = ours.optimizers.deserialize(config)
        runner = run_k3 if ref_cls is k3.optimizers.RMSprop else run_k2
        _close(run_ours(mine, weights, grads), runner(ref, weights, grads))
        again = ours.optimizers.deserialize(ours.optimizers.serialize(mine))
        assert type(again) is type(mine)


def test_schedule_rate_cannot_be_set():
    opt = ours.optimizers.SGD(ours.optimizers.schedules.ExponentialDecay(0.1, 10, 0.5))
    with pytest.raises(TypeError):
        opt.learning_rate = 0.3


def test_string_identifiers():
    for name in ("sgd", "adam", "adamw", "nadam", "adamax", "adadelta", "ftrl", "rmsprop", "adagrad",
                 "AdamW"):
        opt = ours.optimizers.get(name)
        ref = k3.optimizers.get(name)
        assert type(opt).__name__ == type(ref).__name__
        assert float(opt.learning_rate) == pytest.approx(float(np.asarray(ref.learning_rate)))


@pytest.mark.parametrize(("name", "kwargs"), CASES[:22], ids=IDS[:22])
def test_config_round_trip_and_keras_configs(name, kwargs):
    opt = getattr(ours.optimizers, name)(**kwargs)
    config = opt.get_config()
    again = ours.optimizers.deserialize(ours.optimizers.serialize(opt)).get_config()
    assert again == config
    for ref in (getattr(k3.optimizers, name)(**kwargs), getattr(k2.optimizers, name)(**kwargs)):
        theirs = ref.get_config()
        for key, value in config.items():
            if key in theirs and key != "name":
                assert theirs[key] == pytest.approx(value), key
        # Their config builds ours, and the same optimizer comes out
        built = getattr(ours.optimizers, name).from_config(theirs)
        weights, grads = weights_and_grads(steps=2)
        fresh = getattr(ours.optimizers, name)(**kwargs)
        _close(run_ours(built, weights, grads), run_ours(fresh, weights, grads))


def test_optimizer_state_resumes(tmp_path):
    """get_weights/set_weights carry the slots: a resumed optimizer continues exactly."""
    weights, grads = weights_and_grads(steps=6)
    straight = run_ours(ours.optimizers.Nadam(0.01), weights, grads)
    first = ours.optimizers.Nadam(0.01)
    half = run_ours(first, weights, grads[:3])
    from engine.keras import backend

    vs = [backend.KerasVariable(w, f"dense/w{i}") for i, w in enumerate(half)]
    second = ours.optimizers.Nadam(0.01)
    second.set_weights(first.get_weights(), var_list=vs)
    for step in grads[3:]:
        second.apply_gradients(zip(step, vs, strict=True))
    _close([v.numpy() for v in vs], straight)
