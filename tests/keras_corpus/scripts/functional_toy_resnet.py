"""The functional API guide's toy ResNet: residual connections with layers.add."""
import keras
from keras import layers
import numpy as np
from corpus import same_weights

inputs = keras.Input(shape=(8, 8, 1), name="img")
x = layers.Conv2D(8, 3, activation="relu")(inputs)
block_1_output = layers.MaxPooling2D(2)(x)
x = layers.Conv2D(8, 3, activation="relu", padding="same")(block_1_output)
x = layers.Conv2D(8, 3, activation="relu", padding="same")(x)
block_2_output = layers.add([x, block_1_output])
x = layers.Flatten()(block_2_output)
x = layers.Dense(16, activation="relu")(x)
outputs = layers.Dense(10)(x)
model = keras.Model(inputs, outputs, name="toy_resnet")
same_weights(model)
images = np.linspace(0, 1, 3 * 64).reshape(3, 8, 8, 1).astype("float32")

RESULT = {
    "params": model.count_params(),
    "n_layers": len(model.layers),
    "block_shape": tuple(block_2_output.shape),
    "logits": np.asarray(np.asarray(model(images))),
}
