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
from engine.ops import array_ops, conv_ops, math_ops, nn_ops


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


def _pair(value, what: str) -> tuple[int, int]:
    pair = (int(value),) * 2 if np.isscalar(value) else tuple(int(v) for v in value)
    if len(pair) != 2:
        raise ValueError(f"The `{what}` argument must be a tuple of 2 integers. Received: {value}")
    return pair


def _padding(padding: str) -> str:
    if str(padding).lower() not in ("valid", "same"):
        raise ValueError(f"The `padding` argument must be a string of \"valid\" or \"same\". "
                         f"Received: {padding}")
    return str(padding).upper()


def _channels_last(data_format: str) -> None:
    if data_format != "channels_last":
        raise ValueError(f"data_format={data_format!r} is not supported here: use 'channels_last' (NHWC)")


def conv2d(inputs, filters, kernel_size, strides=(1, 1), padding="valid", data_format="channels_last",
           dilation_rate=(1, 1), activation=None, use_bias=True, kernel_initializer=None,
           bias_initializer=None, kernel_regularizer=None, bias_regularizer=None,
           activity_regularizer=None, kernel_constraint=None, bias_constraint=None, trainable=True,
           name=None, reuse=None):
    """A 2-D convolution over NHWC ``inputs``: variables ``conv2d/kernel`` (kh, kw, in, filters)
    and ``conv2d/bias``."""
    _channels_last(data_format)
    if _pair(dilation_rate, "dilation_rate") != (1, 1):
        raise ValueError("dilation_rate other than (1, 1) is not supported")
    inputs = convert(inputs)
    if inputs.shape.rank != 4 or inputs.shape.as_list()[-1] is None:
        raise ValueError(f"conv2d expects inputs of shape (batch, height, width, channels) with known "
                         f"channels, got {inputs.shape}")
    kh, kw = _pair(kernel_size, "kernel_size")
    sh, sw = _pair(strides, "strides")
    dtype = inputs.dtype if inputs.dtype.is_floating else None
    with variable_scope(name, default_name="conv2d", reuse=reuse):
        kernel = get_variable("kernel", [kh, kw, inputs.shape.as_list()[-1], int(filters)], dtype=dtype,
                              initializer=kernel_initializer, regularizer=kernel_regularizer,
                              trainable=trainable)
        outputs = conv_ops.conv2d(inputs, kernel, strides=[1, sh, sw, 1], padding=_padding(padding))
        if use_bias:
            bias = get_variable("bias", [int(filters)], dtype=dtype,
                                initializer=bias_initializer if bias_initializer is not None else Zeros(),
                                regularizer=bias_regularizer, trainable=trainable)
            outputs = nn_ops.bias_add(outputs, bias)
        if activation is not None:
            outputs = activation(outputs)
        _activity_penalty(activity_regularizer, outputs)
        return outputs


def _pooling(pool, default_name, inputs, pool_size, strides, padding, data_format, name):
    _channels_last(data_format)
    ph, pw = _pair(pool_size, "pool_size")
    sh, sw = _pair(strides, "strides")
    with get_default_graph().name_scope(name or default_name):
        return pool(convert(inputs), [1, ph, pw, 1], [1, sh, sw, 1], _padding(padding))


def max_pooling2d(inputs, pool_size, strides, padding="valid", data_format="channels_last", name=None):
    return _pooling(conv_ops.max_pool2d, "max_pooling2d", inputs, pool_size, strides, padding,
                    data_format, name)


def average_pooling2d(inputs, pool_size, strides, padding="valid", data_format="channels_last", name=None):
    return _pooling(conv_ops.avg_pool2d, "average_pooling2d", inputs, pool_size, strides, padding,
                    data_format, name)


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


__all__ = ["average_pooling2d", "conv2d", "dense", "dropout", "flatten", "max_pooling2d"]
