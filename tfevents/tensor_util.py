"""numpy arrays to and from TensorProto, laid out as TensorFlow does (``tensor_util.py``)."""

from __future__ import annotations

import math

import numpy as np

from tfevents.proto import tensor_pb2, tensor_shape_pb2, types_pb2

_NUMPY_TO_DTYPE = {
    np.dtype(np.float16): types_pb2.DT_HALF,
    np.dtype(np.float32): types_pb2.DT_FLOAT,
    np.dtype(np.float64): types_pb2.DT_DOUBLE,
    np.dtype(np.int8): types_pb2.DT_INT8,
    np.dtype(np.int16): types_pb2.DT_INT16,
    np.dtype(np.int32): types_pb2.DT_INT32,
    np.dtype(np.int64): types_pb2.DT_INT64,
    np.dtype(np.uint8): types_pb2.DT_UINT8,
    np.dtype(np.uint16): types_pb2.DT_UINT16,
    np.dtype(np.uint32): types_pb2.DT_UINT32,
    np.dtype(np.uint64): types_pb2.DT_UINT64,
    np.dtype(np.bool_): types_pb2.DT_BOOL,
    np.dtype(np.complex64): types_pb2.DT_COMPLEX64,
    np.dtype(np.complex128): types_pb2.DT_COMPLEX128,
}
_DTYPE_TO_NUMPY = {v: k for k, v in _NUMPY_TO_DTYPE.items()}
# The typed repeated field a lone value (or a short list) of each dtype is stored in.
_VAL_FIELD = {
    types_pb2.DT_HALF: "half_val",
    types_pb2.DT_FLOAT: "float_val",
    types_pb2.DT_DOUBLE: "double_val",
    types_pb2.DT_INT8: "int_val",
    types_pb2.DT_INT16: "int_val",
    types_pb2.DT_INT32: "int_val",
    types_pb2.DT_UINT8: "int_val",
    types_pb2.DT_UINT16: "int_val",
    types_pb2.DT_INT64: "int64_val",
    types_pb2.DT_UINT32: "uint32_val",
    types_pb2.DT_UINT64: "uint64_val",
    types_pb2.DT_BOOL: "bool_val",
    types_pb2.DT_COMPLEX64: "scomplex_val",
    types_pb2.DT_COMPLEX128: "dcomplex_val",
}


# Dtypes TensorFlow never packs into ``tensor_content``: their values go in the typed field.
_TYPED_ONLY = (types_pb2.DT_BOOL, types_pb2.DT_UINT16, types_pb2.DT_COMPLEX64, types_pb2.DT_COMPLEX128)

# A shape is only believed as far as the bytes present back it: a tensor stores every value
# (``tensor_content``, or one typed value each) except a constant, whose last value TensorFlow
# repeats to fill the shape. Writers fill only small constants, so a fill is bounded by a
# number, not by the shape: a 68-byte record must not become a 134 MB array.
MAX_FILLED_VALUES = 1 << 12
MAX_DIMS = 32  # numpy's own limit, checked here so that the error names the tensor


class TensorDecodeError(ValueError):
    """A TensorProto whose contents do not match its dtype and shape."""


def shape_proto(shape) -> tensor_shape_pb2.TensorShapeProto:
    """A TensorShapeProto; ``None`` dimensions become -1, a ``None`` shape unknown rank."""
    if shape is None:
        return tensor_shape_pb2.TensorShapeProto(unknown_rank=True)
    return tensor_shape_pb2.TensorShapeProto(
        dim=[tensor_shape_pb2.TensorShapeProto.Dim(size=-1 if d is None else int(d)) for d in shape]
    )


