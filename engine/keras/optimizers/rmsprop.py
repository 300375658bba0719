"""RMSprop, with momentum and centering, as Keras 2 and 3 (and tf.keras's legacy kernel) write it:
epsilon inside the square root."""

from __future__ import annotations

import numpy as np

from engine.keras import backend
from engine.keras.optimizers.base_optimizer import Optimizer


class RMSprop(Optimizer):
    """``a = rho * a + (1 - rho) * g^2; w -= lr * g / sqrt(a + epsilon)`` (centered: ``a - mg^2``
    under the root; momentum: the step is accumulated)."""

    def __init__(self, learning_rate=None, rho=0.9, momentum=0.0, epsilon=1e-7, centered=False,
                 name="RMSprop", **kwargs):
        super().__init__(learning_rate, name, **kwargs)
        self.rho, self.momentum, self.centered = float(rho), float(momentum), bool(centered)
        self.epsilon = float(epsilon if epsilon is not None else backend.epsilon())
        self._slot_names = ("rms",) + (("momentum",) if self.momentum else ()) + (("mg",) if centered else ())

    def _update(self, w, g, slots, lr):
        a = slots["rms"]
        a *= self.rho
        a += (1.0 - self.rho) * np.square(g)
        denom = a + self.epsilon
        if self.centered:
            mg = slots["mg"]
            mg *= self.rho
            mg += (1.0 - self.rho) * g
            denom -= np.square(mg)
        step = lr * g / np.sqrt(denom)
        if self.momentum:
            mom = slots["momentum"]
            mom *= self.momentum
            mom += step
            w -= mom
        else:
            w -= step

    def get_config(self):
        return {**super().get_config(), "rho": self.rho, "momentum": self.momentum,
                "epsilon": self.epsilon, "centered": self.centered}
