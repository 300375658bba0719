"""Embedding: integer ids to dense vectors; ``mask_zero=True`` marks id 0 as padding for the
recurrent layers that follow."""

from __future__ import annotations

import numpy as np

from engine.framework.tensor import Tensor, eager
from engine.keras import constraints, initializers, regularizers
from engine.keras.layers.base import Layer
from engine.ops import fused_ops


class Embedding(Layer):
    def __init__(self, input_dim, output_dim, embeddings_initializer="uniform", embeddings_regularizer=None,
                 activity_regularizer=None, embeddings_constraint=None, mask_zero=False, input_length=None,
                 sparse=False, **kwargs):
        if input_length is not None and "input_shape" not in kwargs and "batch_input_shape" not in kwargs:
            kwargs["input_shape"] = (input_length,)
        super().__init__(**kwargs)
        if not isinstance(input_dim, (int, np.integer)) or input_dim <= 0:
            raise ValueError(f"Embedding input_dim must be a positive integer, got {input_dim!r}")
        if not isinstance(output_dim, (int, np.integer)) or output_dim <= 0:
            raise ValueError(f"Embedding output_dim must be a positive integer, got {output_dim!r}")
        self.input_dim, self.output_dim = int(input_dim), int(output_dim)
        self.embeddings_initializer = initializers.get(embeddings_initializer)
        self.embeddings_regularizer = regularizers.get(embeddings_regularizer)
        self.embeddings_constraint = constraints.get(embeddings_constraint)
        self.mask_zero = bool(mask_zero)
        self.input_length = input_length
        self.supports_masking = self.mask_zero

    def build(self, input_shape):
        self.embeddings = self.add_weight("embeddings", (self.input_dim, self.output_dim),
                                          self.embeddings_initializer, self.embeddings_regularizer)
        self.built = True

    def call(self, inputs):
        ids = inputs.numpy() if isinstance(inputs, Tensor) else np.asarray(inputs)
        ids = ids.astype(np.int64, copy=False)
        if ids.size and (ids.min() < 0 or ids.max() >= self.input_dim):
            raise ValueError(f"Embedding {self.name!r}: ids must lie in [0, {self.input_dim}), "
                             f"got values from {ids.min()} to {ids.max()}")
        return fused_ops.embedding_lookup(self.embeddings, eager(ids))

    def compute_mask(self, inputs, mask=None):
        if not self.mask_zero:
            return None
        ids = inputs.numpy() if isinstance(inputs, Tensor) else np.asarray(inputs)
        return ids != 0

    def compute_output_shape(self, input_shape):
        return tuple(input_shape) + (self.output_dim,)

    def _output_dtype(self, inputs):
        return self.dtype

    def get_config(self):
        return {**super().get_config(), "input_dim": self.input_dim, "output_dim": self.output_dim,
                "embeddings_initializer": initializers.serialize(self.embeddings_initializer),
                "embeddings_regularizer": regularizers.serialize(self.embeddings_regularizer),
                "activity_regularizer": None,
                "embeddings_constraint": constraints.serialize(self.embeddings_constraint),
                "mask_zero": self.mask_zero,
                "input_length": self.input_length}
