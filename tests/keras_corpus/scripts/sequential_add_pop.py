"""The Sequential model guide: build incrementally with add(), then pop() the last layer."""
import keras
from keras import layers

model = keras.Sequential()
model.add(keras.Input(shape=(4,)))
model.add(layers.Dense(2, activation="relu"))
model.add(layers.Dense(3, activation="relu"))
model.add(layers.Dense(4))
before = len(model.layers)
model.pop()

RESULT = {
    "before": before,
    "after": len(model.layers),
    "output_shape": tuple(model.output_shape),
    "params": model.count_params(),
}
