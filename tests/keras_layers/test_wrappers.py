"""Bidirectional and TimeDistributed against real Keras 2 and 3: outputs, gradients, configs."""

from __future__ import annotations

import numpy as np
import pytest

from engine import keras as ours
from tests.keras_layers.parity import check_parity, rand

MERGES = ["concat", "sum", "mul", "ave"]


def _seqs(masked=False):
    x = rand(3, 5, 4)
    if masked:
        x[0, 3:] = 0.0
        x[2, 1:] = 0.0
    return x


@pytest.mark.parametrize("rnn", ["LSTM", "GRU", "SimpleRNN"])
@pytest.mark.parametrize("merge", MERGES)
@pytest.mark.parametrize("sequences", [False, True])
def test_bidirectional(rnn, merge, sequences):
    def build(k):
        inp = k.Input(shape=(5, 4))
        rnn_layer = getattr(k.layers, rnn)(3, return_sequences=sequences)
        return k.Model(inp, k.layers.Bidirectional(rnn_layer, merge_mode=merge)(inp))

    check_parity(build, _seqs())


@pytest.mark.parametrize("rnn", ["LSTM", "GRU"])
def test_bidirectional_merge_none_returns_both(rnn):
    def build(k):
        inp = k.Input(shape=(5, 4))
        a, b = k.layers.Bidirectional(getattr(k.layers, rnn)(3, return_sequences=True), merge_mode=None)(inp)
        return k.Model(inp, [a, b])

    check_parity(build, _seqs())


@pytest.mark.parametrize("rnn", ["LSTM", "GRU", "SimpleRNN"])
def test_bidirectional_stack_over_a_mask(rnn):
    """Masked steps output zeros (Keras forces zero_output_for_mask) and the mask reaches the next layer."""
    def build(k):
        inp = k.Input(shape=(5, 4))
        h = k.layers.Masking()(inp)
        h = k.layers.Bidirectional(getattr(k.layers, rnn)(3, return_sequences=True))(h)
        h = k.layers.Bidirectional(getattr(k.layers, rnn)(2), merge_mode="sum")(h)
        return k.Model(inp, k.layers.Dense(2)(h))

    # (Keras 3's config holds the mask as NotEqual/Any op layers, which loading leaves out.)
    check_parity(build, _seqs(masked=True))


def test_bidirectional_masked_sequences_are_zero():
    def build(k):
        inp = k.Input(shape=(5, 4))
        h = k.layers.Masking()(inp)
        return k.Model(inp, k.layers.Bidirectional(k.layers.LSTM(3, return_sequences=True))(h))

    mine = check_parity(build, _seqs(masked=True))
    out = mine.predict(_seqs(masked=True))
    assert np.all(out[0, 3:] == 0) and np.all(out[2, 1:] == 0) and np.all(out[1] != 0)


def test_bidirectional_return_state():
    def build(k):
        inp = k.Input(shape=(5, 4))
        out, hf, cf, hb, cb = k.layers.Bidirectional(k.layers.LSTM(3, return_state=True))(inp)
        return k.Model(inp, [out, hf, cf, hb, cb])

    check_parity(build, _seqs())


def test_bidirectional_with_its_own_backward_layer():
    def build(k):
        inp = k.Input(shape=(5, 4))
        layer = k.layers.Bidirectional(k.layers.LSTM(3), backward_layer=k.layers.GRU(3, go_backwards=True))
        return k.Model(inp, layer(inp))

    check_parity(build, _seqs())


def test_bidirectional_in_sequential_trains_like_keras():
    import tf_keras

    x, y = rand(12, 5, 4, seed=3), (np.arange(12) % 3)

    def build(k):
        return k.Sequential([k.Input(shape=(5, 4)), k.layers.Bidirectional(k.layers.GRU(4)),
                             k.layers.Dense(3, activation="softmax")])

    theirs, mine = build(tf_keras), build(ours)
    assert [w.shape for w in mine.weights] == [tuple(w.shape) for w in theirs.weights]
    mine.set_weights(theirs.get_weights())
    theirs.compile(tf_keras.optimizers.Adam(0.01), "sparse_categorical_crossentropy")
    mine.compile(ours.optimizers.Adam(0.01), "sparse_categorical_crossentropy")
    h1 = theirs.fit(x, y, batch_size=4, epochs=2, shuffle=False, verbose=0).history["loss"]
    h2 = mine.fit(x, y, batch_size=4, epochs=2, shuffle=False, verbose=0).history["loss"]
    np.testing.assert_allclose(h2, h1, rtol=1e-5)


@pytest.mark.parametrize("inner", ["Dense", "Conv1D"])
def test_time_distributed(inner):
    def build(k):
        inp = k.Input(shape=(4, 6, 3) if inner == "Conv1D" else (4, 3))
        layer = k.layers.Conv1D(2, 3) if inner == "Conv1D" else k.layers.Dense(5, activation="tanh")
        return k.Model(inp, k.layers.TimeDistributed(layer)(inp))

    check_parity(build, rand(2, 4, 6, 3) if inner == "Conv1D" else rand(2, 4, 3))


def test_time_distributed_passes_the_mask_on():
    def build(k):
        inp = k.Input(shape=(5, 4))
        h = k.layers.TimeDistributed(k.layers.Dense(3))(k.layers.Masking()(inp))
        return k.Model(inp, k.layers.LSTM(2)(h))

    check_parity(build, _seqs(masked=True))


@pytest.mark.parametrize("side", ["keras2", "keras3"])
def test_wrapped_layers_in_h5_files_both_ways(side, tmp_path):
    """Files with Bidirectional and TimeDistributed: Keras's load here, ours load in Keras."""
    from tests.keras_layers.parity import SIDES

    real = SIDES[side]
    x = rand(3, 5, 4, seed=6)

    def build(k, ract="sigmoid"):
        gru = k.layers.GRU(3, return_sequences=True, recurrent_activation=ract)
        return k.Sequential([k.Input(shape=(5, 4)), k.layers.Bidirectional(gru),
                             k.layers.TimeDistributed(k.layers.Dense(2)), k.layers.Conv1D(2, 2),
                             k.layers.GlobalMaxPooling1D()])

    theirs = build(real)
    if side == "keras2":  # Keras 3 refuses the time_major key tf_keras writes into recurrent configs
        theirs.save(tmp_path / "theirs.h5")
        mine = ours.models.load_model(tmp_path / "theirs.h5")
        np.testing.assert_allclose(mine.predict(x), theirs.predict(x, verbose=0), rtol=1e-6, atol=1e-6)
    # "hard_sigmoid" in a Keras 2 file means Keras 2's; Keras 3 reads it as its own (as it reads
    # tf_keras's files), so only Keras 2 gets it back.
    mine = build(ours, ract="hard_sigmoid" if side == "keras2" else "sigmoid")
    mine.save(tmp_path / "ours.h5")
    back = real.models.load_model(tmp_path / "ours.h5")
    np.testing.assert_allclose(back.predict(x, verbose=0), mine.predict(x), rtol=1e-6, atol=1e-6)
    again = ours.models.load_model(tmp_path / "ours.h5")  # Keras 2's hard_sigmoid stays Keras 2's
    np.testing.assert_allclose(again.predict(x), mine.predict(x), rtol=1e-6, atol=1e-6)