def make_tensor_proto(value, dtype=None) -> tensor_pb2.TensorProto:
    """A TensorProto of ``value``: strings in ``string_val``, one number in its typed field,
    anything larger as raw bytes in ``tensor_content``."""
    array = np.asarray(value, dtype=dtype)
    if array.dtype.kind in "USO":
        flat = [v.encode("utf-8") if isinstance(v, str) else bytes(v) for v in array.reshape(-1)]
        return tensor_pb2.TensorProto(
            dtype=types_pb2.DT_STRING, tensor_shape=shape_proto(array.shape), string_val=flat
        )
    if array.dtype not in _NUMPY_TO_DTYPE:
        raise TypeError(f"cannot store a {array.dtype} array in a TensorProto")
    dt = _NUMPY_TO_DTYPE[array.dtype]
    proto = tensor_pb2.TensorProto(dtype=dt, tensor_shape=shape_proto(array.shape))
    if array.size == 1 or dt in _TYPED_ONLY:
        item = array.reshape(-1)
        if dt == types_pb2.DT_HALF:
            item = item.view(np.uint16)
        elif dt in (types_pb2.DT_COMPLEX64, types_pb2.DT_COMPLEX128):
            item = np.stack([item.real, item.imag], axis=-1).reshape(-1)
        getattr(proto, _VAL_FIELD[dt]).extend(item.tolist())
    else:
        proto.tensor_content = np.ascontiguousarray(array).astype(array.dtype.newbyteorder("<")).tobytes()
    return proto


def make_ndarray(proto: tensor_pb2.TensorProto) -> np.ndarray:
    """The numpy array a TensorProto holds, whichever of its layouts the writer chose."""
    if proto.tensor_shape.unknown_rank:
        raise TensorDecodeError("tensor of unknown rank")
    shape = tuple(d.size for d in proto.tensor_shape.dim)
    if len(shape) > MAX_DIMS:
        raise TensorDecodeError(f"tensor of {len(shape)} dimensions, over the limit of {MAX_DIMS}")
    if any(d < 0 for d in shape):
        raise TensorDecodeError(f"tensor with unknown dimensions {shape}")
    count = math.prod(shape)  # Python ints: no int64 wrap-around to a small or zero count
    if proto.dtype == types_pb2.DT_STRING:
        _check_count(len(proto.string_val), count, shape)
        values = list(proto.string_val)
        array = np.empty(len(values), dtype=object)
        array[:] = values
        return _fill(array, count, shape)
    if proto.dtype not in _DTYPE_TO_NUMPY:
        raise TensorDecodeError(f"unsupported tensor dtype {proto.dtype}")
    np_dtype = _DTYPE_TO_NUMPY[proto.dtype]
    if proto.tensor_content:
        content = proto.tensor_content
        if len(content) != count * np_dtype.itemsize:
            raise TensorDecodeError(
                f"tensor_content has {len(content)} bytes, shape {shape} of {np_dtype} needs "
                f"{count * np_dtype.itemsize}"
            )
        return np.frombuffer(content, dtype=np_dtype.newbyteorder("<")).astype(np_dtype).reshape(shape)
    values = getattr(proto, _VAL_FIELD[proto.dtype])
    complex_pairs = proto.dtype in (types_pb2.DT_COMPLEX64, types_pb2.DT_COMPLEX128)
    present = len(values) // 2 if complex_pairs else len(values)
    _check_count(present, count, shape)
    if proto.dtype == types_pb2.DT_HALF:
        array = np.asarray(values, dtype=np.uint16).view(np.float16)
    elif proto.dtype in (types_pb2.DT_COMPLEX64, types_pb2.DT_COMPLEX128):
        pairs = np.asarray(values, dtype=np.float64).reshape(-1, 2)
        array = (pairs[:, 0] + 1j * pairs[:, 1]).astype(np_dtype)
    else:
        array = np.asarray(values, dtype=np_dtype)
    return _fill(array, count, shape)


def _check_count(present: int, count: int, shape: tuple) -> None:
    """Refuse, before anything is allocated, a shape the values present cannot fill."""
    if present == count:
        return
    if present == 0:
        raise TensorDecodeError(f"tensor of shape {shape} holds no values")
    if present > count:
        raise TensorDecodeError(f"tensor of shape {shape} holds {present} values")
    if count > MAX_FILLED_VALUES:
        raise TensorDecodeError(
            f"tensor of shape {shape} ({count} values) holds {present}: filling it would repeat "
            f"the last one past the limit of {MAX_FILLED_VALUES} values")


def _fill(array: np.ndarray, count: int, shape: tuple) -> np.ndarray:
    """TensorFlow repeats the last typed value to fill the shape (``make_ndarray``); the count
    was checked by ``_check_count``."""
    if array.size == count:
        return array.reshape(shape)
    padded = np.concatenate([array, np.repeat(array[-1:], count - array.size)])
    return padded.reshape(shape)
