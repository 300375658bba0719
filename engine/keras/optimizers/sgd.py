"""SGD, with momentum and Nesterov momentum, as Keras (2 and 3) write it."""

from __future__ import annotations

from engine.keras.optimizers.base_optimizer import Optimizer


class SGD(Optimizer):
    """``v = momentum * v - lr * g; w += v`` (nesterov: ``w += momentum * v - lr * g``)."""

    _DEFAULT_LR = 0.01

    def __init__(self, learning_rate=None, momentum=0.0, nesterov=False, name="SGD", **kwargs):
        super().__init__(learning_rate, name, **kwargs)
        if momentum < 0 or momentum > 1:
            raise ValueError(f"momentum must be in [0, 1], got {momentum!r}")
        self.momentum = float(momentum)
        self.nesterov = bool(nesterov)
        self._slot_names = ("momentum",) if self.momentum else ()

    def _update(self, w, g, slots, lr):
        if not self.momentum:
            w -= lr * g
            return
        v = slots["momentum"]
        v *= self.momentum
        v -= lr * g
        if self.nesterov:
            w += self.momentum * v - lr * g
        else:
            w += v

    def get_config(self):
        return {**super().get_config(), "momentum": self.momentum, "nesterov": self.nesterov}
