"""Pooling: MaxPooling1D, AveragePooling1D/2D (on the engine's MaxPool/AvgPool ops; a 1-D input
is a one-pixel-high image) and the global poolings, GlobalAveragePooling1D/2D and
GlobalMaxPooling1D/2D (``keepdims``; GlobalAveragePooling1D averages over unmasked steps only).
"""

from __future__ import annotations

import math

from engine.keras.layers._common import data_format as _format
from engine.keras.layers._common import int_tuple as _tuple
from engine.keras.layers.base import Layer
from engine.keras.saving import registry
from engine.ops import array_ops, conv_ops, reduction_ops


def _check_rank(layer, input_shape):
    if len(input_shape) != layer._rank + 2:
        raise ValueError(f"{type(layer).__name__} {layer.name!r} expects inputs of rank {layer._rank + 2}, "
                         f"got shape {input_shape}")


def _pool_out(size, k, stride, padding):
    if size is None:
        return None
    if padding == "same":
        return math.ceil(size / stride)
    return (size - k) // stride + 1


class _Pooling(Layer):
    """Max or average pooling over ``rank`` spatial axes."""

    _rank = 1
    _op = staticmethod(conv_ops.max_pool2d)

    def __init__(self, pool_size=2, strides=None, padding="valid", data_format=None, **kwargs):
        super().__init__(**kwargs)
        padding = str(padding).lower()
        if padding not in ("valid", "same"):
            raise ValueError(f"padding must be 'valid' or 'same', got {padding!r}")
        self.pool_size = _tuple(pool_size, self._rank, "pool_size")
        self.strides = _tuple(strides, self._rank, "strides") if strides is not None else self.pool_size
        self.padding = padding
        self.data_format = _format(data_format)

    def build(self, input_shape):
        _check_rank(self, input_shape)
        self.built = True

    def call(self, inputs):
        x = inputs
        first = self.data_format == "channels_first"
        if first:
            x = array_ops.transpose(x, [0] + list(range(2, self._rank + 2)) + [1])
        if self._rank == 1:
            shape = tuple(x.shape)
            x = array_ops.reshape(x, (-1, 1, shape[1], shape[2]))
            y = self._op(x, (1, self.pool_size[0]), (1, self.strides[0]), self.padding.upper())
            y = array_ops.reshape(y, (-1, y.shape[2], shape[2]))
        else:
            y = self._op(x, self.pool_size, self.strides, self.padding.upper())
        if first:
            y = array_ops.transpose(y, [0, self._rank + 1] + list(range(1, self._rank + 1)))
        return y

    def compute_output_shape(self, input_shape):
        shape = list(input_shape)
        axes = range(2, self._rank + 2) if self.data_format == "channels_first" else range(1, self._rank + 1)
        for i, axis in enumerate(axes):
            shape[axis] = _pool_out(shape[axis], self.pool_size[i], self.strides[i], self.padding)
        return tuple(shape)

    def get_config(self):
        return {**super().get_config(), "pool_size": list(self.pool_size), "padding": self.padding,
                "strides": list(self.strides), "data_format": self.data_format}


class MaxPooling1D(_Pooling):
    _rank = 1


class AveragePooling1D(_Pooling):
    """The average of each window; with ``padding="same"`` the padding is left out of the count,
    as TensorFlow's AvgPool (and so Keras) does."""

    _rank = 1
    _op = staticmethod(conv_ops.avg_pool2d)


class AveragePooling2D(_Pooling):
    _rank = 2
    _op = staticmethod(conv_ops.avg_pool2d)

    def __init__(self, pool_size=(2, 2), strides=None, padding="valid", data_format=None, **kwargs):
        super().__init__(pool_size, strides, padding, data_format, **kwargs)


class _GlobalPooling(Layer):
    _rank = 1
    _reduce = staticmethod(reduction_ops.reduce_max)

    def __init__(self, data_format=None, keepdims=False, **kwargs):
        super().__init__(**kwargs)
        self.data_format = _format(data_format)
        self.keepdims = bool(keepdims)

    def _axes(self):
        start = 2 if self.data_format == "channels_first" else 1
        return list(range(start, start + self._rank))

    def build(self, input_shape):
        _check_rank(self, input_shape)
        self.built = True

    def call(self, inputs):
        return self._reduce(inputs, axis=self._axes(), keepdims=self.keepdims)

    def compute_output_shape(self, input_shape):
        axes = self._axes()
        if self.keepdims:
            return tuple(1 if i in axes else d for i, d in enumerate(input_shape))
        return tuple(d for i, d in enumerate(input_shape) if i not in axes)

    def compute_mask(self, inputs, mask=None):
        return None

    def get_config(self):
        return {**super().get_config(), "data_format": self.data_format, "keepdims": self.keepdims}


class GlobalMaxPooling1D(_GlobalPooling):
    _rank = 1


class GlobalMaxPooling2D(_GlobalPooling):
    _rank = 2


class GlobalAveragePooling2D(_GlobalPooling):
    _rank = 2
    _reduce = staticmethod(reduction_ops.reduce_mean)


class GlobalAveragePooling1D(_GlobalPooling):
    """The mean over steps; with a mask (``Embedding(mask_zero=True)``, ``Masking``) the mean of
    the unmasked steps only."""

    _rank = 1
    _reduce = staticmethod(reduction_ops.reduce_mean)

    def __init__(self, data_format=None, keepdims=False, **kwargs):
        super().__init__(data_format=data_format, keepdims=keepdims, **kwargs)
        self.supports_masking = True

    def call(self, inputs, mask=None):
        if mask is None:
            return super().call(inputs)
        m = array_ops.expand_dims(array_ops.cast(mask, inputs.dtype),
                                  2 if self.data_format == "channels_last" else 1)
        axis = self._axes()
        return (reduction_ops.reduce_sum(inputs * m, axis=axis, keepdims=self.keepdims)
                / reduction_ops.reduce_sum(m, axis=axis, keepdims=self.keepdims))


for _cls, _alias in ((MaxPooling1D, "MaxPool1D"), (AveragePooling1D, "AvgPool1D"),
                     (AveragePooling2D, "AvgPool2D"), (GlobalMaxPooling1D, "GlobalMaxPool1D"),
                     (GlobalMaxPooling2D, "GlobalMaxPool2D"), (GlobalAveragePooling1D, "GlobalAvgPool1D"),
                     (GlobalAveragePooling2D, "GlobalAvgPool2D")):
    registry.register("layer", _cls, _alias)
MaxPool1D, AvgPool1D, AvgPool2D = MaxPooling1D, AveragePooling1D, AveragePooling2D
GlobalMaxPool1D, GlobalMaxPool2D = GlobalMaxPooling1D, GlobalMaxPooling2D
GlobalAvgPool1D, GlobalAvgPool2D = GlobalAveragePooling1D, GlobalAveragePooling2D
