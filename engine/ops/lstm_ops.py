"""The fused LSTM op (Keras's LSTM layer), forward and hand-written backward over a whole
sequence; the conventions are ``rnn_ops``'."""

from __future__ import annotations

import numpy as np

from engine.framework.execute import apply_op
from engine.framework.op_registry import register_op
from engine.ops.rnn_ops import (
    SAVED,
    act_inplace,
    dact_into,
    exp_path,
    is_dropped,
    is_masked,
    sigmoid_of_exp_arg,
    tanh_exp,
    time_major_with_ones,
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
    dtype = x.dtype
    k = np.concatenate([kernel[:, perm], bias[perm][None]]).astype(dtype, copy=False)
    r = rec_kernel[:, perm].astype(dtype, copy=False)
    fast = exp_path(activation, recurrent_activation)
    if fast:
        scale = np.repeat(np.array([-1.0, -2.0], dtype), [3 * u, u])
        k, r = k * scale, r * scale
    # gates[t] starts as x_t @ kernel + bias and becomes the step's activated gates in place
    x_rows = time_major_with_ones(x)
    gates = (x_rows @ k).reshape(t_len, b, 4 * u)
    hseq = np.empty((t_len, b, u), dtype)
    cseq = np.empty((t_len, b, u), dtype)
    actc = np.empty((t_len, b, u), dtype)  # activation(c) before masking, for the backward pass
    scratch = np.empty((b, 4 * u), dtype), np.empty((b, u), dtype)
    h, c = h0, c0
    masked, dropped = is_masked(mask), is_dropped(rec_mask)
    with np.errstate(over="ignore"):
        for t in range(t_len):
            h, c = _lstm_step(gates[t], h, c, r, rec_mask if dropped else None, hseq[t], cseq[t], actc[t],
                              mask[:, t:t + 1] if masked else None, u, fast, activation,
                              recurrent_activation, scratch)
    return hseq.transpose(1, 0, 2), h.copy(), c.copy(), (gates, cseq, actc, x_rows)


def _lstm_step(z, h, c, r, rec_mask, h_new, c_new, a, m, u, fast, activation, recurrent_activation,
               scratch):
    """One step in place: ``z`` (the step's input projection) becomes the activated gates."""
    rec, ig = scratch
    z += np.matmul(h if rec_mask is None else h * rec_mask, r, out=rec)
    if fast:
        sigmoid_of_exp_arg(z)
        g = z[:, 3 * u:]
        g *= 2.0
        g -= 1.0
    else:
        act_inplace(recurrent_activation, z[:, :3 * u])
        act_inplace(activation, z[:, 3 * u:])
    np.multiply(z[:, u:2 * u], c, out=c_new)
    c_new += np.multiply(z[:, :u], z[:, 3 * u:], out=ig)
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
    saved = SAVED.take(handle, x, kernel)  # taken: the gates' gradients overwrite the gates
    if saved is None:
        hseq, _, _, saved = _lstm_forward(x, h0, c0, kernel, rec_kernel, bias, mask, rec_mask, activation,
                                          recurrent_activation)
    gates, cseq, actc, x_rows = saved
    b, t_len, d = x.shape
    u = h0.shape[-1]
    dtype = x.dtype
    perm = _perm(u)
    r_t = rec_kernel[:, perm].T.astype(dtype, copy=False)
    d_hseq = d_hseq.transpose(1, 0, 2)
    dh, dc = np.array(d_h, dtype), np.array(d_c, dtype)  # owned: updated in place below
    dc_next, s_u, s_3u = np.empty_like(dc), np.empty((b, u), dtype), np.empty((b, 3, u), dtype)
    masked, dropped = is_masked(mask), is_dropped(rec_mask)
    if masked:
        keep = (1 - mask).astype(dtype)
        dh_carry, dc_carry = np.empty_like(dh), np.empty_like(dc)
    seq_grads = bool(d_hseq.any())  # all zeros unless the layer returns sequences
    for t in range(t_len - 1, -1, -1):
        if seq_grads:
            dh += d_hseq[t]
        c_prev = cseq[t - 1] if t else c0
        g = gates[t].reshape(b, 4, u)  # i, f, o, c; becomes the gates' gradients in place
        i, f, o, gg = g[:, 0], g[:, 1], g[:, 2], g[:, 3]
        if masked:  # a padded step passes its gradients through to the step before it
            m, k = mask[:, t:t + 1], keep[:, t:t + 1]
            np.multiply(dh, k, out=dh_carry)
            np.multiply(dc, k, out=dc_carry)
            dh *= m
            dc *= m
        a = actc[t]
        dact_into(recurrent_activation, g[:, :3], s_3u)  # then times c, c_prev, act(c)
        s_3u[:, 0] *= gg
        s_3u[:, 1] *= c_prev
        s_3u[:, 2] *= a
        dact_into(activation, a, s_u)  # dc += dh * o * act'(c)
        s_u *= o
        s_u *= dh
        dc += s_u
        dact_into(activation, gg, s_u)  # the candidate's gradient, kept until c is read
        s_u *= i
        s_u *= dc
        np.multiply(dc, f, out=dc_next)
        np.multiply(s_3u[:, :2], dc[:, None], out=g[:, :2])
        np.multiply(s_3u[:, 2], dh, out=o)
        gg[...] = s_u
        np.matmul(gates[t], r_t, out=dh)
        dc, dc_next = dc_next, dc
        if dropped:
            dh *= rec_mask
        if masked:
            dh += dh_carry
            dc += dc_carry
    inv = np.argsort(perm)
    flat_dz = gates.reshape(t_len * b, 4 * u)
    d_kernel_bias = (x_rows.T @ flat_dz)[:, inv]
    # the state each step started from: h0, then the outputs but the last (time-major, no copy
    # when hseq is this op's own output)
    hs = np.ascontiguousarray(hseq.transpose(1, 0, 2), dtype=dtype)
    h_first = h0.astype(dtype, copy=False)
    if dropped:
        hs, h_first = hs * rec_mask, h_first * rec_mask
    d_rec = hs[:-1].reshape((t_len - 1) * b, u).T @ flat_dz[b:] + h_first.T @ gates[0]
    dx = (flat_dz @ kernel[:, perm].T.astype(dtype, copy=False)).reshape(t_len, b, d).transpose(1, 0, 2)
    return dx, dh, dc, d_kernel_bias[:d], d_rec[:, inv], d_kernel_bias[d]


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
