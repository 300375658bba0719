"""Every layer of ``engine.keras.layers`` against real Keras 2 and 3: outputs, input and weight
gradients, moving statistics (cases in ``layer_cases.py``); and small models with a loss on their
output: the loss and its gradients (``model_loss_cases.py``)."""

from __future__ import annotations

import numpy as np
import pytest

from tests.keras_parity.harness import PEERS, check_layer, check_model_loss, engine, make_inputs, ours, params
from tests.keras_parity.layer_cases import LAYERS
from tests.keras_parity.model_loss_cases import MODEL_LOSSES


@pytest.mark.parametrize("case, gen", params(LAYERS))
def test_layer_matches_keras(case, gen):
    check_layer(case, gen)


@pytest.mark.parametrize("gen", ["keras2", "keras3"])
def test_dropout_while_training_keeps_or_scales_as_keras(gen):
    """Which units drop is random on both sides; what is kept is ``x / (1 - rate)`` on both, and
    about ``rate`` of them drop."""
    (x,) = make_inputs((64, 64))
    x = np.abs(x) + 0.1
    for lib in (ours, PEERS[gen]):
        y = np.asarray(lib.layers.Dropout(0.25)(x, training=True))
        kept = y != 0
        np.testing.assert_allclose(y[kept], x[kept] / 0.75, rtol=1e-6)
        assert abs(1 - kept.mean() - 0.25) < 0.03


@pytest.mark.parametrize("gen", ["keras2", "keras3"])
def test_dropout_noise_shape_shares_the_mask_as_keras(gen):
    """``noise_shape=(None, 1, n)`` (None: the input's size) drops the same units at every step."""
    (x,) = make_inputs((32, 5, 16))
    x = np.abs(x) + 0.1
    for lib in (ours, PEERS[gen]):
        y = np.asarray(lib.layers.Dropout(0.5, noise_shape=(None, 1, 16))(x, training=True))
        ratio = y / x
        np.testing.assert_allclose(ratio, np.broadcast_to(ratio[:, :1], ratio.shape), rtol=1e-6)
        assert set(np.round(np.unique(ratio), 5)) == {0.0, 2.0}


@pytest.mark.parametrize("case, gen", params(MODEL_LOSSES))
def test_model_loss_and_gradients_match_keras(case, gen):
    check_model_loss(case, gen)


def _initial_weights(case, lib, inputs):
    model = case.build(lib)
    model(inputs if len(inputs) > 1 else inputs[0], training=False)
    return [np.asarray(w) for w in model.weights]


@pytest.mark.parametrize("case, gen", [p for p in params(LAYERS) if p.values[1] != "keras3-config"])
def test_initial_weights_are_keras_defaults(case, gen):
    """Each layer's default initializers: a weight Keras always starts the same (zeros, ones, the
    LSTM's forget bias of 1) starts exactly so here; a random one has the same scale."""
    inputs = make_inputs(case.arg)
    theirs, again = _initial_weights(case, PEERS[gen], inputs), _initial_weights(case, PEERS[gen], inputs)
    mine = _initial_weights(case, ours, [engine.constant(x) for x in inputs])
    assert [w.shape for w in mine] == [w.shape for w in theirs]
    for i, (m, t, t2) in enumerate(zip(mine, theirs, again, strict=True)):
        if np.array_equal(t, t2):
            np.testing.assert_array_equal(m, t, err_msg=f"{case.id} {gen} weight {i}")
        elif t.size >= 16:
            assert 0.5 < m.std() / t.std() < 2.0, f"{case.id} {gen} weight {i}: std {m.std()} vs {t.std()}"
            # against the larger of the peer's two draws: one draw's largest entry varies (an
            # orthogonal 3x12 kernel's: 0.50-0.84 over 300 draws), so one low draw failed ~3%
            largest = max(np.abs(t).max(), np.abs(t2).max())
            assert np.abs(m).max() <= 1.5 * largest + 1e-6, f"{case.id} {gen} weight {i}"
