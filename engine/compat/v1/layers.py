"""``tf.compat.v1.layers``: TF1's functional layers, each a variable scope of its own.

``tf.layers.dense(x, 10)`` makes ``dense/kernel`` and ``dense/bias`` with ``get_variable`` (the
next unnamed one ``dense_1/...``), so ``name=`` with ``reuse=True`` shares them, and a
``variable_scope(initializer=...)`` around a layer sets its kernel's initializer, as in TF1.
"""

from __future__ import annotations

import numpy as np

from engine.compat.v1.init_ops import Zeros
from engine.compat.v1.variable_scope import get_variable, variable_scope
from engine.framework.context import get_default_graph
from engine.framework.execute import convert
from engine.ops import array_ops, math_ops, nn_ops


def _activity_penalty(regularizer, outputs) -> None:
    if regularizer is not None:
        penalty = regularizer(outputs)
        if penalty is not None:
            get_default_graph().add_to_collection("regularization_losses", penalty)


def dense(inputs, units, activation=None, use_bias=True, kernel_initializer=None,
          bias_initializer=None, kernel_regularizer=None, bias_regularizer=None,
          activity_regularizer=None, kernel_constraint=None, bias_constraint=None, trainable=True,
          name=None, reuse=None):
    """``activation(inputs @ kernel + bias)`` over the last axis of ``inputs``."""
    inputs = convert(inputs)
    if inputs.shape.rank is None or inputs.shape.as_list()[-1] is None:
        raise ValueError(f"The last dimension of the inputs to a Dense layer should be defined. Found None. "
                         f"Full input shape received: {inputs.shape}")
    units = int(units)
    if units <= 0:
        raise ValueError(f"Received an invalid value for `units`, expected a positive integer. "
                         f"Received: units={units}")
    in_dim = inputs.shape.as_list()[-1]
    dtype = inputs.dtype if inputs.dtype.is_floating else None
    with variable_scope(name, default_name="dense", reuse=reuse):
        kernel = get_variable("kernel", [in_dim, units], dtype=dtype, initializer=kernel_initializer,
                              regularizer=kernel_regularizer, trainable=trainable)
        rank = inputs.shape.rank
        if rank == 2:
            outputs = math_ops.matmul(inputs, kernel)
        else:
            outputs = math_ops.tensordot(inputs, kernel, [[rank - 1], [0]])
        if use_bias:
            bias = get_variable("bias", [units], dtype=dtype,
                                initializer=bias_initializer if bias_initializer is not None else Zeros(),
                                regularizer=bias_regularizer, trainable=trainable)
            outputs = nn_ops.bias_add(outputs, bias)
        if activation is not None:
            outputs = activation(outputs)
        _activity_penalty(activity_regularizer, outputs)
        return outputs


def flatten(inputs, name=None, data_format="channels_last"):
    """``[batch, d1, d2, ...]`` -> ``[batch, d1 * d2 * ...]``."""
    inputs = convert(inputs)
    dims = inputs.shape.as_list()[1:]
    with get_default_graph().name_scope(name or "flatten"):
        if all(d is not None for d in dims):
            return array_ops.reshape(inputs, [-1, int(np.prod(dims))])
        return array_ops.reshape(inputs, array_ops.stack([array_ops.shape(inputs)[0], -1]))


def dropout(inputs, rate=0.5, noise_shape=None, seed=None, training=False, name=None):
    """Zero a ``rate`` fraction of ``inputs`` (scaling the rest) when ``training`` is true;
    ``inputs`` unchanged otherwise. ``training`` may be a boolean tensor (a placeholder)."""
    inputs = convert(inputs)
    with get_default_graph().name_scope(name or "dropout"):
        if isinstance(training, bool):
            if not training or rate == 0:
                return array_ops.identity(inputs)
            return nn_ops.dropout(inputs, noise_shape=noise_shape, seed=seed, rate=rate)
        dropped = nn_ops.dropout(inputs, noise_shape=noise_shape, seed=seed, rate=rate)
        return math_ops.where(math_ops.logical_and(convert(training), array_ops.ones_like(inputs) > 0),
                              dropped, inputs)


__all__ = ["dense", "dropout", "flatten"]
