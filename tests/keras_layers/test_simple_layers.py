"""LayerNormalization, the activation layers, Masking and the reshaping layers against real
Keras 2 and 3: outputs, gradients, and configs (ours, and Keras 2's and 3's, read by us)."""

from __future__ import annotations

import numpy as np
import pytest
import tensorflow as real_tf

from engine import keras as ours
from tests.keras_layers.parity import KERAS3_ON_TORCH, check_parity, keras2, keras3, layer_model, rand


def _gamma_beta(model):
    rng = np.random.default_rng(9)
    model.set_weights([rng.normal(size=w.shape).astype(np.float32) for w in model.get_weights()])


LAYER_NORM = [({}, (5, 6)), (dict(epsilon=1e-5), (7,)), (dict(axis=[1, 2]), (3, 4)), (dict(axis=1), (3, 4)),
              (dict(center=False), (5, 6)), (dict(scale=False), (5, 6)), (dict(axis=-2, epsilon=0.1), (3, 4))]


@pytest.mark.parametrize("kwargs, shape", LAYER_NORM, ids=[str(k) for k, _ in LAYER_NORM])
def test_layer_normalization(kwargs, shape):
    # Keras 3 on torch fails on one axis that is not the last (its F.layer_norm shortcut assumes
    # trailing axes): there Keras 2 is the reference.
    torch_bug = KERAS3_ON_TORCH and kwargs.get("axis") in (1, -2)
    check_parity(layer_model(lambda k: k.layers.LayerNormalization(**kwargs), shape), rand(3, *shape),
                 weights=_gamma_beta, sides=("keras2",) if torch_bug else ("keras2", "keras3"))


def test_layer_normalization_rms_scaling_keras3():
    check_parity(layer_model(lambda k: k.layers.LayerNormalization(rms_scaling=True), (4, 5)), rand(3, 4, 5),
                 sides=("keras3",), from_real_config=("keras3",), weights=_gamma_beta)


ACTIVATIONS = [("LeakyReLU", {}), ("LeakyReLU", dict(alpha=0.1)), ("ReLU", {}), ("ReLU", dict(max_value=0.8)),
               ("ReLU", dict(negative_slope=0.2)),
               ("ReLU", dict(threshold=0.3, negative_slope=0.1, max_value=1.5)),
               ("ReLU", dict(max_value=6.0)), ("Softmax", {}), ("Softmax", dict(axis=1)),
               ("Softmax", dict(axis=[1, 2]))]


@pytest.mark.parametrize("name, kwargs", ACTIVATIONS, ids=[f"{n}-{k}" for n, k in ACTIVATIONS])
def test_activation_layers(name, kwargs):
    x = rand(3, 4, 5) * 2
    x[np.abs(x) < 1e-2] = 0.5  # away from the kinks
    x[np.abs(x - 0.3) < 1e-2] = 0.5
    if name == "LeakyReLU" and "alpha" in kwargs:
        # Keras 3 spells it negative_slope (and still reads alpha, with a warning)
        def make(k):
            cls = k.layers.LeakyReLU
            return cls(alpha=kwargs["alpha"]) if k is keras2 else cls(negative_slope=kwargs["alpha"])
    else:
        def make(k):
            return getattr(k.layers, name)(**kwargs)
    check_parity(layer_model(make, (4, 5)), x)


def test_leaky_relu_reads_both_spellings():
    assert ours.layers.LeakyReLU().alpha == pytest.approx(0.3) == keras2.layers.LeakyReLU().alpha
    assert ours.layers.LeakyReLU(negative_slope=0.05).alpha == pytest.approx(0.05)
    assert keras3.layers.LeakyReLU().negative_slope == pytest.approx(0.3)
    cfg = ours.layers.LeakyReLU(negative_slope=0.05).get_config()
    assert cfg["alpha"] == pytest.approx(0.05)  # Keras 2's key, which Keras 3 reads too
    assert keras2.layers.LeakyReLU.from_config(cfg).alpha == pytest.approx(0.05)


