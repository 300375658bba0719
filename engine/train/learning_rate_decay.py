"""TF1's learning-rate schedules over the global step: ``tf.train.exponential_decay(0.1, step,
1000, 0.96, staircase=True)`` is a tensor in a graph (re-evaluated each ``Session.run``) and, as
in TensorFlow 2, a function of no arguments when executing eagerly (the optimizers call it)."""

from __future__ import annotations

from engine.framework import dtypes
from engine.framework.context import executing_eagerly
from engine.framework.execute import convert
from engine.ops import math_ops


def _schedule(what: str, global_step, compute):
    if global_step is None:
        raise ValueError(f"global_step is required for {what}.")
    if executing_eagerly():
        return compute
    return compute()


def _float(x):
    return math_ops.cast(convert(x), dtypes.float32)


def _progress(global_step, decay_steps, staircase):
    p = _float(global_step) / _float(decay_steps)
    return math_ops.floor(p) if staircase else p


def exponential_decay(learning_rate, global_step, decay_steps, decay_rate, staircase=False, name=None):
    """``learning_rate * decay_rate ** (global_step / decay_steps)`` (an integer power with
    ``staircase``)."""
    return _schedule("exponential_decay", global_step, lambda: _float(learning_rate) * math_ops.pow(
        _float(decay_rate), _progress(global_step, decay_steps, staircase)))


def inverse_time_decay(learning_rate, global_step, decay_steps, decay_rate, staircase=False, name=None):
    """``learning_rate / (1 + decay_rate * global_step / decay_steps)``."""
    return _schedule("inverse_time_decay", global_step, lambda: _float(learning_rate) / (
        1.0 + _float(decay_rate) * _progress(global_step, decay_steps, staircase)))


def natural_exp_decay(learning_rate, global_step, decay_steps, decay_rate, staircase=False, name=None):
    """``learning_rate * exp(-decay_rate * global_step / decay_steps)``."""
    return _schedule("natural_exp_decay", global_step, lambda: _float(learning_rate) * math_ops.exp(
        -_float(decay_rate) * _progress(global_step, decay_steps, staircase)))


def polynomial_decay(learning_rate, global_step, decay_steps, end_learning_rate=0.0001, power=1.0,
                     cycle=False, name=None):
    """From ``learning_rate`` to ``end_learning_rate`` over ``decay_steps`` steps along
    ``(1 - step / decay_steps) ** power``; ``cycle`` restarts it every ``decay_steps``."""
    def compute():
        step, steps = _float(global_step), _float(decay_steps)
        if cycle:
            multiplier = -math_ops.floor(-step / steps)  # ceil
            steps = steps * math_ops.where(math_ops.equal(step, 0.0), 1.0, multiplier)
        else:
            step = math_ops.minimum(step, steps)
        lr, end = _float(learning_rate), _float(end_learning_rate)
        return (lr - end) * math_ops.pow(1.0 - step / steps, _float(power)) + end
    return _schedule("polynomial_decay", global_step, compute)


def piecewise_constant(x, boundaries, values, name=None):
    """``values[0]`` while ``x <= boundaries[0]``, ``values[1]`` up to ``boundaries[1]``, ... and
    ``values[-1]`` after the last boundary."""
    if len(values) != len(boundaries) + 1:
        raise ValueError("The length of boundaries should be 1 less than the length of values")

    def compute():
        step = convert(x)
        result = _float(values[-1])
        for bound, value in zip(reversed(boundaries), reversed(values[:-1]), strict=True):
            result = math_ops.where(math_ops.less_equal(step, math_ops.cast(convert(bound), step.dtype)),
                                    _float(value), result)
        return result
    return _schedule("piecewise_constant", x, compute)


__all__ = ["exponential_decay", "inverse_time_decay", "natural_exp_decay", "piecewise_constant",
           "polynomial_decay"]
