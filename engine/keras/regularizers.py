"""Weight penalties added to the loss: ``l1``, ``l2`` and ``l1_l2``."""

from __future__ import annotations

from engine.keras.saving import registry
from engine.ops import math_ops, reduction_ops


class Regularizer:
    def __init_subclass__(cls, register=True, **kwargs):
        super().__init_subclass__(**kwargs)
        registry.register_subclass("regularizer", cls, register)

    def __call__(self, x):  # pragma: no cover - interface
        raise NotImplementedError

    def get_config(self) -> dict:
        return {}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


class L1L2(Regularizer):
    def __init__(self, l1=0.0, l2=0.0):
        self.l1, self.l2 = float(l1 or 0.0), float(l2 or 0.0)

    def __call__(self, x):
        total = 0.0
        if self.l1:
            total = total + self.l1 * reduction_ops.reduce_sum(math_ops.abs(x))
        if self.l2:
            total = total + self.l2 * reduction_ops.reduce_sum(math_ops.square(x))
        return total

    def get_config(self):
        return {"l1": self.l1, "l2": self.l2}


class L1(L1L2):
    def __init__(self, l1=0.01):
        super().__init__(l1=l1)

    def get_config(self):
        return {"l1": self.l1}


class L2(L1L2):
    def __init__(self, l2=0.01):
        super().__init__(l2=l2)

    def get_config(self):
        return {"l2": self.l2}


def l1(l1=0.01):  # noqa: D103 - Keras's function-style names
    return L1(l1)


def l2(l2=0.01):
    return L2(l2)


def l1_l2(l1=0.01, l2=0.01):
    return L1L2(l1, l2)


registry.register("regularizer", L1, "l1")
registry.register("regularizer", L2, "l2")
registry.register("regularizer", L1L2, "l1_l2")
registry.define_kind("regularizer", Regularizer)


def get(identifier):
    return registry.get("regularizer", identifier)


def serialize(reg):
    if reg is None:
        return None
    if not isinstance(reg, Regularizer):
        raise ValueError(f"regularizer {reg!r} is not a Keras regularizer, so it cannot be saved")
    return {"class_name": type(reg).__name__, "config": reg.get_config()}
