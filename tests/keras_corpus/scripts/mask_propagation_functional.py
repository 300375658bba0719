"""Masking and padding: the mask from Embedding(mask_zero=True) reaches the LSTM in a functional
model, so padded and unpadded sequences give the same encoding."""
import keras
from keras import layers
import numpy as np
from corpus import same_weights

inputs = keras.Input(shape=(None,), dtype="int32")
x = layers.Embedding(input_dim=20, output_dim=4, mask_zero=True)(inputs)
outputs = layers.LSTM(3)(x)
model = keras.Model(inputs, outputs)
same_weights(model)
padded = np.array([[5, 7, 2, 0, 0]])
unpadded = np.array([[5, 7, 2]])

RESULT = {"equal": bool(np.allclose(np.asarray(model(padded)), np.asarray(model(unpadded)),
                                    atol=1e-6)),
          "out": np.asarray(model(padded))}
