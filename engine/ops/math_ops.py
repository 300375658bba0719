"""Element-wise arithmetic, comparisons, casts and matrix products, each with its gradient."""

from __future__ import annotations

import numpy as np

from engine.framework import dtypes
from engine.framework.execute import apply_op
from engine.framework.op_registry import register_op
from engine.framework.tensor import Tensor, TensorLike, to_array
from engine.ops import activation_ops, array_ops
from engine.ops.array_ops import cast  # noqa: F401 - tf.math.cast (defined with the array ops, which need it)
from engine.ops.grad_util import unbroadcast


def _operands(x, y):
    """Python values and arrays take the dtype of the tensor operand (``x * 2`` stays float32)."""
    x_is = isinstance(x, (Tensor, TensorLike))
    y_is = isinstance(y, (Tensor, TensorLike))
    if x_is and not y_is:
        y = _like(y, x.dtype)
    elif y_is and not x_is:
        x = _like(x, y.dtype)
    return x, y


def _like(value, dtype):
    array = to_array(value)
    if array.dtype.kind == "f" and not dtype.is_floating:
        return array
    return array.astype(dtype.as_numpy_dtype, copy=False)


def _binary(op_type, x, y, name=None):
    x, y = _operands(x, y)
    return apply_op(op_type, [x, y], name=name)


# -- arithmetic ----------------------------------------------------------------------------------
def _add_grad(op, g):
    x, y = op.inputs
    return [unbroadcast(g, x), unbroadcast(g, y)]


def _sub_grad(op, g):
    x, y = op.inputs
    return [unbroadcast(g, x), unbroadcast(-g, y)]


def _mul_grad(op, g):
    x, y = op.inputs
    return [unbroadcast(g * y, x), unbroadcast(g * x, y)]


def _div_grad(op, g):
    x, y = op.inputs
    return [unbroadcast(g / y, x), unbroadcast(-g * op.outputs[0] / y, y)]


def _pow_grad(op, g):
    x, y = op.inputs
    z = op.outputs[0]
    gx = g * y * pow(x, y - 1)
    safe_log = log(where(x > 0, x, ones_like_(x)))
    gy = g * z * where(x > 0, safe_log, zeros_like_(x))
    return [unbroadcast(gx, x), unbroadcast(gy, y)]


def _max_min_grad(op, g):
    x, y = op.inputs
    pick_x = (x >= y) if op.type == "Maximum" else (x <= y)
    zeros = zeros_like_(g)
    return [unbroadcast(where(pick_x, g, zeros), x), unbroadcast(where(pick_x, zeros, g), y)]


register_op("Add", np.add, _add_grad)
register_op("Sub", np.subtract, _sub_grad)
register_op("Mul", np.multiply, _mul_grad)
register_op("RealDiv", np.true_divide, _div_grad)
register_op("FloorDiv", np.floor_divide)
register_op("FloorMod", np.mod)
register_op("Pow", np.power, _pow_grad)
register_op("Maximum", np.maximum, _max_min_grad)
register_op("Minimum", np.minimum, _max_min_grad)


def _add_n(*xs):
    total = xs[0]
    for x in xs[1:]:
        total = total + x
    return total


register_op("AddN", _add_n, lambda op, g: [g] * len(op.inputs))


def add(x, y, name=None):
    return _binary("Add", x, y, name)


def subtract(x, y, name=None):
    return _binary("Sub", x, y, name)


def multiply(x, y, name=None):
    return _binary("Mul", x, y, name)


def divide(x, y, name=None):
    x, y = _operands(x, y)
    ints = [isinstance(v, Tensor) and not v.dtype.is_floating for v in (x, y)]
    if all(ints):
        x, y = cast(x, dtypes.float64), cast(y, dtypes.float64)
    return apply_op("RealDiv", [x, y], name=name)


truediv = realdiv = divide


def floordiv(x, y, name=None):
    return _binary("FloorDiv", x, y, name)


def floormod(x, y, name=None):
    return _binary("FloorMod", x, y, name)


def pow(x, y, name=None):  # noqa: A001 - TensorFlow's name
    return _binary("Pow", x, y, name)


def maximum(x, y, name=None):
    return _binary("Maximum", x, y, name)


def minimum(x, y, name=None):
    return _binary("Minimum", x, y, name)


def add_n(inputs, name=None):
    return apply_op("AddN", list(inputs), name=name)


# -- unary ---------------------------------------------------------------------------------------
def _unary(op_type, kernel, grad):
    register_op(op_type, kernel, grad)
    return lambda x, name=None: apply_op(op_type, [x], name=name)


