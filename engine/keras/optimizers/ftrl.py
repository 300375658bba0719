"""FTRL-Proximal (McMahan et al.), as Keras 2 and 3 write it."""

from __future__ import annotations

import numpy as np

from engine.keras.optimizers.base_optimizer import Optimizer


class Ftrl(Optimizer):
    """Follow the regularized leader, with L1, L2 and L2-shrinkage regularization; the
    accumulator starts at ``initial_accumulator_value``, the linear term at 0."""

    def __init__(self, learning_rate=None, learning_rate_power=-0.5, initial_accumulator_value=0.1,
                 l1_regularization_strength=0.0, l2_regularization_strength=0.0,
                 l2_shrinkage_regularization_strength=0.0, beta=0.0, name="Ftrl", **kwargs):
        super().__init__(learning_rate, name, **kwargs)
        checks = {"initial_accumulator_value": initial_accumulator_value,
                  "l1_regularization_strength": l1_regularization_strength,
                  "l2_regularization_strength": l2_regularization_strength,
                  "l2_shrinkage_regularization_strength": l2_shrinkage_regularization_strength}
        for key, value in checks.items():
            if value < 0:
                raise ValueError(f"{key} must be >= 0, got {value!r}")
        if learning_rate_power > 0:
            raise ValueError(f"learning_rate_power must be <= 0, got {learning_rate_power!r}")
        self.learning_rate_power = float(learning_rate_power)
        self.initial_accumulator_value = float(initial_accumulator_value)
        self.l1_regularization_strength = float(l1_regularization_strength)
        self.l2_regularization_strength = float(l2_regularization_strength)
        self.l2_shrinkage_regularization_strength = float(l2_shrinkage_regularization_strength)
        self.beta = float(beta)
        self._slot_names = ("accumulator", "linear")

    def _init_slot(self, name, value):
        if name == "accumulator":
            return np.full_like(value, self.initial_accumulator_value)
        return np.zeros_like(value)

    def _update(self, w, g, slots, lr):
        acc, linear = slots["accumulator"], slots["linear"]
        p = -self.learning_rate_power
        l2 = self.l2_regularization_strength + self.beta / (2.0 * lr)
        g_used = g + 2.0 * self.l2_shrinkage_regularization_strength * w
        new_acc = acc + np.square(g)
        linear += g_used - (np.power(new_acc, p) - np.power(acc, p)) / lr * w
        quadratic = np.power(new_acc, p) / lr + 2.0 * l2
        l1 = self.l1_regularization_strength
        w[...] = (np.clip(linear, -l1, l1) - linear) / quadratic
        acc[...] = new_acc

    def get_config(self):
        return {**super().get_config(), "learning_rate_power": self.learning_rate_power,
                "initial_accumulator_value": self.initial_accumulator_value,
                "l1_regularization_strength": self.l1_regularization_strength,
                "l2_regularization_strength": self.l2_regularization_strength,
                "l2_shrinkage_regularization_strength": self.l2_shrinkage_regularization_strength,
                "beta": self.beta}
