"""Serialization and saving: get_weights/set_weights moves weights between two same-shaped models,
layer by layer."""
import keras
from keras import layers
import numpy as np


def create_layer():
    layer = layers.Dense(8, activation="relu", name="dense_1")
    layer.build((None, 4))
    return layer


layer_1 = create_layer()
layer_2 = create_layer()
layer_2.set_weights(layer_1.get_weights())
model = keras.Sequential([keras.Input(shape=(4,)), layers.Dense(3), layers.Dense(2)])
clone = keras.Sequential([keras.Input(shape=(4,)), layers.Dense(3), layers.Dense(2)])
clone.set_weights(model.get_weights())
x = np.ones((1, 4), dtype="float32")

RESULT = {
    "layer_shapes": [w.shape for w in layer_2.get_weights()],
    "layers_equal": all(np.array_equal(a, b) for a, b in zip(layer_1.get_weights(), layer_2.get_weights())),
    "models_equal": bool(np.allclose(model.predict(x, verbose=0), clone.predict(x, verbose=0))),
}
