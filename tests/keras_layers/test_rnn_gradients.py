"""The fused recurrent ops' gradients under every mask shape the layers produce, checked three ways:
float64 finite differences of the ops (input, initial states and every weight, eager and graph),
real Keras (tf_keras) on the same weights for the layers' options (masks, go_backwards,
return_sequences, initial states: what a stateful layer carries between batches), and PyTorch's
nn.LSTM row by row on the unpadded part of each sequence."""

from __future__ import annotations

import numpy as np
import pytest
import tensorflow as tf
import tf_keras
import torch

import engine
from engine import keras
from engine.ops import gru_ops, lstm_ops, rnn_ops
from tests.engine.gradcheck import check_gradients

B, T, D, U = 3, 4, 2, 2
MASKS = {
    "post-padding": [[1, 1, 1, 1], [1, 1, 0, 0], [1, 0, 0, 0]],
    "pre-padding": [[1, 1, 1, 1], [0, 0, 1, 1], [0, 0, 0, 1]],
    "all-masked row": [[1, 1, 0, 1], [0, 0, 0, 0], [1, 1, 1, 1]],
}
REC_MASKS = {
    "off": np.ones((B, U)),
    "none dropped": np.full((B, U), 1.25),  # 1 / (1 - 0.2) with no unit dropped: still a scaling
    "some dropped": np.array([[1.25, 0.0], [0.0, 1.25], [1.25, 1.25]]),
}


def _x(rng, *shape):
    return rng.normal(size=shape)


def _flat(*tensors):
    return engine.concat([engine.reshape(t, [B, -1]) for t in tensors], axis=1)


@pytest.mark.parametrize("rec", sorted(REC_MASKS))
@pytest.mark.parametrize("padding", sorted(MASKS))
def test_fused_ops_match_finite_differences(padding, rec):
    rng = np.random.default_rng(7)
    mask, rec_mask = np.array(MASKS[padding], np.float64), REC_MASKS[rec]
    check_gradients(lambda x, h, c, k, r, b: _flat(*lstm_ops.lstm(x, h, c, k, r, b, mask, rec_mask)),
                    [_x(rng, B, T, D), _x(rng, B, U), _x(rng, B, U), _x(rng, D, 4 * U), _x(rng, U, 4 * U),
                     _x(rng, 4 * U)], batch_none=False)
    check_gradients(lambda x, h, k, r, b: _flat(*gru_ops.gru(x, h, k, r, b, mask, rec_mask)),
                    [_x(rng, B, T, D), _x(rng, B, U), _x(rng, D, 3 * U), _x(rng, U, 3 * U),
                     _x(rng, 2, 3 * U)], batch_none=False)
    check_gradients(lambda x, h, k, r, b: _flat(*gru_ops.gru_v1(x, h, k, r, b, mask, rec_mask)),
                    [_x(rng, B, T, D), _x(rng, B, U), _x(rng, D, 3 * U), _x(rng, U, 3 * U), _x(rng, 3 * U)],
                    batch_none=False)
    check_gradients(lambda x, h, k, r, b: _flat(*rnn_ops.simple_rnn(x, h, k, r, b, mask, rec_mask)),
                    [_x(rng, B, T, D), _x(rng, B, U), _x(rng, D, U), _x(rng, U, U), _x(rng, U)],
                    batch_none=False)


def test_a_recurrent_dropout_mask_without_zeros_still_scales():
    """``h * rec_mask @ R`` is ``h @ (s * R)`` for a constant mask ``s``: the ops once took a mask
    with no zero for no mask at all."""
    rng = np.random.default_rng(3)
    mask, ones, s = np.ones((B, T)), np.ones((B, U)), 1.25
    x, h, c = _x(rng, B, T, D), _x(rng, B, U), _x(rng, B, U)
    for op, gates, extra in ((lstm_ops.lstm, 4, [c]), (gru_ops.gru_v1, 3, []), (rnn_ops.simple_rnn, 1, [])):
        k, r, b = _x(rng, D, gates * U), _x(rng, U, gates * U), _x(rng, gates * U)
        scaled = op(x, h, *extra, k, r, b, mask, ones * s)
        folded = op(x, h, *extra, k, r * s, b, mask, ones)
        for a, e in zip(scaled, folded, strict=True):
            np.testing.assert_allclose(a.numpy(), e.numpy(), rtol=1e-12)


