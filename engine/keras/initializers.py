"""Weight initializers by name or config, drawing from the engine's seedable random stream."""

from __future__ import annotations

import functools
import math

import numpy as np

from engine.framework.tensor import Tensor, eager
from engine.keras import backend, weight_budget
from engine.keras.saving import registry


def _returns_tensor(draw):
    """``initializer(shape, dtype)`` gives a tensor, as Keras's do; the draw itself is numpy."""
    @functools.wraps(draw)
    def call(self, shape, dtype=None):
        value = draw(self, shape, dtype)
        return value if isinstance(value, Tensor) else eager(np.asarray(value))

    call._returns_tensor = True
    return call


class Initializer:
    def __init_subclass__(cls, register=True, **kwargs):
        super().__init_subclass__(**kwargs)
        registry.register_subclass("initializer", cls, register)
        draw = cls.__dict__.get("__call__")
        if draw is not None and not getattr(draw, "_returns_tensor", False):
            cls.__call__ = _returns_tensor(draw)

    def __call__(self, shape, dtype=None):  # pragma: no cover - interface
        raise NotImplementedError

    def get_config(self) -> dict:
        return {}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def _rng(self):
        return backend.rng(getattr(self, "seed", None))


def _fans(shape):
    shape = tuple(shape)
    if len(shape) < 1:
        return 1, 1
    if len(shape) == 1:
        return shape[0], shape[0]
    if len(shape) == 2:
        return shape[0], shape[1]
    receptive = math.prod(shape[:-2])
    return shape[-2] * receptive, shape[-1] * receptive


def _dtype(dtype):
    return np.dtype(dtype or backend.floatx())


class Zeros(Initializer):
    def __call__(self, shape, dtype=None):
        return np.zeros(shape, _dtype(dtype))


class Ones(Initializer):
    def __call__(self, shape, dtype=None):
        return np.ones(shape, _dtype(dtype))


class Constant(Initializer):
    def __init__(self, value=0.0):
        self.value = value

    def __call__(self, shape, dtype=None):
        return np.full(shape, self.value, _dtype(dtype))

    def get_config(self):
        return {"value": self.value}


class RandomNormal(Initializer):
    def __init__(self, mean=0.0, stddev=0.05, seed=None):
        self.mean, self.stddev, self.seed = mean, stddev, seed

    def __call__(self, shape, dtype=None):
        return self._rng().normal(self.mean, self.stddev, shape).astype(_dtype(dtype))

    def get_config(self):
        return {"mean": self.mean, "stddev": self.stddev, "seed": self.seed}


class RandomUniform(Initializer):
    def __init__(self, minval=-0.05, maxval=0.05, seed=None):
        self.minval, self.maxval, self.seed = minval, maxval, seed

    def __call__(self, shape, dtype=None):
        return self._rng().uniform(self.minval, self.maxval, shape).astype(_dtype(dtype))

    def get_config(self):
        return {"minval": self.minval, "maxval": self.maxval, "seed": self.seed}


def _truncated(rng, shape, stddev):
    out = rng.normal(0.0, 1.0, shape)
    bad = np.abs(out) > 2
    while bad.any():
        out[bad] = rng.normal(0.0, 1.0, int(bad.sum()))
        bad = np.abs(out) > 2
    return out * stddev


class TruncatedNormal(Initializer):
    def __init__(self, mean=0.0, stddev=0.05, seed=None):
        self.mean, self.stddev, self.seed = mean, stddev, seed

    def __call__(self, shape, dtype=None):
        return (self.mean + _truncated(self._rng(), shape, self.stddev)).astype(_dtype(dtype))

    def get_config(self):
        return {"mean": self.mean, "stddev": self.stddev, "seed": self.seed}


def _check_axes(input_axes, output_axes):
    # Keras 3.15 writes these (fans of einsum kernels); only the default is supported here.
    if input_axes is not None or output_axes is not None:
        raise NotImplementedError("initializers with input_axes/output_axes are not supported")


