"""Fused recurrent ops for Keras's LSTM, GRU and SimpleRNN: one op runs a whole sequence.
This module holds what the three share (the activation tables, the exp path, the cache of
saved forward passes) and SimpleRNN; ``lstm_ops`` and ``gru_ops`` hold the gated cells.

The input projection ``x @ kernel + bias`` of every step is one matrix product before the loop;
each step is then one ``h @ recurrent_kernel`` plus a handful of element-wise numpy calls, and
the hand-written backward pass mirrors it (the weight gradients are again one product each,
after the loop). The gradient functions are plain ops too, so they work in graphs.

Each op keeps its cache (gate values, cell states) beside it, behind a handle output (see
``Saved``), and its backward pass recomputes the forward pass if that cache is gone.

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
dact = activation_ops.derivative


def check_activation(name: str) -> str:
    if name not in _ACT:
        raise ValueError(f"recurrent layers support the activations {sorted(_ACT)}, got {name!r}")
    return name


def act_inplace(name, s):
    _ACT[name](s, out=s)


def kernel_of(name):
    """The numpy kernel of the activation ``name``."""
    return _ACT[name]


def is_dropped(rec_mask) -> bool:
    """Whether recurrent dropout is on: a mask of ones changes nothing (``rec_mask.all()`` would
    only say that no entry is zero, and a mask of 1 / (1 - rate) with none dropped still scales)."""
    return bool((rec_mask != 1).any())


def is_masked(mask) -> bool:
    return not mask.all()

# numpy's exp is about twice as fast as its tanh, and the recurrent loops spend most of their
# time in these two activations. With Keras's default activations (sigmoid gates, tanh
# candidate), the kernels' columns are scaled by -1 (sigmoid gates) and -2 (tanh) before the
# loop, an exact scaling, so that one exp per step serves every gate: sigmoid(a) = 1 / (1 + e^-a),
# tanh(a) = 2 / (1 + e^-2a) - 1. The tails are right (e^-a overflows to inf: 1 / inf is 0).
def exp_path(activation, recurrent_activation) -> bool:
    return activation == "tanh" and recurrent_activation == "sigmoid"


def sigmoid_of_exp_arg(z):
    """``z`` holds ``-a``: becomes ``sigmoid(a)`` in place."""
    np.exp(z, out=z)
    z += 1.0
    np.divide(1.0, z, out=z)


def tanh_exp(src, out):
    """``out = tanh(src)`` through one exp, within 1e-7 of np.tanh in float32."""
    np.multiply(src, -2.0, out=out)
    np.exp(out, out=out)
    out += 1.0
    np.divide(2.0, out, out=out)
    out -= 1.0


def dact_into(name, y, out):
    """``out = d activation / d input`` from the output ``y``, without temporaries for the two
    activations a gated cell uses most."""
    if name == "tanh":
        np.multiply(y, y, out=out)
        np.subtract(1.0, out, out=out)
    elif name == "sigmoid":
        np.subtract(1.0, y, out=out)
        out *= y
    else:
        out[...] = dact(name, y)
    return out


def time_major_with_ones(x):
    """``x`` (batch, time, features) as rows of (time * batch, features + 1) whose last column is
    ones: one product with ``[kernel; bias]`` is the input projection with its bias, and one with
    the gates' gradients is the kernel's gradient with the bias's as its last row."""
    b, t_len, d = x.shape
    rows = np.empty((t_len, b, d + 1), x.dtype)
    rows[:, :, :d] = x.transpose(1, 0, 2)
    rows[:, :, d] = 1.0
    return rows.reshape(t_len * b, d + 1)


class Saved:
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

    def take(self, handle, x, kernel):
        """``get``, and the entry is forgotten: for a backward pass that overwrites it (a second
        backward pass on the same handle recomputes)."""
        entry = self.get(handle, x, kernel)
        if entry is not None:
            del self.items[int(handle)]
        return entry


SAVED = Saved()


# -- SimpleRNN ----------------------------------------------------------------------------------------
def _simple_rnn(x, h0, kernel, rec_kernel, bias, mask, rec_mask, activation="tanh"):
    hseq, h, saved = _simple_rnn_forward(x, h0, kernel, rec_kernel, bias, mask, rec_mask, activation)
    return hseq, h, SAVED.put((x, kernel) + saved)


def _simple_rnn_forward(x, h0, kernel, rec_kernel, bias, mask, rec_mask, activation):
    act = _ACT[activation]
    b, t_len, _ = x.shape
    u = h0.shape[-1]
    xw = (x.reshape(b * t_len, -1) @ kernel + bias).reshape(b, t_len, u)
    hseq = np.empty((b, t_len, u), x.dtype)
    pre = np.empty((b, t_len, u), x.dtype)  # the activation's output before masking
    h = h0
    masked = is_masked(mask)
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
    saved = SAVED.get(handle, x, kernel)
    if saved is None:
        hseq, _, saved = _simple_rnn_forward(x, h0, kernel, rec_kernel, bias, mask, rec_mask, activation)
    (pre,) = saved
    b, t_len, d = x.shape
    u = h0.shape[-1]
    da_all = np.empty((b, t_len, u), x.dtype)
    dh = d_h.copy()
    rk_t = rec_kernel.T
    masked = is_masked(mask)
    for t in range(t_len - 1, -1, -1):
        dh = dh + d_hseq[:, t]
        if masked:
            m = mask[:, t:t + 1]
            dh_carry = (1 - m) * dh
            dh = m * dh
        da = dh * dact(activation, pre[:, t])
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

