"""``tf.debugging``: assertions as TensorFlow makes them. Eagerly they check at once and return
None; on symbolic tensors they add an ``Assert`` op (run it, or put it in ``control_dependencies``;
inside ``tf.function`` it runs by itself), which raises ``InvalidArgumentError`` when it runs.
Facts known from static shapes (``assert_rank``, ``assert_shapes``) raise ``ValueError`` at once,
as in TensorFlow."""

from __future__ import annotations

import numpy as np

from engine.errors import InvalidArgumentError
from engine.framework.execute import convert
from engine.framework.op_registry import get_op_def, register_op
from engine.framework.tensor import Tensor


def _assert_kernel(condition, *data, message=""):
    if not np.all(condition):
        shown = "\n".join(np.array2string(np.asarray(d), threshold=10) for d in data)
        raise InvalidArgumentError(None, None, message + ("\n" + shown if shown else ""))
    return ()


register_op("Assert", _assert_kernel, num_outputs=0, stateful=True)


def _symbolic(*tensors) -> bool:
    return any(isinstance(t, Tensor) and t._graph is not None for t in tensors)


def _check(condition, data, message: str, name: str):
    """Raise now (eager values) or add an Assert op (symbolic ones)."""
    if _symbolic(condition, *data):
        graph = next(t._graph for t in (condition, *data) if isinstance(t, Tensor) and t._graph is not None)
        inputs = [convert(x) if not isinstance(x, Tensor) else x for x in (condition, *data)]
        return graph.create_op(get_op_def("Assert"), inputs, {"message": message}, name, [])
    _assert_kernel(np.asarray(condition.numpy() if isinstance(condition, Tensor) else condition),
                   *[np.asarray(d.numpy() if isinstance(d, Tensor) else d) for d in data], message=message)
    return None


def Assert(condition, data, summarize=None, name=None):  # noqa: N802 - TensorFlow's name
    """``tf.debugging.Assert(condition, data)``: fails with ``data`` shown when ``condition`` is false."""
    return _check(_t(condition), [_t(d) for d in data], "assertion failed", name or "Assert")


def _t(x):
    return x if isinstance(x, Tensor) else convert(x)


def _comparison(symbol: str, compare, default_name: str):
    def assertion(x, y, message=None, summarize=None, name=None):
        from engine.ops import math_ops, reduction_ops

        x, y = _t(x), _t(y)
        held = reduction_ops.reduce_all(compare(math_ops, x, y))
        text = (message + "\n" if message else "") + f"Condition x {symbol} y did not hold."
        return _check(held, [x, y], text, name or default_name)
    assertion.__name__ = default_name
    assertion.__doc__ = f"``tf.debugging.{default_name}(x, y)``: every ``x {symbol} y``."
    return assertion


assert_equal = _comparison("==", lambda m, x, y: m.equal(x, y), "assert_equal")
assert_none_equal = _comparison("!=", lambda m, x, y: m.not_equal(x, y), "assert_none_equal")
assert_greater = _comparison(">", lambda m, x, y: m.greater(x, y), "assert_greater")
assert_greater_equal = _comparison(">=", lambda m, x, y: m.greater_equal(x, y), "assert_greater_equal")
assert_less = _comparison("<", lambda m, x, y: m.less(x, y), "assert_less")
assert_less_equal = _comparison("<=", lambda m, x, y: m.less_equal(x, y), "assert_less_equal")


def _sign_check(symbol: str, compare, default_name: str):
    def assertion(x, message=None, summarize=None, name=None):
        from engine.ops import array_ops

        x = _t(x)
        return globals()[compare](x, array_ops.zeros_like(x), message=message, name=name or default_name)
    assertion.__name__ = default_name
    assertion.__doc__ = f"``tf.debugging.{default_name}(x)``: every ``x {symbol} 0``."
    return assertion


