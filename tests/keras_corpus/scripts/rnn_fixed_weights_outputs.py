"""Working with RNNs: LSTM, GRU and SimpleRNN outputs on fixed weights agree number for number."""
import keras
from keras import layers
import numpy as np
from corpus import same_weights

inputs = keras.Input(shape=(6, 3))
lstm = layers.LSTM(4, return_sequences=True)(inputs)
gru = layers.GRU(4, return_sequences=True)(lstm)
outputs = layers.SimpleRNN(2)(gru)
model = keras.Model(inputs, outputs)
same_weights(model)
x = np.sin(np.arange(2 * 6 * 3, dtype="float32")).reshape(2, 6, 3)

RESULT = {"out": np.asarray(model(x))}
