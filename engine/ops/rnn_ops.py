"""Fused recurrent ops for Keras's LSTM, GRU and SimpleRNN: one op runs a whole sequence.

The input projection ``x @ kernel + bias`` of every step is one matrix product before the loop;
each step is then one ``h @ recurrent_kernel`` plus a handful of element-wise numpy calls, and
the hand-written backward pass mirrors it (the weight gradients are again one product each,
after the loop). The gradient functions are plain ops too, so they work in graphs.

Each op keeps its cache (gate values, cell states) beside it, behind a handle output (see
``_Saved``), and its backward pass recomputes the forward pass if that cache is gone.

Conventions (Keras's): gates are packed along the last axis, LSTM ``i, f, c, o``, GRU ``z, r, h``
(``reset_after=True``: GRU bias has shape (2, 3 * units), input and recurrent halves).
``mask`` (batch, time) is 1 where a step is real and 0 where it is padding: a padded step keeps
the previous state and repeats the previous output. ``rec_mask`` (batch, units) is the
recurrent-dropout mask multiplied into ``h`` before ``h @ recurrent_kernel`` (ones when off).
Activations are given by name and differentiated from their outputs.
"""

from __future__ import annotations

import numpy as np

from engine.framework import context
from engine.framework.execute import apply_op
from engine.framework.op_registry import register_op
from engine.ops import activation_ops

_ACT = activation_ops.KERNELS
_dact = activation_ops.derivative


def check_activation(name: str) -> str:
    if name not in _ACT:
        raise ValueError(f"recurrent layers support the activations {sorted(_ACT)}, got {name!r}")
    return name


# -- LSTM -----------------------------------------------------------------------------------------
# Inside the op the gates are laid out i, f, o, c (the three gated by the recurrent activation
# side by side) and time-major, so each step works on contiguous blocks in place.
def _perm(u):
    return np.r_[0:2 * u, 3 * u:4 * u, 2 * u:3 * u]


def _act_inplace(name, s):
    _ACT[name](s, out=s)



def _lstm(x, h0, c0, kernel, rec_kernel, bias, mask, rec_mask, activation="tanh",
          recurrent_activation="sigmoid"):
    hseq, h, c, saved = _lstm_forward(x, h0, c0, kernel, rec_kernel, bias, mask, rec_mask, activation,
                                      recurrent_activation)
    return hseq, h, c, _SAVED.put((x, kernel) + saved)


def _lstm_forward(x, h0, c0, kernel, rec_kernel, bias, mask, rec_mask, activation, recurrent_activation):
    b, t_len, d = x.shape
    u = h0.shape[-1]
    perm = _perm(u)
    k, r = kernel[:, perm], rec_kernel[:, perm]
    # gates[t] starts as x_t @ kernel + bias and becomes the step's activated gates in place
    gates = (np.ascontiguousarray(x.transpose(1, 0, 2)).reshape(t_len * b, d) @ k + bias[perm])
    gates = gates.reshape(t_len, b, 4 * u).astype(x.dtype, copy=False)
    hseq = np.empty((t_len, b, u), x.dtype)
    cseq = np.empty((t_len, b, u), x.dtype)
    actc = np.empty((t_len, b, u), x.dtype)  # activation(c) before masking, for the backward pass
    h, c = h0, c0
    masked, dropped = not mask.all(), not rec_mask.all()
    for t in range(t_len):
        z = gates[t]
        z += (h * rec_mask if dropped else h) @ r
        _act_inplace(recurrent_activation, z[:, :3 * u])
        _act_inplace(activation, z[:, 3 * u:])
        c_new = cseq[t]
        np.multiply(z[:, u:2 * u], c, out=c_new)
        c_new += z[:, :u] * z[:, 3 * u:]
        a = actc[t]
        a[...] = c_new
        _act_inplace(activation, a)
        h_new = hseq[t]
        np.multiply(z[:, 2 * u:3 * u], a, out=h_new)
        if masked:
            m = mask[:, t:t + 1]
            c_new -= c
            c_new *= m
            c_new += c
            h_new -= h
            h_new *= m
            h_new += h
        h, c = h_new, c_new
    return hseq.transpose(1, 0, 2), h.copy(), c.copy(), (gates, cseq, actc)


