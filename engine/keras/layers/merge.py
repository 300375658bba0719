"""Layers that merge several inputs: Concatenate and Add."""

from __future__ import annotations

from engine.keras.layers.base import Layer
from engine.ops import array_ops


class _Merge(Layer):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True

    def _check(self, input_shape):
        if not isinstance(input_shape, (list, tuple)) or not input_shape or \
                not isinstance(input_shape[0], (list, tuple)) or len(input_shape) < 2:
            raise ValueError(f"{type(self).__name__} {self.name!r} must be called on a list of at least "
                             f"two inputs, got shapes {input_shape}")

    def build(self, input_shape):
        self._check(input_shape)
        self.built = True

    def compute_mask(self, inputs, mask=None):
        if mask is None or all(m is None for m in mask):
            return None
        import numpy as np

        out = None
        for x, m in zip(inputs, mask, strict=True):
            m = np.ones(tuple(x.shape)[:-1], bool) if m is None else np.asarray(m, bool)
            out = m if out is None else out & m
        return out


class Add(_Merge):
    def call(self, inputs):
        total = inputs[0]
        for x in inputs[1:]:
            total = total + x
        return total

    def compute_output_shape(self, input_shape):
        self._check(input_shape)
        shapes = [tuple(s) for s in input_shape]
        out = list(shapes[0])
        for s in shapes[1:]:
            if len(s) != len(out):
                raise ValueError(f"Add {self.name!r}: inputs of different ranks {shapes}")
            for i, (a, b) in enumerate(zip(out, s, strict=True)):
                if a is not None and b is not None and a != b and 1 not in (a, b):
                    raise ValueError(f"Add {self.name!r}: shapes {shapes} do not match")
                out[i] = a if b in (None, 1) else b
        return tuple(out)


class Concatenate(_Merge):
    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        self.axis = int(axis)

    def call(self, inputs):
        return array_ops.concat(list(inputs), axis=self.axis)

    def compute_output_shape(self, input_shape):
        self._check(input_shape)
        shapes = [list(s) for s in input_shape]
        rank = len(shapes[0])
        axis = self.axis % rank
        out = list(shapes[0])
        for s in shapes[1:]:
            if len(s) != rank or any(a is not None and b is not None and a != b
                                     for i, (a, b) in enumerate(zip(out, s, strict=True)) if i != axis):
                raise ValueError(f"Concatenate {self.name!r} (axis={self.axis}) needs matching shapes except "
                                 f"on the concatenation axis, got {[tuple(x) for x in shapes]}")
            out[axis] = None if out[axis] is None or s[axis] is None else out[axis] + s[axis]
        return tuple(out)

    def get_config(self):
        return {**super().get_config(), "axis": self.axis}


def add(inputs, **kwargs):
    return Add(**kwargs)(inputs)


def concatenate(inputs, axis=-1, **kwargs):
    return Concatenate(axis=axis, **kwargs)(inputs)