assert_positive = _sign_check(">", "assert_greater", "assert_positive")
assert_negative = _sign_check("<", "assert_less", "assert_negative")
assert_non_negative = _sign_check(">=", "assert_greater_equal", "assert_non_negative")
assert_non_positive = _sign_check("<=", "assert_less_equal", "assert_non_positive")


def assert_near(x, y, rtol=None, atol=None, message=None, summarize=None, name=None):
    """``|x - y| <= atol + rtol * |y|`` everywhere; both tolerances default to 10 * the dtype's
    machine epsilon, as in TensorFlow."""
    from engine.ops import math_ops, reduction_ops

    x, y = _t(x), _t(y)
    eps = float(np.finfo(x.dtype.as_numpy_dtype).eps) if x.dtype.is_floating else 0.0
    rtol = 10 * eps if rtol is None else rtol
    atol = 10 * eps if atol is None else atol
    held = reduction_ops.reduce_all(math_ops.less_equal(math_ops.abs(x - y), atol + rtol * math_ops.abs(y)))
    text = (message + "\n" if message else "") + (
        f"x and y not equal to tolerance rtol = {rtol:g}, atol = {atol:g}")
    return _check(held, [x, y], text, name or "assert_near")


def assert_all_finite(t, message, name=None):
    """``tf.debugging.assert_all_finite`` (``check_numerics``): ``t`` itself, checked for NaN and
    Inf."""
    from engine.ops import array_ops, math_ops, reduction_ops

    t = _t(t)
    finite = reduction_ops.reduce_all(math_ops.equal(t - t, array_ops.zeros_like(t)))
    check = _check(finite, [], f"{message} : Tensor had NaN or Inf values", name or "CheckNumerics")
    if check is None:
        return t
    graph = check.graph
    with graph.control_dependencies([check]):
        return array_ops.identity(t)


check_numerics = assert_all_finite


def _static_shape(x) -> tuple:
    return tuple(_t(x).shape.as_list()) if _t(x).shape.rank is not None else None


def assert_rank(x, rank, message=None, name=None):
    """Static ranks are checked at once (ValueError), as TensorFlow does."""
    shape = _static_shape(x)
    if shape is not None and len(shape) != int(rank):
        raise ValueError(f"{message + ' ' if message else ''}Tensor must have rank {int(rank)}.  "
                         f"Received rank {len(shape)}, shape {shape}")


def assert_rank_at_least(x, rank, message=None, name=None):
    shape = _static_shape(x)
    if shape is not None and len(shape) < int(rank):
        raise ValueError(f"{message + ' ' if message else ''}Tensor must have rank at least "
                         f"{int(rank)}.  Received rank {len(shape)}, shape {shape}")


def assert_shapes(shapes, data=None, summarize=None, message=None, name=None):
    """``assert_shapes([(x, ('N', 'D')), (y, ('N',))])``: named dimensions agree everywhere."""
    sizes: dict = {}
    for x, spec in shapes:
        shape = _static_shape(x)
        if shape is None:
            continue
        spec = tuple(spec)
        if len(spec) != len(shape) and "..." not in spec:
            raise ValueError(f"{message + ' ' if message else ''}Tensor of shape {shape} must have "
                             f"rank {len(spec)}")
        for axis, (symbol, size) in enumerate(zip(spec, shape, strict=False)):
            if size is None or symbol in ("...", None):
                continue
            want = symbol if isinstance(symbol, int) else sizes.setdefault(symbol, size)
            if want != size:
                raise ValueError(f"{message + ' ' if message else ''}Specified by tensor shape "
                                 f"{shape} dimension {axis} must have size {want}.  Received size "
                                 f"{size}, shape {shape}")


def assert_type(tensor, tf_type, message=None, name=None):
    from engine.framework import dtypes

    if _t(tensor).dtype != dtypes.as_dtype(tf_type):
        raise TypeError(f"{message + ' ' if message else ''}{_t(tensor).dtype.name} is not "
                        f"{dtypes.as_dtype(tf_type).name}")

