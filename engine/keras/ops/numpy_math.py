"""``keras.ops``'s element-wise math, comparisons and reductions (Keras 3's ``keras.ops.numpy``),
on the engine's differentiable ops, with Keras 3's dtypes (``core.result_type``)."""

from __future__ import annotations

import numpy as np

from engine.keras.ops.core import float_type, keras_op, operands, result_type, standardize_dtype, tensor
from engine.ops import array_ops, math_ops, reduction_ops


def _axis(axis):
    if axis is None:
        return None
    if isinstance(axis, int | np.integer):
        return int(axis)
    return tuple(int(a) for a in axis)


# -- arithmetic ------------------------------------------------------------------------------------
@keras_op
def add(x1, x2):
    return math_ops.add(*operands(x1, x2))


@keras_op
def subtract(x1, x2):
    return math_ops.subtract(*operands(x1, x2))


@keras_op
def multiply(x1, x2):
    return math_ops.multiply(*operands(x1, x2))


@keras_op
def divide(x1, x2):
    return math_ops.divide(*operands(x1, x2, dtype=float_type(x1, x2)))


true_divide = divide


@keras_op
def floor_divide(x1, x2):
    return math_ops.floordiv(*operands(x1, x2))


@keras_op
def mod(x1, x2):
    return math_ops.floormod(*operands(x1, x2))


@keras_op
def power(x1, x2):
    return math_ops.pow(*operands(x1, x2))


@keras_op
def maximum(x1, x2):
    return math_ops.maximum(*operands(x1, x2))


@keras_op
def minimum(x1, x2):
    return math_ops.minimum(*operands(x1, x2))


def _same_dtype(x):
    """Keras's dtype for ops that keep it, where a bool tensor counts as int32."""
    dtype = result_type(x)
    return "int32" if dtype == "bool" else dtype


@keras_op
def negative(x):
    return math_ops.negative(tensor(x, _same_dtype(x)))


@keras_op
def square(x):
    return math_ops.square(tensor(x, _same_dtype(x)))


@keras_op
def abs(x):  # noqa: A001 - Keras's name
    return math_ops.abs(tensor(x, _same_dtype(x)))


absolute = abs


@keras_op
def sign(x):
    return math_ops.sign(tensor(x, _same_dtype(x)))


def _float_unary(engine_fn, name):
    def op(x):
        return engine_fn(tensor(x, float_type(x)))

    op.__name__ = op.__qualname__ = name
    op.__doc__ = f"Element-wise ``{name}``, in floats (an int tensor gives float32, as in Keras)."
    return keras_op(op)


sqrt = _float_unary(math_ops.sqrt, "sqrt")
exp = _float_unary(math_ops.exp, "exp")
log = _float_unary(math_ops.log, "log")
log1p = _float_unary(math_ops.log1p, "log1p")
sin = _float_unary(math_ops.sin, "sin")
cos = _float_unary(math_ops.cos, "cos")
tanh = _float_unary(math_ops.tanh, "tanh")
reciprocal = _float_unary(math_ops.reciprocal, "reciprocal")
rsqrt = _float_unary(math_ops.rsqrt, "rsqrt")


@keras_op
def floor(x):
    return math_ops.floor(tensor(x, float_type(x)))


@keras_op
def round(x, decimals=0):  # noqa: A001
    if decimals:
        scale = 10.0 ** decimals
        return math_ops.round(multiply(x, scale)) / scale
    return math_ops.round(tensor(x, _same_dtype(x)))


@keras_op
def clip(x, x_min, x_max):
    x = tensor(x, _same_dtype(x))
    return math_ops.clip_by_value(x, tensor(x_min, x.dtype), tensor(x_max, x.dtype))