def _tf_run(layer, x, mask, states, weights):
    layer.set_weights(weights)
    xt, st = tf.constant(x), [tf.constant(s) for s in states]
    with tf.GradientTape() as tape:
        tape.watch([xt, *st])
        outs = layer(xt, mask=tf.constant(mask.astype(bool)), initial_state=st)
        loss = tf.add_n([tf.reduce_sum(o * np.linspace(0.5, 1.5, o.shape[-1], dtype=np.float32))
                         for o in tf.nest.flatten(outs)])
    grads = tape.gradient(loss, [xt, *st, *layer.trainable_weights])
    return [np.asarray(o) for o in tf.nest.flatten(outs)] + [np.asarray(g) for g in grads]


def _our_run(layer, x, mask, states, weights):
    layer.set_weights(weights)
    xt, st = engine.constant(x), [engine.constant(s) for s in states]
    with engine.GradientTape() as tape:
        tape.watch([xt, *st])
        outs = layer(xt, mask=mask.astype(np.float32), initial_state=st)
        outs = outs if isinstance(outs, list) else [outs]
        loss = engine.add_n([engine.reduce_sum(o * np.linspace(0.5, 1.5, o.shape[-1], dtype=np.float32))
                             for o in outs])
    grads = tape.gradient(loss, [xt, *st, *layer.trainable_weights])
    return [o.numpy() for o in outs] + [g.numpy() for g in grads]


@pytest.mark.parametrize("options", [{"return_sequences": True}, {"go_backwards": True},
                                     {"return_sequences": True, "go_backwards": True, "return_state": True}],
                         ids=["sequences", "backwards", "sequences-backwards-state"])
@pytest.mark.parametrize("padding", sorted(MASKS))
@pytest.mark.parametrize("cell", ["LSTM", "GRU"])
def test_layers_match_tf_keras_under_masks(cell, padding, options):
    rng = np.random.default_rng(11)
    b, t, d, u = 3, 4, 3, 5
    mask = np.array(MASKS[padding])
    x = rng.normal(size=(b, t, d)).astype(np.float32)
    states = [rng.normal(size=(b, u)).astype(np.float32) for _ in range(2 if cell == "LSTM" else 1)]
    # Keras outputs zeros at the padded steps before a row's first real step (and as the last
    # output of a row with none), ours the initial state: a known difference, none with zero
    # initial states but for their gradients
    in_order = mask[:, ::-1] if options.get("go_backwards") else mask
    leading = not in_order.any(axis=1).all() or (options.get("return_sequences") and not in_order[:, 0].all())
    if leading:
        states = [np.zeros_like(s) for s in states]
    theirs = getattr(tf_keras.layers, cell)(u, **options)
    theirs.build((None, t, d))
    weights = [rng.normal(size=w.shape).astype(np.float32) * 0.5 for w in theirs.get_weights()]
    ref = _tf_run(theirs, x, mask, states, weights)
    ours = getattr(keras.layers, cell)(u, **options)
    ours.build((None, t, d))
    mine = _our_run(ours, x, mask, states, weights)
    n_out = len(mine) - 1 - len(states) - len(weights)
    names = [f"output {i}" for i in range(n_out)] + ["d input"] \
        + [f"d state {i}" for i in range(len(states))] + [f"d {w.name}" for w in theirs.weights]
    assert len(mine) == len(ref) == len(names)
    for name, m, r in zip(names, mine, ref, strict=True):
        if not (leading and name.startswith("d state")):
            np.testing.assert_allclose(m, r, rtol=2e-4, atol=2e-5, err_msg=name)


def test_carrying_the_final_state_into_the_next_batch_is_one_long_sequence():
    """What a stateful layer does between batches, through initial_state: two halves with the
    state carried over give the whole sequence's outputs and gradients."""
    rng = np.random.default_rng(5)
    x = rng.normal(size=(2, 6, 3))
    mask, ones = np.array([[1, 1, 1, 1, 0, 0], [0, 1, 1, 1, 1, 1]], np.float64), np.ones((2, 4))
    h, c = rng.normal(size=(2, 4)), rng.normal(size=(2, 4))
    k, r, b = rng.normal(size=(3, 16)), rng.normal(size=(4, 16)), rng.normal(size=16)

    def whole(x, h, c, k, r, b):
        return _flat2(*lstm_ops.lstm(x, h, c, k, r, b, mask, ones))

    def halves(x, h, c, k, r, b):
        s1, h1, c1 = lstm_ops.lstm(x[:, :3], h, c, k, r, b, mask[:, :3], ones)
        s2, h2, c2 = lstm_ops.lstm(x[:, 3:], h1, c1, k, r, b, mask[:, 3:], ones)
        return _flat2(engine.concat([s1, s2], axis=1), h2, c2)

    args = [x, h, c, k, r, b]
    ts = [engine.constant(a) for a in args]
    results = []
    for fn in (whole, halves):
        with engine.GradientTape() as tape:
            tape.watch(ts)
            out = fn(*ts)
            loss = engine.reduce_sum(out * np.linspace(0.5, 1.5, out.shape[-1]))
        results.append([out.numpy()] + [g.numpy() for g in tape.gradient(loss, ts)])
    for a, e in zip(*results, strict=True):
        np.testing.assert_allclose(a, e, rtol=1e-10, atol=1e-12)
    check_gradients(halves, args, batch_none=False)


