"""LayerNormalization: each sample normalised over ``axis`` (the last by default), then scaled
by ``gamma`` and shifted by ``beta`` (shape: the normalised axes)."""

from __future__ import annotations

from engine.keras import initializers, regularizers
from engine.keras.layers._common import constraint, serialize_constraint
from engine.keras.layers.base import Layer
from engine.ops import array_ops, math_ops, nn_ops


class LayerNormalization(Layer):
    def __init__(self, axis=-1, epsilon=1e-3, center=True, scale=True, beta_initializer="zeros",
                 gamma_initializer="ones", beta_regularizer=None, gamma_regularizer=None,
                 beta_constraint=None, gamma_constraint=None, rms_scaling=False, **kwargs):
        super().__init__(**kwargs)
        self.axis = list(axis) if isinstance(axis, (list, tuple)) else int(axis)
        self.epsilon = float(epsilon)
        self.center, self.scale = bool(center), bool(scale)
        # Keras 3 (deprecated there): divide by sqrt(variance + epsilon), no centring, no beta.
        self.rms_scaling = bool(rms_scaling)
        self.beta_initializer = initializers.get(beta_initializer)
        self.gamma_initializer = initializers.get(gamma_initializer)
        self.beta_regularizer = regularizers.get(beta_regularizer)
        self.gamma_regularizer = regularizers.get(gamma_regularizer)
        self.beta_constraint = constraint(beta_constraint, "beta_constraint")
        self.gamma_constraint = constraint(gamma_constraint, "gamma_constraint")
        self.supports_masking = True

    def _axes(self, rank):
        axes = self.axis if isinstance(self.axis, list) else [self.axis]
        out = sorted({a % rank for a in axes})
        if any(not -rank <= a < rank for a in axes):
            raise ValueError(f"LayerNormalization {self.name!r}: axis {self.axis} is out of range "
                             f"for rank {rank}")
        return out

    def build(self, input_shape):
        axes = self._axes(len(input_shape))
        shape = tuple(input_shape[a] for a in axes)
        if None in shape:
            raise ValueError(f"LayerNormalization {self.name!r}: the normalised axes {axes} of {input_shape} "
                             "must be known")
        self.gamma = self.beta = None
        if self.scale or self.rms_scaling:
            self.gamma = self.add_weight("gamma", shape, self.gamma_initializer, self.gamma_regularizer,
                                         constraint=self.gamma_constraint)
        if self.center and not self.rms_scaling:
            self.beta = self.add_weight("beta", shape, self.beta_initializer, self.beta_regularizer,
                                        constraint=self.beta_constraint)
        self.built = True

    def call(self, inputs):
        x = inputs
        rank = len(x.shape)
        axes = self._axes(rank)
        bshape = [x.shape[a] if a in axes else 1 for a in range(rank)]

        def broadcast(w):
            return w if axes == [rank - 1] else array_ops.reshape(w, bshape)

        mean, var = nn_ops.moments(x, axes, keepdims=True)
        inv = math_ops.rsqrt(var + self.epsilon)
        if self.rms_scaling:
            y = x * inv
            return y * broadcast(self.gamma) if self.gamma is not None else y
        if self.gamma is not None:
            inv = inv * broadcast(self.gamma)
        y = (x - mean) * inv
        if self.beta is not None:
            y = y + broadcast(self.beta)
        return y

    def get_config(self):
        config = {**super().get_config(), "axis": self.axis, "epsilon": self.epsilon, "center": self.center,
                  "scale": self.scale,
                  "beta_initializer": initializers.serialize(self.beta_initializer),
                  "gamma_initializer": initializers.serialize(self.gamma_initializer),
                  "beta_regularizer": regularizers.serialize(self.beta_regularizer),
                  "gamma_regularizer": regularizers.serialize(self.gamma_regularizer),
                  "beta_constraint": serialize_constraint(self.beta_constraint),
                  "gamma_constraint": serialize_constraint(self.gamma_constraint)}
        if self.rms_scaling:
            config["rms_scaling"] = True  # Keras 3 only: Keras 2 would refuse the key
        return config