@keras_op
def matmul(x1, x2):
    """numpy's ``matmul``: a vector operand gains an axis for the product and loses it after."""
    a, b = operands(x1, x2)
    vec_a, vec_b = a.shape.rank == 1, b.shape.rank == 1
    if vec_a:
        a = array_ops.expand_dims(a, 0)
    if vec_b:
        b = array_ops.expand_dims(b, -1)
    out = math_ops.matmul(a, b)
    if vec_b:
        out = array_ops.squeeze(out, axis=-1)
    if vec_a:
        out = array_ops.squeeze(out, axis=-2 if not vec_b else -1)
    return out


@keras_op
def dot(x1, x2):
    a, b = operands(x1, x2)
    if a.shape.rank == 0 or b.shape.rank == 0:
        return math_ops.multiply(a, b)
    if b.shape.rank <= 2:
        return matmul(a, b)
    return math_ops.tensordot(a, b, [[a.shape.rank - 1], [b.shape.rank - 2]])


# -- comparisons and logic -------------------------------------------------------------------------
def _compare(engine_fn, name):
    def op(x1, x2):
        return engine_fn(*operands(x1, x2))

    op.__name__ = op.__qualname__ = name
    op.__doc__ = f"Element-wise ``{name}`` (a bool tensor), the operands promoted as Keras does."
    return keras_op(op)


equal = _compare(math_ops.equal, "equal")
not_equal = _compare(math_ops.not_equal, "not_equal")
greater = _compare(math_ops.greater, "greater")
greater_equal = _compare(math_ops.greater_equal, "greater_equal")
less = _compare(math_ops.less, "less")
less_equal = _compare(math_ops.less_equal, "less_equal")


@keras_op
def logical_and(x1, x2):
    return math_ops.logical_and(*operands(x1, x2, dtype="bool"))


@keras_op
def logical_or(x1, x2):
    return math_ops.logical_or(*operands(x1, x2, dtype="bool"))


@keras_op
def logical_xor(x1, x2):
    return math_ops.not_equal(*operands(x1, x2, dtype="bool"))


@keras_op
def logical_not(x):
    return math_ops.logical_not(tensor(x, "bool"))


@keras_op
def where(condition, x1=None, x2=None):
    """``x1`` where ``condition`` holds, else ``x2``; with the condition alone, the indices of
    its true elements, one int32 tensor per axis (numpy's ``nonzero``)."""
    condition = tensor(condition, "bool")
    if x1 is None and x2 is None:
        return nonzero(condition)
    if x1 is None or x2 is None:
        raise ValueError("keras.ops.where needs both x1 and x2, or neither")
    return math_ops.where(condition, *operands(x1, x2))


@keras_op
def nonzero(x):
    coords = math_ops.cast(math_ops.where(tensor(x, "bool")), "int32")
    rank = coords.shape[1]
    return tuple(coords[:, i] for i in range(rank))


# -- reductions --------------------------------------------------------------------------------------
@keras_op
def sum(x, axis=None, keepdims=False):  # noqa: A001
    dtype = result_type(x)
    if dtype == "bool" or dtype in ("int8", "int16", "uint8", "uint16"):
        dtype = "int32"
    return reduction_ops.reduce_sum(tensor(x, dtype), axis=_axis(axis), keepdims=keepdims)


@keras_op
def mean(x, axis=None, keepdims=False):
    return reduction_ops.reduce_mean(tensor(x, float_type(x)), axis=_axis(axis), keepdims=keepdims)


@keras_op
def max(x, axis=None, keepdims=False, initial=None):  # noqa: A001
    out = reduction_ops.reduce_max(tensor(x), axis=_axis(axis), keepdims=keepdims)
    return out if initial is None else maximum(out, initial)


amax = max


@keras_op
def min(x, axis=None, keepdims=False, initial=None):  # noqa: A001
    out = reduction_ops.reduce_min(tensor(x), axis=_axis(axis), keepdims=keepdims)
    return out if initial is None else minimum(out, initial)


amin = min


