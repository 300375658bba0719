"""Python's operators on ``Tensor`` and ``Variable`` (``a + b``, ``x @ w``, ``x[1:]``, ``a < b``...),
each routed through the op TensorFlow uses for it. Installed on ``engine.framework.tensor``'s
classes when the ops package is imported (``engine/ops/__init__.py``): the framework defines
the tensor, this package gives it its arithmetic."""

from __future__ import annotations

from engine.framework.tensor import Tensor, _Operators
from engine.ops import array_ops, math_ops

_BINARY = {
    "add": math_ops.add, "sub": math_ops.subtract, "mul": math_ops.multiply, "truediv": math_ops.divide,
    "pow": math_ops.pow, "matmul": math_ops.matmul,
}
_FORWARD_ONLY = {
    "floordiv": math_ops.floordiv, "mod": math_ops.floormod,
    "lt": math_ops.less, "le": math_ops.less_equal, "gt": math_ops.greater, "ge": math_ops.greater_equal,
    "and": math_ops.logical_and, "or": math_ops.logical_or,
}


def _forward(fn):
    def method(self, other):
        return fn(self, other)
    return method


def _reflected(fn):
    def method(self, other):
        return fn(other, self)
    return method


def _by_identity(self, other) -> bool:
    """TF1 graph tensors (and comparisons with ``None``) compare by identity, so they can be dict
    keys and list members while a graph is built; eager tensors and those of a ``tf.function``
    trace compare element-wise, as in TensorFlow 2 (``if i % 2 == 0:`` inside a tf.function)."""
    graph = self._graph
    return other is None or (graph is not None and not getattr(graph, "function_graph", False))


def _tensor_eq(self, other):
    if _by_identity(self, other):
        return self is other
    return math_ops.equal(self, other)


def _tensor_ne(self, other):
    if _by_identity(self, other):
        return self is not other
    return math_ops.not_equal(self, other)


def _pos(self):
    return self


def install() -> None:
    for name, fn in _BINARY.items():
        setattr(_Operators, f"__{name}__", _forward(fn))
        setattr(_Operators, f"__r{name}__", _reflected(fn))
    for name, fn in _FORWARD_ONLY.items():
        setattr(_Operators, f"__{name}__", _forward(fn))
    _Operators.__neg__ = math_ops.negative
    _Operators.__pos__ = _pos
    _Operators.__abs__ = math_ops.abs
    _Operators.__invert__ = math_ops.logical_not
    _Operators.__getitem__ = array_ops.strided_slice
    Tensor.__eq__ = _tensor_eq
    Tensor.__ne__ = _tensor_ne


install()
