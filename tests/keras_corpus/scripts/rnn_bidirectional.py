"""Working with RNNs: Bidirectional wrappers concatenate forward and backward outputs."""
import keras
from keras import layers
import numpy as np
from corpus import same_weights

model = keras.Sequential()
model.add(keras.Input(shape=(5, 10)))
model.add(layers.Bidirectional(layers.LSTM(8, return_sequences=True)))
model.add(layers.Bidirectional(layers.LSTM(4)))
model.add(layers.Dense(3))
same_weights(model)
x = np.cos(np.arange(2 * 5 * 10, dtype="float32")).reshape(2, 5, 10)

RESULT = {"output_shape": tuple(model.output_shape), "params": model.count_params(),
          "out": np.asarray(model(x))}
