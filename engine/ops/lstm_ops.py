"""The fused LSTM op (Keras's LSTM layer), forward and hand-written backward over a whole
sequence; the conventions are ``rnn_ops``'."""

from __future__ import annotations

import numpy as np

from engine.framework.execute import apply_op
from engine.framework.op_registry import register_op
from engine.ops.rnn_ops import (
    SAVED,
    act_inplace,
    dact,
    exp_path,
    is_dropped,
    is_masked,
    sigmoid_of_exp_arg,
    tanh_exp,
)


# -- LSTM -----------------------------------------------------------------------------------------
# Inside the op the gates are laid out i, f, o, c (the three gated by the recurrent activation
# side by side) and time-major, so each step works on contiguous blocks in place.
def _perm(u):
    return np.r_[0:2 * u, 3 * u:4 * u, 2 * u:3 * u]



def _lstm(x, h0, c0, kernel, rec_kernel, bias, mask, rec_mask, activation="tanh",
          recurrent_activation="sigmoid"):
    hseq, h, c, saved = _lstm_forward(x, h0, c0, kernel, rec_kernel, bias, mask, rec_mask, activation,
                                      recurrent_activation)
    return hseq, h, c, SAVED.put((x, kernel) + saved)


def _lstm_forward(x, h0, c0, kernel, rec_kernel, bias, mask, rec_mask, activation, recurrent_activation):
    b, t_len, d = x.shape
    u = h0.shape[-1]
    perm = _perm(u)
    k, r, bias = kernel[:, perm], rec_kernel[:, perm], bias[perm]
    fast = exp_path(activation, recurrent_activation)
    if fast:
        scale = np.repeat(np.array([-1.0, -2.0], x.dtype), [3 * u, u])
        k, r, bias = k * scale, r * scale, bias * scale
    # gates[t] starts as x_t @ kernel + bias and becomes the step's activated gates in place
    gates = (np.ascontiguousarray(x.transpose(1, 0, 2)).reshape(t_len * b, d) @ k + bias)
    gates = gates.reshape(t_len, b, 4 * u).astype(x.dtype, copy=False)
    hseq = np.empty((t_len, b, u), x.dtype)
    cseq = np.empty((t_len, b, u), x.dtype)
    actc = np.empty((t_len, b, u), x.dtype)  # activation(c) before masking, for the backward pass
    h, c = h0, c0
    masked, dropped = is_masked(mask), is_dropped(rec_mask)
    with np.errstate(over="ignore"):
        for t in range(t_len):
            h, c = _lstm_step(gates[t], h, c, r, rec_mask if dropped else None, hseq[t], cseq[t], actc[t],
                              mask[:, t:t + 1] if masked else None, u, fast, activation,
                              recurrent_activation)
    return hseq.transpose(1, 0, 2), h.copy(), c.copy(), (gates, cseq, actc)


def _lstm_step(z, h, c, r, rec_mask, h_new, c_new, a, m, u, fast, activation, recurrent_activation):
    """One step in place: ``z`` (the step's input projection) becomes the activated gates."""
    z += (h if rec_mask is None else h * rec_mask) @ r
    if fast:
        sigmoid_of_exp_arg(z)
        g = z[:, 3 * u:]
        g *= 2.0
        g -= 1.0
    else:
        act_inplace(recurrent_activation, z[:, :3 * u])
        act_inplace(activation, z[:, 3 * u:])
    np.multiply(z[:, u:2 * u], c, out=c_new)
    c_new += z[:, :u] * z[:, 3 * u:]
    if fast:
        tanh_exp(c_new, a)
    else:
        a[...] = c_new
        act_inplace(activation, a)
    np.multiply(z[:, 2 * u:3 * u], a, out=h_new)
    if m is not None:
        c_new -= c
        c_new *= m
        c_new += c
        h_new -= h
        h_new *= m
        h_new += h
    return h_new, c_new


def _lstm_backward(x, h0, c0, kernel, rec_kernel, bias, mask, rec_mask, hseq, handle,
                   d_hseq, d_h, d_c, activation="tanh", recurrent_activation="sigmoid"):
    saved = SAVED.get(handle, x, kernel)
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
    masked, dropped = is_masked(mask), is_dropped(rec_mask)
    seq_grads = bool(d_hseq.any())  # all zeros unless the layer returns sequences
    for t in range(t_len - 1, -1, -1):
        if seq_grads:
            dh = dh + d_hseq[t]
        c_prev = cseq[t - 1] if t else c0
        g = gates[t]
        i, f, o, gg = g[:, :u], g[:, u:2 * u], g[:, 2 * u:3 * u], g[:, 3 * u:]
        if masked:
            m = mask[:, t:t + 1]
            dh_carry, dc_carry = (1 - m) * dh, (1 - m) * dc
            dh, dc = m * dh, m * dc
        a = actc[t]
        dc = dc + dh * o * dact(activation, a)
        dz = dz_all[t]
        np.multiply(dc, gg, out=dz[:, :u])
        np.multiply(dc, c_prev, out=dz[:, u:2 * u])
        np.multiply(dh, a, out=dz[:, 2 * u:3 * u])
        dz[:, :3 * u] *= dact(recurrent_activation, g[:, :3 * u])
        np.multiply(dc, i, out=dz[:, 3 * u:])
        dz[:, 3 * u:] *= dact(activation, gg)
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