class VarianceScaling(Initializer):
    def __init__(self, scale=1.0, mode="fan_in", distribution="truncated_normal", seed=None,
                 input_axes=None, output_axes=None):
        _check_axes(input_axes, output_axes)
        if mode not in ("fan_in", "fan_out", "fan_avg"):
            raise ValueError(f"mode must be fan_in, fan_out or fan_avg, got {mode!r}")
        if distribution == "normal":
            distribution = "truncated_normal"
        if distribution not in ("truncated_normal", "untruncated_normal", "uniform"):
            raise ValueError(f"unknown distribution {distribution!r}")
        self.scale, self.mode, self.distribution, self.seed = scale, mode, distribution, seed

    def __call__(self, shape, dtype=None):
        fan_in, fan_out = _fans(shape)
        n = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2}[self.mode]
        var = self.scale / max(1.0, n)
        rng = self._rng()
        if self.distribution == "uniform":
            limit = math.sqrt(3.0 * var)
            out = rng.uniform(-limit, limit, shape)
        elif self.distribution == "untruncated_normal":
            out = rng.normal(0.0, math.sqrt(var), shape)
        else:  # the stddev of a normal truncated at 2 sigma is 0.8796... of the untruncated one
            out = _truncated(rng, shape, math.sqrt(var) / 0.87962566103423978)
        return out.astype(_dtype(dtype))

    def get_config(self):
        return {"scale": self.scale, "mode": self.mode, "distribution": self.distribution, "seed": self.seed}


def _scaling(name, scale, mode, distribution):
    class _Init(VarianceScaling):
        def __init__(self, seed=None, input_axes=None, output_axes=None):
            super().__init__(scale, mode, distribution, seed, input_axes, output_axes)

        def get_config(self):
            return {"seed": self.seed}

    _Init.__name__ = _Init.__qualname__ = name
    return registry.register("initializer", _Init)


GlorotUniform = _scaling("GlorotUniform", 1.0, "fan_avg", "uniform")
GlorotNormal = _scaling("GlorotNormal", 1.0, "fan_avg", "truncated_normal")
HeNormal = _scaling("HeNormal", 2.0, "fan_in", "truncated_normal")
HeUniform = _scaling("HeUniform", 2.0, "fan_in", "uniform")
LecunNormal = _scaling("LecunNormal", 1.0, "fan_in", "truncated_normal")
LecunUniform = _scaling("LecunUniform", 1.0, "fan_in", "uniform")


class Orthogonal(Initializer):
    def __init__(self, gain=1.0, seed=None):
        self.gain, self.seed = gain, seed

    def __call__(self, shape, dtype=None):
        if len(shape) < 2:
            raise ValueError(f"the orthogonal initializer needs a shape of rank >= 2, got {shape}")
        weight_budget.check_orthogonal(shape)
        rows, cols = math.prod(shape[:-1]), shape[-1]
        a = self._rng().normal(0.0, 1.0, (max(rows, cols), min(rows, cols)))
        q, r = np.linalg.qr(a)
        q *= np.sign(np.diag(r))
        if rows < cols:
            q = q.T
        return (self.gain * q.reshape(shape)).astype(_dtype(dtype))

    def get_config(self):
        return {"gain": self.gain, "seed": self.seed}


class Identity(Initializer):
    def __init__(self, gain=1.0):
        self.gain = gain

    def __call__(self, shape, dtype=None):
        if len(shape) != 2:
            raise ValueError(f"the identity initializer needs a 2-D shape, got {shape}")
        return (self.gain * np.eye(*shape)).astype(_dtype(dtype))

    def get_config(self):
        return {"gain": self.gain}


registry.register("initializer", Orthogonal, "OrthogonalInitializer", "orthogonal")  # Keras 3's name
registry.register("initializer", Identity, "IdentityInitializer", "identity")
for _cls, _names in ((Zeros, ("zeros", "zero")), (Ones, ("ones", "one")), (Constant, ("constant",)),
                     (RandomNormal, ("random_normal", "normal")),
                     (RandomUniform, ("random_uniform", "uniform")),
                     (TruncatedNormal, ("truncated_normal",)), (VarianceScaling, ("variance_scaling",)),
                     (GlorotUniform, ("glorot_uniform",)), (GlorotNormal, ("glorot_normal",)),
                     (HeNormal, ("he_normal",)), (HeUniform, ("he_uniform",)),
                     (LecunNormal, ("lecun_normal",)), (LecunUniform, ("lecun_uniform",))):
    registry.register("initializer", _cls, *_names)
registry.define_kind("initializer", Initializer)


def get(identifier) -> Initializer:
    """An initializer from a name (``"glorot_uniform"``), a config dict, an instance or callable."""
    return registry.get("initializer", identifier)


def serialize(init) -> dict:
    if not isinstance(init, Initializer):
        raise ValueError(f"initializer {init!r} is not a Keras initializer, so it cannot be saved")
    return {"class_name": type(init).__name__, "config": init.get_config()}


# Keras's lower-case function-style names.
zeros, ones = Zeros, Ones
glorot_uniform, glorot_normal, he_normal, he_uniform = GlorotUniform, GlorotNormal, HeNormal, HeUniform
orthogonal, random_normal, random_uniform = Orthogonal, RandomNormal, RandomUniform
