"""Serialization and saving: clone_model copies the architecture with fresh weights."""
import keras
from keras import layers

model = keras.Sequential([keras.Input(shape=(4,)), layers.Dense(3, name="a"), layers.Dense(1, name="b")])
clone = keras.models.clone_model(model)

RESULT = {"layers": [type(layer).__name__ for layer in clone.layers],
          "params": clone.count_params(),
          "distinct_weights": clone.layers[0].kernel is not model.layers[0].kernel}
