"""Attention and MultiHeadAttention against real Keras 2 and 3: outputs, scores, gradients, configs."""

from __future__ import annotations

import numpy as np
import pytest

from engine import keras as ours
from tests.keras_layers.parity import _np, check_parity, keras2, keras3, rand


def _fixed(model):
    rng = np.random.default_rng(4)
    model.set_weights([rng.normal(size=w.shape).astype(np.float32) * 0.5 + (1.0 if w.ndim == 0 else 0.0)
                       for w in model.get_weights()])


ATTENTION = [({}, {}), (dict(use_scale=True), {}), (dict(score_mode="concat"), {}),
             (dict(score_mode="concat", use_scale=True), {}), ({}, dict(use_causal_mask=True)),
             ({}, dict(return_attention_scores=True))]


@pytest.mark.parametrize("with_key", [False, True])
@pytest.mark.parametrize("kwargs, call", ATTENTION, ids=[f"{k}-{c}" for k, c in ATTENTION])
def test_attention(kwargs, call, with_key):
    def build(k):
        q, v = k.Input(shape=(4, 3)), k.Input(shape=(5, 3))
        ins = [q, v]
        if with_key:
            ins.append(k.Input(shape=(5, 3)))
        return k.Model(ins, k.layers.Attention(**kwargs)(ins, **call))

    xs = [rand(2, 4, 3, seed=1), rand(2, 5, 3, seed=2)] + ([rand(2, 5, 3, seed=3)] if with_key else [])
    # Keras 3 writes call arguments (use_causal_mask, return_attention_scores) that our loader
    # keeps, so its configs load too; Keras 2 writes them into the node's kwargs, likewise.
    check_parity(build, xs, weights=_fixed)


def test_attention_with_masks_from_embeddings():
    def build(k):
        q_ids, v_ids = k.Input(shape=(4,), dtype="int32"), k.Input(shape=(5,), dtype="int32")
        emb = k.layers.Embedding(10, 3, mask_zero=True)
        out = k.layers.Attention()([emb(q_ids), emb(v_ids)])
        return k.Model([q_ids, v_ids], k.layers.GlobalAveragePooling1D()(out))

    q = np.array([[1, 2, 0, 0], [3, 4, 5, 6]])
    v = np.array([[7, 1, 2, 0, 0], [1, 0, 0, 0, 0]])
    check_parity(build, [q, v], grad_input=False)


MHA = [dict(num_heads=2, key_dim=3), dict(num_heads=3, key_dim=2, value_dim=4, use_bias=False),
       dict(num_heads=2, key_dim=4, output_shape=5)]


@pytest.mark.parametrize("kwargs", MHA, ids=[str(k) for k in MHA])
@pytest.mark.parametrize("self_attention", [True, False])
def test_multi_head_attention(kwargs, self_attention):
    def build(k):
        q = k.Input(shape=(4, 6))
        if self_attention:
            return k.Model(q, k.layers.MultiHeadAttention(**kwargs)(q, q))
        v, key = k.Input(shape=(5, 3)), k.Input(shape=(5, 2))
        return k.Model([q, v, key], k.layers.MultiHeadAttention(**kwargs)(q, v, key))

    xs = [rand(2, 4, 6)] if self_attention else [rand(2, 4, 6), rand(2, 5, 3, seed=1), rand(2, 5, 2, seed=2)]
    # Real Keras's configs pass value and key as call arguments (Keras 2: keyword refs, Keras 3:
    # more positional tensors); both load.
    check_parity(build, xs)


def test_multi_head_attention_config_call_arguments_load():
    def build(k):
        q, v = k.Input(shape=(4, 6)), k.Input(shape=(5, 6))
        out = k.layers.MultiHeadAttention(2, 3)(q, v, use_causal_mask=True)
        return k.Model([q, v], k.layers.Dense(2)(k.layers.LayerNormalization()(k.layers.Add()([q, out]))))

    check_parity(build, [rand(2, 4, 6), rand(2, 5, 6, seed=1)], weights=_fixed)


@pytest.mark.parametrize("causal", [False, True])
def test_multi_head_attention_masks_and_scores(causal):
    rng = np.random.default_rng(0)
    q, v = rand(2, 4, 6), rand(2, 5, 6, seed=1)
    mask = rng.random((2, 4, 5)) > 0.3
    mask[:, :, 0] = True  # no fully masked rows (Keras 3 zeroes those, Keras 2 spreads them evenly)
    layer = ours.layers.MultiHeadAttention(2, 3)
    out, scores = layer(q, v, attention_mask=mask, return_attention_scores=True, use_causal_mask=causal)
    for real in (keras2, keras3):
        theirs = real.layers.MultiHeadAttention(2, 3)
        theirs(q, v)
        theirs.set_weights(layer.get_weights())
        t_out, t_scores = theirs(q, v, attention_mask=mask, return_attention_scores=True,
                                 use_causal_mask=causal)
        np.testing.assert_allclose(out.numpy(), _np(t_out), rtol=1e-5, atol=1e-5)
        np.testing.assert_allclose(scores.numpy(), _np(t_scores), rtol=1e-5, atol=1e-6)


def test_multi_head_attention_weights_are_keras_weights():
    layer = ours.layers.MultiHeadAttention(2, 3, value_dim=4)
    layer(rand(1, 4, 6), rand(1, 5, 3))
    theirs = keras2.layers.MultiHeadAttention(2, 3, value_dim=4)
    theirs(rand(1, 4, 6), rand(1, 5, 3))
    assert [w.shape for w in layer.get_weights()] == [w.shape for w in theirs.get_weights()]


def test_multi_head_attention_robust_masking_keras2():
    q, v = rand(2, 4, 6), rand(2, 5, 6, seed=1)
    mask = np.random.default_rng(1).random((2, 4, 5)) > 0.4
    mask[:, :, 2] = True
    layer = ours.layers.MultiHeadAttention(2, 3, softmax_robust_masking=True)
    out = layer(q, v, attention_mask=mask)
    theirs = keras2.layers.MultiHeadAttention(2, 3, softmax_robust_masking=True)
    theirs(q, v)
    theirs.set_weights(layer.get_weights())
    np.testing.assert_allclose(out.numpy(), theirs(q, v, attention_mask=mask).numpy(), rtol=1e-5, atol=1e-5)
    assert ours.layers.MultiHeadAttention.from_config(layer.get_config()).softmax_robust_masking