class _Saved:
    """What a forward pass keeps for its backward pass, behind a small integer handle.

    Eager calls outside any GradientTape (``predict``) keep nothing. The handle is the op's
    last output instead of the arrays themselves because a tape fills
    every output nobody differentiates with zeros of its shape: for an LSTM's gate cache that
    was a third of the backward time. Only the newest few entries are kept; a backward pass
    whose entry is gone recomputes the forward pass from its inputs, so results never depend
    on the cache.
    """

    def __init__(self, size=8):
        self.size, self.items, self.next = size, {}, 0

    def put(self, value) -> np.ndarray:
        if not context.active_tapes():  # predict, or a graph session: its backward pass recomputes
            return np.asarray(0, dtype=np.int64)
        self.next += 1
        self.items[self.next] = value
        while len(self.items) > self.size:
            self.items.pop(next(iter(self.items)))
        return np.asarray(self.next, dtype=np.int64)

    def get(self, handle, x, kernel):
        """The entry saved by the forward pass on these very arrays, or None."""
        entry = self.items.get(int(handle)) if np.ndim(handle) == 0 else None
        if entry is None or entry[0] is not x or entry[1] is not kernel:
            return None
        return entry[2:]


_SAVED = _Saved()


def _lstm_backward(x, h0, c0, kernel, rec_kernel, bias, mask, rec_mask, hseq, handle,
                   d_hseq, d_h, d_c, activation="tanh", recurrent_activation="sigmoid"):
    saved = _SAVED.get(handle, x, kernel)
    if saved is None:
        hseq, _, _, saved = _lstm_forward(x, h0, c0, kernel, rec_kernel, bias, mask, rec_mask, activation,
                                          recurrent_activation)
    gates, cseq, actc = saved
    b, t_len, d = x.shape
    u = h0.shape[-1]
    perm = _perm(u)
    r_t = rec_kernel[:, perm].T
    dz_all = np.empty((t_len, b, 4 * u), x.dtype)
    d_hseq = d_hseq.transpose(1, 0, 2)
    dh, dc = d_h.astype(x.dtype), d_c.astype(x.dtype)
    masked, dropped = not mask.all(), not rec_mask.all()
    for t in range(t_len - 1, -1, -1):
        dh = dh + d_hseq[t]
        c_prev = cseq[t - 1] if t else c0
        g = gates[t]
        i, f, o, gg = g[:, :u], g[:, u:2 * u], g[:, 2 * u:3 * u], g[:, 3 * u:]
        if masked:
            m = mask[:, t:t + 1]
            dh_carry, dc_carry = (1 - m) * dh, (1 - m) * dc
            dh, dc = m * dh, m * dc
        a = actc[t]
        dc = dc + dh * o * _dact(activation, a)
        dz = dz_all[t]
        np.multiply(dc, gg, out=dz[:, :u])
        np.multiply(dc, c_prev, out=dz[:, u:2 * u])
        np.multiply(dh, a, out=dz[:, 2 * u:3 * u])
        dz[:, :3 * u] *= _dact(recurrent_activation, g[:, :3 * u])
        np.multiply(dc, i, out=dz[:, 3 * u:])
        dz[:, 3 * u:] *= _dact(activation, gg)
        dc = dc * f
        dh = dz @ r_t
        if dropped:
            dh *= rec_mask
        if masked:
            dh += dh_carry
            dc += dc_carry
    inv = np.argsort(perm)
    h_prev = np.concatenate([h0[None], hseq.transpose(1, 0, 2)[:-1]], axis=0)
    if dropped:
        h_prev = h_prev * rec_mask
    flat_dz = dz_all.reshape(t_len * b, 4 * u)
    x_t = np.ascontiguousarray(x.transpose(1, 0, 2)).reshape(t_len * b, d)
    d_kernel = (x_t.T @ flat_dz)[:, inv]
    d_rec = (h_prev.reshape(t_len * b, u).T @ flat_dz)[:, inv]
    d_bias = flat_dz.sum(axis=0)[inv]
    dx = (flat_dz @ kernel[:, perm].T).reshape(t_len, b, d).transpose(1, 0, 2)
    return dx, dh, dc, d_kernel, d_rec, d_bias


def _lstm_grad(op, d_hseq, d_h, d_c, _d_handle):
    hseq, _, _, handle = op.outputs
    outs = apply_op("KerasLSTMGrad", list(op.inputs) + [hseq, handle, d_hseq, d_h, d_c],
                    activation=op.attrs["activation"], recurrent_activation=op.attrs["recurrent_activation"])
    return list(outs) + [None, None]


register_op("KerasLSTM", _lstm, _lstm_grad, num_outputs=4)
register_op("KerasLSTMGrad", _lstm_backward, num_outputs=6)


def lstm(x, h0, c0, kernel, rec_kernel, bias, mask, rec_mask, activation="tanh",
         recurrent_activation="sigmoid"):
    """(outputs for every step (B, T, U), last h, last c)."""
    hseq, h, c, _ = apply_op("KerasLSTM", [x, h0, c0, kernel, rec_kernel, bias, mask, rec_mask],
                             activation=activation, recurrent_activation=recurrent_activation)
    return hseq, h, c


