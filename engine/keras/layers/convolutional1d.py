"""Conv1D: Keras's 1-D convolution, kernel (kernel_size, input_channels / groups, filters).

It is built from engine ops the tape already differentiates (pad, a strided slice per kernel tap,
matmul), so strides, ``dilation_rate``, ``groups`` and ``padding="causal"`` all come with their
gradients: ``y[t] = sum_i x[t * stride + i * dilation] @ kernel[i]``.
"""

from __future__ import annotations

import math

from engine.keras import activations
from engine.keras.layers._common import data_format as _data_format
from engine.keras.layers._common import int_tuple, kernel_bias_config, set_kernel_bias_options
from engine.keras.layers.base import Layer
from engine.keras.saving import registry
from engine.ops import array_ops, math_ops


def conv1d_geometry(size, k, stride, dilation, padding):
    """(output length, padding before, padding after) of a 1-D convolution, as TensorFlow pads."""
    span = (k - 1) * dilation + 1
    if padding == "causal":
        return None if size is None else (size - 1) // stride + 1, span - 1, 0
    if padding == "valid":
        return None if size is None else (size - span) // stride + 1, 0, 0
    if size is None:
        return None, None, None
    out = math.ceil(size / stride)
    total = max((out - 1) * stride + span - size, 0)
    return out, total // 2, total - total // 2


class Conv1D(Layer):
    def __init__(self, filters, kernel_size, strides=1, padding="valid", data_format=None, dilation_rate=1,
                 groups=1, activation=None, use_bias=True, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(**kwargs)
        if activity_regularizer is not None:
            raise NotImplementedError("Conv1D: activity_regularizer is not supported")
        padding = str(padding).lower()
        if padding not in ("valid", "same", "causal"):
            raise ValueError(f"padding must be 'valid', 'same' or 'causal', got {padding!r}")
        self.filters = int(filters)
        self.groups = int(groups)
        if self.filters <= 0 or self.groups <= 0 or self.filters % self.groups:
            raise ValueError(f"Conv1D filters ({filters}) must be a positive multiple of groups ({groups})")
        self.kernel_size = int_tuple(kernel_size, 1, "kernel_size")
        self.strides = int_tuple(strides, 1, "strides")
        self.dilation_rate = int_tuple(dilation_rate, 1, "dilation_rate")
        if self.strides[0] > 1 and self.dilation_rate[0] > 1:
            raise ValueError("Conv1D: strides > 1 together with dilation_rate > 1 is not supported "
                             "(nor is it in Keras)")
        self.padding = padding
        self.data_format = _data_format(data_format)
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        set_kernel_bias_options(self, kernel_initializer, bias_initializer, kernel_regularizer,
                                bias_regularizer, kernel_constraint, bias_constraint)

    def build(self, input_shape):
        channels = input_shape[1] if self.data_format == "channels_first" else input_shape[-1]
        if len(input_shape) != 3 or channels is None:
            raise ValueError(f"Conv1D {self.name!r} expects (batch, steps, channels) with known channels, "
                             f"got {input_shape}")
        if channels % self.groups:
            raise ValueError(f"Conv1D {self.name!r}: {channels} input channels are not divisible by "
                             f"groups={self.groups}")
        self.kernel = self.add_weight("kernel", (self.kernel_size[0], channels // self.groups, self.filters),
                                      self.kernel_initializer, self.kernel_regularizer,
                                      constraint=self.kernel_constraint)
        self.bias = (self.add_weight("bias", (self.filters,), self.bias_initializer, self.bias_regularizer,
                                     constraint=self.bias_constraint) if self.use_bias else None)
        self.built = True

    def call(self, inputs):
        x = inputs
        if self.data_format == "channels_first":
            x = array_ops.transpose(x, [0, 2, 1])
        k, s, d = self.kernel_size[0], self.strides[0], self.dilation_rate[0]
        steps, channels = x.shape[1], x.shape[2]
        out, before, after = conv1d_geometry(steps, k, s, d, self.padding)
        if out is None or out <= 0:
            raise ValueError(f"Conv1D {self.name!r}: {steps} steps are too few for a kernel of {k} "
                             f"(dilation {d}) with padding {self.padding!r}")
        if before or after:
            x = array_ops.pad(x, [[0, 0], [before, after], [0, 0]])
        g = self.groups
        y = None
        for i in range(k):
            start = i * d
            tap = x[:, start:start + s * (out - 1) + 1:s]
            w = self.kernel[i]
            if g == 1:
                term = math_ops.matmul(tap, w)
            else:  # (batch, out, g, 1, cin/g) @ (g, cin/g, filters/g)
                tap = array_ops.reshape(tap, (-1, out, g, 1, channels // g))
                wg = array_ops.reshape(w, (channels // g, g, self.filters // g))
                wg = array_ops.transpose(wg, [1, 0, 2])
                term = array_ops.reshape(math_ops.matmul(tap, wg), (-1, out, self.filters))
            y = term if y is None else y + term
        if self.use_bias:
            y = y + self.bias
        y = self.activation(y)
        if self.data_format == "channels_first":
            y = array_ops.transpose(y, [0, 2, 1])
        return y

    def compute_output_shape(self, input_shape):
        first = self.data_format == "channels_first"
        steps = input_shape[2] if first else input_shape[1]
        out = conv1d_geometry(steps, self.kernel_size[0], self.strides[0], self.dilation_rate[0],
                              self.padding)[0]
        return (input_shape[0], self.filters, out) if first else (input_shape[0], out, self.filters)

    def get_config(self):
        return {**super().get_config(), "filters": self.filters, "kernel_size": list(self.kernel_size),
                "strides": list(self.strides), "padding": self.padding, "data_format": self.data_format,
                "dilation_rate": list(self.dilation_rate), "groups": self.groups,
                "activation": activations.serialize(self.activation), "use_bias": self.use_bias,
                **kernel_bias_config(self)}


Convolution1D = registry.register("layer", Conv1D, "Convolution1D")