@pytest.mark.parametrize("robust", [False, True])
def test_softmax_with_a_mask(robust):
    """Masked positions get no probability; a fully masked row is uniform in Keras 2 (adds -1e9)."""
    x = rand(3, 5)
    mask = np.array([[1, 1, 0, 1, 0], [1, 0, 0, 0, 0], [0, 0, 0, 0, 0]], bool)
    cot = rand(3, 5, seed=2)
    kw = {"robust_masking": True} if robust else {}
    t = real_tf.constant(x)
    with real_tf.GradientTape() as tape:
        tape.watch(t)
        theirs = keras2.layers.Softmax(**kw)(t, mask=real_tf.constant(mask))
        loss = real_tf.reduce_sum(theirs * cot)
    their_grad = tape.gradient(loss, t).numpy()
    import engine as tf

    e = tf.constant(x)
    with tf.GradientTape() as tape:
        tape.watch(e)
        mine = ours.layers.Softmax(**kw)(e, mask=mask)
        loss = tf.reduce_sum(mine * cot)
    np.testing.assert_allclose(mine.numpy(), theirs.numpy(), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(tape.gradient(loss, e).numpy(), their_grad, rtol=1e-5, atol=1e-6)
    k3 = keras3.ops.convert_to_numpy(keras3.layers.Softmax()(x, mask=mask))
    np.testing.assert_allclose(mine.numpy()[:2], k3[:2], rtol=1e-5, atol=1e-6)  # Keras 3 zeroes row 3


def test_softmax_mask_given_in_a_functional_call():
    x, m = ours.Input(shape=(4,)), ours.Input(shape=(4,), dtype="bool")
    model = ours.Model([x, m], ours.layers.Softmax()(x, mask=m))
    out = model.predict([np.zeros((2, 4), "f4"), np.array([[1, 1, 0, 0], [1, 0, 0, 0]], bool)])
    np.testing.assert_allclose(out, [[0.5, 0.5, 0, 0], [1, 0, 0, 0]])


def _padded_sequences():
    x = rand(4, 6, 3)
    x[0, 4:] = 0.0
    x[1, 2:] = 0.0
    x[3, :1] = 0.0  # leading padding
    return x


@pytest.mark.parametrize("rnn", ["LSTM", "GRU", "SimpleRNN"])
def test_masking_reaches_recurrent_layers(rnn):
    def build(k):
        inp = k.Input(shape=(6, 3))
        h = getattr(k.layers, rnn)(4, return_sequences=True)(k.layers.Masking()(inp))
        h = getattr(k.layers, rnn)(3)(h)
        return k.Model(inp, k.layers.Dense(2)(h))

    # (Keras 3's config holds the mask as NotEqual/Any op layers, which loading leaves out.)
    check_parity(build, _padded_sequences())


def test_masking_value_and_pooling():
    def build(k):
        inp = k.Input(shape=(6, 3))
        h = k.layers.Masking(mask_value=-1.0)(inp)
        return k.Model(inp, k.layers.GlobalAveragePooling1D()(k.layers.Dense(4)(h)))

    x = rand(3, 6, 3)
    x[0, 3:] = -1.0
    x[2, 1:] = -1.0
    check_parity(build, x)  # Keras 3's config has mask op layers, which loading leaves out


RESHAPING = [("RepeatVector", dict(n=3), (4,)), ("Permute", dict(dims=(2, 1)), (3, 4)),
             ("Permute", dict(dims=(3, 1, 2)), (2, 3, 4)), ("UpSampling1D", dict(size=3), (4, 2)),
             ("UpSampling2D", {}, (3, 4, 2)), ("UpSampling2D", dict(size=(1, 3)), (3, 4, 2)),
             ("ZeroPadding1D", dict(padding=2), (4, 2)), ("ZeroPadding1D", dict(padding=(1, 3)), (4, 2)),
             ("ZeroPadding2D", {}, (3, 4, 2)), ("ZeroPadding2D", dict(padding=(2, 1)), (3, 4, 2)),
             ("ZeroPadding2D", dict(padding=((1, 0), (2, 3))), (3, 4, 2))]


@pytest.mark.parametrize("name, kwargs, shape", RESHAPING, ids=[f"{n}-{k}" for n, k, _ in RESHAPING])
def test_reshaping(name, kwargs, shape):
    def build(k):
        inp = k.Input(shape=shape)
        return k.Model(inp, k.layers.Dense(3)(getattr(k.layers, name)(**kwargs)(inp)))

    check_parity(build, rand(2, *shape))


def test_channels_first_reshaping_matches_channels_last():
    x = rand(2, 3, 4, 2)
    for make in (lambda f: ours.layers.UpSampling2D((2, 3), data_format=f),
                 lambda f: ours.layers.ZeroPadding2D(((1, 0), (2, 1)), data_format=f)):
        last = make("channels_last")(x).numpy()
        first = make("channels_first")(np.transpose(x, (0, 3, 1, 2))).numpy()
        np.testing.assert_array_equal(np.transpose(first, (0, 2, 3, 1)), last)


def test_keras3_op_layers_that_compute_values_are_refused_by_name():
    inp = keras3.Input(shape=(3,))
    model = keras3.Model(inp, keras3.layers.Dense(2)(keras3.ops.multiply(inp, 2.0)))
    with pytest.raises(ValueError, match=r"Keras 3 op layers \['multiply'\]"):
        ours.models.model_from_json(model.to_json())
