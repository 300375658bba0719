"""Activation layers: LeakyReLU, ReLU, Softmax (with a mask).

LeakyReLU's slope is ``alpha`` in Keras 2 and ``negative_slope`` in Keras 3 (both default 0.3);
either spelling is read, and the config writes Keras 2's ``alpha``, which Keras 3 reads too.
"""

from __future__ import annotations

from engine.keras.layers.base import Layer
from engine.ops import array_ops, math_ops, nn_ops, reduction_ops

# What a masked position of a Softmax gets added (Keras 2) or replaced by (Keras 3).
LARGE_NEGATIVE = -1e9


class LeakyReLU(Layer):
    """``x`` for ``x > 0``, ``alpha * x`` otherwise."""

    def __init__(self, alpha=None, negative_slope=None, **kwargs):
        super().__init__(**kwargs)
        slope = negative_slope if negative_slope is not None else alpha
        slope = 0.3 if slope is None else float(slope)
        if slope < 0:
            raise ValueError(f"the negative slope of LeakyReLU must be >= 0, got {slope}")
        self.alpha = self.negative_slope = slope
        self.supports_masking = True

    def call(self, inputs):
        return nn_ops.leaky_relu(inputs, alpha=self.alpha)

    def get_config(self):
        return {**super().get_config(), "alpha": self.alpha}


class ReLU(Layer):
    """Keras's thresholded, capped, leaky ReLU: ``max_value`` at and above ``max_value``, ``x``
    above ``threshold``, ``negative_slope * (x - threshold)`` below it."""

    def __init__(self, max_value=None, negative_slope=0.0, threshold=0.0, **kwargs):
        super().__init__(**kwargs)
        if max_value is not None and max_value < 0:
            raise ValueError(f"ReLU max_value must be >= 0, got {max_value}")
        if negative_slope is None or negative_slope < 0:
            raise ValueError(f"ReLU negative_slope must be >= 0, got {negative_slope}")
        if threshold is None:
            raise ValueError("ReLU threshold must be a number, got None")
        self.max_value = None if max_value is None else float(max_value)
        self.negative_slope, self.threshold = float(negative_slope), float(threshold)
        self.supports_masking = True

    def call(self, inputs):
        x = inputs
        if self.threshold:
            pos = x * array_ops.cast(math_ops.greater(x, self.threshold), x.dtype)
        else:
            pos = nn_ops.relu(x)
        if self.max_value is not None:
            pos = math_ops.minimum(pos, self.max_value)
        if self.negative_slope:
            pos = pos - self.negative_slope * nn_ops.relu(self.threshold - x)
        return pos

    def get_config(self):
        return {**super().get_config(), "max_value": self.max_value, "negative_slope": self.negative_slope,
                "threshold": self.threshold}


class Softmax(Layer):
    """Softmax over ``axis`` (an int or a list of axes). With a ``mask`` (True: keep), masked
    positions get (nearly) zero probability: Keras 2 adds ``-1e9`` to them (``robust_masking``:
    replaces them by it, as Keras 3 does)."""

    def __init__(self, axis=-1, robust_masking=False, **kwargs):
        super().__init__(**kwargs)
        self.axis = list(axis) if isinstance(axis, (list, tuple)) else int(axis)
        self.robust_masking = bool(robust_masking)
        self.supports_masking = True

    def call(self, inputs, mask=None):
        x = inputs
        if mask is not None:
            keep = array_ops.cast(mask, x.dtype)
            if self.robust_masking:
                x = math_ops.where(math_ops.greater(keep, 0.5), x, array_ops.zeros_like(x) + LARGE_NEGATIVE)
            else:
                x = x + (1.0 - keep) * LARGE_NEGATIVE
        if isinstance(self.axis, list) and len(self.axis) > 1:
            return math_ops.exp(x - reduction_ops.reduce_logsumexp(x, axis=self.axis, keepdims=True))
        axis = self.axis[0] if isinstance(self.axis, list) else self.axis
        return nn_ops.softmax(x, axis=axis)

    def get_config(self):
        config = {**super().get_config(), "axis": self.axis}
        if self.robust_masking:
            config["robust_masking"] = True
        return config
