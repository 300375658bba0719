"""BatchNormalization over the last axis: batch statistics while training, moving averages after.

The two Keras generations update the moving variance differently on images (rank 4 or 5):
tf.keras 2 runs its fused kernel there, whose batch variance carries Bessel's correction
(``n / (n - 1)``, ``n`` the values per channel), Keras 3 uses the plain batch variance. Built
from code the layer is Keras 2's; from a config Keras 3 wrote (it always writes ``synchronized``
and ``renorm_clipping``, Keras 2 only with ``renorm=True``, which is refused here) Keras 3's."""

from __future__ import annotations

import numpy as np

from engine.keras import initializers, regularizers
from engine.keras.layers.base import Layer
from engine.ops import math_ops, nn_ops


class BatchNormalization(Layer):
    def __init__(self, axis=-1, momentum=0.99, epsilon=1e-3, center=True, scale=True,
                 beta_initializer="zeros", gamma_initializer="ones", moving_mean_initializer="zeros",
                 moving_variance_initializer="ones", beta_regularizer=None, gamma_regularizer=None,
                 beta_constraint=None, gamma_constraint=None, synchronized=False, renorm=False, **kwargs):
        for key in ("fused", "trainable_weights", "virtual_batch_size", "adjustment", "renorm_clipping",
                    "renorm_momentum"):
            kwargs.pop(key, None)
        super().__init__(**kwargs)
        if isinstance(axis, (list, tuple)):
            if len(axis) != 1:
                raise NotImplementedError(f"BatchNormalization over several axes {axis} is not supported")
            axis = axis[0]
        if renorm:
            raise NotImplementedError("BatchNormalization(renorm=True) is not supported")
        self.axis, self.momentum, self.epsilon = int(axis), float(momentum), float(epsilon)
        self.center, self.scale = center, scale
        self.beta_initializer = initializers.get(beta_initializer)
        self.gamma_initializer = initializers.get(gamma_initializer)
        self.moving_mean_initializer = initializers.get(moving_mean_initializer)
        self.moving_variance_initializer = initializers.get(moving_variance_initializer)
        self.beta_regularizer = regularizers.get(beta_regularizer)
        self.gamma_regularizer = regularizers.get(gamma_regularizer)
        self.supports_masking = True
        self._keras3 = False  # which generation's moving-variance update (see the module's docstring)

    @classmethod
    def from_config(cls, config):
        layer = cls(**config)
        layer._keras3 = "synchronized" in config or "renorm_clipping" in config
        return layer

    def build(self, input_shape):
        rank = len(input_shape)
        axis = self.axis % rank
        if axis != rank - 1:
            raise NotImplementedError("BatchNormalization supports the last axis only (channels_last)")
        dim = input_shape[axis]
        self.gamma = self.add_weight("gamma", (dim,), self.gamma_initializer, self.gamma_regularizer) \
            if self.scale else None
        self.beta = self.add_weight("beta", (dim,), self.beta_initializer, self.beta_regularizer) \
            if self.center else None
        self.moving_mean = self.add_weight("moving_mean", (dim,), self.moving_mean_initializer,
                                           trainable=False)
        self.moving_variance = self.add_weight("moving_variance", (dim,), self.moving_variance_initializer,
                                               trainable=False)
        self.built = True

    def call(self, inputs, training=None):
        axes = list(range(len(inputs.shape) - 1))
        if training:
            mean, var = nn_ops.moments(inputs, axes)
            m = self.momentum
            batch_var = var.numpy()
            n = int(np.prod(inputs.shape[:-1]))
            if not self._keras3 and len(inputs.shape) in (4, 5) and n > 1:  # Keras 2's fused kernel
                batch_var = batch_var * (n / (n - 1))
            self.moving_mean._value[...] = self.moving_mean._value * m + mean.numpy() * (1 - m)
            self.moving_variance._value[...] = self.moving_variance._value * m + batch_var * (1 - m)
        else:
            mean, var = self.moving_mean, self.moving_variance
        inv = math_ops.rsqrt(var + self.epsilon)
        if self.scale:
            inv = inv * self.gamma
        y = (inputs - mean) * inv
        if self.center:
            y = y + self.beta
        return y

    def get_config(self):
        return {**super().get_config(), "axis": self.axis, "momentum": self.momentum, "epsilon": self.epsilon,
                "center": self.center, "scale": self.scale,
                "beta_initializer": initializers.serialize(self.beta_initializer),
                "gamma_initializer": initializers.serialize(self.gamma_initializer),
                "moving_mean_initializer": initializers.serialize(self.moving_mean_initializer),
                "moving_variance_initializer": initializers.serialize(self.moving_variance_initializer),
                "beta_regularizer": regularizers.serialize(self.beta_regularizer),
                "gamma_regularizer": regularizers.serialize(self.gamma_regularizer),
                "beta_constraint": None, "gamma_constraint": None,
                **({"synchronized": False, "renorm": False, "renorm_clipping": None, "renorm_momentum": 0.99}
                   if self._keras3 else {})}


