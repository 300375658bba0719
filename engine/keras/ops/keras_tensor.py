"""Python's operators on ``KerasTensor`` (``x + 1``, ``x * mask``, ``x[:, 0]``, ``-x``, ``x @ w``),
each recorded as the ``keras.ops`` call Keras 3 makes for it. ``==`` and ``!=`` stay identity
comparisons (the functional graph keeps KerasTensors in lists); ``keras.ops.equal`` compares."""

from __future__ import annotations

from engine.keras.layers.base import KerasTensor
from engine.keras.ops import numpy_array, numpy_math

_BINARY = {
    "add": numpy_math.add, "sub": numpy_math.subtract, "mul": numpy_math.multiply,
    "truediv": numpy_math.divide, "floordiv": numpy_math.floor_divide, "mod": numpy_math.mod,
    "pow": numpy_math.power, "matmul": numpy_math.matmul, "and": numpy_math.logical_and,
    "or": numpy_math.logical_or, "xor": numpy_math.logical_xor,
}
_COMPARE = {"lt": numpy_math.less, "le": numpy_math.less_equal, "gt": numpy_math.greater,
            "ge": numpy_math.greater_equal}


def _forward(fn):
    def method(self, other):
        return fn(self, other)
    return method


def _reflected(fn):
    def method(self, other):
        return fn(other, self)
    return method


def install() -> None:
    for name, fn in _BINARY.items():
        setattr(KerasTensor, f"__{name}__", _forward(fn))
        setattr(KerasTensor, f"__r{name}__", _reflected(fn))
    for name, fn in _COMPARE.items():
        setattr(KerasTensor, f"__{name}__", _forward(fn))
    KerasTensor.__neg__ = numpy_math.negative
    KerasTensor.__abs__ = numpy_math.abs
    KerasTensor.__invert__ = numpy_math.logical_not
    KerasTensor.__getitem__ = numpy_array.get_item
    KerasTensor.__array_ufunc__ = None  # numpy defers: array + KerasTensor calls __radd__
