"""Adam (with AMSGrad) and AdamW, Adam with Keras's decoupled weight decay."""

from __future__ import annotations

import numpy as np

from engine.keras import backend
from engine.keras.optimizers.base_optimizer import Optimizer


class Adam(Optimizer):
    """Keras's Adam: ``w -= lr * sqrt(1 - b2^t) / (1 - b1^t) * m / (sqrt(v) + epsilon)``."""

    def __init__(self, learning_rate=None, beta_1=0.9, beta_2=0.999, epsilon=1e-7, amsgrad=False,
                 name="Adam", **kwargs):
        super().__init__(learning_rate, name, **kwargs)
        self.beta_1, self.beta_2 = float(beta_1), float(beta_2)
        self.epsilon = float(epsilon if epsilon is not None else backend.epsilon())
        self.amsgrad = bool(amsgrad)
        self._slot_names = ("m", "v", "vhat") if amsgrad else ("m", "v")

    def _update(self, w, g, slots, lr):
        t = int(self._iterations._value) + 1
        alpha = lr * np.sqrt(1.0 - self.beta_2 ** t) / (1.0 - self.beta_1 ** t)
        m, v = slots["m"], slots["v"]
        # Two scratch arrays per variable, reused every step: fresh temporaries the size of an
        # embedding table cost more in page faults than the arithmetic does.
        scratch = slots.get("_scratch")
        if scratch is None:
            scratch = slots["_scratch"] = (np.empty_like(w), np.empty_like(w))
        a, b = scratch
        np.subtract(g, m, out=a)
        a *= 1.0 - self.beta_1
        m += a
        np.multiply(g, g, out=a)
        a -= v
        a *= 1.0 - self.beta_2
        v += a
        if self.amsgrad:
            vhat = slots["vhat"]
            np.maximum(vhat, v, out=vhat)
            v = vhat
        np.sqrt(v, out=b)
        b += self.epsilon
        np.multiply(m, alpha, out=a)
        a /= b
        w -= a

    def get_config(self):
        return {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2,
                "epsilon": self.epsilon, "amsgrad": self.amsgrad}


class AdamW(Adam):
    """Adam whose weights also shrink by ``lr * weight_decay`` each step (before the Adam
    update), as Keras 2 and 3 do it."""

    def __init__(self, learning_rate=None, weight_decay=0.004, beta_1=0.9, beta_2=0.999, epsilon=1e-7,
                 amsgrad=False, name="AdamW", **kwargs):
        if weight_decay is None:
            raise ValueError("AdamW needs a weight_decay (a float), got None")
        super().__init__(learning_rate, beta_1, beta_2, epsilon, amsgrad, name, weight_decay=weight_decay,
                         **kwargs)
