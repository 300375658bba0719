"""Ops Keras needs that the engine does not define: ``hard_sigmoid`` and exact ``gelu``. Each is
one registered op with its numpy kernel beside its gradient (see ``engine.framework.op_registry``)."""

from __future__ import annotations

import numpy as np

from engine.framework.execute import apply_op
from engine.framework.op_registry import register_op


# -- hard_sigmoid: Keras 2's clip(0.2 x + 0.5, 0, 1) ----------------------------------------------
def _hard_sigmoid(x):
    return np.clip(x * 0.2 + 0.5, 0.0, 1.0).astype(x.dtype, copy=False)


def _hard_sigmoid_grad(op, g):
    return [apply_op("HardSigmoidGrad", [op.inputs[0], g])]


def _hard_sigmoid_grad_kernel(x, g):
    return (g * ((x > -2.5) & (x < 2.5)) * 0.2).astype(g.dtype, copy=False)


register_op("HardSigmoid", _hard_sigmoid, _hard_sigmoid_grad)
register_op("HardSigmoidGrad", _hard_sigmoid_grad_kernel)


def hard_sigmoid(x):
    return apply_op("HardSigmoid", [x])


# -- gelu: x * Phi(x) with the exact normal CDF -----------------------------------------------------
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


def _gelu(x):
    return (0.5 * x * (1.0 + erf(x * _SQRT_HALF))).astype(x.dtype, copy=False)


def _gelu_grad_kernel(x, g):
    cdf = 0.5 * (1.0 + erf(x * _SQRT_HALF))
    pdf = _INV_SQRT_2PI * np.exp(-0.5 * np.square(x, dtype=np.float64))
    return (g * (cdf + x * pdf)).astype(g.dtype, copy=False)


register_op("KerasGelu", _gelu, lambda op, g: [apply_op("KerasGeluGrad", [op.inputs[0], g])])
register_op("KerasGeluGrad", _gelu_grad_kernel)


def gelu(x):
    return apply_op("KerasGelu", [x])
