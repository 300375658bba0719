"""Noise and dropout variants, active only while training (identity at inference):
SpatialDropout1D/2D (whole channels dropped), GaussianNoise (additive), GaussianDropout
(multiplicative, mean 1)."""

from __future__ import annotations

import numpy as np

from engine.keras import backend
from engine.keras.layers._common import data_format as _data_format
from engine.keras.layers.base import Layer


def _check_rate(rate, what):
    if not 0 <= rate < 1:
        raise ValueError(f"{what} rate must be in [0, 1), got {rate!r}")
    return float(rate)


class _SpatialDropout(Layer):
    _rank = 1

    def __init__(self, rate, data_format=None, seed=None, **kwargs):
        kwargs.pop("noise_shape", None)
        super().__init__(**kwargs)
        self.rate = _check_rate(rate, type(self).__name__)
        self.data_format = _data_format(data_format)
        self.seed = seed
        self.supports_masking = True

    def call(self, inputs, training=None):
        if not training or self.rate == 0:
            return inputs
        shape = tuple(inputs.shape)
        if len(shape) != self._rank + 2:
            raise ValueError(f"{type(self).__name__} {self.name!r} expects inputs of rank {self._rank + 2}, "
                             f"got {shape}")
        if self.data_format == "channels_first":
            noise = shape[:2] + (1,) * self._rank
        else:
            noise = (shape[0],) + (1,) * self._rank + (shape[-1],)
        keep = backend.rng(self.seed).random(noise) >= self.rate
        return inputs * (keep / (1.0 - self.rate)).astype(inputs.dtype.as_numpy_dtype)

    def get_config(self):
        config = {**super().get_config(), "rate": self.rate, "seed": self.seed}
        if self._rank > 1 or self.data_format != "channels_last":
            config["data_format"] = self.data_format
        return config


class SpatialDropout1D(_SpatialDropout):
    """Dropout of whole feature channels of (batch, steps, channels)."""

    _rank = 1

    def __init__(self, rate, seed=None, **kwargs):
        super().__init__(rate, seed=seed, **kwargs)


class SpatialDropout2D(_SpatialDropout):
    _rank = 2


class GaussianNoise(Layer):
    """Adds zero-mean Gaussian noise of deviation ``stddev`` while training."""

    def __init__(self, stddev, seed=None, **kwargs):
        super().__init__(**kwargs)
        if stddev < 0:
            raise ValueError(f"GaussianNoise stddev must be >= 0, got {stddev!r}")
        self.stddev, self.seed = float(stddev), seed
        self.supports_masking = True

    def call(self, inputs, training=None):
        if not training or self.stddev == 0:
            return inputs
        noise = backend.rng(self.seed).normal(0.0, self.stddev, tuple(inputs.shape))
        return inputs + noise.astype(inputs.dtype.as_numpy_dtype)

    def get_config(self):
        return {**super().get_config(), "stddev": self.stddev, "seed": self.seed}


class GaussianDropout(Layer):
    """Multiplies by Gaussian noise of mean 1 and deviation ``sqrt(rate / (1 - rate))`` while training."""

    def __init__(self, rate, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.rate, self.seed = _check_rate(rate, "GaussianDropout"), seed
        self.supports_masking = True

    def call(self, inputs, training=None):
        if not training or self.rate == 0:
            return inputs
        std = np.sqrt(self.rate / (1.0 - self.rate))
        noise = backend.rng(self.seed).normal(1.0, std, tuple(inputs.shape))
        return inputs * noise.astype(inputs.dtype.as_numpy_dtype)

    def get_config(self):
        return {**super().get_config(), "rate": self.rate, "seed": self.seed}
