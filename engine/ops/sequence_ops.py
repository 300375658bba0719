"""``tf.range``: ``Range(start, limit, delta)``, int32 for integers and float32 for floats (or
``dtype``). In a graph its length is static when its bounds are constants."""

from __future__ import annotations

import numpy as np

from engine.framework import dtypes
from engine.framework.execute import apply_op
from engine.framework.graph import PROBE_SIZES
from engine.framework.op_registry import register_op
from engine.framework.tensor import Tensor, to_array


def _range_kernel(start, limit, delta, Tidx):  # noqa: N803 - TensorFlow's attribute name
    if np.asarray(delta) == 0:
        raise ValueError("tf.range's delta must not be 0")
    return np.arange(start, limit, delta, dtype=Tidx.as_numpy_dtype)


register_op("Range", _range_kernel)


def _known(x):
    """The value of ``x`` when it is known while building (a Python value, an eager tensor, a
    constant node), else None."""
    if isinstance(x, Tensor):
        if x._graph is None:
            return x._value
        return x.op.attrs["value"] if x.op.type == "Const" else None
    return to_array(x)


def range(start, limit=None, delta=1, dtype=None, name="range"):  # noqa: A001 - TensorFlow's name
    if limit is None:
        start, limit = 0, start
    values = [start, limit, delta]
    if dtype is None:
        given = [v.dtype if isinstance(v, Tensor) else dtypes.as_dtype(to_array(v).dtype) for v in values]
        floats = [d for d in given if d.is_floating]
        dtype = floats[0] if floats else dtypes.int64 if dtypes.int64 in given else dtypes.int32
    dtype = dtypes.as_dtype(dtype)
    inputs = [v if isinstance(v, Tensor) and v._graph is not None else to_array(v, dtype) for v in values]
    known = [_known(v) for v in inputs]
    if all(k is not None for k in known):
        out = _range_kernel(*known, Tidx=dtype)
        specs = [(out.shape, dtype, (out, out))]
    else:
        probes = tuple(np.arange(n, dtype=dtype.as_numpy_dtype) for n in PROBE_SIZES)
        specs = [([None], dtype, probes)]
    return apply_op("Range", inputs, name=name, output_specs=specs, Tidx=dtype)
