"""Normalization: ``(x - mean) / max(sqrt(variance), epsilon)`` per feature of ``axis``, the
statistics given (``mean=``, ``variance=``) or learnt by ``adapt(data)``; ``invert=True`` maps
back. Adapted statistics are weights (``mean``, ``variance``, ``count``), as in Keras 2 and 3,
so they save and load with the model."""

from __future__ import annotations

import numpy as np

from engine.framework.tensor import Tensor
from engine.keras import backend
from engine.keras.layers.base import Layer
from engine.ops import array_ops, math_ops


def _array(x):
    if isinstance(x, Tensor):
        return x.numpy()
    value = getattr(x, "_value", None)
    return np.asarray(value if value is not None else x)


def _batches(data, batch_size):
    """``data`` as numpy batches: an array (or tensor), or an iterable of batches (a Dataset)."""
    if isinstance(data, (np.ndarray, Tensor, list, tuple)) and not (
            isinstance(data, (list, tuple)) and data and isinstance(data[0], (np.ndarray, Tensor))):
        arr = _array(data)
        step = batch_size or len(arr) or 1
        for start in range(0, len(arr), step):
            yield arr[start:start + step]
        return
    for batch in data:
        if isinstance(batch, (tuple, list)):
            batch = batch[0]  # (features, labels) pairs: the features
        yield _array(batch)


class Normalization(Layer):
    def __init__(self, axis=-1, mean=None, variance=None, invert=False, **kwargs):
        super().__init__(**kwargs)
        if axis is None:
            axis = ()
        self.axis = (int(axis),) if isinstance(axis, (int, np.integer)) else tuple(int(a) for a in axis)
        if (mean is None) != (variance is None):
            raise ValueError("Normalization: give both mean and variance, or neither (and call adapt)")
        if mean is not None and np.shape(mean) != np.shape(variance):
            raise ValueError(f"Normalization: mean {np.shape(mean)} and variance {np.shape(variance)} "
                             "must have the same shape")
        self.input_mean, self.input_variance = mean, variance
        self.invert = bool(invert)
        self.supports_masking = True

    def _geometry(self, input_shape):
        ndim = len(input_shape)
        if any(not -ndim <= a < ndim for a in self.axis):
            raise ValueError(f"Normalization {self.name!r}: axis {self.axis} out of range for rank {ndim}")
        keep = tuple(sorted(a % ndim for a in self.axis))
        if any(input_shape[d] is None for d in keep):
            raise ValueError(f"Normalization {self.name!r}: the kept axes {keep} of {input_shape} "
                             "must be known")
        reduce = tuple(d for d in range(ndim) if d not in keep)
        broadcast = [input_shape[d] if d in keep else 1 for d in range(ndim)]
        return keep, reduce, broadcast

    def build(self, input_shape):
        keep, self._reduce_axis, self._broadcast_shape = self._geometry(tuple(input_shape))
        shape = tuple(input_shape[d] for d in keep)
        if self.input_mean is None:
            self.adapt_mean = self.add_weight("mean", shape, "zeros", trainable=False)
            self.adapt_variance = self.add_weight("variance", shape, "ones", trainable=False)
            self.count = self.add_weight("count", (), "zeros", trainable=False, dtype="int64")
        else:
            self._fixed = [self._broadcast(np.asarray(v, self.dtype), keep, len(input_shape))
                           for v in (self.input_mean, self.input_variance)]
        self.built = True

    def _broadcast(self, value, keep, ndim):
        if value.ndim:
            shape = [1] * ndim
            for i in range(1, value.ndim + 1):
                shape[keep[-i]] = value.shape[-i]
            value = value.reshape(shape)
        return np.broadcast_to(value, self._broadcast_shape).astype(self.dtype)

    def _statistics(self):
        if self.input_mean is not None:
            return self._fixed
        return [array_ops.reshape(v, self._broadcast_shape) for v in (self.adapt_mean, self.adapt_variance)]

    def adapt(self, data, batch_size=None, steps=None):
        """Learn the mean and variance of ``data`` (an array, or a Dataset of batches) over every
        axis but ``axis``."""
        if self.input_mean is not None:
            raise ValueError("Normalization: adapt() cannot change a mean and variance given to the layer")
        total, sum_, sq, built_shape = 0, None, None, None
        for i, batch in enumerate(_batches(data, batch_size)):
            if steps is not None and i >= steps:
                break
            batch = batch.astype(np.float64)
            if not self.built:
                self._maybe_build((None,) + batch.shape[1:])
            if built_shape is None:
                built_shape = batch.shape
                self._geometry(batch.shape)
            n = int(np.prod([batch.shape[d] for d in self._reduce_axis]))
            s = batch.sum(axis=self._reduce_axis)
            q = np.square(batch).sum(axis=self._reduce_axis)
            sum_, sq = (s, q) if sum_ is None else (sum_ + s, sq + q)
            total += n
        if not total:
            raise ValueError("Normalization.adapt got no data")
        mean = sum_ / total
        var = np.maximum(sq / total - np.square(mean), 0.0)
        self.adapt_mean.assign(mean.reshape(tuple(self.adapt_mean.shape)).astype(self.dtype))
        self.adapt_variance.assign(var.reshape(tuple(self.adapt_variance.shape)).astype(self.dtype))
        self.count.assign(np.asarray(total, np.int64))

    def call(self, inputs):
        mean, var = self._statistics()
        scale = math_ops.maximum(math_ops.sqrt(var), backend.epsilon())
        if self.invert:
            return mean + inputs * scale
        return (inputs - mean) / scale

    def get_config(self):
        def listed(v):
            return None if v is None else np.asarray(v).tolist()

        return {**super().get_config(), "axis": list(self.axis), "invert": self.invert,
                "mean": listed(self.input_mean), "variance": listed(self.input_variance)}



class Rescaling(Layer):
    """``x * scale + offset`` (scalars, or arrays that broadcast against the input), in the
    layer's float dtype: integer pixels come out as floats, as in Keras 2 and 3."""

    def __init__(self, scale, offset=0.0, **kwargs):
        super().__init__(**kwargs)
        for what, value in (("scale", scale), ("offset", offset)):
            if not np.all(np.isfinite(np.asarray(value, np.float64))):
                raise ValueError(f"Rescaling: {what} must be finite numbers, got {value!r}")
        self.scale, self.offset = scale, offset
        self.supports_masking = True

    def call(self, inputs):
        x = array_ops.cast(inputs, self.dtype) if inputs.dtype.name != self.dtype else inputs
        return x * np.asarray(self.scale, self.dtype) + np.asarray(self.offset, self.dtype)

    def compute_output_shape(self, input_shape):
        return input_shape

    def _output_dtype(self, inputs):
        return self.dtype

    def get_config(self):
        def plain(v):
            return np.asarray(v).tolist() if np.ndim(v) else float(v)

        return {**super().get_config(), "scale": plain(self.scale), "offset": plain(self.offset)}
