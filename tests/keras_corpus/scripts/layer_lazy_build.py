"""Making new layers and models: weights created in build() once the input shape is known."""
import keras
import numpy as np

REFERENCES = ("keras3",)  # keras.ops is Keras 3's


class Linear(keras.layers.Layer):
    def __init__(self, units=32):
        super().__init__()
        self.units = units

    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1], self.units), initializer="random_normal",
                                 trainable=True)
        self.b = self.add_weight(shape=(self.units,), initializer="random_normal", trainable=True)

    def call(self, inputs):
        return keras.ops.matmul(inputs, self.w) + self.b


linear_layer = Linear(3)
before = len(linear_layer.weights)
x = np.linspace(0, 1, 10).reshape(2, 5).astype("float32")
y = linear_layer(x)
linear_layer.set_weights([np.full((5, 3), 0.1, "float32"), np.arange(3, dtype="float32")])

RESULT = {
    "before": before,
    "after": len(linear_layer.weights),
    "kernel_shape": tuple(linear_layer.w.shape),
    "y_shape": tuple(y.shape),
    "y": np.asarray(linear_layer(x)),
}
