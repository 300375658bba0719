"""Weight constraints (``keras.constraints``): applied to a variable after each optimizer step,
as Keras applies them. ``MaxNorm``, ``NonNeg``, ``UnitNorm``, ``MinMaxNorm``; names as Keras 3
(``"max_norm"``, ``"non_neg"``, ``"unit_norm"``, ``"min_max_norm"``) and Keras 2 (``"maxnorm"``,
``"nonneg"``, ``"unitnorm"``) spell them."""

from __future__ import annotations

import numpy as np

from engine.keras import backend
from engine.keras.saving import registry


def _np(w):
    return np.asarray(backend.to_numpy(w))


def _norms(w, axis):
    return np.sqrt(np.sum(np.square(w), axis=axis, keepdims=True))


class Constraint:
    def __init_subclass__(cls, register=True, **kwargs):
        super().__init_subclass__(**kwargs)
        registry.register_subclass("constraint", cls, register)

    def __call__(self, w):
        return w

    def get_config(self):
        return {}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


class MaxNorm(Constraint):
    """Weights whose norm along ``axis`` exceeds ``max_value`` are scaled down to it."""

    def __init__(self, max_value=2, axis=0):
        self.max_value, self.axis = max_value, axis

    def __call__(self, w):
        w = _np(w)
        norms = _norms(w, self.axis)
        desired = np.clip(norms, 0, self.max_value)
        return (w * (desired / (backend.epsilon() + norms))).astype(w.dtype)

    def get_config(self):
        return {"max_value": self.max_value, "axis": self.axis}


class NonNeg(Constraint):
    """Negative weights become zero."""

    def __call__(self, w):
        w = _np(w)
        return (w * (w >= 0)).astype(w.dtype)


class UnitNorm(Constraint):
    """Weights scaled to unit norm along ``axis``."""

    def __init__(self, axis=0):
        self.axis = axis

    def __call__(self, w):
        w = _np(w)
        return (w / (backend.epsilon() + _norms(w, self.axis))).astype(w.dtype)

    def get_config(self):
        return {"axis": self.axis}


class MinMaxNorm(Constraint):
    """Norms along ``axis`` moved (by ``rate``) into [min_value, max_value]."""

    def __init__(self, min_value=0.0, max_value=1.0, rate=1.0, axis=0):
        self.min_value, self.max_value, self.rate, self.axis = min_value, max_value, rate, axis

    def __call__(self, w):
        w = _np(w)
        norms = _norms(w, self.axis)
        desired = self.rate * np.clip(norms, self.min_value, self.max_value) + (1 - self.rate) * norms
        return (w * (desired / (backend.epsilon() + norms))).astype(w.dtype)

    def get_config(self):
        return {"min_value": self.min_value, "max_value": self.max_value, "rate": self.rate,
                "axis": self.axis}


for _cls, _names in ((MaxNorm, ("max_norm", "maxnorm")), (NonNeg, ("non_neg", "nonneg")),
                     (UnitNorm, ("unit_norm", "unitnorm")), (MinMaxNorm, ("min_max_norm", "minmaxnorm"))):
    registry.register("constraint", _cls, *_names)
registry.define_kind("constraint", Constraint)

max_norm, non_neg, unit_norm, min_max_norm = MaxNorm, NonNeg, UnitNorm, MinMaxNorm


def get(identifier):
    """A constraint from None, a name, a config, an instance or a callable."""
    return registry.get("constraint", identifier)


def serialize(constraint):
    if constraint is None:
        return None
    return registry.serialize("constraint", constraint)


def deserialize(config, custom_objects=None):
    with registry.custom_object_scope(custom_objects):
        return registry.deserialize("constraint", config)
