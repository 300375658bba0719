"""Every layer: gradients against finite differences (one shared helper), output shapes as
``compute_output_shape`` promises, config round trips, weights and their Keras names."""

from __future__ import annotations

import numpy as np
import pytest

from engine import keras
from engine.framework.tape import GradientTape
from engine.keras import layers
from engine.keras.layers import recurrent
from engine.ops import gru_ops, lstm_ops, rnn_ops
from tests.engine.gradcheck import check_gradients, check_layer_gradients

RNG = np.random.default_rng(0)


def _x(*shape):
    return RNG.normal(size=shape)


# -- gradients: every layer ------------------------------------------------------------------------
LAYER_CASES = [
    ("dense_linear", lambda: layers.Dense(3), _x(4, 5), {}),
    ("dense_relu", lambda: layers.Dense(3, activation="relu"), _x(4, 5), {}),
    ("dense_softmax", lambda: layers.Dense(3, activation="softmax"), _x(4, 5), {}),
    ("dense_rank3", lambda: layers.Dense(3, activation="tanh"), _x(2, 3, 5), {}),
    ("dense_no_bias", lambda: layers.Dense(2, use_bias=False, activation="sigmoid"), _x(4, 3), {}),
    ("dense_l2", lambda: layers.Dense(2, kernel_regularizer="l2"), _x(4, 3), {}),
    *[(f"activation_{name}", (lambda n=name: layers.Activation(n)), _x(3, 4) * 2, {})
      for name in ("relu", "sigmoid", "hard_sigmoid", "tanh", "softmax", "linear", "elu", "gelu", "softplus",
                   "swish", "selu")],
    ("flatten", lambda: layers.Flatten(), _x(2, 3, 4), {}),
    ("reshape", lambda: layers.Reshape((4, 3)), _x(2, 12), {}),
    ("dropout_inference", lambda: layers.Dropout(0.5), _x(3, 4), {}),
    ("simple_rnn", lambda: layers.SimpleRNN(3), _x(2, 4, 3), {}),
    ("simple_rnn_seq_relu", lambda: layers.SimpleRNN(3, activation="relu", return_sequences=True),
     _x(2, 4, 3), {}),
    ("gru", lambda: layers.GRU(3), _x(2, 4, 3), {}),
    ("gru_seq_state", lambda: layers.GRU(3, return_sequences=True, return_state=True), _x(2, 4, 3), {}),
    ("gru_backwards_hard", lambda: layers.GRU(2, recurrent_activation="hard_sigmoid", go_backwards=True),
     _x(2, 3, 3), {}),
    ("gru_reset_before", lambda: layers.GRU(3, reset_after=False, return_sequences=True), _x(2, 4, 3), {}),
    ("gru_reset_before_hard", lambda: layers.GRU(2, reset_after=False, recurrent_activation="hard_sigmoid"),
     _x(2, 3, 3), {}),
    ("lstm", lambda: layers.LSTM(3), _x(2, 4, 3), {}),
    ("lstm_seq_state", lambda: layers.LSTM(3, return_sequences=True, return_state=True), _x(2, 4, 3), {}),
    ("lstm_hard_sigmoid", lambda: layers.LSTM(2, recurrent_activation="hard_sigmoid"), _x(2, 4, 3), {}),
    ("lstm_hard_sigmoid_keras3",
     lambda: layers.LSTM(2, recurrent_activation=keras.activations.hard_sigmoid_keras3), _x(2, 4, 3) * 3, {}),
    ("activation_hard_sigmoid_keras3", lambda: layers.Activation(keras.activations.hard_sigmoid_keras3),
     _x(3, 4) * 4, {}),
    ("conv2d_valid", lambda: layers.Conv2D(2, 3, activation="relu"), _x(2, 5, 5, 2), {}),
    ("conv2d_same_strided", lambda: layers.Conv2D(2, (2, 3), strides=2, padding="same"), _x(1, 5, 6, 1), {}),
    ("maxpool", lambda: layers.MaxPooling2D(), _x(2, 4, 4, 2), {}),
    ("maxpool_same", lambda: layers.MaxPooling2D(3, strides=2, padding="same"), _x(1, 5, 5, 1), {}),
    ("batchnorm_train", lambda: layers.BatchNormalization(), _x(6, 3), {"training": True}),
    ("batchnorm_infer", lambda: layers.BatchNormalization(), _x(6, 3), {"training": False}),
    ("batchnorm_4d", lambda: layers.BatchNormalization(), _x(2, 3, 3, 2), {"training": True}),
    ("concatenate", lambda: layers.Concatenate(), [_x(2, 3), _x(2, 2)], {}),
    ("concatenate_axis1", lambda: layers.Concatenate(axis=1), [_x(2, 3, 2), _x(2, 1, 2)], {}),
    ("add", lambda: layers.Add(), [_x(2, 3), _x(2, 3), _x(2, 3)], {}),
]


