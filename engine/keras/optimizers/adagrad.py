"""Adagrad and Adadelta."""

from __future__ import annotations

import numpy as np

from engine.keras import backend
from engine.keras.optimizers.base_optimizer import Optimizer


class Adagrad(Optimizer):
    """``acc += g^2; w -= lr * g / sqrt(acc + epsilon)``, ``acc`` starting at 0.1 (Keras 2 and 3:
    epsilon under the root)."""

    def __init__(self, learning_rate=None, initial_accumulator_value=0.1, epsilon=1e-7, name="Adagrad",
                 **kwargs):
        super().__init__(learning_rate, name, **kwargs)
        self.initial_accumulator_value = float(initial_accumulator_value)
        self.epsilon = float(epsilon if epsilon is not None else backend.epsilon())
        self._slot_names = ("accumulator",)

    def _init_slot(self, name, value):
        return np.full_like(value, self.initial_accumulator_value)

    def _update(self, w, g, slots, lr):
        acc = slots["accumulator"]
        acc += np.square(g)
        w -= lr * g / np.sqrt(acc + self.epsilon)

    def get_config(self):
        return {**super().get_config(), "initial_accumulator_value": self.initial_accumulator_value,
                "epsilon": self.epsilon}


class Adadelta(Optimizer):
    """``ag = rho * ag + (1 - rho) * g^2; d = -sqrt(ad + eps) / sqrt(ag + eps) * g;
    ad = rho * ad + (1 - rho) * d^2; w += lr * d``."""

    def __init__(self, learning_rate=None, rho=0.95, epsilon=1e-7, name="Adadelta", **kwargs):
        super().__init__(learning_rate, name, **kwargs)
        self.rho = float(rho)
        self.epsilon = float(epsilon if epsilon is not None else backend.epsilon())
        self._slot_names = ("accumulated_grad", "accumulated_delta_var")

    def _update(self, w, g, slots, lr):
        ag, ad = slots["accumulated_grad"], slots["accumulated_delta_var"]
        ag *= self.rho
        ag += (1.0 - self.rho) * np.square(g)
        delta = -np.sqrt(ad + self.epsilon) * g / np.sqrt(ag + self.epsilon)
        ad *= self.rho
        ad += (1.0 - self.rho) * np.square(delta)
        w += lr * delta

    def get_config(self):
        return {**super().get_config(), "rho": self.rho, "epsilon": self.epsilon}
