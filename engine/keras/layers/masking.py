"""Masking: marks the steps whose features all equal ``mask_value`` as padding (the mask the
recurrent layers, GlobalAveragePooling1D and others that follow read) and zeroes them."""

from __future__ import annotations

from engine.keras.layers.base import Layer
from engine.ops import array_ops, math_ops, reduction_ops


class Masking(Layer):
    def __init__(self, mask_value=0.0, **kwargs):
        super().__init__(**kwargs)
        self.mask_value = mask_value
        self.supports_masking = True

    def _keep(self, inputs):
        return reduction_ops.reduce_any(math_ops.not_equal(inputs, self.mask_value), axis=-1, keepdims=True)

    def call(self, inputs):
        return inputs * array_ops.cast(self._keep(inputs), inputs.dtype)

    def compute_mask(self, inputs, mask=None):
        return array_ops.squeeze(self._keep(inputs), axis=-1)

    def get_config(self):
        return {**super().get_config(), "mask_value": self.mask_value}