CASE_ARGS = [c[1:] for c in LAYER_CASES]
CASE_IDS = [c[0] for c in LAYER_CASES]


@pytest.mark.parametrize("make, inputs, kwargs", CASE_ARGS, ids=CASE_IDS)
def test_layer_gradients_match_finite_differences(float64, make, inputs, kwargs):
    check_layer_gradients(make(), inputs if isinstance(inputs, list) else inputs.copy(), call_kwargs=kwargs)


def test_embedding_gradient(float64):
    layer = layers.Embedding(6, 3)
    check_layer_gradients(layer, np.array([[1, 2, 2], [5, 0, 1]]))


def test_masked_lstm_and_gru_gradients(float64):
    ids = np.array([[3, 1, 2, 0, 0], [1, 4, 4, 2, 1]])
    for rnn in (layers.LSTM(3, return_sequences=True), layers.GRU(3), layers.GRU(2, reset_after=False),
                layers.SimpleRNN(2)):
        model = keras.Sequential([layers.Embedding(5, 2, mask_zero=True, input_length=5), rnn])
        check_layer_gradients(model, ids)


def test_functional_model_gradients_as_one_layer(float64):
    a, b = keras.Input(shape=(3,)), keras.Input(shape=(2,))
    h = layers.Concatenate()([layers.Dense(4, activation="tanh")(a), b])
    out = layers.Add()([layers.Dense(2)(h), layers.Dense(2, activation="sigmoid")(h)])
    check_layer_gradients(keras.Model([a, b], out), [_x(3, 3), _x(3, 2)])


# -- the fused ops, eagerly and in graphs, with the engine's own op checker -------------------------------
def test_fused_recurrent_ops_in_eager_and_graph_mode():
    b, t, d, u = 2, 3, 2, 2
    mask = np.array([[1, 1, 0], [0, 1, 1]], np.float64)
    rec_mask = RNG.uniform(0.5, 1.5, (b, u))
    for ract in ("sigmoid", "hard_sigmoid"):
        def lstm(x, h, c, k, r, bias, ract=ract):
            return lstm_ops.lstm(x, h, c, k, r, bias, mask, rec_mask, recurrent_activation=ract)[0]

        def gru(x, h, k, r, bias, ract=ract):
            return gru_ops.gru(x, h, k, r, bias, mask, rec_mask, recurrent_activation=ract)[1]

        check_gradients(lstm, [_x(b, t, d), _x(b, u), _x(b, u), _x(d, 4 * u), _x(u, 4 * u), _x(4 * u)],
                        batch_none=False)
        check_gradients(gru, [_x(b, t, d), _x(b, u), _x(d, 3 * u), _x(u, 3 * u), _x(2, 3 * u)],
                        batch_none=False)
    check_gradients(lambda x, h, k, r, bias: gru_ops.gru_v1(x, h, k, r, bias, mask, rec_mask)[0],
                    [_x(b, t, d), _x(b, u), _x(d, 3 * u), _x(u, 3 * u), _x(3 * u)], batch_none=False)
    check_gradients(lambda x, h, k, r, bias: rnn_ops.simple_rnn(x, h, k, r, bias, mask, rec_mask)[0],
                    [_x(b, t, d), _x(b, u), _x(d, u), _x(u, u), _x(u)], batch_none=False)


def test_fused_dense_hard_sigmoid_and_gelu_ops():
    from engine.ops import fused_ops

    check_gradients(lambda x, k, b: fused_ops.dense(x, k, b, "relu"), [_x(3, 4), _x(4, 2), _x(2)])
    check_gradients(lambda x: fused_ops.hard_sigmoid(x * 3), [_x(3, 4)])
    check_gradients(lambda x: fused_ops.gelu(x), [_x(3, 4)], rtol=1e-4)


def test_gelu_matches_the_exact_normal_cdf():
    import math

    from engine.ops import fused_ops

    x = np.linspace(-6, 6, 101)
    exact = np.array([0.5 * v * (1 + math.erf(v / math.sqrt(2))) for v in x])
    np.testing.assert_allclose(fused_ops._gelu(x), exact, atol=1e-7)


