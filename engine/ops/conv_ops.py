"""2-D convolution and pooling (NHWC inputs, HWIO filters) with hand-written backprop kernels.

Convolution is im2col: a strided view gathers every output pixel's window into one row (one copy),
and then one matrix product does the work, forward and for the filter's gradient (which takes the
forward's matrix back when a tape recorded the convolution, ``_KeptColumns``); the input's
gradient is one product per filter offset, of the whole 2-D output gradient, added into place. One big
product with K = kh * kw * cin keeps BLAS busy where a product per window offset (K = cin, on
strided views numpy's matmul cannot hand to BLAS) did not. Pooling loops over the window offsets.
"""

from __future__ import annotations

import numpy as np

from engine.framework import context
from engine.framework.execute import apply_op
from engine.framework.op_registry import register_op


def _out_and_pads(size, k, stride, padding):
    if padding == "VALID":
        return (size - k) // stride + 1, 0
    out = -(-size // stride)
    total = max((out - 1) * stride + k - size, 0)
    return out, total // 2


def _geometry(in_shape, kh, kw, strides, padding):
    _, h, w, _ = in_shape
    oh, ph = _out_and_pads(h, kh, strides[1], padding)
    ow, pw = _out_and_pads(w, kw, strides[2], padding)
    return oh, ow, ph, pw


def _padded(x, kh, kw, strides, oh, ow, ph, pw, fill=0.0):
    n, h, w, c = x.shape
    need_h = (oh - 1) * strides[1] + kh
    need_w = (ow - 1) * strides[2] + kw
    if ph == 0 and pw == 0 and need_h <= h and need_w <= w:
        return x
    out = np.full((n, max(need_h, h + ph), max(need_w, w + pw), c), fill, dtype=x.dtype)
    out[:, ph:ph + h, pw:pw + w] = x
    return out


def _windows(oh, ow, kh, kw, strides):
    sh, sw = strides[1], strides[2]
    for i in range(kh):
        for j in range(kw):
            rows = slice(i, i + sh * (oh - 1) + 1, sh)
            cols = slice(j, j + sw * (ow - 1) + 1, sw)
            yield i, j, (slice(None), rows, cols)


def _im2col(x, kh, kw, strides, padding):
    """(n * oh * ow, kh * kw * c) rows of input windows, in the filter's (i, j, c) order."""
    n, _, _, c = x.shape
    oh, ow, ph, pw = _geometry(x.shape, kh, kw, strides, padding)
    xp = _padded(x, kh, kw, strides, oh, ow, ph, pw)
    s0, s1, s2, s3 = xp.strides
    view = np.lib.stride_tricks.as_strided(
        xp, (n, oh, ow, kh, kw, c), (s0, s1 * strides[1], s2 * strides[2], s1, s2, s3), writeable=False)
    return view.reshape(n * oh * ow, kh * kw * c), oh, ow


class _KeptColumns:
    """The im2col matrices of convolutions run under a recording tape, for the filter's gradient
    of the same input to take back instead of gathering them again (a 64x26x26x32 input's are
    42 MB, 7 ms to gather). An entry matches only the same input array object with the same
    geometry (kernels never modify their inputs), is taken once, and the kept bytes are bounded:
    past ``LIMIT`` the oldest go and their gradients gather anew."""

    LIMIT = 256 * 2**20

    def __init__(self):
        self._entries: dict[int, tuple] = {}  # id(x) -> (x, geometry, cols), oldest first
        self._bytes = 0

    @staticmethod
    def geometry(kh, kw, strides, padding, dtype) -> tuple:
        """What a kept matrix must match besides its input: the forward pass and the filter's
        gradient build it alike."""
        return kh, kw, tuple(strides), padding, np.dtype(dtype)

    def keep(self, x, geometry, cols) -> None:
        self._drop(id(x))  # a newer matrix of the same input replaces the older
        if cols.nbytes > self.LIMIT:
            return
        while self._entries and self._bytes + cols.nbytes > self.LIMIT:
            self._drop(next(iter(self._entries)))
        self._entries[id(x)] = (x, geometry, cols)
        self._bytes += cols.nbytes

    def take(self, x, geometry):
        """The kept matrix of ``x`` with this geometry, or None; either way no longer kept."""
        entry = self._drop(id(x))
        return entry[2] if entry is not None and entry[0] is x and entry[1] == geometry else None

    def _drop(self, key):
        entry = self._entries.pop(key, None)
        if entry is not None:
            self._bytes -= entry[2].nbytes
        return entry


_KEPT = _KeptColumns()


def _conv2d(x, f, strides, padding):
    kh, kw, ci, co = f.shape
    dtype = np.result_type(x, f)
    x = x.astype(dtype, copy=False)
    cols, oh, ow = _im2col(x, kh, kw, strides, padding)
    if context.active_tapes():  # the filter's gradient will want them
        _KEPT.keep(x, _KEPT.geometry(kh, kw, strides, padding, dtype), cols)
    return (cols @ f.astype(dtype, copy=False).reshape(kh * kw * ci, co)).reshape(x.shape[0], oh, ow, co)


def _conv2d_backprop_input(input_sizes, f, g, strides, padding):
    shape = tuple(int(s) for s in input_sizes)
    kh, kw, ci, co = f.shape
    oh, ow, ph, pw = _geometry(shape, kh, kw, strides, padding)
    n, h, w, c = shape
    need_h = max((oh - 1) * strides[1] + kh, h + ph)
    need_w = max((ow - 1) * strides[2] + kw, w + pw)
    dxp = np.zeros((n, need_h, need_w, c), dtype=g.dtype)
    g2, f = g.reshape(n * oh * ow, co), f.astype(g.dtype, copy=False)
    for i, j, window in _windows(oh, ow, kh, kw, strides):
        dxp[window] += (g2 @ f[i, j].T).reshape(n, oh, ow, ci)
    return dxp[:, ph:ph + h, pw:pw + w]


def _conv2d_backprop_filter(x, filter_sizes, g, strides, padding):
    kh, kw, ci, co = (int(s) for s in filter_sizes)
    x = x.astype(g.dtype, copy=False)
    cols = _KEPT.take(x, _KEPT.geometry(kh, kw, strides, padding, g.dtype))
    if cols is None:
        cols, _, _ = _im2col(x, kh, kw, strides, padding)
    return (cols.T @ g.reshape(-1, co)).reshape(kh, kw, ci, co)


def _conv2d_grad(op, g):
    from engine.ops.array_ops import shape

    x, f = op.inputs
    attrs = op.attrs
    skip = getattr(op, "skip_input_indices", ())  # a first layer's input is data: no gradient
    return [None if 0 in skip else conv2d_backprop_input(shape(x), f, g, attrs["strides"], attrs["padding"]),
            None if 1 in skip else conv2d_backprop_filter(x, shape(f), g, attrs["strides"], attrs["padding"])]


def _backprop_input_grad(op, gg):
    sizes, f, g = op.inputs
    s, p = op.attrs["strides"], op.attrs["padding"]
    from engine.ops.array_ops import shape

    return [None, conv2d_backprop_filter(gg, shape(f), g, s, p), conv2d(gg, f, s, p)]


def _backprop_filter_grad(op, gf):
    x, sizes, g = op.inputs
    s, p = op.attrs["strides"], op.attrs["padding"]
    from engine.ops.array_ops import shape

    return [conv2d_backprop_input(shape(x), gf, g, s, p), None, conv2d(x, gf, s, p)]


register_op("Conv2D", _conv2d, _conv2d_grad)
register_op("Conv2DBackpropInput", _conv2d_backprop_input, _backprop_input_grad)
register_op("Conv2DBackpropFilter", _conv2d_backprop_filter, _backprop_filter_grad)


def _strides(strides):
    if isinstance(strides, int):
        return (1, strides, strides, 1)
    strides = tuple(int(s) for s in strides)
    return (1, *strides, 1) if len(strides) == 2 else strides


def _padding(padding):
    padding = padding.upper()
    if padding not in ("SAME", "VALID"):
        raise ValueError(f"padding must be 'SAME' or 'VALID', got {padding!r}")
    return padding


def conv2d(input, filters=None, strides=1, padding="VALID", data_format="NHWC", dilations=None,  # noqa: A002
           name=None, filter=None):  # noqa: A002
    """2-D convolution of NHWC ``input`` with HWIO ``filters`` (TF1's ``filter=`` also works)."""
    if data_format != "NHWC":
        raise ValueError(f"only data_format='NHWC' is supported, got {data_format!r}")
    filters = filter if filters is None else filters
    return apply_op("Conv2D", [input, filters], name=name, strides=_strides(strides),
                    padding=_padding(padding))


def conv2d_backprop_input(input_sizes, filters, out_backprop, strides, padding, name=None):
    return apply_op("Conv2DBackpropInput", [input_sizes, filters, out_backprop], name=name,
                    strides=_strides(strides), padding=_padding(padding))


def conv2d_backprop_filter(input, filter_sizes, out_backprop, strides, padding, name=None):  # noqa: A002
    return apply_op("Conv2DBackpropFilter", [input, filter_sizes, out_backprop], name=name,
                    strides=_strides(strides), padding=_padding(padding))


# -- pooling -------------------------------------------------------------------------------------
def _max_pool(x, ksize, strides, padding):
    kh, kw = ksize[1], ksize[2]
    oh, ow, ph, pw = _geometry(x.shape, kh, kw, strides, padding)
    xp = _padded(x, kh, kw, strides, oh, ow, ph, pw, fill=-np.inf)
    out = np.full((x.shape[0], oh, ow, x.shape[3]), -np.inf, dtype=x.dtype)
    for _, _, window in _windows(oh, ow, kh, kw, strides):
        np.maximum(out, xp[window], out=out)
    return out


def _max_pool_grad_kernel(x, y, g, ksize, strides, padding):
    # Each output's gradient goes to the first input of its window that holds the maximum.
    kh, kw = ksize[1], ksize[2]
    oh, ow, ph, pw = _geometry(x.shape, kh, kw, strides, padding)
    xp = _padded(x, kh, kw, strides, oh, ow, ph, pw, fill=-np.inf)
    dxp = np.zeros(xp.shape, dtype=g.dtype)
    n, h, w, c = x.shape
    # g * hit is a branch-free pass, many times faster than np.where on a mask as ragged as a
    # relu's output; only an infinite or NaN g needs np.where (inf * False is NaN, not 0).
    finite = bool(np.isfinite(g).all())
    if finite and strides[1] == kh and strides[2] == kw:
        _tiled_max_pool_grad(xp, y, g, dxp, oh, ow, kh, kw)
        return dxp[:, ph:ph + h, pw:pw + w]
    taken = np.zeros(y.shape, dtype=bool)
    for _, _, window in _windows(oh, ow, kh, kw, strides):
        hit = xp[window] == y
        hit &= ~taken
        dxp[window] += g * hit if finite else np.where(hit, g, 0)
        taken |= hit
    return dxp[:, ph:ph + h, pw:pw + w]


def _tiles(a, oh, ow, kh, kw):
    """``a`` as (n, oh, kh, ow, kw, c): the windows of a pooling whose stride is its size."""
    s0, s1, s2, s3 = a.strides
    return np.lib.stride_tricks.as_strided(a, (a.shape[0], oh, kh, ow, kw, a.shape[3]),
                                           (s0, s1 * kh, s1, s2 * kw, s2, s3))


def _tiled_max_pool_grad(xp, y, g, dxp, oh, ow, kh, kw):
    """Windows side by side: one comparison and one product over all of them, and a first-hit
    pass on the boolean mask alone."""
    hit = _tiles(xp, oh, ow, kh, kw) == y[:, :, None, :, None, :]
    taken = np.zeros(y.shape, dtype=bool)
    for i in range(kh):
        for j in range(kw):
            first = hit[:, :, i, :, j]
            first &= ~taken
            taken |= first
    tiles = _tiles(dxp, oh, ow, kh, kw)
    np.multiply(g[:, :, None, :, None, :], hit, out=tiles)
    tiles += 0.0  # -0.0 (a negative g times False) to 0.0, as everywhere else


def _max_pool_grad(op, g):
    return [apply_op("MaxPoolGrad", [op.inputs[0], op.outputs[0], g], **op.attrs)]


register_op("MaxPool", _max_pool, _max_pool_grad)
register_op("MaxPoolGrad", _max_pool_grad_kernel)


def _avg_pool(x, ksize, strides, padding):
    kh, kw = ksize[1], ksize[2]
    oh, ow, ph, pw = _geometry(x.shape, kh, kw, strides, padding)
    xp = _padded(x, kh, kw, strides, oh, ow, ph, pw)
    ones = _padded(np.ones((1,) + x.shape[1:3] + (1,), x.dtype), kh, kw, strides, oh, ow, ph, pw)
    total = np.zeros((x.shape[0], oh, ow, x.shape[3]), dtype=x.dtype)
    count = np.zeros((1, oh, ow, 1), dtype=x.dtype)
    for _, _, window in _windows(oh, ow, kh, kw, strides):
        total += xp[window]
        count += ones[window]
    return total / count


def _avg_pool_grad(op, g):
    from engine.ops.array_ops import shape

    return [apply_op("AvgPoolGrad", [shape(op.inputs[0]), g], **op.attrs)]


def _avg_pool_grad_kernel(input_sizes, g, ksize, strides, padding):
    shape = tuple(int(s) for s in input_sizes)
    kh, kw = ksize[1], ksize[2]
    oh, ow, ph, pw = _geometry(shape, kh, kw, strides, padding)
    f = np.zeros((kh, kw, 1, 1), dtype=g.dtype) + 1
    n, h, w, c = shape
    counts = _conv2d(np.ones((1, h, w, 1), g.dtype), f, strides, padding)  # inputs per window
    spread = g / counts
    folded = spread.transpose(0, 3, 1, 2).reshape(n * c, oh, ow, 1)
    dx = _conv2d_backprop_input((n * c, h, w, 1), f, folded, strides, padding)
    return dx.reshape(n, c, h, w).transpose(0, 2, 3, 1)


def _avg_pool_grad_grad(op, gg):
    return [None, apply_op("AvgPool", [gg], **op.attrs)]


register_op("AvgPool", _avg_pool, _avg_pool_grad)
register_op("AvgPoolGrad", _avg_pool_grad_kernel, _avg_pool_grad_grad)


def _pool_args(ksize, strides, padding):
    return dict(ksize=_strides(ksize), strides=_strides(strides), padding=_padding(padding))


def max_pool2d(input, ksize, strides, padding, data_format="NHWC", name=None):  # noqa: A002
    return apply_op("MaxPool", [input], name=name, **_pool_args(ksize, strides, padding))


def avg_pool2d(input, ksize, strides, padding, data_format="NHWC", name=None):  # noqa: A002
    return apply_op("AvgPool", [input], name=name, **_pool_args(ksize, strides, padding))


max_pool = max_pool2d
avg_pool = avg_pool2d
