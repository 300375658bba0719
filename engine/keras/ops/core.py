"""What every ``keras.ops`` function shares: Keras 3's dtype rules, conversion to the engine's
tensors, and the symbolic dispatch that lets an op take a ``KerasTensor`` (functional model
construction): the call becomes an ``OpLayer``, a node of the model's graph whose output spec is
found by running the op (``engine.keras.symbolic``), as Keras 3 records an ``Operation``.

Keras 3's dtype rules (``keras.backend.result_type``), which the ops follow: Python scalars are
weak (``x * 2`` keeps ``x``'s dtype; a Python float turns an int tensor into float32), bool <
ints < floats, two floats give the wider, an int and a float give the float. Numpy arrays keep
their dtype (a float64 array makes a float64 result, as in Keras).
"""

from __future__ import annotations

import functools

import numpy as np

from engine.framework import dtypes
from engine.framework.execute import convert
from engine.framework.tensor import Tensor, TensorLike, to_array
from engine.keras import backend
from engine.keras.layers.base import KerasTensor, Layer
from engine.ops import array_ops, math_ops


# -- dtypes ----------------------------------------------------------------------------------------
def standardize_dtype(dtype) -> str:
    """``"float32"`` from a name, a DType, a numpy dtype or a Python type."""
    if dtype is None:
        return backend.floatx()
    if dtype is float:
        return backend.floatx()
    if dtype is int:
        return "int32"
    if dtype is bool:
        return "bool"
    return dtypes.as_dtype(getattr(dtype, "name", dtype)).name


def _kind(name: str) -> int:
    return 0 if name == "bool" else 2 if name.startswith("float") else 1


def _promote(a: str, b: str) -> str:
    if a == b:
        return a
    ka, kb = _kind(a), _kind(b)
    if ka != kb:
        return a if ka > kb else b
    if ka == 2:
        return a if np.dtype(a).itemsize >= np.dtype(b).itemsize else b
    return np.promote_types(a, b).name


def dtype_of(x) -> str | None:
    """The dtype name of ``x``; None for a Python scalar (weak: it takes the other operand's)."""
    if isinstance(x, bool | np.bool_) and not isinstance(x, np.ndarray):
        return "bool"
    if isinstance(x, int | float) and not isinstance(x, np.generic):
        return None
    if isinstance(x, Tensor | TensorLike | KerasTensor):
        return standardize_dtype(x.dtype)
    if isinstance(x, np.ndarray | np.generic):
        return x.dtype.name
    return to_array(x).dtype.name


def result_type(*values) -> str:
    """The dtype an op on ``values`` computes in (Keras 3's promotion; see the module doc)."""
    found = [(v, dtype_of(v)) for v in values]
    strong = [d for _, d in found if d is not None]
    weak_float = any(d is None and isinstance(v, float) for v, d in found)
    weak_int = any(d is None and not isinstance(v, float) for v, d in found)
    if not strong:
        return backend.floatx() if weak_float else "int32" if weak_int else "bool"
    out = functools.reduce(_promote, strong)
    if weak_float and _kind(out) < 2:
        return backend.floatx()
    if weak_int and out == "bool":
        return "int32"
    return out


def float_type(*values) -> str:
    """The dtype of an op that always computes in floats (``sqrt``, ``mean``, ``divide``)."""
    dtype = result_type(*values)
    return dtype if _kind(dtype) == 2 else backend.floatx()


# -- conversion ------------------------------------------------------------------------------------
def tensor(x, dtype=None):
    """``x`` as something the engine's ops take (a Tensor or a variable), cast to ``dtype``."""
    if isinstance(x, KerasTensor):
        raise TypeError(f"{x!r} is symbolic; call keras.ops on it, not the engine's ops")
    if isinstance(x, Tensor | TensorLike):
        if dtype is not None and standardize_dtype(x.dtype) != standardize_dtype(dtype):
            return array_ops.cast(x, standardize_dtype(dtype))
        return x
    array = to_array(x) if dtype is None else np.asarray(x, dtype=standardize_dtype(dtype))
    return convert(array)


def operands(*values, dtype=None):
    """``values`` as tensors of one dtype (``dtype``, else their ``result_type``)."""
    dtype = dtype or result_type(*values)
    return [tensor(v, dtype) for v in values]


