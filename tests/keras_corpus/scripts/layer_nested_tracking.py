"""Making new layers and models: layers assigned as attributes are tracked recursively."""
import keras
import numpy as np

REFERENCES = ("keras3",)  # keras.ops is Keras 3's


class Linear(keras.layers.Layer):
    def __init__(self, units=32):
        super().__init__()
        self.units = units

    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1], self.units), initializer="ones")
        self.b = self.add_weight(shape=(self.units,), initializer="zeros")

    def call(self, inputs):
        return keras.ops.matmul(inputs, self.w) + self.b


class MLPBlock(keras.layers.Layer):
    def __init__(self):
        super().__init__()
        self.linear_1 = Linear(8)
        self.linear_2 = Linear(8)
        self.linear_3 = Linear(1)

    def call(self, inputs):
        x = self.linear_1(inputs)
        x = keras.activations.relu(x)
        x = self.linear_2(x)
        x = keras.activations.relu(x)
        return self.linear_3(x)


mlp = MLPBlock()
y = mlp(np.ones(shape=(3, 4), dtype="float32"))

RESULT = {
    "weights": len(mlp.weights),
    "trainable_weights": len(mlp.trainable_weights),
    "y": np.asarray(y),
}
