"""The Sequential model guide: a stack of layers passed as a list, named, and counted."""
import keras
from keras import layers
import numpy as np

model = keras.Sequential(
    [
        layers.Dense(2, activation="relu", name="layer1"),
        layers.Dense(3, activation="relu", name="layer2"),
        layers.Dense(4, name="layer3"),
    ]
)
# Call the model on a test input: this creates the weights.
x = np.ones((3, 3), dtype="float32")
y = model(x)

RESULT = {
    "names": [layer.name for layer in model.layers],
    "output_shape": tuple(y.shape),
    "n_weights": len(model.weights),
    "params": model.count_params(),
}
