"""Activation functions by name (``activations.get("relu")``), as Keras resolves them: each is
registered (``saving.registry``) under its Keras name and is an op of the engine, whose math is
``engine.ops.activation_ops``'."""

from __future__ import annotations

from engine.framework.tensor import Tensor
from engine.keras import backend
from engine.keras.saving import registry
from engine.ops import array_ops, fused_ops, math_ops, nn_ops


def relu(x, alpha=0.0, max_value=None, threshold=0.0, negative_slope=None):
    """Keras's relu: ``x`` above ``threshold`` (else 0), clipped at ``max_value``, minus
    ``alpha * relu(threshold - x)``. Keras 3 calls the slope ``negative_slope``, Keras 2 ``alpha``."""
    if negative_slope is not None:
        alpha = negative_slope
    if alpha == 0.0 and max_value is None and threshold == 0.0:
        return nn_ops.relu(x)
    if alpha and max_value is None and threshold == 0.0:
        return nn_ops.leaky_relu(x, alpha)
    if threshold:
        y = math_ops.where(math_ops.greater(x, threshold), x, array_ops.zeros_like(x))
    else:
        y = nn_ops.relu(x)
    if max_value is not None:  # a negative threshold lets values below 0 through: Keras clips them
        y = math_ops.clip_by_value(y, 0.0, max_value)
    if alpha:
        y = y - alpha * nn_ops.relu(threshold - x if threshold else -x)
    return y


def sigmoid(x):
    y = math_ops.sigmoid(x)
    if isinstance(y, Tensor) and y._graph is None:
        backend.remember_logits(y, x, "sigmoid")
    return y


def hard_sigmoid(x):
    """Keras 2's piecewise-linear sigmoid: ``clip(0.2 * x + 0.5, 0, 1)``."""
    return fused_ops.hard_sigmoid(x)


def hard_sigmoid_keras3(x):
    """Keras 3's ``hard_sigmoid``, ``relu6(x + 3) / 6``: what the name means in Keras 3 files,
    which load with it (``saving.deserialize_layer``). Configs write it in Keras 3's function
    form, ``{"module": "keras.activations", "class_name": "function", "config": "hard_sigmoid"}``."""
    return fused_ops.hard_sigmoid(x, slope=1.0 / 6.0)


def tanh(x):
    return math_ops.tanh(x)


def softmax(x, axis=-1):
    y = nn_ops.softmax(x, axis=axis)
    if axis == -1 and isinstance(y, Tensor) and y._graph is None:
        backend.remember_logits(y, x, "softmax")
    return y


def linear(x):
    return x


def elu(x, alpha=1.0):
    y = nn_ops.elu(x)
    if alpha != 1.0:
        y = math_ops.where(x > 0, y, y * alpha)
    return y


def gelu(x, approximate=False):
    if approximate:
        c = 0.7978845608028654
        return 0.5 * x * (1.0 + math_ops.tanh(c * (x + 0.044715 * x * x * x)))
    return fused_ops.gelu(x)


def softplus(x):
    return math_ops.softplus(x)


def softsign(x):
    return x / (1.0 + math_ops.abs(x))


def swish(x):
    return x * math_ops.sigmoid(x)


silu = swish


def selu(x):
    alpha, scale = 1.6732632423543772, 1.0507009873554805
    return scale * elu(x, alpha)


def leaky_relu(x, negative_slope=0.2):
    return nn_ops.leaky_relu(x, negative_slope)


def exponential(x):
    return math_ops.exp(x)


for _fn in (relu, sigmoid, hard_sigmoid, tanh, softmax, linear, elu, gelu, softplus, softsign, swish, selu,
            leaky_relu, exponential):
    registry.register("activation", _fn)
registry.register("activation", swish, "silu")
registry.register("activation", hard_sigmoid_keras3, "hard_sigmoid", keras3=True)
# The engine's own functions (``tf.nn.relu``) passed as activations resolve to Keras's.
_ENGINE = {id(nn_ops.relu): relu, id(math_ops.sigmoid): sigmoid, id(math_ops.tanh): tanh,
           id(nn_ops.softmax): softmax, id(nn_ops.elu): elu, id(math_ops.softplus): softplus}
registry.define_kind("activation", none=linear, from_callable=lambda fn: _ENGINE.get(id(fn), fn))


def get(identifier):
    """A callable from ``None`` (linear), a name, a config dict (Keras 3 may write
    ``{"class_name": "function", "config": "relu"}``), or a callable."""
    return registry.get("activation", identifier)


def serialize(fn) -> str:
    """The name Keras writes into configs; a function of the engine (``tf.nn.relu``) maps to it."""
    if fn is None:
        return "linear"
    fn = _ENGINE.get(id(fn), fn)
    if fn is hard_sigmoid_keras3:  # as Keras 3 serializes a function: it reads this as its own
        return {"module": "keras.activations", "class_name": "function", "config": "hard_sigmoid",
                "registered_name": "function"}
    name = registry.name_of("activation", fn)
    if name is None:
        raise ValueError(f"activation {fn!r} has no Keras name, so it cannot be saved in a config")
    return name


def op_name(fn) -> str:
    """The name the fused recurrent ops know ``fn`` by."""
    return "hard_sigmoid_keras3" if fn is hard_sigmoid_keras3 else serialize(fn)
