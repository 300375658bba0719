"""Data types with TensorFlow's names (``tf.float32``), each mapping to a numpy dtype and to the
``DataType`` enum the GraphDef uses."""

from __future__ import annotations

import numpy as np

from tfevents.proto import types_pb2


class DType:
    """A tensor element type: ``tf.float32.as_numpy_dtype`` is ``np.float32``."""

    __slots__ = ("name", "as_numpy_dtype", "as_datatype_enum", "_np")

    def __init__(self, name: str, np_type, enum: int):
        self.name = name
        self.as_numpy_dtype = np_type
        self.as_datatype_enum = enum
        self._np = np.dtype(np_type)

    @property
    def is_floating(self) -> bool:
        return self._np.kind == "f"

    @property
    def is_integer(self) -> bool:
        return self._np.kind in "iu"

    @property
    def is_bool(self) -> bool:
        return self._np.kind == "b"

    @property
    def size(self) -> int:
        return self._np.itemsize

    def __eq__(self, other) -> bool:
        if isinstance(other, DType):
            return self.name == other.name
        try:
            return self._np == np.dtype(other)
        except TypeError:
            return False

    def __hash__(self) -> int:
        return hash(self.name)

    def __repr__(self) -> str:
        return f"tf.{self.name}"


float16 = DType("float16", np.float16, types_pb2.DT_HALF)
float32 = DType("float32", np.float32, types_pb2.DT_FLOAT)
float64 = DType("float64", np.float64, types_pb2.DT_DOUBLE)
int8 = DType("int8", np.int8, types_pb2.DT_INT8)
int16 = DType("int16", np.int16, types_pb2.DT_INT16)
int32 = DType("int32", np.int32, types_pb2.DT_INT32)
int64 = DType("int64", np.int64, types_pb2.DT_INT64)
uint8 = DType("uint8", np.uint8, types_pb2.DT_UINT8)
uint16 = DType("uint16", np.uint16, types_pb2.DT_UINT16)
uint32 = DType("uint32", np.uint32, types_pb2.DT_UINT32)
uint64 = DType("uint64", np.uint64, types_pb2.DT_UINT64)
bool_ = DType("bool", np.bool_, types_pb2.DT_BOOL)
string = DType("string", np.object_, types_pb2.DT_STRING)
half = float16
double = float64

_ALL = [float16, float32, float64, int8, int16, int32, int64, uint8, uint16, uint32, uint64, bool_]
_BY_NUMPY = {d._np: d for d in _ALL}
_BY_NAME = {d.name: d for d in [*_ALL, string]}
_BY_NAME.update(half=float16, double=float64)


def as_dtype(value) -> DType:
    """A DType from a DType, a numpy dtype or type, or a name such as ``"float32"``."""
    if isinstance(value, DType):
        return value
    if isinstance(value, str) and value in _BY_NAME:
        return _BY_NAME[value]
    try:
        np_dtype = np.dtype(value)
    except TypeError as exc:
        raise TypeError(f"cannot interpret {value!r} as a data type; use e.g. tf.float32") from exc
    if np_dtype.kind in "USO":
        return string
    if np_dtype not in _BY_NUMPY:
        raise TypeError(f"data type {np_dtype} is not supported; use e.g. tf.float32")
    return _BY_NUMPY[np_dtype]


def numpy_dtype(value) -> np.dtype:
    """The numpy dtype of a DType, numpy dtype or name (``None`` stays ``None``)."""
    if value is None:
        return None
    if isinstance(value, DType):
        return value._np
    return as_dtype(value)._np
