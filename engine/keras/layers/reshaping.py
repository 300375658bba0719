"""Reshaping layers: RepeatVector, Permute, UpSampling1D/2D (nearest), ZeroPadding1D/2D."""

from __future__ import annotations

from engine.keras.layers._common import data_format as _data_format
from engine.keras.layers._common import int_tuple
from engine.keras.layers.base import Layer
from engine.ops import array_ops


class RepeatVector(Layer):
    """(batch, features) -> (batch, n, features)."""

    def __init__(self, n, **kwargs):
        super().__init__(**kwargs)
        self.n = int(n)

    def call(self, inputs):
        if len(inputs.shape) != 2:
            raise ValueError(f"RepeatVector {self.name!r} expects (batch, features), "
                             f"got {tuple(inputs.shape)}")
        return array_ops.tile(array_ops.expand_dims(inputs, 1), [1, self.n, 1])

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.n, input_shape[1])

    def get_config(self):
        return {**super().get_config(), "n": self.n}


class Permute(Layer):
    """The non-batch axes in the order ``dims`` (1-based, as Keras counts them)."""

    def __init__(self, dims, **kwargs):
        super().__init__(**kwargs)
        self.dims = tuple(int(d) for d in dims)
        if sorted(self.dims) != list(range(1, len(self.dims) + 1)):
            raise ValueError(f"Permute dims must be a permutation of 1..{len(self.dims)}, got {dims}")
        self.supports_masking = True

    def call(self, inputs):
        return array_ops.transpose(inputs, [0, *self.dims])

    def compute_output_shape(self, input_shape):
        return (input_shape[0], *(input_shape[d] for d in self.dims))

    def get_config(self):
        return {**super().get_config(), "dims": list(self.dims)}


def _repeat(x, axis, times):
    """Each entry of ``axis`` repeated ``times`` times (nearest-neighbour upsampling)."""
    shape = list(x.shape)
    rank = len(shape)
    x = array_ops.expand_dims(x, axis + 1)
    x = array_ops.tile(x, [times if i == axis + 1 else 1 for i in range(rank + 1)])
    shape[axis] = shape[axis] * times
    return array_ops.reshape(x, [-1] + shape[1:])


class UpSampling1D(Layer):
    def __init__(self, size=2, **kwargs):
        super().__init__(**kwargs)
        self.size = int(size)

    def call(self, inputs):
        return _repeat(inputs, 1, self.size)

    def compute_output_shape(self, input_shape):
        steps = input_shape[1]
        return (input_shape[0], None if steps is None else steps * self.size, input_shape[2])

    def get_config(self):
        return {**super().get_config(), "size": self.size}


class UpSampling2D(Layer):
    """Each pixel repeated ``size`` times along height and width (``interpolation="nearest"``)."""

    def __init__(self, size=(2, 2), data_format=None, interpolation="nearest", **kwargs):
        super().__init__(**kwargs)
        self.size = int_tuple(size, 2, "size")
        self.data_format = _data_format(data_format)
        if interpolation != "nearest":
            raise NotImplementedError(f"UpSampling2D interpolation={interpolation!r}: only 'nearest' is "
                                      "supported")
        self.interpolation = interpolation

    def _axes(self):
        return (2, 3) if self.data_format == "channels_first" else (1, 2)

    def call(self, inputs):
        h, w = self._axes()
        return _repeat(_repeat(inputs, h, self.size[0]), w, self.size[1])

    def compute_output_shape(self, input_shape):
        shape = list(input_shape)
        for axis, times in zip(self._axes(), self.size, strict=True):
            shape[axis] = None if shape[axis] is None else shape[axis] * times
        return tuple(shape)

    def get_config(self):
        return {**super().get_config(), "size": list(self.size), "data_format": self.data_format,
                "interpolation": self.interpolation}


def _pad_pairs(padding, n):
    """An int, n ints (symmetric) or n pairs: n (before, after) pairs."""
    if isinstance(padding, int):
        return ((padding, padding),) * n
    padding = list(padding)
    if len(padding) != n:
        raise ValueError(f"padding must be an int, {n} ints or {n} pairs, got {padding!r}")
    return tuple((int(p), int(p)) if isinstance(p, int) else tuple(int(v) for v in int_tuple(p, 2, "padding"))
                 for p in padding)


class ZeroPadding1D(Layer):
    def __init__(self, padding=1, data_format=None, **kwargs):
        super().__init__(**kwargs)
        pad = padding if isinstance(padding, int) else [tuple(padding)]
        self.padding = _pad_pairs(pad, 1)[0]
        self.data_format = _data_format(data_format)  # Keras 3's argument; Keras 2 pads channels_last

    def _axis(self):
        return 2 if self.data_format == "channels_first" else 1

    def call(self, inputs):
        pads = [[0, 0], [0, 0], [0, 0]]
        pads[self._axis()] = list(self.padding)
        return array_ops.pad(inputs, pads)

    def compute_output_shape(self, input_shape):
        shape = list(input_shape)
        axis = self._axis()
        shape[axis] = None if shape[axis] is None else shape[axis] + sum(self.padding)
        return tuple(shape)

    def get_config(self):
        config = {**super().get_config(), "padding": list(self.padding)}
        if self.data_format != "channels_last":
            config["data_format"] = self.data_format  # Keras 2 has no such argument
        return config


class ZeroPadding2D(Layer):
    """Zeros around each image: ``padding`` an int, (rows, cols), or ((top, bottom), (left, right))."""

    def __init__(self, padding=(1, 1), data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.padding = _pad_pairs(padding, 2)
        self.data_format = _data_format(data_format)

    def _pads(self):
        (t, b), (left, r) = self.padding
        if self.data_format == "channels_first":
            return [[0, 0], [0, 0], [t, b], [left, r]]
        return [[0, 0], [t, b], [left, r], [0, 0]]

    def call(self, inputs):
        return array_ops.pad(inputs, self._pads())

    def compute_output_shape(self, input_shape):
        pads = zip(input_shape, self._pads(), strict=True)
        return tuple(None if d is None else d + a + b for d, (a, b) in pads)

    def get_config(self):
        return {**super().get_config(), "padding": [list(p) for p in self.padding],
                "data_format": self.data_format}
