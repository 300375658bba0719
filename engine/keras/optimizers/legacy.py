"""``keras.optimizers.legacy``: tf.keras 2's optimizers of before 2.11 (``OptimizerV2``), kept
there until 2.15, and what Keras 2 ``.h5`` files of that age were compiled with. Their ``lr`` and
time ``decay`` arguments work on every optimizer here; two formulas differ from the new
optimizers, and these classes keep them: RMSprop without momentum adds epsilon outside the square
root (``lr * g / (sqrt(a) + eps)``; with momentum, inside as the new one does), and Adagrad adds it
outside (``lr * g / (sqrt(acc) + eps)``); Nadam's momentum schedule decays far slower.
A config marked ``is_legacy_optimizer`` (or written by a
Keras 2 of before 2.11: it carries ``decay``) is rebuilt with these."""

from __future__ import annotations

import numpy as np

from engine.keras.optimizers import adagrad, adamax, rmsprop
from engine.keras.optimizers.adagrad import Adadelta
from engine.keras.optimizers.adam import Adam
from engine.keras.optimizers.adamax import Adamax
from engine.keras.optimizers.base_optimizer import Optimizer
from engine.keras.optimizers.ftrl import Ftrl
from engine.keras.optimizers.sgd import SGD


class _Legacy:
    def get_config(self):
        return {**super().get_config(), "decay": self.decay, "is_legacy_optimizer": True}


class RMSprop(_Legacy, rmsprop.RMSprop, register=False):
    def _update(self, w, g, slots, lr):
        if self.momentum:  # ResourceApply(Centered)RMSProp: epsilon under the root
            return super()._update(w, g, slots, lr)
        a = slots["rms"]
        a *= self.rho
        a += (1.0 - self.rho) * np.square(g)
        denom = a
        if self.centered:
            mg = slots["mg"]
            mg *= self.rho
            mg += (1.0 - self.rho) * g
            denom = a - np.square(mg)
        w -= lr * g / (np.sqrt(denom) + self.epsilon)


class Adagrad(_Legacy, adagrad.Adagrad, register=False):
    def _update(self, w, g, slots, lr):
        acc = slots["accumulator"]
        acc += np.square(g)
        w -= lr * g / (np.sqrt(acc) + self.epsilon)


class Nadam(_Legacy, adamax.Nadam, register=False):
    """The legacy Nadam's momentum schedule is ``b1 * (1 - 0.5 * 0.96^(schedule_decay * t))``
    (``schedule_decay`` 0.004; a ``decay`` argument is overwritten by it, as there), and its rate
    does not decay with time."""

    def __init__(self, learning_rate=None, beta_1=0.9, beta_2=0.999, epsilon=1e-7, name="Nadam",
                 schedule_decay=0.004, **kwargs):
        kwargs.pop("decay", None)
        super().__init__(learning_rate, beta_1, beta_2, epsilon, name, **kwargs)
        self.schedule_decay = float(schedule_decay)

    def _u(self, t):
        return self.beta_1 * (1.0 - 0.5 * 0.96 ** (self.schedule_decay * t))

    def get_config(self):
        return {**super().get_config(), "decay": self.schedule_decay}


LEGACY_CLASSES = {"RMSprop": RMSprop, "Adagrad": Adagrad, "Nadam": Nadam}


def is_legacy_config(config: dict) -> bool:
    """Whether a serialized optimizer came from a Keras 2 legacy optimizer."""
    inner = config.get("config")
    if not isinstance(inner, dict):
        return False
    if str(config.get("module", "")).endswith(".legacy"):  # tf_keras 2.16+: keras.optimizers.legacy
        return True
    if "is_legacy_optimizer" in inner:
        return bool(inner["is_legacy_optimizer"])
    return "module" not in config and "decay" in inner


__all__ = ["SGD", "Adadelta", "Adagrad", "Adam", "Adamax", "Ftrl", "Nadam", "Optimizer", "RMSprop"]
