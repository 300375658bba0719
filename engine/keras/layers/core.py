"""Dense, Activation, Flatten, Reshape, Dropout."""

from __future__ import annotations

import math

import numpy as np

from engine.keras import activations, backend, constraints, initializers, regularizers
from engine.keras.layers.base import Layer
from engine.ops import array_ops, fused_ops, math_ops


def _init_config(init):
    return initializers.serialize(init)


class Dense(Layer):
    """``activation(inputs @ kernel + bias)`` on the last axis."""

    def __init__(self, units, activation=None, use_bias=True, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(units, (int, np.integer)) or units <= 0:
            raise ValueError(f"Dense units must be a positive integer, got {units!r}")
        self.units = int(units)
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.supports_masking = True

    def build(self, input_shape):
        last = input_shape[-1]
        if last is None:
            raise ValueError(f"the last dimension of the input to Dense {self.name!r} must be known, "
                             f"got shape {input_shape}")
        self.kernel = self.add_weight("kernel", (last, self.units), self.kernel_initializer,
                                      self.kernel_regularizer)
        self.bias = (self.add_weight("bias", (self.units,), self.bias_initializer, self.bias_regularizer)
                     if self.use_bias else None)
        self.built = True

    def call(self, inputs):
        value = getattr(inputs, "_value", None)  # eager: read rank and dtype off the array, cheaply
        rank = value.ndim if value is not None else len(inputs.shape)
        same_dtype = (value.dtype == self.kernel._value.dtype if value is not None
                      else inputs.dtype == self.kernel.dtype)
        if rank == 2 and self.use_bias and same_dtype:
            fused = "relu" if self.activation is activations.relu else "linear" \
                if self.activation is activations.linear else None
            y = fused_ops.dense(inputs, self.kernel, self.bias, fused or "linear")
            return y if fused else self.activation(y)
        if rank == 2:
            y = math_ops.matmul(inputs, self.kernel)
        else:
            lead = tuple(inputs.shape[:-1])
            flat = array_ops.reshape(inputs, (-1, inputs.shape[-1]))
            y = array_ops.reshape(math_ops.matmul(flat, self.kernel), (*lead, self.units))
        if self.use_bias:
            y = y + self.bias
        return self.activation(y)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape[:-1]) + (self.units,)

    def get_config(self):
        return {**super().get_config(), "units": self.units,
                "activation": activations.serialize(self.activation), "use_bias": self.use_bias,
                "kernel_initializer": _init_config(self.kernel_initializer),
                "bias_initializer": _init_config(self.bias_initializer),
                "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
                "bias_regularizer": regularizers.serialize(self.bias_regularizer),
                "activity_regularizer": None,
                "kernel_constraint": constraints.serialize(self.kernel_constraint),
                "bias_constraint": constraints.serialize(self.bias_constraint)}


class Activation(Layer):
    def __init__(self, activation, **kwargs):
        super().__init__(**kwargs)
        self.activation = activations.get(activation)
        self.supports_masking = True

    def call(self, inputs):
        return self.activation(inputs)

    def get_config(self):
        return {**super().get_config(), "activation": activations.serialize(self.activation)}


class Flatten(Layer):
    """All axes but the batch axis collapsed into one."""

    def __init__(self, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.data_format = data_format

    def call(self, inputs):
        shape = tuple(inputs.shape)
        return array_ops.reshape(inputs, (shape[0], int(math.prod(shape[1:]))))

    def compute_output_shape(self, input_shape):
        rest = input_shape[1:]
        return (input_shape[0], None if None in rest else int(math.prod(rest)))

    def get_config(self):
        return {**super().get_config(), "data_format": self.data_format or "channels_last"}


class Reshape(Layer):
    def __init__(self, target_shape, **kwargs):
        super().__init__(**kwargs)
        self.target_shape = tuple(int(d) for d in target_shape)

    def _resolve(self, input_shape):
        target = list(self.target_shape)
        known = input_shape[1:]
        if -1 in target and None not in known:
            rest = int(math.prod(d for d in target if d != -1))
            target[target.index(-1)] = int(math.prod(known)) // rest
        if None not in known and -1 not in target and math.prod(target) != math.prod(known):
            raise ValueError(f"Reshape {self.name!r}: cannot reshape {tuple(known)} "
                             f"({math.prod(known)} values) into {self.target_shape}")
        return tuple(target)

    def call(self, inputs):
        shape = tuple(inputs.shape)
        return array_ops.reshape(inputs, (shape[0],) + self._resolve(shape))

    def compute_output_shape(self, input_shape):
        return (input_shape[0],) + tuple(None if d == -1 else d for d in self._resolve(input_shape))

    def get_config(self):
        return {**super().get_config(), "target_shape": list(self.target_shape)}


class Dropout(Layer):
    """Zeroes a fraction ``rate`` of its inputs while training and scales the rest up."""

    def __init__(self, rate, noise_shape=None, seed=None, **kwargs):
        super().__init__(**kwargs)
        if not 0 <= rate < 1:
            raise ValueError(f"Dropout rate must be in [0, 1), got {rate!r}")
        self.rate, self.noise_shape, self.seed = float(rate), noise_shape, seed
        self.supports_masking = True

    def call(self, inputs, training=None):
        if not training or self.rate == 0:
            return inputs
        shape = tuple(inputs.shape)
        if self.noise_shape is not None:  # one draw, broadcast over its axes of size 1 (None: the input's)
            shape = tuple(n if d is None else int(d) for n, d in zip(shape, self.noise_shape, strict=True))
        keep = backend.rng(self.seed).random(shape) >= self.rate
        scale = (keep / (1.0 - self.rate)).astype(inputs.dtype.as_numpy_dtype)
        return inputs * scale

    def get_config(self):
        return {**super().get_config(), "rate": self.rate, "noise_shape": self.noise_shape,
                "seed": self.seed}