def convert_to_tensor(x, dtype=None, sparse=None, ragged=None):
    """A tensor from a tensor, variable, array or Python value; Python floats become float32 and
    ints int32, numpy arrays keep their dtype (``dtype`` casts)."""
    if isinstance(x, KerasTensor):
        return x if dtype is None else cast(x, dtype)
    if isinstance(x, TensorLike):
        x = x._eager_tensor() if not _in_graph() else convert(x)
    return tensor(x, dtype)


def _in_graph() -> bool:
    from engine.framework.context import explicit_graph

    return explicit_graph() is not None


def convert_to_numpy(x) -> np.ndarray:
    """The value of a tensor (or variable, or array-like) as a numpy array."""
    if isinstance(x, KerasTensor):
        raise ValueError(f"{x!r} is symbolic (a functional model's tensor): it has no value to convert")
    return np.array(backend.to_numpy(x))


def is_tensor(x) -> bool:
    return isinstance(x, Tensor | TensorLike)


# -- symbolic dispatch -----------------------------------------------------------------------------
def _walk(x, fn):
    """``x`` with ``fn`` applied to every leaf of its lists, tuples and dicts (in a fixed order)."""
    if isinstance(x, list):
        return [_walk(i, fn) for i in x]
    if isinstance(x, tuple):
        return tuple(_walk(i, fn) for i in x)
    if isinstance(x, dict):
        return {k: _walk(v, fn) for k, v in x.items()}
    return fn(x)


def _symbolic_leaves(structure) -> list:
    found = []
    _walk(structure, lambda x: found.append(x) if isinstance(x, KerasTensor) else None)
    return found


class OpLayer(Layer, register=False):
    """A ``keras.ops`` call on KerasTensors, as a node of the functional graph: it holds the op and
    its other arguments, and calls the op again on the tensors the model runs it with."""

    def __init__(self, fn, args, kwargs):
        super().__init__(name=backend.unique_name(fn.__name__))
        self._fn, self._args, self._kwargs = fn, args, kwargs
        self.built = True

    def call(self, inputs):
        values = iter(inputs)

        def fill(x):
            return next(values) if isinstance(x, KerasTensor) else x

        return self._fn(*_walk(self._args, fill), **_walk(self._kwargs, fill))

    def _shape_from_call(self) -> bool:
        return True

    def get_config(self):
        raise NotImplementedError(
            f"the model calls keras.ops.{self._fn.__name__} on a symbolic tensor ({self.name!r}); "
            "saving such a model's config is not supported: wrap the op in a Layer subclass")


def keras_op(fn):
    """``fn`` made to accept KerasTensors: called on one (anywhere in its arguments) it returns
    the KerasTensor of a new ``OpLayer`` node; called on values it just runs."""

    @functools.wraps(fn)
    def op(*args, **kwargs):
        symbolic = _symbolic_leaves((args, kwargs))
        if symbolic:
            return OpLayer(fn, args, kwargs)(symbolic)
        return fn(*args, **kwargs)

    op.__wrapped__ = fn
    return op


# -- the core ops ------------------------------------------------------------------------------------
@keras_op
def cast(x, dtype):
    return tensor(x, standardize_dtype(dtype))


def shape(x) -> tuple:
    """The static shape as a tuple (None for unknown dimensions), as Keras 3 returns it."""
    if isinstance(x, KerasTensor):
        return tuple(x.shape)
    return backend.int_shape(x if hasattr(x, "shape") else to_array(x))


def dtype(x) -> str:
    return standardize_dtype(x.dtype) if hasattr(x, "dtype") else dtype_of(x) or result_type(x)


@keras_op
def stop_gradient(x):
    return array_ops.stop_gradient(tensor(x))


def cond(pred, true_fn, false_fn):
    """``true_fn()`` if ``pred`` else ``false_fn()``. An eager ``pred`` picks one branch; a
    symbolic one (in a graph) runs both and selects element-wise, which needs branches of one
    shape."""
    if isinstance(pred, KerasTensor):
        raise ValueError("keras.ops.cond needs a value, not a functional model's symbolic tensor")
    if isinstance(pred, Tensor) and pred.is_symbolic:
        true_value, false_value = true_fn(), false_fn()
        return _walk_pair(true_value, false_value, lambda a, b: math_ops.where(pred, a, b))
    return true_fn() if bool(np.asarray(backend.to_numpy(pred))) else false_fn()


def _walk_pair(a, b, fn):
    if isinstance(a, list | tuple):
        return type(a)(_walk_pair(x, y, fn) for x, y in zip(a, b, strict=True))
    return fn(a, b)
