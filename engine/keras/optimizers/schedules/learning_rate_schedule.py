"""Learning-rate schedules (``keras.optimizers.schedules``): a schedule is called with the
optimizer's step (its ``iterations`` before the update) and returns the rate for that step.
The formulas are Keras's (2 and 3 agree); the arithmetic is float32, as Keras's default-dtype
tensors are, so a schedule's values match Keras's to the last bit or two."""

from __future__ import annotations

import math

import numpy as np

from engine.keras.saving import registry

_F = np.float32


def _out(value):
    from engine.framework.tensor import eager

    return eager(np.asarray(value, dtype=np.float32))


def _step(step) -> np.float32:
    return _F(np.asarray(step.numpy() if hasattr(step, "numpy") else step, dtype=np.float64))


class LearningRateSchedule:
    """The base class: subclasses define ``__call__(step)`` and ``get_config``."""

    def __init_subclass__(cls, register=True, **kwargs):
        super().__init_subclass__(**kwargs)
        registry.register_subclass("learning_rate_schedule", cls, register)

    def __call__(self, step):  # pragma: no cover - interface
        raise NotImplementedError(f"{type(self).__name__} must define __call__(step)")

    def get_config(self):  # pragma: no cover - interface
        raise NotImplementedError(f"learning rate schedule {type(self).__name__!r} must override "
                                  "get_config() in order to be serializable")

    @classmethod
    def from_config(cls, config):
        return cls(**config)


class _StepDecay(LearningRateSchedule):
    """What ExponentialDecay and InverseTimeDecay share: ``p = step / decay_steps`` (floored with
    ``staircase``) and their arguments."""

    def __init__(self, initial_learning_rate, decay_steps, decay_rate, staircase=False, name=None):
        if decay_steps <= 0:
            raise ValueError(f"decay_steps must be > 0, got {decay_steps!r}")
        self.initial_learning_rate, self.decay_steps = initial_learning_rate, decay_steps
        self.decay_rate, self.staircase, self.name = decay_rate, staircase, name

    def _p(self, step):
        p = _step(step) / _F(self.decay_steps)
        return np.floor(p) if self.staircase else p

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate, "decay_steps": self.decay_steps,
                "decay_rate": self.decay_rate, "staircase": self.staircase, "name": self.name}


class ExponentialDecay(_StepDecay):
    """``initial_learning_rate * decay_rate ** (step / decay_steps)``."""

    def __init__(self, initial_learning_rate, decay_steps, decay_rate, staircase=False,
                 name="ExponentialDecay"):
        super().__init__(initial_learning_rate, decay_steps, decay_rate, staircase, name)

    def __call__(self, step):
        return _out(_F(self.initial_learning_rate) * np.power(_F(self.decay_rate), self._p(step)))


class PiecewiseConstantDecay(LearningRateSchedule):
    """``values[0]`` up to and including ``boundaries[0]``, ``values[1]`` up to ``boundaries[1]``...
    and ``values[-1]`` after the last boundary."""

    def __init__(self, boundaries, values, name="PiecewiseConstant"):
        if len(boundaries) != len(values) - 1:
            raise ValueError(f"the length of boundaries should be 1 less than the length of values; "
                             f"got boundaries={boundaries!r}, values={values!r}")
        self.boundaries, self.values, self.name = list(boundaries), list(values), name

    def __call__(self, step):
        s = float(np.asarray(step.numpy() if hasattr(step, "numpy") else step))
        for boundary, value in zip(self.boundaries, self.values, strict=False):
            if s <= boundary:
                return _out(value)
        return _out(self.values[-1])

    def get_config(self):
        return {"boundaries": self.boundaries, "values": self.values, "name": self.name}


class PolynomialDecay(LearningRateSchedule):
    """From ``initial_learning_rate`` to ``end_learning_rate`` over ``decay_steps`` as
    ``(1 - step / decay_steps) ** power``; with ``cycle`` the period grows to the next multiple."""

    def __init__(self, initial_learning_rate, decay_steps, end_learning_rate=0.0001, power=1.0,
                 cycle=False, name="PolynomialDecay"):
        self.initial_learning_rate, self.decay_steps = initial_learning_rate, decay_steps
        self.end_learning_rate, self.power, self.cycle, self.name = end_learning_rate, power, cycle, name

    def __call__(self, step):
        s, steps = _step(step), _F(self.decay_steps)
        if self.cycle:
            steps = steps * (_F(1.0) if s == 0 else np.ceil(s / _F(self.decay_steps)))
        else:
            s = min(s, steps)
        p = s / steps
        lr0, lr1 = _F(self.initial_learning_rate), _F(self.end_learning_rate)
        return _out((lr0 - lr1) * np.power(_F(1) - p, _F(self.power)) + lr1)

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate, "decay_steps": self.decay_steps,
                "end_learning_rate": self.end_learning_rate, "power": self.power, "cycle": self.cycle,
                "name": self.name}


