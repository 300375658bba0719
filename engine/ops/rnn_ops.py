"""Fused recurrent ops for Keras's LSTM, GRU and SimpleRNN: one op runs a whole sequence.

The input projection ``x @ kernel + bias`` of every step is one matrix product before the loop;
each step is then one ``h @ recurrent_kernel`` plus a handful of element-wise numpy calls, and
the hand-written backward pass mirrors it (the weight gradients are again one product each,
after the loop). The ops save what the backward pass needs as extra outputs (gate values,
cell states), so their gradient functions are plain ops too and work in graphs.

Conventions (Keras's): gates are packed along the last axis, LSTM ``i, f, c, o``, GRU ``z, r, h``
(``reset_after=True``: GRU bias has shape (2, 3 * units), input and recurrent halves).
``mask`` (batch, time) is 1 where a step is real and 0 where it is padding: a padded step keeps
the previous state and repeats the previous output. ``rec_mask`` (batch, units) is the
recurrent-dropout mask multiplied into ``h`` before ``h @ recurrent_kernel`` (ones when off).
Activations are given by name and differentiated from their outputs.
"""

from __future__ import annotations

import numpy as np

from engine.framework.execute import apply_op
from engine.framework.op_registry import register_op


def _sigmoid(x):
    return 0.5 * (np.tanh(0.5 * x) + 1.0)  # stable for any x, one numpy pass


def _hard_sigmoid(x):
    return np.clip(x * 0.2 + 0.5, 0.0, 1.0)


_ACT = {"tanh": np.tanh, "sigmoid": _sigmoid, "hard_sigmoid": _hard_sigmoid,
        "relu": lambda x: np.maximum(x, 0), "linear": lambda x: x}


def _dact(name, y):
    """d activation / d input, written in terms of the activation's output ``y``."""
    if name == "tanh":
        return 1.0 - y * y
    if name == "sigmoid":
        return y * (1.0 - y)
    if name == "hard_sigmoid":
        return (((y > 0.0) & (y < 1.0)) * 0.2).astype(y.dtype)
    if name == "relu":
        return (y > 0).astype(y.dtype)
    return np.ones_like(y)


def check_activation(name: str) -> str:
    if name not in _ACT:
        raise ValueError(f"recurrent layers support the activations {sorted(_ACT)}, got {name!r}")
    return name


# -- LSTM -----------------------------------------------------------------------------------------
def _lstm(x, h0, c0, kernel, rec_kernel, bias, mask, rec_mask, activation="tanh",
          recurrent_activation="sigmoid"):
    act, ract = _ACT[activation], _ACT[recurrent_activation]
    b, t_len, _ = x.shape
    u = h0.shape[-1]
    xw = (x.reshape(b * t_len, -1) @ kernel + bias).reshape(b, t_len, 4 * u)
    hseq = np.empty((b, t_len, u), x.dtype)
    cseq = np.empty((b, t_len, u), x.dtype)
    gates = np.empty((b, t_len, 4 * u), x.dtype)
    h, c = h0, c0
    masked = not mask.all()
    for t in range(t_len):
        z = xw[:, t] + (h * rec_mask) @ rec_kernel
        g = gates[:, t]
        g[:, :2 * u] = ract(z[:, :2 * u])
        g[:, 2 * u:3 * u] = act(z[:, 2 * u:3 * u])
        g[:, 3 * u:] = ract(z[:, 3 * u:])
        c_new = g[:, u:2 * u] * c + g[:, :u] * g[:, 2 * u:3 * u]
        h_new = g[:, 3 * u:] * act(c_new)
        if masked:
            m = mask[:, t:t + 1]
            c_new = m * c_new + (1 - m) * c
            h_new = m * h_new + (1 - m) * h
        hseq[:, t], cseq[:, t] = h_new, c_new
        h, c = h_new, c_new
    return hseq, h.copy(), c.copy(), gates, cseq