# -- GRU (reset_after=True) ----------------------------------------------------------------------------
def _gru(x, h0, kernel, rec_kernel, bias, mask, rec_mask, activation="tanh", recurrent_activation="sigmoid"):
    hseq, h, saved = _gru_forward(x, h0, kernel, rec_kernel, bias, mask, rec_mask, activation,
                                  recurrent_activation)
    return hseq, h, _SAVED.put((x, kernel) + saved)


def _gru_forward(x, h0, kernel, rec_kernel, bias, mask, rec_mask, activation, recurrent_activation):
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
    return hseq, h.copy(), (cache,)


def _gru_backward(x, h0, kernel, rec_kernel, bias, mask, rec_mask, hseq, handle, d_hseq, d_h,
                  activation="tanh", recurrent_activation="sigmoid"):
    saved = _SAVED.get(handle, x, kernel)
    if saved is None:
        hseq, _, saved = _gru_forward(x, h0, kernel, rec_kernel, bias, mask, rec_mask, activation,
                                      recurrent_activation)
    (cache,) = saved
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


def _gru_grad(op, d_hseq, d_h, _d_handle):
    hseq, _, handle = op.outputs
    outs = apply_op("KerasGRUGrad", list(op.inputs) + [hseq, handle, d_hseq, d_h],
                    activation=op.attrs["activation"], recurrent_activation=op.attrs["recurrent_activation"])
    return list(outs) + [None, None]


register_op("KerasGRU", _gru, _gru_grad, num_outputs=3)
register_op("KerasGRUGrad", _gru_backward, num_outputs=5)


def gru(x, h0, kernel, rec_kernel, bias, mask, rec_mask, activation="tanh", recurrent_activation="sigmoid"):
    hseq, h, _ = apply_op("KerasGRU", [x, h0, kernel, rec_kernel, bias, mask, rec_mask],
                          activation=activation, recurrent_activation=recurrent_activation)
    return hseq, h


# -- GRU (reset_after=False: Keras 2.2's default, the reset gate applied before the product) ----------
def _gru_v1(x, h0, kernel, rec_kernel, bias, mask, rec_mask, activation="tanh",
            recurrent_activation="sigmoid"):
    hseq, h, saved = _gru_v1_forward(x, h0, kernel, rec_kernel, bias, mask, rec_mask, activation,
                                     recurrent_activation)
    return hseq, h, _SAVED.put((x, kernel) + saved)


def _gru_v1_forward(x, h0, kernel, rec_kernel, bias, mask, rec_mask, activation, recurrent_activation):
    act, ract = _ACT[activation], _ACT[recurrent_activation]
    b, t_len, _ = x.shape
    u = h0.shape[-1]
    xz = (x.reshape(b * t_len, -1) @ kernel + bias).reshape(b, t_len, 3 * u)
    hseq = np.empty((b, t_len, u), x.dtype)
    cache = np.empty((b, t_len, 4 * u), x.dtype)  # z, r, candidate, r * h (what meets the kernel)
    h = h0
    masked = not mask.all()
    for t in range(t_len):
        hd = h * rec_mask
        zr = ract(xz[:, t, :2 * u] + hd @ rec_kernel[:, :2 * u])
        z, r = zr[:, :u], zr[:, u:]
        rh = r * hd
        hh = act(xz[:, t, 2 * u:] + rh @ rec_kernel[:, 2 * u:])
        h_new = z * h + (1 - z) * hh
        if masked:
            m = mask[:, t:t + 1]
            h_new = m * h_new + (1 - m) * h
        cache[:, t, :2 * u] = zr
        cache[:, t, 2 * u:3 * u] = hh
        cache[:, t, 3 * u:] = rh
        hseq[:, t] = h_new
        h = h_new
    return hseq, h.copy(), (cache,)