class InverseTimeDecay(_StepDecay):
    """``initial_learning_rate / (1 + decay_rate * step / decay_steps)``."""

    def __init__(self, initial_learning_rate, decay_steps, decay_rate, staircase=False,
                 name="InverseTimeDecay"):
        super().__init__(initial_learning_rate, decay_steps, decay_rate, staircase, name)

    def __call__(self, step):
        return _out(_F(self.initial_learning_rate) / (_F(1) + _F(self.decay_rate) * self._p(step)))


class CosineDecay(LearningRateSchedule):
    """A linear warmup from ``initial_learning_rate`` to ``warmup_target`` over ``warmup_steps``
    (when a target is given), then ``0.5 * (1 + cos(pi * t / decay_steps))`` of the peak, floored
    at ``alpha`` of it."""

    def __init__(self, initial_learning_rate, decay_steps, alpha=0.0, name="CosineDecay",
                 warmup_target=None, warmup_steps=0):
        if decay_steps <= 0:
            raise ValueError(f"decay_steps must be > 0, got {decay_steps!r}")
        self.initial_learning_rate, self.decay_steps, self.alpha, self.name = (
            initial_learning_rate, decay_steps, alpha, name)
        self.warmup_target, self.warmup_steps = warmup_target, warmup_steps

    def _decay(self, s, steps, peak):
        cosine = _F(0.5) * (_F(1) + np.cos(_F(math.pi) * (s / steps)))
        return peak * ((_F(1) - _F(self.alpha)) * cosine + _F(self.alpha))

    def __call__(self, step):
        s, steps, lr0 = _step(step), _F(self.decay_steps), _F(self.initial_learning_rate)
        if self.warmup_target is None:
            return _out(self._decay(min(s, steps), steps, lr0))
        target, warm = _F(self.warmup_target), _F(self.warmup_steps)
        s = min(s, steps + warm)
        if s < warm:
            return _out((target - lr0) * (s / warm) + lr0)
        return _out(self._decay(s - warm, steps, target))

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate, "decay_steps": self.decay_steps,
                "alpha": self.alpha, "name": self.name, "warmup_target": self.warmup_target,
                "warmup_steps": self.warmup_steps}


class CosineDecayRestarts(LearningRateSchedule):
    """SGDR: cosine decay over ``first_decay_steps``, restarting with periods ``t_mul`` times as
    long and peaks ``m_mul`` times as high."""

    def __init__(self, initial_learning_rate, first_decay_steps, t_mul=2.0, m_mul=1.0, alpha=0.0,
                 name="SGDRDecay"):
        if first_decay_steps <= 0:
            raise ValueError(f"first_decay_steps must be > 0, got {first_decay_steps!r}")
        self.initial_learning_rate, self.first_decay_steps = initial_learning_rate, first_decay_steps
        self._t_mul, self._m_mul, self.alpha, self.name = t_mul, m_mul, alpha, name

    def __call__(self, step):
        fraction = _step(step) / _F(self.first_decay_steps)
        t_mul = _F(self._t_mul)
        if t_mul == 1:
            restart = np.floor(fraction)
            fraction = fraction - restart
        else:
            restart = np.floor(np.log(_F(1) - fraction * (_F(1) - t_mul)) / np.log(t_mul))
            done = (_F(1) - np.power(t_mul, restart)) / (_F(1) - t_mul)
            fraction = (fraction - done) / np.power(t_mul, restart)
        cosine = _F(0.5) * np.power(_F(self._m_mul), restart) * (_F(1) + np.cos(_F(math.pi) * fraction))
        alpha = _F(self.alpha)
        return _out(_F(self.initial_learning_rate) * ((_F(1) - alpha) * cosine + alpha))

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate,
                "first_decay_steps": self.first_decay_steps, "t_mul": self._t_mul, "m_mul": self._m_mul,
                "alpha": self.alpha, "name": self.name}


registry.define_kind("learning_rate_schedule", LearningRateSchedule, from_callable=None)


def serialize(schedule) -> dict:
    """``{"class_name": "ExponentialDecay", "config": {...}}``, as tf.keras 2 writes it."""
    return registry.serialize("learning_rate_schedule", schedule)


def deserialize(config, custom_objects=None) -> LearningRateSchedule:
    """A schedule from what Keras 2 (``class_name``/``config``) or Keras 3 (the same with a
    ``module``) wrote."""
    with registry.custom_object_scope(custom_objects):
        return registry.deserialize("learning_rate_schedule", config)