def _lstm_backward(x, h0, c0, kernel, rec_kernel, bias, mask, rec_mask, hseq, cseq, gates,
                   d_hseq, d_h, d_c, activation="tanh", recurrent_activation="sigmoid"):
    b, t_len, d = x.shape
    u = h0.shape[-1]
    dz_all = np.empty((b, t_len, 4 * u), x.dtype)
    dh, dc = d_h.copy(), d_c.copy()
    rk_t = rec_kernel.T
    masked = not mask.all()
    for t in range(t_len - 1, -1, -1):
        dh = dh + d_hseq[:, t]
        c_prev = cseq[:, t - 1] if t else c0
        g = gates[:, t]
        i, f, gg, o = g[:, :u], g[:, u:2 * u], g[:, 2 * u:3 * u], g[:, 3 * u:]
        if masked:
            m = mask[:, t:t + 1]
            dh_carry, dc_carry = (1 - m) * dh, (1 - m) * dc
            dh, dc = m * dh, m * dc
        # the unmasked cell state of this step: recompute when the mask replaced it
        c_t = f * c_prev + i * gg if masked else cseq[:, t]
        ac = _ACT[activation](c_t)
        dc = dc + dh * o * _dact(activation, ac)
        dz = dz_all[:, t]
        dz[:, :u] = dc * gg * _dact(recurrent_activation, i)
        dz[:, u:2 * u] = dc * c_prev * _dact(recurrent_activation, f)
        dz[:, 2 * u:3 * u] = dc * i * _dact(activation, gg)
        dz[:, 3 * u:] = dh * ac * _dact(recurrent_activation, o)
        dc = dc * f
        dh = (dz @ rk_t) * rec_mask
        if masked:
            dh, dc = dh + dh_carry, dc + dc_carry
    h_prev = np.concatenate([h0[:, None], hseq[:, :-1]], axis=1) * rec_mask[:, None]
    flat_dz = dz_all.reshape(b * t_len, 4 * u)
    d_kernel = x.reshape(b * t_len, d).T @ flat_dz
    d_rec = h_prev.reshape(b * t_len, u).T @ flat_dz
    d_bias = flat_dz.sum(axis=0)
    dx = (flat_dz @ kernel.T).reshape(b, t_len, d)
    return dx, dh, dc, d_kernel, d_rec, d_bias


def _lstm_grad(op, d_hseq, d_h, d_c, _dg, _dcs):
    hseq, _, _, gates, cseq = op.outputs
    outs = apply_op("KerasLSTMGrad", list(op.inputs) + [hseq, cseq, gates, d_hseq, d_h, d_c],
                    activation=op.attrs["activation"], recurrent_activation=op.attrs["recurrent_activation"])
    return list(outs) + [None, None]


register_op("KerasLSTM", _lstm, _lstm_grad, num_outputs=5)
register_op("KerasLSTMGrad", _lstm_backward, num_outputs=6)


def lstm(x, h0, c0, kernel, rec_kernel, bias, mask, rec_mask, activation="tanh",
         recurrent_activation="sigmoid"):
    """(outputs for every step (B, T, U), last h, last c)."""
    hseq, h, c, _, _ = apply_op("KerasLSTM", [x, h0, c0, kernel, rec_kernel, bias, mask, rec_mask],
                                activation=activation, recurrent_activation=recurrent_activation)
    return hseq, h, c


# -- GRU (reset_after=True) ----------------------------------------------------------------------------
def _gru(x, h0, kernel, rec_kernel, bias, mask, rec_mask, activation="tanh", recurrent_activation="sigmoid"):
    act, ract = _ACT[activation], _ACT[recurrent_activation]
    b, t_len, _ = x.shape
    u = h0.shape[-1]
    xz = (x.reshape(b * t_len, -1) @ kernel + bias[0]).reshape(b, t_len, 3 * u)
    hseq = np.empty((b, t_len, u), x.dtype)
    cache = np.empty((b, t_len, 4 * u), x.dtype)  # z, r, candidate, recurrent part of the candidate
    h = h0
    masked = not mask.all()
    for t in range(t_len):
        hu = (h * rec_mask) @ rec_kernel + bias[1]
        zr = ract(xz[:, t, :2 * u] + hu[:, :2 * u])
        z, r = zr[:, :u], zr[:, u:]
        hh = act(xz[:, t, 2 * u:] + r * hu[:, 2 * u:])
        h_new = z * h + (1 - z) * hh
        if masked:
            m = mask[:, t:t + 1]
            h_new = m * h_new + (1 - m) * h
        cache[:, t, :2 * u] = zr
        cache[:, t, 2 * u:3 * u] = hh
        cache[:, t, 3 * u:] = hu[:, 2 * u:]
        hseq[:, t] = h_new
        h = h_new
    return hseq, h.copy(), cache


def _gru_backward(x, h0, kernel, rec_kernel, bias, mask, rec_mask, hseq, cache, d_hseq, d_h,
                  activation="tanh", recurrent_activation="sigmoid"):
    b, t_len, d = x.shape
    u = h0.shape[-1]
    dxz_all = np.empty((b, t_len, 3 * u), x.dtype)
    dhu_all = np.empty((b, t_len, 3 * u), x.dtype)
    dh = d_h.copy()
    rk_t = rec_kernel.T
    masked = not mask.all()
    for t in range(t_len - 1, -1, -1):
        dh = dh + d_hseq[:, t]
        h_prev = hseq[:, t - 1] if t else h0
        c = cache[:, t]
        z, r, hh, hu_h = c[:, :u], c[:, u:2 * u], c[:, 2 * u:3 * u], c[:, 3 * u:]
        if masked:
            m = mask[:, t:t + 1]
            dh_carry = (1 - m) * dh
            dh = m * dh
        da = dh * (1 - z) * _dact(activation, hh)
        dxz, dhu = dxz_all[:, t], dhu_all[:, t]
        dxz[:, :u] = dh * (h_prev - hh) * _dact(recurrent_activation, z)
        dxz[:, u:2 * u] = da * hu_h * _dact(recurrent_activation, r)
        dxz[:, 2 * u:] = da
        dhu[:, :2 * u] = dxz[:, :2 * u]
        dhu[:, 2 * u:] = da * r
        dh = dh * z + (dhu @ rk_t) * rec_mask
        if masked:
            dh = dh + dh_carry
    h_prev = np.concatenate([h0[:, None], hseq[:, :-1]], axis=1) * rec_mask[:, None]
    flat_dxz = dxz_all.reshape(b * t_len, 3 * u)
    flat_dhu = dhu_all.reshape(b * t_len, 3 * u)
    d_kernel = x.reshape(b * t_len, d).T @ flat_dxz
    d_rec = h_prev.reshape(b * t_len, u).T @ flat_dhu
    d_bias = np.stack([flat_dxz.sum(axis=0), flat_dhu.sum(axis=0)])
    dx = (flat_dxz @ kernel.T).reshape(b, t_len, d)
    return dx, dh, d_kernel, d_rec, d_bias