def test_hard_sigmoid_is_keras2s_piecewise_line_and_keras3s_loads_from_keras_3_configs():
    x = np.array([-4.0, -1.0, 0.0, 1.0, 4.0])
    np.testing.assert_allclose(keras.activations.hard_sigmoid(x).numpy(), [0.0, 0.3, 0.5, 0.7, 1.0])
    np.testing.assert_allclose(keras.activations.hard_sigmoid_keras3(x).numpy(), np.clip(x / 6 + 0.5, 0, 1))
    keras3 = {"module": "keras.layers", "class_name": "Dense", "registered_name": None,
              "config": {"name": "d", "units": 1, "activation": "hard_sigmoid", "use_bias": False}}
    from engine.keras.saving import deserialize_layer

    layer = deserialize_layer(keras3)
    assert layer.activation is keras.activations.hard_sigmoid_keras3
    assert layer.get_config()["activation"]["config"] == "hard_sigmoid"  # Keras 3's function form
    assert deserialize_layer({"class_name": "Dense", "config": layer.get_config()}).activation is \
        keras.activations.hard_sigmoid_keras3
    keras2 = {"class_name": "Dense", "config": {"name": "d2", "units": 1, "activation": "hard_sigmoid"}}
    assert deserialize_layer(keras2).activation is keras.activations.hard_sigmoid


# -- shapes, weights, configs --------------------------------------------------------------------------
@pytest.mark.parametrize("make, inputs, kwargs", CASE_ARGS, ids=CASE_IDS)
def test_symbolic_shape_matches_eager_output(make, inputs, kwargs):
    layer = make()
    arrays = inputs if isinstance(inputs, list) else [inputs]
    sym = [keras.Input(shape=a.shape[1:]) for a in arrays]
    out_sym = layer(sym if isinstance(inputs, list) else sym[0])
    out = layer([a.astype("float32") for a in arrays] if isinstance(inputs, list) else
                arrays[0].astype("float32"), **kwargs)
    outs_sym = out_sym if isinstance(out_sym, list) else [out_sym]
    outs = out if isinstance(out, list) else [out]
    for s, o in zip(outs_sym, outs, strict=True):
        assert s.shape == (None,) + tuple(o.shape)[1:]


@pytest.mark.parametrize("make, inputs, kwargs", CASE_ARGS, ids=CASE_IDS)
def test_config_round_trip_rebuilds_an_equal_layer(make, inputs, kwargs):
    layer = make()
    x = [a.astype("float32") for a in inputs] if isinstance(inputs, list) else inputs.astype("float32")
    y = layer(x)
    config = layer.get_config()
    clone = type(layer).from_config(config)
    assert clone.get_config() == config
    clone(x)
    clone.set_weights(layer.get_weights())
    y2 = clone(x)
    for a, b in zip(y if isinstance(y, list) else [y], y2 if isinstance(y2, list) else [y2], strict=True):
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-6)


def test_weight_names_shapes_and_order_follow_keras():
    model = keras.Sequential([layers.Embedding(10, 4, input_length=3), layers.LSTM(5, return_sequences=True),
                              layers.GRU(2), layers.BatchNormalization(), layers.Dense(1)])
    names = [(w.name, tuple(w.shape)) for w in model.weights]
    assert names == [("embedding/embeddings:0", (10, 4)),
                     ("lstm/kernel:0", (4, 20)), ("lstm/recurrent_kernel:0", (5, 20)), ("lstm/bias:0", (20,)),
                     ("gru/kernel:0", (5, 6)), ("gru/recurrent_kernel:0", (2, 6)), ("gru/bias:0", (2, 6)),
                     ("batch_normalization/gamma:0", (2,)), ("batch_normalization/beta:0", (2,)),
                     ("batch_normalization/moving_mean:0", (2,)),
                     ("batch_normalization/moving_variance:0", (2,)),
                     ("dense/kernel:0", (2, 1)), ("dense/bias:0", (1,))]
    lstm_bias = model.layers[1].bias.numpy()
    np.testing.assert_array_equal(lstm_bias[5:10], 1.0)  # unit_forget_bias
    assert len(model.trainable_weights) == 11 and len(model.non_trainable_weights) == 2


def test_trainable_false_freezes_a_layer():
    x, y = _x(16, 3).astype("float32"), _x(16, 1).astype("float32")
    frozen = layers.Dense(4)
    model = keras.Sequential([frozen, layers.Dense(1)])
    model.build((None, 3))
    frozen.trainable = False
    before = frozen.get_weights()
    model.compile("sgd", "mse")
    model.fit(x, y, epochs=2, verbose=0)
    for a, b in zip(before, frozen.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)
    assert len(model.trainable_weights) == 2


