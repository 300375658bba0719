"""Reductions (sum, mean, max, min, prod) and arg-reductions, with TF1's ``reduction_indices``
and ``keep_dims`` spellings accepted beside ``axis`` and ``keepdims``."""

from __future__ import annotations

import numpy as np

from engine.framework.execute import apply_op
from engine.framework.op_registry import register_op
from engine.framework.tensor import Tensor
from engine.ops.grad_util import broadcast_like


def _axis_attr(axis, reduction_indices):
    if axis is None:
        axis = reduction_indices
    if axis is None:
        return None
    if isinstance(axis, Tensor):
        axis = axis.numpy()
    axis = np.asarray(axis).reshape(-1).tolist()
    return tuple(int(a) for a in axis)


def _kernel(fn):
    def kernel(x, axis=None, keepdims=False):
        # TensorFlow keeps the input's dtype (numpy sums int32 into int64, averages ints as floats).
        return np.asarray(fn(x, axis=axis, keepdims=keepdims)).astype(x.dtype, copy=False)

    return kernel


def _sum_grad(op, g):
    return [broadcast_like(g, op.inputs[0], op.attrs["axis"], op.attrs["keepdims"])]


def _mean_grad(op, g):
    x, y = op.inputs[0], op.outputs[0]
    spread = broadcast_like(g, x, op.attrs["axis"], op.attrs["keepdims"])
    sx, sy = x.shape, y.shape
    if sx.is_fully_defined and sy.is_fully_defined:
        count = max(sx.num_elements(), 1) // max(sy.num_elements(), 1)
        return [spread / count]
    from engine.ops import array_ops
    from engine.ops.math_ops import cast

    count = cast(array_ops.size(x), g.dtype) / cast(array_ops.size(y), g.dtype)
    return [spread / count]


def _extreme_grad(op, g):
    # Ties share the gradient equally, as in TensorFlow.
    from engine.ops.math_ops import cast, equal

    x, y = op.inputs[0], op.outputs[0]
    axis, keepdims = op.attrs["axis"], op.attrs["keepdims"]
    hits = cast(equal(x, broadcast_like(y, x, axis, keepdims)), g.dtype)
    count = broadcast_like(reduce_sum(hits, axis=axis, keepdims=keepdims), x, axis, keepdims)
    return [broadcast_like(g, x, axis, keepdims) * hits / count]


def _prod_grad(op, g):
    # d/dx_i = prod / x_i: exact for inputs without zeros (a zero's slice gets prod / 1 there).
    from engine.ops.math_ops import where

    x, y = op.inputs[0], op.outputs[0]
    axis, keepdims = op.attrs["axis"], op.attrs["keepdims"]
    spread = broadcast_like(g * y, x, axis, keepdims)
    nonzero = where(x == 0, x + 1, x)
    return [spread / nonzero]


register_op("Sum", _kernel(np.sum), _sum_grad)
register_op("Mean", _kernel(np.mean), _mean_grad)
register_op("Max", _kernel(np.max), _extreme_grad)
register_op("Min", _kernel(np.min), _extreme_grad)
register_op("Prod", _kernel(np.prod), _prod_grad)


def _reduce(op_type, x, axis, keepdims, name, reduction_indices, keep_dims):
    if keep_dims is not None:
        keepdims = keep_dims
    return apply_op(op_type, [x], name=name, axis=_axis_attr(axis, reduction_indices),
                    keepdims=bool(keepdims))


def reduce_sum(input_tensor, axis=None, keepdims=False, name=None, reduction_indices=None, keep_dims=None):
    return _reduce("Sum", input_tensor, axis, keepdims, name, reduction_indices, keep_dims)


def reduce_mean(input_tensor, axis=None, keepdims=False, name=None, reduction_indices=None, keep_dims=None):
    return _reduce("Mean", input_tensor, axis, keepdims, name, reduction_indices, keep_dims)


def reduce_max(input_tensor, axis=None, keepdims=False, name=None, reduction_indices=None, keep_dims=None):
    return _reduce("Max", input_tensor, axis, keepdims, name, reduction_indices, keep_dims)


def reduce_min(input_tensor, axis=None, keepdims=False, name=None, reduction_indices=None, keep_dims=None):
    return _reduce("Min", input_tensor, axis, keepdims, name, reduction_indices, keep_dims)


def reduce_prod(input_tensor, axis=None, keepdims=False, name=None, reduction_indices=None, keep_dims=None):
    return _reduce("Prod", input_tensor, axis, keepdims, name, reduction_indices, keep_dims)


def _arg(fn):
    def kernel(x, axis=0, output_type=None):
        return fn(x, axis=axis).astype(output_type.as_numpy_dtype)

    return kernel


register_op("ArgMax", _arg(np.argmax))
register_op("ArgMin", _arg(np.argmin))


def argmax(input, axis=None, name=None, dimension=None, output_type=None):  # noqa: A002
    from engine.framework import dtypes

    axis = dimension if axis is None else axis
    out = dtypes.as_dtype(output_type or dtypes.int64)
    return apply_op("ArgMax", [input], name=name, axis=0 if axis is None else int(axis), output_type=out)


def argmin(input, axis=None, name=None, dimension=None, output_type=None):  # noqa: A002
    from engine.framework import dtypes

    axis = dimension if axis is None else axis
    out = dtypes.as_dtype(output_type or dtypes.int64)
    return apply_op("ArgMin", [input], name=name, axis=0 if axis is None else int(axis), output_type=out)


def reduce_logsumexp(input_tensor, axis=None, keepdims=False, name=None, reduction_indices=None):
    """``log(sum(exp(x)))`` without overflow: the max is taken out first (and gets no gradient
    of its own, as the shift cancels)."""
    from engine.ops import array_ops, math_ops

    axis = _axis_attr(axis, reduction_indices)
    shift = array_ops.stop_gradient(reduce_max(input_tensor, axis=axis, keepdims=True))
    total = reduce_sum(math_ops.exp(input_tensor - shift), axis=axis, keepdims=True)
    out = math_ops.log(total) + shift
    return out if keepdims else array_ops.squeeze(out, axis=axis, name=name)


register_op("Any", _kernel(np.any))
register_op("All", _kernel(np.all))


def reduce_any(input_tensor, axis=None, keepdims=False, name=None):
    return apply_op("Any", [input_tensor], name=name, axis=_axis_attr(axis, None), keepdims=bool(keepdims))


def reduce_all(input_tensor, axis=None, keepdims=False, name=None):
    return apply_op("All", [input_tensor], name=name, axis=_axis_attr(axis, None), keepdims=bool(keepdims))


def norm(tensor, ord="euclidean", axis=None, keepdims=False, name=None):  # noqa: A002
    """The Euclidean (Frobenius) norm over ``axis`` (all axes by default)."""
    from engine.ops import math_ops

    if ord not in ("euclidean", "fro", 2):
        raise ValueError(f"only the Euclidean norm is supported, got ord={ord!r}")
    return math_ops.sqrt(reduce_sum(math_ops.square(tensor), axis=axis, keepdims=keepdims), name=name)
