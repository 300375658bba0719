"""Lambda: from code like Keras; from a config only with safe_mode=False for lambdas (Keras 3's
rule, and tf_keras 2.21's), named functions through custom_objects; Keras 2's and Keras 3's
configs both load. The lambdas read module globals (``tf``, ``keras2``, ``keras3``), which a
loaded lambda finds again in its module, as in Keras."""

from __future__ import annotations

import numpy as np
import pytest
from tf_keras.src.saving.serialization_lib import SafeModeScope

import engine as tf
from engine import keras as ours
from tests.keras_layers.parity import check_parity, keras2, keras3, rand

SUMS = {"ours": lambda x: tf.reduce_sum(x, axis=1), "keras2": lambda x: keras2.backend.sum(x, axis=1),
        "keras3": lambda x: keras3.ops.sum(x, axis=1)}


def double_it(x):
    return x * 2.0


def _build(k, side):
    inp = k.Input(shape=(4, 3))
    h = k.layers.Dense(3)(inp)
    h = k.layers.Lambda(lambda x: x * x + 1.0)(h)
    h = k.layers.Lambda(double_it, output_shape=(4, 3))(h)
    h = k.layers.Lambda(SUMS[side])(h)
    h = k.layers.Lambda(lambda x, scale: x * scale, arguments={"scale": 0.5})(h)
    return k.Model(inp, h)


def test_lambda_layers_match_keras():
    x = rand(3, 4, 3)
    mine = _build(ours, "ours")
    assert mine.outputs[0].shape == (None, 3)  # inferred by running the function
    for name, real in (("keras2", keras2), ("keras3", keras3)):
        theirs = _build(real, name)
        theirs.set_weights(mine.get_weights())
        np.testing.assert_allclose(mine.predict(x), theirs.predict(x, verbose=0), rtol=1e-6, atol=1e-6)


def test_gradients_flow_through_lambda():
    check_parity(lambda k: k.Sequential([k.Input(shape=(5,)), k.layers.Dense(4),
                                         k.layers.Lambda(lambda x: x * x * 0.5), k.layers.Dense(2)]),
                 rand(3, 5), from_real_config=(), safe_mode=False)


def test_a_lambda_config_is_refused_in_safe_mode():
    model = _build(ours, "ours")
    with pytest.raises(ValueError, match="safe_mode=False"):
        ours.models.model_from_json(model.to_json(), custom_objects={"double_it": double_it})


def test_loading_a_lambda_with_safe_mode_off(tmp_path):
    x = rand(3, 4, 3)
    model = _build(ours, "ours")
    custom = {"double_it": double_it}
    again = ours.models.model_from_json(model.to_json(), custom_objects=custom, safe_mode=False)
    again.set_weights(model.get_weights())
    np.testing.assert_allclose(again.predict(x), model.predict(x), rtol=1e-6)
    model.save(tmp_path / "m.h5")
    with pytest.raises(ValueError, match="safe_mode=False"):
        ours.models.load_model(tmp_path / "m.h5", custom_objects=custom)
    loaded = ours.models.load_model(tmp_path / "m.h5", custom_objects=custom, safe_mode=False)
    np.testing.assert_allclose(loaded.predict(x), model.predict(x), rtol=1e-6)


def test_a_named_function_needs_custom_objects():
    model = ours.Sequential([ours.Input(shape=(3,)), ours.layers.Lambda(double_it)])
    with pytest.raises(ValueError, match="custom_objects"):
        ours.models.model_from_json(model.to_json())
    again = ours.models.model_from_json(model.to_json(), custom_objects={"double_it": double_it})
    np.testing.assert_allclose(again.predict(np.ones((1, 3), "f4")), [[2, 2, 2]])


@pytest.mark.parametrize("side", ["keras2", "keras3"])
def test_real_keras_lambda_configs_load(side):
    real = {"keras2": keras2, "keras3": keras3}[side]
    theirs = real.Sequential([real.Input(shape=(3,)), real.layers.Dense(3),
                              real.layers.Lambda(lambda x: x * 3.0 - 1.0),
                              real.layers.Lambda(double_it, output_shape=(3,))])
    config = theirs.to_json()
    with pytest.raises(ValueError, match="safe_mode=False"):
        ours.models.model_from_json(config, custom_objects={"double_it": double_it})
    mine = ours.models.model_from_json(config, custom_objects={"double_it": double_it}, safe_mode=False)
    mine.set_weights(theirs.get_weights())
    x = rand(4, 3)
    np.testing.assert_allclose(mine.predict(x), theirs.predict(x, verbose=0), rtol=1e-6, atol=1e-6)


def test_keras2_reads_our_lambda_config():
    model = ours.Sequential([ours.Input(shape=(3,)), ours.layers.Lambda(lambda x: x * 3.0 - 1.0)])
    with SafeModeScope(False):
        theirs = keras2.models.model_from_json(model.to_json())
    x = rand(2, 3)
    np.testing.assert_allclose(theirs.predict(x, verbose=0), model.predict(x), rtol=1e-6)


def test_lambda_mask_function():
    layer = ours.layers.Lambda(lambda x: x, mask=lambda inputs, mask: inputs[..., 0] > 0)
    x = np.array([[[1.0], [-1.0]]], "f4")
    np.testing.assert_array_equal(np.asarray(layer.compute_mask(x)), [[True, False]])