def test_set_weights_names_the_bad_shape():
    layer = layers.Dense(3)
    layer.build((None, 2))
    with pytest.raises(ValueError, match=r"dense/kernel:0.*\(2, 3\).*\(3, 3\)"):
        layer.set_weights([np.zeros((3, 3)), np.zeros(3)])


def test_bad_arguments_say_what_they_got():
    with pytest.raises(ValueError, match="units must be a positive integer, got -1"):
        layers.Dense(-1)
    with pytest.raises(TypeError, match="unexpected keyword arguments \\['colour'\\]"):
        layers.Dense(3, colour="red")
    with pytest.raises(ValueError, match="unknown activation 'relux'"):
        layers.Dense(3, activation="relux")
    with pytest.raises(ValueError, match="ids must lie in \\[0, 4\\)"):
        layers.Embedding(4, 2)(np.array([[1, 7]]))


def test_seed_lstm_signature_and_module_paths():
    from engine.keras.layers.embeddings import Embedding
    from engine.keras.layers.recurrent import LSTM

    lstm = LSTM(8, activation="tanh", recurrent_activation="hard_sigmoid", recurrent_initializer="orthogonal",
                recurrent_regularizer=None, bias_regularizer=None, dropout=0.1, recurrent_dropout=0.1,
                return_sequences=False)
    emb = Embedding(50, 4, embeddings_initializer="uniform", mask_zero=False)
    model = keras.Sequential([emb, lstm, layers.Dense(1)])
    out = model.predict(np.array([[1, 2, 3], [4, 5, 6]]))
    assert out.shape == (2, 1)
    rk = lstm.recurrent_kernel.numpy()
    np.testing.assert_allclose(rk @ rk.T, np.eye(8), atol=1e-5)  # orthogonal rows
    assert recurrent.LSTM is LSTM


def test_dropout_and_recurrent_dropout_only_while_training():
    x = np.ones((4, 3, 2), "float32")
    lstm = layers.LSTM(3, dropout=0.5, recurrent_dropout=0.5)
    a, b = lstm(x).numpy(), lstm(x).numpy()
    np.testing.assert_array_equal(a, b)
    c = lstm(x, training=True).numpy()
    assert not np.allclose(a, c)
    drop = layers.Dropout(0.5)
    y = drop(np.ones((100, 100), "float32"), training=True).numpy()
    assert set(np.unique(y)) <= {0.0, 2.0} and 0.4 < (y == 0).mean() < 0.6


def test_mask_zero_makes_padded_steps_keep_the_state():
    ids = np.array([[3, 1, 2, 0, 0]])
    emb = layers.Embedding(5, 2, mask_zero=True)
    model = keras.Sequential([emb, layers.LSTM(3, return_sequences=True)])
    seq = model.predict(ids)
    np.testing.assert_allclose(seq[0, 3], seq[0, 2])
    np.testing.assert_allclose(seq[0, 4], seq[0, 2])
    short = keras.Sequential([emb, model.layers[1]]).predict(ids[:, :3])
    np.testing.assert_allclose(seq[0, 2], short[0, 2], rtol=1e-6)


def test_backward_without_its_cache_recomputes_the_same_gradients():
    b, t, d, u = 2, 4, 3, 2
    mask = np.array([[1, 1, 0, 0], [1, 1, 1, 1]], np.float64)
    ones = np.ones((b, u))
    cases = [(lstm_ops._lstm, lstm_ops._lstm_backward,
              [_x(b, t, d), _x(b, u), _x(b, u), _x(d, 4 * u), _x(u, 4 * u), _x(4 * u), mask, ones], 2),
             (gru_ops._gru, gru_ops._gru_backward,
              [_x(b, t, d), _x(b, u), _x(d, 3 * u), _x(u, 3 * u), _x(2, 3 * u), mask, ones], 1),
             (rnn_ops._simple_rnn, rnn_ops._simple_rnn_backward,
              [_x(b, t, d), _x(b, u), _x(d, u), _x(u, u), _x(u), mask, ones], 1)]
    for forward, backward, args, n_states in cases:
        assert int(forward(*args)[-1]) == 0  # no tape, nothing kept
        with GradientTape():
            outs = forward(*args)
        hseq, handle = outs[0], outs[-1]
        assert int(handle) > 0
        upstream = [_x(b, t, u)] + [_x(b, u) for _ in range(n_states)]
        cached = backward(*args, hseq, handle, *upstream)
        recomputed = backward(*args, hseq, np.asarray(-1), *upstream)
        for a, c in zip(cached, recomputed, strict=True):
            np.testing.assert_array_equal(a, c)
