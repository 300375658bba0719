"""Masking and padding: a Masking layer skips all-zero time steps in the LSTM that follows."""
import keras
from keras import layers
import numpy as np
from corpus import same_weights

x = np.sin(np.arange(2 * 5 * 3, dtype="float32")).reshape(2, 5, 3)
x[0, 3:] = 0.0
model = keras.Sequential([keras.Input(shape=(5, 3)), layers.Masking(mask_value=0.0), layers.LSTM(4)])
same_weights(model)
short = keras.Sequential([keras.Input(shape=(3, 3)), layers.LSTM(4)])
short.set_weights(model.get_weights())

RESULT = {"out": np.asarray(model(x)),
          "skips_padding": bool(np.allclose(np.asarray(model(x))[0],
                                            np.asarray(short(x[:1, :3]))[0], atol=1e-6))}