negative = _unary("Neg", np.negative, lambda op, g: [-g])
square = _unary("Square", np.square, lambda op, g: [g * (2 * op.inputs[0])])
sqrt = _unary("Sqrt", np.sqrt, lambda op, g: [g * 0.5 / op.outputs[0]])
rsqrt = _unary("Rsqrt", lambda x: 1 / np.sqrt(x), lambda op, g: [g * -0.5 * op.outputs[0] ** 3])
exp = _unary("Exp", np.exp, lambda op, g: [g * op.outputs[0]])
log = _unary("Log", np.log, lambda op, g: [g / op.inputs[0]])
log1p = _unary("Log1p", np.log1p, lambda op, g: [g / (1 + op.inputs[0])])
abs = _unary("Abs", np.abs, lambda op, g: [g * sign(op.inputs[0])])  # noqa: A001
reciprocal = _unary("Reciprocal", np.reciprocal, lambda op, g: [-g * op.outputs[0] * op.outputs[0]])
sin = _unary("Sin", np.sin, lambda op, g: [g * cos(op.inputs[0])])
cos = _unary("Cos", np.cos, lambda op, g: [-g * sin(op.inputs[0])])
sigmoid = _unary("Sigmoid", activation_ops.sigmoid,
                 lambda op, g: [g * op.outputs[0] * (1 - op.outputs[0])])
tanh = _unary("Tanh", activation_ops.tanh, lambda op, g: [g * (1 - op.outputs[0] * op.outputs[0])])
softplus = _unary("Softplus", activation_ops.softplus,
                  lambda op, g: [g * sigmoid(op.inputs[0])])


register_op("Sign", np.sign)
register_op("Floor", np.floor)
register_op("Round", np.round)


def sign(x, name=None):
    return apply_op("Sign", [x], name=name)


def floor(x, name=None):
    return apply_op("Floor", [x], name=name)


def round(x, name=None):  # noqa: A001
    return apply_op("Round", [x], name=name)


# -- comparisons and logic (no gradient) ---------------------------------------------------------
for _name, _kernel in [("Equal", np.equal), ("NotEqual", np.not_equal), ("Less", np.less),
                       ("LessEqual", np.less_equal), ("Greater", np.greater),
                       ("GreaterEqual", np.greater_equal), ("LogicalAnd", np.logical_and),
                       ("LogicalOr", np.logical_or)]:
    register_op(_name, _kernel)
register_op("LogicalNot", np.logical_not)


def equal(x, y, name=None):
    return _binary("Equal", x, y, name)


def not_equal(x, y, name=None):
    return _binary("NotEqual", x, y, name)


def less(x, y, name=None):
    return _binary("Less", x, y, name)


def less_equal(x, y, name=None):
    return _binary("LessEqual", x, y, name)


def greater(x, y, name=None):
    return _binary("Greater", x, y, name)


def greater_equal(x, y, name=None):
    return _binary("GreaterEqual", x, y, name)


def logical_and(x, y, name=None):
    return _binary("LogicalAnd", x, y, name)


def logical_or(x, y, name=None):
    return _binary("LogicalOr", x, y, name)


def logical_not(x, name=None):
    return apply_op("LogicalNot", [x], name=name)


# -- selection, clipping ------------------------------------------------------------------------
def _select_grad(op, g):
    cond, x, y = op.inputs
    zeros = zeros_like_(g)
    return [None, unbroadcast(where(cond, g, zeros), x), unbroadcast(where(cond, zeros, g), y)]


register_op("SelectV2", np.where, _select_grad)
register_op("Where", lambda c: np.argwhere(c).astype(np.int64))


def where(condition, x=None, y=None, name=None):
    """``x`` where ``condition`` holds, else ``y`` (broadcasting); with one argument, the
    coordinates of the true elements."""
    if x is None and y is None:
        return apply_op("Where", [condition], name=name)
    x, y = _operands(x, y)
    return apply_op("SelectV2", [condition, x, y], name=name)


def _clip(t, lo, hi):
    return np.minimum(np.maximum(t, lo), hi)


def _clip_grad(op, g):
    t, lo, hi = op.inputs
    zeros = zeros_like_(g)
    inside = logical_and(t >= lo, t <= hi)
    return [unbroadcast(where(inside, g, zeros), t), unbroadcast(where(t < lo, g, zeros), lo),
            unbroadcast(where(t > hi, g, zeros), hi)]


register_op("ClipByValue", _clip, _clip_grad)


