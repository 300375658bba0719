"""The fused GRU ops (Keras's GRU layer, ``reset_after`` True and False), forward and hand-written
backward over a whole sequence; the conventions are ``rnn_ops``'."""

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
    kernel_of,
    sigmoid_of_exp_arg,
)


# -- GRU (reset_after=True) ----------------------------------------------------------------------------
def _gru(x, h0, kernel, rec_kernel, bias, mask, rec_mask, activation="tanh", recurrent_activation="sigmoid"):
    hseq, h, saved = _gru_forward(x, h0, kernel, rec_kernel, bias, mask, rec_mask, activation,
                                  recurrent_activation)
    return hseq, h, SAVED.put((x, kernel) + saved)


def _gru_forward(x, h0, kernel, rec_kernel, bias, mask, rec_mask, activation, recurrent_activation):
    b, t_len, _ = x.shape
    u = h0.shape[-1]
    fast = exp_path(activation, recurrent_activation)
    bias_in, bias_rec = bias[0], bias[1]
    if fast:  # exp arguments: -a for the gates, -2a for the candidate (see _fast)
        scale = np.repeat(np.array([-1.0, -2.0], x.dtype), [2 * u, u])
        kernel, rec_kernel = kernel * scale, rec_kernel * scale
        bias_in, bias_rec = bias_in * scale, bias_rec * scale
    # time-major inside, so each step works on contiguous blocks
    xz = (np.ascontiguousarray(x.transpose(1, 0, 2)).reshape(t_len * b, -1) @ kernel + bias_in)
    xz = xz.reshape(t_len, b, 3 * u).astype(x.dtype, copy=False)
    hseq = np.empty((t_len, b, u), x.dtype)
    cache = np.empty((t_len, b, 4 * u), x.dtype)  # z, r, candidate, recurrent part of the candidate
    hu = np.empty((b, 3 * u), x.dtype)
    h = h0
    masked, dropped = is_masked(mask), is_dropped(rec_mask)
    with np.errstate(over="ignore"):
        for t in range(t_len):
            np.matmul(h * rec_mask if dropped else h, rec_kernel, out=hu)
            hu += bias_rec
            h = _gru_step(xz[t], hu, h, cache[t], hseq[t], mask[:, t:t + 1] if masked else None, u, fast,
                          activation, recurrent_activation)
    return hseq.transpose(1, 0, 2), h.copy(), (cache,)


def _gru_step(xz, hu, h, c, h_new, m, u, fast, activation, recurrent_activation):
    """One step in place: the gates, candidate and recurrent part go to ``c``, the state to ``h_new``."""
    zr, hh = c[:, :2 * u], c[:, 2 * u:3 * u]
    np.add(xz[:, :2 * u], hu[:, :2 * u], out=zr)
    if fast:
        sigmoid_of_exp_arg(zr)
        np.multiply(zr[:, u:], hu[:, 2 * u:], out=hh)
        hh += xz[:, 2 * u:]
        sigmoid_of_exp_arg(hh)
        hh *= 2.0
        hh -= 1.0
        np.multiply(hu[:, 2 * u:], -0.5, out=c[:, 3 * u:])
    else:
        act_inplace(recurrent_activation, zr)
        np.multiply(zr[:, u:], hu[:, 2 * u:], out=hh)
        hh += xz[:, 2 * u:]
        act_inplace(activation, hh)
        c[:, 3 * u:] = hu[:, 2 * u:]
    np.subtract(h, hh, out=h_new)  # z * h + (1 - z) * hh
    h_new *= zr[:, :u]
    h_new += hh
    if m is not None:
        h_new -= h
        h_new *= m
        h_new += h
    return h_new


def _gru_backward(x, h0, kernel, rec_kernel, bias, mask, rec_mask, hseq, handle, d_hseq, d_h,
                  activation="tanh", recurrent_activation="sigmoid"):
    saved = SAVED.get(handle, x, kernel)
    if saved is None:
        hseq, _, saved = _gru_forward(x, h0, kernel, rec_kernel, bias, mask, rec_mask, activation,
                                      recurrent_activation)
    (cache,) = saved
    cache = cache.transpose(1, 0, 2)
    b, t_len, d = x.shape
    u = h0.shape[-1]
    dxz_all = np.empty((b, t_len, 3 * u), x.dtype)
    dhu_all = np.empty((b, t_len, 3 * u), x.dtype)
    dh = d_h.copy()
    rk_t = rec_kernel.T
    masked = is_masked(mask)
    for t in range(t_len - 1, -1, -1):
        dh = dh + d_hseq[:, t]
        h_prev = hseq[:, t - 1] if t else h0
        c = cache[:, t]
        z, r, hh, hu_h = c[:, :u], c[:, u:2 * u], c[:, 2 * u:3 * u], c[:, 3 * u:]
        if masked:
            m = mask[:, t:t + 1]
            dh_carry = (1 - m) * dh
            dh = m * dh
        da = dh * (1 - z) * dact(activation, hh)
        dxz, dhu = dxz_all[:, t], dhu_all[:, t]
        dxz[:, :u] = dh * (h_prev - hh) * dact(recurrent_activation, z)
        dxz[:, u:2 * u] = da * hu_h * dact(recurrent_activation, r)
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
    return hseq, h, SAVED.put((x, kernel) + saved)


def _gru_v1_forward(x, h0, kernel, rec_kernel, bias, mask, rec_mask, activation, recurrent_activation):
    act, ract = kernel_of(activation), kernel_of(recurrent_activation)
    b, t_len, _ = x.shape
    u = h0.shape[-1]
    xz = (x.reshape(b * t_len, -1) @ kernel + bias).reshape(b, t_len, 3 * u)
    hseq = np.empty((b, t_len, u), x.dtype)
    cache = np.empty((b, t_len, 4 * u), x.dtype)  # z, r, candidate, r * h (what meets the kernel)
    h = h0
    masked = is_masked(mask)
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
    saved = SAVED.get(handle, x, kernel)
    if saved is None:
        hseq, _, saved = _gru_v1_forward(x, h0, kernel, rec_kernel, bias, mask, rec_mask, activation,
                                         recurrent_activation)
    (cache,) = saved
    b, t_len, d = x.shape
    u = h0.shape[-1]
    dxz_all = np.empty((b, t_len, 3 * u), x.dtype)
    u_zr_t, u_h_t = rec_kernel[:, :2 * u].T, rec_kernel[:, 2 * u:].T
    dh = d_h.copy()
    masked = is_masked(mask)
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
        da = dh * (1 - z) * dact(activation, hh)
        d_rh = da @ u_h_t
        dxz[:, :u] = dh * (h_prev - hh) * dact(recurrent_activation, z)
        dxz[:, u:2 * u] = d_rh * (h_prev * rec_mask) * dact(recurrent_activation, r)
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
