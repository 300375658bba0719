"""The activation functions' math, written once: numpy kernels by name (``KERNELS``) and their
derivatives in terms of their outputs (``derivative``). The ops that apply an activation read
them here: ``Relu``, ``Elu``, ``Sigmoid``, ``Tanh``, ``Softplus`` (``tf.nn``), the fused Dense
(``fused_ops``) and recurrent ops (``rnn_ops``), and Keras's ``HardSigmoid`` and exact
``KerasGelu`` (``fused_ops``). ``engine.keras.activations`` maps Keras's names to those ops.
This module is numpy only: it registers no op.

A kernel given ``out=`` writes its result there (the fused ops transform their buffers in place).
"""

from __future__ import annotations

import numpy as np

KERAS2_HARD_SIGMOID_SLOPE = 0.2  # clip(0.2 * x + 0.5, 0, 1)
KERAS3_HARD_SIGMOID_SLOPE = 1.0 / 6.0  # relu6(x + 3) / 6


def linear(x, out=None):
    if out is not None and out is not x:
        out[...] = x
        return out
    return x


def relu(x, out=None):
    if out is not None:
        return np.maximum(x, 0, out=out)
    return np.maximum(x, 0).astype(x.dtype, copy=False)


def sigmoid(x, out=None):
    """``1 / (1 + exp(-x))`` with no exp to overflow and full relative precision in the tails
    (``sigmoid(-40)`` is 4.2e-18, not 0), as TensorFlow's kernel: what ``tf.nn.sigmoid`` and
    Keras's ``sigmoid`` activation compute, so a ``log`` of their output stays finite."""
    e = np.exp(-np.abs(x))
    result = np.where(x >= 0, 1.0, e)
    result /= 1.0 + e
    if out is None:
        return result.astype(np.result_type(x), copy=False)
    out[...] = result
    return out


def gate_sigmoid(x, out=None):
    """``0.5 * (tanh(x / 2) + 1)``: the recurrent gates' sigmoid, one numpy pass (3x faster than
    ``sigmoid``), exact to 1e-16 absolute, which is all a gate needs (its tails round to 0 and 1)."""
    if out is None:
        return 0.5 * (np.tanh(0.5 * x) + 1.0)
    np.multiply(x, 0.5, out=out)
    np.tanh(out, out=out)
    out += 1.0
    out *= 0.5
    return out


def tanh(x, out=None):
    return np.tanh(x, out=out)


def hard_sigmoid(x, slope=KERAS2_HARD_SIGMOID_SLOPE, out=None):
    """``clip(slope * x + 0.5, 0, 1)``; Keras 2's slope is 0.2, Keras 3's 1/6."""
    if out is None:
        return np.clip(x * slope + 0.5, 0.0, 1.0).astype(x.dtype, copy=False)
    np.multiply(x, slope, out=out)
    out += 0.5
    return np.clip(out, 0.0, 1.0, out=out)


def hard_sigmoid_keras3(x, out=None):
    return hard_sigmoid(x, KERAS3_HARD_SIGMOID_SLOPE, out=out)


def elu(x):
    return np.where(x > 0, x, np.expm1(np.minimum(x, 0))).astype(x.dtype, copy=False)


def softplus(x):
    return np.logaddexp(0, x).astype(x.dtype, copy=False)


def erf(x: np.ndarray) -> np.ndarray:
    """The error function to about 1e-7 (numpy has none), computed in float64."""
    x64 = np.asarray(x, dtype=np.float64)
    s = np.sign(x64)
    a = np.abs(x64)
    t = 1.0 / (1.0 + 0.5 * a)
    # Numerical Recipes' erfc Chebyshev fit: fractional error below 1.2e-7 everywhere.
    y = t * np.exp(-a * a - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (
        -0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (
            -0.82215223 + t * 0.17087277)))))))))
    return s * (1.0 - y)


_SQRT_HALF = np.sqrt(0.5)
_INV_SQRT_2PI = 1.0 / np.sqrt(2.0 * np.pi)


def gelu(x):
    """``x * Phi(x)`` with the exact normal CDF."""
    return (0.5 * x * (1.0 + erf(x * _SQRT_HALF))).astype(x.dtype, copy=False)


def gelu_derivative(x):
    """d gelu / dx = Phi(x) + x * phi(x), in float64."""
    cdf = 0.5 * (1.0 + erf(x * _SQRT_HALF))
    pdf = _INV_SQRT_2PI * np.exp(-0.5 * np.square(x, dtype=np.float64))
    return cdf + x * pdf


def hard_sigmoid_derivative(x, slope=KERAS2_HARD_SIGMOID_SLOPE):
    """d hard_sigmoid / dx: ``slope`` where the clip is not active, 0 elsewhere."""
    edge = 0.5 / slope
    return ((x > -edge) & (x < edge)) * slope


# The activations a fused op can apply by name (the recurrent layers' and Dense's).
KERNELS = {"linear": linear, "relu": relu, "sigmoid": gate_sigmoid, "tanh": tanh,
           "hard_sigmoid": hard_sigmoid, "hard_sigmoid_keras3": hard_sigmoid_keras3}


def derivative(name, y):
    """d activation / d input, written in terms of the activation's output ``y``."""
    if name == "tanh":
        return 1.0 - y * y
    if name == "sigmoid":
        return y * (1.0 - y)
    if name in ("hard_sigmoid", "hard_sigmoid_keras3"):
        slope = KERAS2_HARD_SIGMOID_SLOPE if name == "hard_sigmoid" else KERAS3_HARD_SIGMOID_SLOPE
        return (((y > 0.0) & (y < 1.0)) * slope).astype(y.dtype)
    if name == "relu":
        return (y > 0).astype(y.dtype)
    return np.ones_like(y)
