"""``tf.make_tensor_proto`` and ``tf.make_ndarray``: numpy values to and from ``TensorProto``
(what a ``Const`` node's ``value`` attribute and a v2 summary hold), as TensorFlow lays them out."""

from __future__ import annotations

import numpy as np

from engine.framework import dtypes
from engine.framework.tensor import Tensor, to_array
from tfevents import tensor_util
from tfevents.proto import tensor_pb2


def make_tensor_proto(values, dtype=None, shape=None, verify_shape=False, allow_broadcast=False):
    """A TensorProto of ``values`` (Python floats are float32 and ints int32, as in TensorFlow).
    With ``shape``, one value fills the shape (stored once); otherwise the count must match."""
    if isinstance(values, tensor_pb2.TensorProto):
        return values
    if isinstance(values, Tensor):
        values = values.numpy()
    array = to_array(values, None if dtype is None else dtypes.as_dtype(dtype))
    if shape is None:
        return tensor_util.make_tensor_proto(array)
    shape = [int(d) for d in shape]
    count = int(np.prod(shape, dtype=np.int64))
    if verify_shape and list(array.shape) != shape:
        raise TypeError(f"Expected Tensor's shape: {tuple(shape)}, but got {array.shape}.")
    if array.size == 1 and count != 1:
        proto = tensor_util.make_tensor_proto(array.reshape(()))
        proto.tensor_shape.CopyFrom(tensor_util.shape_proto(shape))
        return proto
    if array.size != count:
        raise ValueError(f"Too many elements provided. Takes at most {count:d}, but got {array.size:d}."
                         if array.size > count else
                         f"Expected {count} elements for shape {shape}, got {array.size}")
    return tensor_util.make_tensor_proto(array.reshape(shape))


def make_ndarray(tensor) -> np.ndarray:
    """The numpy array a TensorProto holds (a copy: writing to it leaves the proto alone)."""
    if not isinstance(tensor, tensor_pb2.TensorProto):
        raise TypeError(f"make_ndarray needs a TensorProto, got {type(tensor).__name__}")
    return np.array(tensor_util.make_ndarray(tensor), copy=True)


__all__ = ["make_ndarray", "make_tensor_proto"]