@keras_op
def prod(x, axis=None, keepdims=False, dtype=None):
    return reduction_ops.reduce_prod(tensor(x, dtype and standardize_dtype(dtype)), axis=_axis(axis),
                                     keepdims=keepdims)


@keras_op
def any(x, axis=None, keepdims=False):  # noqa: A001
    return reduction_ops.reduce_any(tensor(x, "bool"), axis=_axis(axis), keepdims=keepdims)


@keras_op
def all(x, axis=None, keepdims=False):  # noqa: A001
    return reduction_ops.reduce_all(tensor(x, "bool"), axis=_axis(axis), keepdims=keepdims)


@keras_op
def var(x, axis=None, keepdims=False):
    x = tensor(x, float_type(x))
    centred = math_ops.subtract(x, reduction_ops.reduce_mean(x, axis=_axis(axis), keepdims=True))
    return reduction_ops.reduce_mean(math_ops.square(centred), axis=_axis(axis), keepdims=keepdims)


@keras_op
def std(x, axis=None, keepdims=False):
    return math_ops.sqrt(var(x, axis=axis, keepdims=keepdims))


def _arg(engine_fn, x, axis, keepdims):
    x = tensor(x)
    if axis is None:
        x = array_ops.reshape(x, [-1])
        axis = 0
    out = engine_fn(x, axis=int(axis), output_type="int32")
    if keepdims:
        out = array_ops.expand_dims(out, int(axis))
    return out


@keras_op
def argmax(x, axis=None, keepdims=False):
    return _arg(reduction_ops.argmax, x, axis, keepdims)


@keras_op
def argmin(x, axis=None, keepdims=False):
    return _arg(reduction_ops.argmin, x, axis, keepdims)


@keras_op
def logsumexp(x, axis=None, keepdims=False):
    return reduction_ops.reduce_logsumexp(tensor(x, float_type(x)), axis=_axis(axis), keepdims=keepdims)


@keras_op
def norm(x, ord=None, axis=None, keepdims=False):  # noqa: A002 - Keras's name
    """Vector norms (``ord`` None/2, 1, inf, -inf, 0 or any p) over one axis or all of them, and
    the Frobenius norm (``ord`` None or ``"fro"``) over two."""
    x = tensor(x, float_type(x))
    axes = _axis(axis)
    over_two = isinstance(axes, tuple) and len(axes) == 2
    if ord in (None, "fro", "euclidean") or (ord == 2 and not over_two):
        return math_ops.sqrt(reduction_ops.reduce_sum(math_ops.square(x), axis=axes, keepdims=keepdims))
    if over_two:
        raise NotImplementedError(f"keras.ops.norm: the matrix norm ord={ord!r} is not supported "
                                  "(only 'fro' over two axes)")
    if isinstance(ord, str):
        raise ValueError(f"keras.ops.norm: ord={ord!r} is not a vector norm")
    magnitude = math_ops.abs(x)
    if ord == np.inf:
        return reduction_ops.reduce_max(magnitude, axis=axes, keepdims=keepdims)
    if ord == -np.inf:
        return reduction_ops.reduce_min(magnitude, axis=axes, keepdims=keepdims)
    if ord == 0:
        nonzero_count = math_ops.cast(math_ops.not_equal(x, 0.0), x.dtype)
        return reduction_ops.reduce_sum(nonzero_count, axis=axes, keepdims=keepdims)
    if ord == 1:
        return reduction_ops.reduce_sum(magnitude, axis=axes, keepdims=keepdims)
    total = reduction_ops.reduce_sum(math_ops.pow(magnitude, float(ord)), axis=axes, keepdims=keepdims)
    return math_ops.pow(total, 1.0 / float(ord))


@keras_op
def cumsum(x, axis=None, dtype=None):
    x = tensor(x, dtype and standardize_dtype(dtype))
    if axis is None:
        x, axis = array_ops.reshape(x, [-1]), 0
    return array_ops.cumsum(x, axis=int(axis))
