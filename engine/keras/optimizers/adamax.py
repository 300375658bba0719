"""Adamax (Adam on the infinity norm) and Nadam (Adam with Nesterov momentum), as Keras 2 and 3."""

from __future__ import annotations

import numpy as np

from engine.keras import backend
from engine.keras.optimizers.base_optimizer import Optimizer


class Adamax(Optimizer):
    """``m += (g - m)(1 - b1); u = max(b2 * u, |g|); w -= lr * m / ((1 - b1^t)(u + epsilon))``."""

    def __init__(self, learning_rate=None, beta_1=0.9, beta_2=0.999, epsilon=1e-7, name="Adamax", **kwargs):
        super().__init__(learning_rate, name, **kwargs)
        self.beta_1, self.beta_2 = float(beta_1), float(beta_2)
        self.epsilon = float(epsilon if epsilon is not None else backend.epsilon())
        self._slot_names = ("m", "u")

    def _update(self, w, g, slots, lr):
        t = int(self._iterations._value) + 1
        m, u = slots["m"], slots["u"]
        m += (g - m) * (1.0 - self.beta_1)
        np.maximum(self.beta_2 * u, np.abs(g), out=u)
        w -= lr * m / ((1.0 - self.beta_1 ** t) * (u + self.epsilon))

    def get_config(self):
        return {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2, "epsilon": self.epsilon}


class Nadam(Optimizer):
    """Dozat's Nadam with Keras's momentum schedule ``u_t = b1 * (1 - 0.5 * 0.96^t)``:
    ``m_hat = u_{t+1} m / (1 - prod u_1..u_{t+1}) + (1 - u_t) g / (1 - prod u_1..u_t)``,
    ``w -= lr * m_hat / (sqrt(v / (1 - b2^t)) + epsilon)``."""

    def __init__(self, learning_rate=None, beta_1=0.9, beta_2=0.999, epsilon=1e-7, name="Nadam", **kwargs):
        super().__init__(learning_rate, name, **kwargs)
        self.beta_1, self.beta_2 = float(beta_1), float(beta_2)
        self.epsilon = float(epsilon if epsilon is not None else backend.epsilon())
        self._slot_names = ("m", "v")
        self._u_product = (0, 1.0)  # (t, prod of u_1..u_t): recomputed if iterations jump

    def _u(self, t):
        return self.beta_1 * (1.0 - 0.5 * 0.96 ** t)

    def _prepare_step(self):
        t = int(self._iterations._value) + 1
        done, product = self._u_product
        if done > t - 1:
            done, product = 0, 1.0
        for i in range(done + 1, t + 1):
            product *= self._u(i)
        self._u_product = (t, product)

    def _update(self, w, g, slots, lr):
        t, u_product = self._u_product
        u_t, u_next = self._u(t), self._u(t + 1)
        m, v = slots["m"], slots["v"]
        m += (g - m) * (1.0 - self.beta_1)
        v += (np.square(g) - v) * (1.0 - self.beta_2)
        m_hat = u_next * m / (1.0 - u_product * u_next) + (1.0 - u_t) * g / (1.0 - u_product)
        v_hat = v / (1.0 - self.beta_2 ** t)
        w -= m_hat * lr / (np.sqrt(v_hat) + self.epsilon)

    def get_config(self):
        return {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2, "epsilon": self.epsilon}
