"""Helpers every gradient function shares: summing a broadcast gradient back to its operand's
shape (``unbroadcast``) and spreading a reduced gradient over the reduced axes (``expand_reduced``).
Accumulating the gradients of a tensor used more than once is the backward walk's business
(``engine.framework.backprop``)."""

from __future__ import annotations

import numpy as np

from engine.framework.execute import apply_op
from engine.framework.op_registry import register_op
from engine.framework.tensor import Tensor


def _sum_like(g, x):
    """Sum ``g`` over the axes numpy broadcast ``x`` along, giving ``x``'s shape."""
    shape = x.shape
    if g.shape == shape:
        return g
    lead = g.ndim - x.ndim
    axes = tuple(range(lead)) + tuple(
        i + lead for i, s in enumerate(shape) if s == 1 and g.shape[i + lead] != 1
    )
    return (g.sum(axis=axes, keepdims=True) if axes else g).reshape(shape)


def _sum_like_grad(op, grad):
    return [broadcast_like(grad, op.inputs[0]), None]


def _broadcast_like(g, x, axis=None, keepdims=True):
    """``g`` (a reduction of ``x`` over ``axis``) repeated back to ``x``'s shape."""
    if not keepdims:
        axes = range(x.ndim) if axis is None else axis
        g = g.reshape([1 if i in {a % x.ndim for a in axes} else d for i, d in enumerate(x.shape)])
    return np.array(np.broadcast_to(g, x.shape))


def _broadcast_like_grad(op, grad):
    g, _ = op.inputs
    if op.attrs["keepdims"]:
        return [sum_like(grad, g), None]
    # reduce_sum(grad, axis): named rather than imported, as reduction_ops builds on this module
    # (and is what made this node: only its gradients broadcast without keepdims).
    return [apply_op("Sum", [grad], axis=op.attrs["axis"], keepdims=False), None]


register_op("SumLike", _sum_like, _sum_like_grad)
register_op("BroadcastLike", _broadcast_like, _broadcast_like_grad)


def _static_equal(a: Tensor, b: Tensor) -> bool:
    if a._value is not None and b._value is not None:  # eager: plain tuples, no shape objects
        return a._value.shape == b._value.shape
    sa, sb = a.shape, b.shape
    return sa.rank is not None and sa == sb and None not in sa


def sum_like(grad, x):
    return apply_op("SumLike", [grad, x])


def unbroadcast(grad, x):
    """``grad`` (shaped like a broadcast result) summed down to ``x``'s shape. Every op that
    broadcasts its inputs passes their gradients through here."""
    if _static_equal(grad, x):
        return grad
    return apply_op("SumLike", [grad, x])


def broadcast_like(grad, x, axis=None, keepdims=True):
    """``grad`` of a reduction over ``axis`` broadcast back to ``x``'s shape."""
    axis = None if axis is None else tuple(axis)
    return apply_op("BroadcastLike", [grad, x], axis=axis, keepdims=keepdims)


expand_reduced = broadcast_like