def _gru_grad(op, d_hseq, d_h, _dc):
    hseq, _, cache = op.outputs
    outs = apply_op("KerasGRUGrad", list(op.inputs) + [hseq, cache, d_hseq, d_h],
                    activation=op.attrs["activation"], recurrent_activation=op.attrs["recurrent_activation"])
    return list(outs) + [None, None]


register_op("KerasGRU", _gru, _gru_grad, num_outputs=3)
register_op("KerasGRUGrad", _gru_backward, num_outputs=5)


def gru(x, h0, kernel, rec_kernel, bias, mask, rec_mask, activation="tanh", recurrent_activation="sigmoid"):
    hseq, h, _ = apply_op("KerasGRU", [x, h0, kernel, rec_kernel, bias, mask, rec_mask],
                          activation=activation, recurrent_activation=recurrent_activation)
    return hseq, h


# -- SimpleRNN ----------------------------------------------------------------------------------------
def _simple_rnn(x, h0, kernel, rec_kernel, bias, mask, rec_mask, activation="tanh"):
    act = _ACT[activation]
    b, t_len, _ = x.shape
    u = h0.shape[-1]
    xw = (x.reshape(b * t_len, -1) @ kernel + bias).reshape(b, t_len, u)
    hseq = np.empty((b, t_len, u), x.dtype)
    pre = np.empty((b, t_len, u), x.dtype)  # the activation's output before masking
    h = h0
    masked = not mask.all()
    for t in range(t_len):
        h_new = act(xw[:, t] + (h * rec_mask) @ rec_kernel)
        pre[:, t] = h_new
        if masked:
            m = mask[:, t:t + 1]
            h_new = m * h_new + (1 - m) * h
        hseq[:, t] = h_new
        h = h_new
    return hseq, h.copy(), pre


def _simple_rnn_backward(x, h0, kernel, rec_kernel, bias, mask, rec_mask, hseq, pre, d_hseq, d_h,
                         activation="tanh"):
    b, t_len, d = x.shape
    u = h0.shape[-1]
    da_all = np.empty((b, t_len, u), x.dtype)
    dh = d_h.copy()
    rk_t = rec_kernel.T
    masked = not mask.all()
    for t in range(t_len - 1, -1, -1):
        dh = dh + d_hseq[:, t]
        if masked:
            m = mask[:, t:t + 1]
            dh_carry = (1 - m) * dh
            dh = m * dh
        da = dh * _dact(activation, pre[:, t])
        da_all[:, t] = da
        dh = (da @ rk_t) * rec_mask
        if masked:
            dh = dh + dh_carry
    h_prev = np.concatenate([h0[:, None], hseq[:, :-1]], axis=1) * rec_mask[:, None]
    flat = da_all.reshape(b * t_len, u)
    return ((flat @ kernel.T).reshape(b, t_len, d), dh, x.reshape(b * t_len, d).T @ flat,
            h_prev.reshape(b * t_len, u).T @ flat, flat.sum(axis=0))


def _simple_rnn_grad(op, d_hseq, d_h, _dp):
    hseq, _, pre = op.outputs
    outs = apply_op("KerasSimpleRNNGrad", list(op.inputs) + [hseq, pre, d_hseq, d_h],
                    activation=op.attrs["activation"])
    return list(outs) + [None, None]


register_op("KerasSimpleRNN", _simple_rnn, _simple_rnn_grad, num_outputs=3)
register_op("KerasSimpleRNNGrad", _simple_rnn_backward, num_outputs=5)


def simple_rnn(x, h0, kernel, rec_kernel, bias, mask, rec_mask, activation="tanh"):
    hseq, h, _ = apply_op("KerasSimpleRNN", [x, h0, kernel, rec_kernel, bias, mask, rec_mask],
                          activation=activation)
    return hseq, h
