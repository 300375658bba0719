"""Masking and padding: a layer that makes a mask with compute_mask, read by the next layer."""
import keras
from keras import layers
import numpy as np


class NonZeroMask(layers.Layer):
    def call(self, inputs):
        return inputs

    def compute_mask(self, inputs, mask=None):
        return keras.ops.any(keras.ops.not_equal(inputs, 0.0), axis=-1)


class MaskedMean(layers.Layer):
    def call(self, inputs, mask=None):
        mask = keras.ops.cast(mask, inputs.dtype)[..., None]
        return keras.ops.sum(inputs * mask, axis=1) / keras.ops.sum(mask, axis=1)


x = np.array([[[1.0, 2.0], [3.0, 4.0], [0.0, 0.0]]], dtype="float32")
inputs = keras.Input(shape=(3, 2))
outputs = MaskedMean()(NonZeroMask()(inputs))
model = keras.Model(inputs, outputs)

REFERENCES = ("keras3",)  # keras.ops is Keras 3's
RESULT = {"mean": model.predict(x, verbose=0)}
