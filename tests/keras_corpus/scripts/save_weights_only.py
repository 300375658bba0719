"""Serialization and saving: save_weights / load_weights into a freshly built twin."""
import os
import tempfile
import keras
from keras import layers
import numpy as np
from corpus import same_weights


def make():
    return keras.Sequential([keras.Input(shape=(5,)), layers.Dense(4, activation="relu"), layers.Dense(2)])


model = make()
same_weights(model)
path = os.path.join(tempfile.mkdtemp(), "ckpt.weights.h5")
model.save_weights(path)
twin = make()
twin.load_weights(path)
x = np.linspace(0, 1, 10).reshape(2, 5).astype("float32")

RESULT = {"same": all(np.array_equal(a, b) for a, b in zip(model.get_weights(), twin.get_weights())),
          "out": twin.predict(x, verbose=0)}
