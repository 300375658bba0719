"""The Sequential model guide: a model without an input shape has no weights until it sees data."""
import keras
from keras import layers
import numpy as np

layer = layers.Dense(3)
no_weights = len(layer.weights)
layer(np.ones((1, 4), dtype="float32"))

model = keras.Sequential(
    [
        layers.Dense(2, activation="relu"),
        layers.Dense(3, activation="relu"),
        layers.Dense(4),
    ]
)
x = np.ones((1, 4), dtype="float32")
y = model(x)

RESULT = {
    "layer_weights_before": no_weights,
    "layer_weights_after": len(layer.weights),
    "kernel_shape": tuple(layer.kernel.shape),
    "model_weights": len(model.weights),
    "output_shape": tuple(y.shape),
}