def _flat2(*tensors):
    return engine.concat([engine.reshape(t, [2, -1]) for t in tensors], axis=1)


@pytest.mark.parametrize("padding", ["post-padding", "pre-padding"])
def test_lstm_matches_pytorch_row_by_row_on_the_unpadded_steps(padding):
    """PyTorch has no masks: each row runs alone over its real steps. Ours runs the padded batch;
    outputs, the final states and the gradients of the input (zero at padded steps), the initial
    states and the weights (summed over rows) must agree."""
    rng = np.random.default_rng(13)
    b, t, d, u = 3, 5, 3, 4
    mask = np.array([[1, 1, 1, 1, 1], [1, 1, 1, 0, 0], [1, 0, 0, 0, 0]], np.float64)
    if padding == "pre-padding":
        mask = mask[:, ::-1].copy()
    x, h0, c0 = rng.normal(size=(b, t, d)), rng.normal(size=(b, u)), rng.normal(size=(b, u))
    kernel, rec, bias = rng.normal(size=(d, 4 * u)), rng.normal(size=(u, 4 * u)), rng.normal(size=4 * u)
    w_h, w_c = rng.uniform(0.5, 1.5, u), rng.uniform(0.5, 1.5, u)

    ts = [engine.constant(a) for a in (x, h0, c0, kernel, rec, bias)]
    with engine.GradientTape() as tape:
        tape.watch(ts)
        _, h, c = lstm_ops.lstm(*ts, mask, np.ones((b, u)))
        loss = engine.reduce_sum(h * w_h) + engine.reduce_sum(c * w_c)
    ours = [h.numpy(), c.numpy()] + [g.numpy() for g in tape.gradient(loss, ts)]

    net = torch.nn.LSTM(d, u, batch_first=True, dtype=torch.float64)
    with torch.no_grad():  # Keras's gates i, f, c, o are PyTorch's i, f, g, o
        net.weight_ih_l0.copy_(torch.from_numpy(kernel.T))
        net.weight_hh_l0.copy_(torch.from_numpy(rec.T))
        net.bias_ih_l0.copy_(torch.from_numpy(bias))
        net.bias_hh_l0.zero_()
    xt = torch.from_numpy(x).requires_grad_()
    h0t, c0t = torch.from_numpy(h0).requires_grad_(), torch.from_numpy(c0).requires_grad_()
    finals = []
    for row in range(b):
        steps = np.flatnonzero(mask[row])
        start = (h0t[None, row:row + 1], c0t[None, row:row + 1])
        _, (hr, cr) = net(xt[row:row + 1, steps[0]:steps[-1] + 1], start)
        finals.append((hr[0, 0], cr[0, 0]))
    h_t = torch.stack([f[0] for f in finals])
    c_t = torch.stack([f[1] for f in finals])
    (h_t * torch.from_numpy(w_h)).sum().add((c_t * torch.from_numpy(w_c)).sum()).backward()
    theirs = [h_t.detach().numpy(), c_t.detach().numpy(), xt.grad.numpy(), h0t.grad.numpy(), c0t.grad.numpy(),
              net.weight_ih_l0.grad.numpy().T, net.weight_hh_l0.grad.numpy().T, net.bias_ih_l0.grad.numpy()]
    names = ["h", "c", "d input", "d h0", "d c0", "d kernel", "d recurrent_kernel", "d bias"]
    for name, m, r in zip(names, ours, theirs, strict=True):
        np.testing.assert_allclose(m, r, rtol=1e-9, atol=1e-12, err_msg=name)
