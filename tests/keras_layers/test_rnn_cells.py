"""``layers.RNN`` over SimpleRNNCell, GRUCell, LSTMCell, a list of cells (StackedRNNCells) and a
cell of the user's own, against real Keras 2 and 3: outputs, input and weight gradients, and
ours built from each side's config; plus the cell equals its layer on the same weights."""

from __future__ import annotations

import numpy as np
import pytest
import tensorflow as real_tf

import engine
from engine import keras as ours
from engine.keras.saving import registry
from tests.keras_layers.parity import SIDES, check_parity, rand


def _seqs(masked=False):
    x = rand(3, 5, 4)
    if masked:
        x[0, 3:] = 0.0
        x[2, 1:] = 0.0
    return x


def _rnn(make_cell, **kwargs):
    def build(k):
        inp = k.Input(shape=(5, 4))
        out = k.layers.RNN(make_cell(k), **kwargs)(inp)
        return k.Model(inp, out)
    return build


CELLS = {
    "SimpleRNNCell": lambda k: k.layers.SimpleRNNCell(3),
    "SimpleRNNCell-relu-nobias": lambda k: k.layers.SimpleRNNCell(2, activation="relu", use_bias=False),
    "GRUCell": lambda k: k.layers.GRUCell(3),
    "GRUCell-reset_before": lambda k: k.layers.GRUCell(3, reset_after=False),
    "LSTMCell": lambda k: k.layers.LSTMCell(3),
    "LSTMCell-nobias": lambda k: k.layers.LSTMCell(2, use_bias=False, unit_forget_bias=False),
    "stack": lambda k: [k.layers.LSTMCell(3), k.layers.GRUCell(2), k.layers.SimpleRNNCell(2)],
    "StackedRNNCells": lambda k: k.layers.StackedRNNCells([k.layers.GRUCell(3), k.layers.LSTMCell(2)]),
}
OPTIONS = {
    "last": {},
    "sequences": {"return_sequences": True},
    "backwards-sequences": {"go_backwards": True, "return_sequences": True},
    "state": {"return_state": True},
    "backwards-sequences-state": {"go_backwards": True, "return_sequences": True, "return_state": True},
}


def _flat_outputs(build):
    """The model with its outputs flat (a stack's states come as nested lists; the harness
    compares a flat list)."""
    def wrapped(k):
        model = build(k)
        return k.Model(model.inputs, list(model.outputs))
    return wrapped


@pytest.mark.parametrize("options", sorted(OPTIONS))
@pytest.mark.parametrize("cell", sorted(CELLS))
def test_rnn_over_a_cell(cell, options):
    check_parity(_flat_outputs(_rnn(CELLS[cell], **OPTIONS[options])), _seqs())


@pytest.mark.parametrize("zero_output", [False, True])
@pytest.mark.parametrize("cell", ["LSTMCell", "GRUCell", "stack"])
def test_rnn_over_a_mask(cell, zero_output):
    """A masked step keeps the states and repeats the last output (zeros with zero_output_for_mask)."""
    def build(k):
        inp = k.Input(shape=(5, 4))
        h = k.layers.Masking()(inp)
        h = k.layers.RNN(CELLS[cell](k), return_sequences=True, zero_output_for_mask=zero_output)(h)
        return k.Model(inp, k.layers.RNN(k.layers.SimpleRNNCell(2), go_backwards=True)(h))

    check_parity(build, _seqs(masked=True))


def test_rnn_with_an_initial_state():
    def build(k):
        inp, h0, c0 = k.Input(shape=(5, 4)), k.Input(shape=(3,)), k.Input(shape=(3,))
        out = k.layers.RNN(k.layers.LSTMCell(3), return_sequences=True)(inp, initial_state=[h0, c0])
        return k.Model([inp, h0, c0], out)

    xs = [_seqs(), rand(3, 3, seed=1), rand(3, 3, seed=2)]
    mine = build(ours)
    for side in SIDES.values():
        theirs = build(side)
        mine.set_weights(theirs.get_weights())
        np.testing.assert_allclose(mine.predict(xs, verbose=0), theirs.predict(xs, verbose=0),
                                   rtol=1e-5, atol=1e-6)


def test_bidirectional_rnn_over_a_cell():
    def build(k):
        inp = k.Input(shape=(5, 4))
        rnn = k.layers.RNN(k.layers.GRUCell(2), return_sequences=True)
        return k.Model(inp, k.layers.Bidirectional(rnn)(inp))

    check_parity(build, _seqs(), from_real_config=("keras2",))


