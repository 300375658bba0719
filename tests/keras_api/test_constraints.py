"""keras.constraints against Keras 2 and 3: the same projection of the same weights, applied
after each optimizer step, accepted by the layers' *_constraint arguments and in configs."""

from __future__ import annotations

import numpy as np
import pytest

from tests.keras_api.peers import k2, k3, ours, run_k2, run_k3, run_ours, weights_and_grads

CASES = [("MaxNorm", {}), ("MaxNorm", {"max_value": 0.5, "axis": 1}), ("NonNeg", {}), ("UnitNorm", {}),
         ("UnitNorm", {"axis": 1}), ("MinMaxNorm", {"min_value": 0.5, "max_value": 0.8, "rate": 0.7})]
IDS = [f"{n}-{sorted(k.items())}" for n, k in CASES]


@pytest.mark.parametrize(("name", "kwargs"), CASES, ids=IDS)
def test_projection_and_config(name, kwargs):
    w = np.random.default_rng(1).normal(size=(4, 3)).astype("float32")
    mine = getattr(ours.constraints, name)(**kwargs)
    for lib in (k2, k3):
        ref = getattr(lib.constraints, name)(**kwargs)
        want = np.asarray(ref(lib.backend.constant(w) if lib is k2 else k3.ops.convert_to_tensor(w)))
        np.testing.assert_allclose(mine(w), want, rtol=1e-6, atol=1e-7)
        assert mine.get_config() == ref.get_config()
        assert type(ours.constraints.deserialize(lib.constraints.serialize(ref))) is type(mine)


@pytest.mark.parametrize(("name", "kwargs"), CASES, ids=IDS)
def test_applied_after_each_step(name, kwargs):
    weights, grads = weights_and_grads(shapes=((4, 3),))
    mine = run_ours(ours.optimizers.SGD(0.5, momentum=0.9), weights, grads,
                    constraint=getattr(ours.constraints, name)(**kwargs))
    for lib, run in ((k2, run_k2), (k3, run_k3)):
        ref = run(lib.optimizers.SGD(0.5, momentum=0.9), weights, grads,
                  constraint=getattr(lib.constraints, name)(**kwargs))
        np.testing.assert_allclose(mine[0], ref[0], rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("identifier", ["max_norm", "non_neg", "unit_norm", "min_max_norm", "MaxNorm"])
def test_string_identifiers(identifier):
    assert type(ours.constraints.get(identifier)).__name__ == type(k3.constraints.get(identifier)).__name__


def _build(lib):
    return lib.Sequential([
        lib.Input((6, 6, 1)),
        lib.layers.Conv2D(2, 3, kernel_constraint="non_neg", bias_constraint=lib.constraints.MaxNorm(0.1)),
        lib.layers.Flatten(),
        lib.layers.Dense(3, kernel_constraint=lib.constraints.UnitNorm(), activation="softmax"),
    ])


def test_layers_fit_with_constraints():
    """A model whose layers carry constraints trains to the same weights as Keras 3's."""
    rng = np.random.default_rng(2)
    x = rng.normal(size=(16, 6, 6, 1)).astype("float32")
    y = rng.integers(0, 3, 16)
    mine, ref = _build(ours), _build(k3)
    ref.set_weights(mine.get_weights())
    for model, lib in ((mine, ours), (ref, k3)):
        model.compile(lib.optimizers.SGD(0.1), "sparse_categorical_crossentropy")
        model.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0)
    for a, b in zip(mine.get_weights(), ref.get_weights(), strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-5)
    assert (mine.layers[0].kernel.numpy() >= 0).all()
    np.testing.assert_allclose(np.linalg.norm(mine.layers[2].kernel.numpy(), axis=0), 1.0, rtol=1e-5)


def test_constraints_in_layer_configs():
    ref = k3.layers.Dense(3, kernel_constraint="max_norm", bias_constraint="non_neg")
    mine = ours.layers.Dense.from_config(ref.get_config())
    assert isinstance(mine.kernel_constraint, ours.constraints.MaxNorm)
    assert isinstance(mine.bias_constraint, ours.constraints.NonNeg)
    back = k3.layers.Dense.from_config(ours.layers.Dense(3, kernel_constraint="unit_norm").get_config())
    assert isinstance(back.kernel_constraint, k3.constraints.UnitNorm)
    emb = ours.layers.Embedding.from_config(
        k2.layers.Embedding(10, 4, embeddings_constraint="unit_norm").get_config())
    assert isinstance(emb.embeddings_constraint, ours.constraints.UnitNorm)
