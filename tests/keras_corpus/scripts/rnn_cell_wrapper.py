"""Working with RNNs: keras.layers.RNN over an LSTMCell equals the LSTM layer with its weights."""
import keras
from keras import layers
import numpy as np
from corpus import same_weights

inputs = keras.Input(shape=(4, 3))
lstm = keras.Model(inputs, layers.LSTM(5)(inputs))
cell_rnn = keras.Model(inputs, layers.RNN(layers.LSTMCell(5))(inputs))
same_weights(lstm)
cell_rnn.set_weights(lstm.get_weights())
x = np.linspace(-1, 1, 24).reshape(2, 4, 3).astype("float32")

RESULT = {"same": bool(np.allclose(lstm.predict(x, verbose=0), cell_rnn.predict(x, verbose=0), atol=1e-6)),
          "out": cell_rnn.predict(x, verbose=0)}
