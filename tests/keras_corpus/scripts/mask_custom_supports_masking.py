"""Masking and padding: a custom layer with supports_masking passes the mask on unchanged."""
import keras
from keras import layers
import numpy as np
from corpus import same_weights


class MyActivation(layers.Layer):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True

    def call(self, inputs):
        return keras.activations.relu(inputs)


inputs = keras.Input(shape=(None,), dtype="int32")
x = layers.Embedding(input_dim=20, output_dim=4, mask_zero=True)(inputs)
x = MyActivation()(x)
outputs = layers.GRU(3)(x)
model = keras.Model(inputs, outputs)
same_weights(model)

RESULT = {"equal": bool(np.allclose(np.asarray(model(np.array([[3, 4, 0, 0]]))),
                                    np.asarray(model(np.array([[3, 4]]))), atol=1e-6))}