def clip_by_value(t, clip_value_min, clip_value_max, name=None):
    t_dtype = t.dtype if isinstance(t, (Tensor, TensorLike)) else to_array(t).dtype
    dt = dtypes.as_dtype(t_dtype)
    lo = clip_value_min if isinstance(clip_value_min, Tensor) else _like(clip_value_min, dt)
    hi = clip_value_max if isinstance(clip_value_max, Tensor) else _like(clip_value_max, dt)
    return apply_op("ClipByValue", [t, lo, hi], name=name)


# -- matrix products -----------------------------------------------------------------------------
def _matmul(a, b, transpose_a=False, transpose_b=False):
    if transpose_a:
        a = np.swapaxes(a, -1, -2)
    if transpose_b:
        b = np.swapaxes(b, -1, -2)
    return np.matmul(a, b)


def _matmul_grad(op, g):
    a, b = op.inputs
    ta, tb = op.attrs["transpose_a"], op.attrs["transpose_b"]
    skip = getattr(op, "skip_input_indices", ())  # x @ w on data: no product for x's gradient
    if not ta and not tb:
        ga, gb = lambda: matmul(g, b, transpose_b=True), lambda: matmul(a, g, transpose_a=True)
    elif ta and not tb:
        ga, gb = lambda: matmul(b, g, transpose_b=True), lambda: matmul(a, g)
    elif not ta and tb:
        ga, gb = lambda: matmul(g, b), lambda: matmul(g, a, transpose_a=True)
    else:
        ga = lambda: matmul(b, g, transpose_a=True, transpose_b=True)
        gb = lambda: matmul(g, a, transpose_a=True, transpose_b=True)
    return [None if 0 in skip else unbroadcast(ga(), a), None if 1 in skip else unbroadcast(gb(), b)]


register_op("MatMul", _matmul, _matmul_grad)


def matmul(a, b, transpose_a=False, transpose_b=False, name=None):
    """Matrix product of the last two axes (leading axes broadcast as batch axes)."""
    for t, label in ((a, "a"), (b, "b")):
        if type(t) is Tensor and t._value is not None:
            rank = t._value.ndim
        else:
            rank = t.shape.rank if isinstance(t, (Tensor, TensorLike)) else np.ndim(t)
        if rank is not None and rank < 2:
            raise ValueError(f"matmul needs tensors of rank >= 2, but {label} has shape "
                             f"{tuple(np.shape(t))}; use tf.tensordot for vectors")
    a, b = _operands(a, b)
    return apply_op("MatMul", [a, b], name=name, transpose_a=bool(transpose_a), transpose_b=bool(transpose_b))


def tensordot(a, b, axes, name=None):
    """Sum over ``axes`` of ``a`` and ``b`` (an int: the last/first ``axes`` axes), built from
    transpose, reshape and matmul as TensorFlow builds it, so the gradient comes for free."""
    a, b = _operands(a, b)
    a = a if isinstance(a, Tensor) else array_ops.convert(a)
    b = b if isinstance(b, Tensor) else array_ops.convert(b)
    ra, rb = a.shape.rank, b.shape.rank
    if isinstance(axes, int):
        axes_a, axes_b = list(range(ra - axes, ra)), list(range(axes))
    else:
        axes_a, axes_b = ([axes[0]] if isinstance(axes[0], int) else list(axes[0]),
                          [axes[1]] if isinstance(axes[1], int) else list(axes[1]))
    axes_a = [x % ra for x in axes_a]
    axes_b = [x % rb for x in axes_b]
    free_a = [i for i in range(ra) if i not in axes_a]
    free_b = [i for i in range(rb) if i not in axes_b]
    sa, sb = a.shape, b.shape
    k = _prod([sa[i] for i in axes_a])
    at = array_ops.transpose(a, free_a + axes_a) if free_a + axes_a != list(range(ra)) else a
    bt = array_ops.transpose(b, axes_b + free_b) if axes_b + free_b != list(range(rb)) else b
    a2 = array_ops.reshape(at, [-1 if k is not None else _prod([sa[i] for i in free_a]), k or -1])
    b2 = array_ops.reshape(bt, [k or -1, -1 if k is not None else _prod([sb[i] for i in free_b])])
    out_shape = [sa[i] for i in free_a] + [sb[i] for i in free_b]
    product = matmul(a2, b2)
    if out_shape.count(None) > 1:
        raise ValueError(f"tensordot of shapes {sa} and {sb}: too many unknown dimensions")
    return array_ops.reshape(product, [-1 if d is None else d for d in out_shape], name=name)


def _prod(dims):
    n = 1
    for d in dims:
        if d is None:
            return None
        n *= d
    return n


def ones_like_(x):
    return array_ops.ones_like(x)


def zeros_like_(x):
    return array_ops.zeros_like(x)