# -- a cell of the user's own (the RNN guide's MinimalRNNCell) -------------------------------------
_OPS = {"ours": (engine.matmul, engine.tanh), "keras2": (real_tf.matmul, real_tf.tanh)}


def _ops(k):
    if k is ours:
        return _OPS["ours"]
    if k is SIDES["keras2"]:
        return _OPS["keras2"]
    return k.ops.matmul, k.ops.tanh


def _minimal_cell(k):
    matmul, tanh = _ops(k)

    class MinimalRNNCell(k.layers.Layer):
        def __init__(self, units, **kwargs):
            super().__init__(**kwargs)
            self.units = units
            self.state_size = units

        def build(self, input_shape):
            self.kernel = self.add_weight(shape=(input_shape[-1], self.units), initializer="uniform",
                                          name="kernel")
            self.recurrent_kernel = self.add_weight(shape=(self.units, self.units), initializer="uniform",
                                                    name="recurrent_kernel")
            self.built = True

        def call(self, inputs, states):
            prev_output = states[0]
            output = tanh(matmul(inputs, self.kernel) + matmul(prev_output, self.recurrent_kernel))
            return output, [output]

        def get_config(self):
            return {**super().get_config(), "units": self.units}

    return MinimalRNNCell


OUR_CELL = _minimal_cell(ours)


@pytest.mark.parametrize("options", ["last", "sequences", "backwards-sequences-state"])
def test_rnn_over_a_custom_cell(options):
    def build(k):
        cell = OUR_CELL if k is ours else _minimal_cell(k)
        inp = k.Input(shape=(5, 4))
        return k.Model(inp, k.layers.RNN([cell(3), k.layers.LSTMCell(2)] if options == "last" else cell(3),
                                         **OPTIONS[options])(inp))

    with registry.custom_object_scope({"MinimalRNNCell": OUR_CELL}):  # for our config round trip
        check_parity(_flat_outputs(build), _seqs(), from_real_config=())


def test_a_custom_cell_loads_from_a_config_with_custom_objects():
    cell = OUR_CELL
    inp = ours.Input(shape=(5, 4))
    model = ours.Model(inp, ours.layers.RNN(cell(3), return_sequences=True)(inp))
    again = ours.models.model_from_json(model.to_json(), custom_objects={"MinimalRNNCell": cell})
    again.set_weights(model.get_weights())
    np.testing.assert_allclose(again.predict(_seqs(), verbose=0), model.predict(_seqs(), verbose=0),
                               rtol=1e-6)
    with pytest.raises(ValueError, match="MinimalRNNCell"):
        ours.models.model_from_json(model.to_json())


@pytest.mark.parametrize(("layer", "cell"), [("LSTM", "LSTMCell"), ("GRU", "GRUCell"),
                                             ("SimpleRNN", "SimpleRNNCell")])
def test_a_cell_equals_its_layer_on_the_same_weights(layer, cell):
    inp = ours.Input(shape=(5, 4))
    fused = ours.Model(inp, getattr(ours.layers, layer)(3, return_sequences=True)(inp))
    stepped = ours.Model(inp, ours.layers.RNN(getattr(ours.layers, cell)(3), return_sequences=True)(inp))
    stepped.set_weights(fused.get_weights())
    np.testing.assert_allclose(stepped.predict(_seqs(), verbose=0), fused.predict(_seqs(), verbose=0),
                               rtol=1e-5, atol=1e-6)


def test_a_cell_called_alone_returns_output_and_states():
    for side in (ours, SIDES["keras3"]):
        x = rand(2, 4)
        out, states = side.layers.LSTMCell(3)(x, [np.zeros((2, 3), "f4"), np.zeros((2, 3), "f4")])
        assert tuple(out.shape) == (2, 3) and isinstance(states, list) and len(states) == 2


def test_rnn_dropout_trains_and_is_off_in_inference():
    inp = ours.Input(shape=(5, 4))
    model = ours.Model(inp, ours.layers.RNN(ours.layers.LSTMCell(3, dropout=0.5, recurrent_dropout=0.5))(inp))
    x = engine.constant(_seqs())
    np.testing.assert_array_equal(model(x, training=False).numpy(), model(x, training=False).numpy())
    assert not np.allclose(model(x, training=True).numpy(), model(x, training=False).numpy())


def test_bad_cells_are_refused():
    with pytest.raises(ValueError, match="state_size"):
        ours.layers.RNN(ours.layers.Dense(3))
    with pytest.raises(ValueError, match="units"):
        ours.layers.LSTMCell(0)
    with pytest.raises(NotImplementedError, match="stateful"):
        ours.layers.RNN(ours.layers.LSTMCell(2), stateful=True)