def _gru_v1_backward(x, h0, kernel, rec_kernel, bias, mask, rec_mask, hseq, handle, d_hseq, d_h,
                     activation="tanh", recurrent_activation="sigmoid"):
    saved = _SAVED.get(handle, x, kernel)
    if saved is None:
        hseq, _, saved = _gru_v1_forward(x, h0, kernel, rec_kernel, bias, mask, rec_mask, activation,
                                         recurrent_activation)
    (cache,) = saved
    b, t_len, d = x.shape
    u = h0.shape[-1]
    dxz_all = np.empty((b, t_len, 3 * u), x.dtype)
    u_zr_t, u_h_t = rec_kernel[:, :2 * u].T, rec_kernel[:, 2 * u:].T
    dh = d_h.copy()
    masked = not mask.all()
    for t in range(t_len - 1, -1, -1):
        dh = dh + d_hseq[:, t]
        h_prev = hseq[:, t - 1] if t else h0
        c = cache[:, t]
        z, r, hh = c[:, :u], c[:, u:2 * u], c[:, 2 * u:3 * u]
        if masked:
            m = mask[:, t:t + 1]
            dh_carry = (1 - m) * dh
            dh = m * dh
        dxz = dxz_all[:, t]
        da = dh * (1 - z) * _dact(activation, hh)
        d_rh = da @ u_h_t
        dxz[:, :u] = dh * (h_prev - hh) * _dact(recurrent_activation, z)
        dxz[:, u:2 * u] = d_rh * (h_prev * rec_mask) * _dact(recurrent_activation, r)
        dxz[:, 2 * u:] = da
        dhd = dxz[:, :2 * u] @ u_zr_t + d_rh * r
        dh = dh * z + dhd * rec_mask
        if masked:
            dh = dh + dh_carry
    h_prev = np.concatenate([h0[:, None], hseq[:, :-1]], axis=1) * rec_mask[:, None]
    flat_dxz = dxz_all.reshape(b * t_len, 3 * u)
    d_rec = np.concatenate([h_prev.reshape(b * t_len, u).T @ flat_dxz[:, :2 * u],
                            cache[:, :, 3 * u:].reshape(b * t_len, u).T @ flat_dxz[:, 2 * u:]], axis=1)
    d_kernel = x.reshape(b * t_len, d).T @ flat_dxz
    dx = (flat_dxz @ kernel.T).reshape(b, t_len, d)
    return dx, dh, d_kernel, d_rec, flat_dxz.sum(axis=0)


def _gru_v1_grad(op, d_hseq, d_h, _d_handle):
    hseq, _, handle = op.outputs
    outs = apply_op("KerasGRUv1Grad", list(op.inputs) + [hseq, handle, d_hseq, d_h],
                    activation=op.attrs["activation"], recurrent_activation=op.attrs["recurrent_activation"])
    return list(outs) + [None, None]


register_op("KerasGRUv1", _gru_v1, _gru_v1_grad, num_outputs=3)
register_op("KerasGRUv1Grad", _gru_v1_backward, num_outputs=5)


def gru_v1(x, h0, kernel, rec_kernel, bias, mask, rec_mask, activation="tanh",
           recurrent_activation="sigmoid"):
    """GRU with ``reset_after=False``: bias (3 * units,), ``hh = act(x W_h + (r * h) U_h + b_h)``."""
    hseq, h, _ = apply_op("KerasGRUv1", [x, h0, kernel, rec_kernel, bias, mask, rec_mask],
                          activation=activation, recurrent_activation=recurrent_activation)
    return hseq, h


# -- SimpleRNN ----------------------------------------------------------------------------------------
def _simple_rnn(x, h0, kernel, rec_kernel, bias, mask, rec_mask, activation="tanh"):
    hseq, h, saved = _simple_rnn_forward(x, h0, kernel, rec_kernel, bias, mask, rec_mask, activation)
    return hseq, h, _SAVED.put((x, kernel) + saved)


def _simple_rnn_forward(x, h0, kernel, rec_kernel, bias, mask, rec_mask, activation):
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
    return hseq, h.copy(), (pre,)


def _simple_rnn_backward(x, h0, kernel, rec_kernel, bias, mask, rec_mask, hseq, handle, d_hseq, d_h,
                         activation="tanh"):
    saved = _SAVED.get(handle, x, kernel)
    if saved is None:
        hseq, _, saved = _simple_rnn_forward(x, h0, kernel, rec_kernel, bias, mask, rec_mask, activation)
    (pre,) = saved
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


def _simple_rnn_grad(op, d_hseq, d_h, _d_handle):
    hseq, _, handle = op.outputs
    outs = apply_op("KerasSimpleRNNGrad", list(op.inputs) + [hseq, handle, d_hseq, d_h],
                    activation=op.attrs["activation"])
    return list(outs) + [None, None]


register_op("KerasSimpleRNN", _simple_rnn, _simple_rnn_grad, num_outputs=3)
register_op("KerasSimpleRNNGrad", _simple_rnn_backward, num_outputs=5)


def simple_rnn(x, h0, kernel, rec_kernel, bias, mask, rec_mask, activation="tanh"):
    hseq, h, _ = apply_op("KerasSimpleRNN", [x, h0, kernel, rec_kernel, bias, mask, rec_mask],
                          activation=activation)
    return hseq, h
