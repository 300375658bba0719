"""Making new layers and models (the TensorFlow-backend edition): a Linear layer holding its
weights from __init__."""
import keras
import tensorflow as tf
import numpy as np


class Linear(keras.layers.Layer):
    def __init__(self, units=32, input_dim=32):
        super().__init__()
        self.w = self.add_weight(shape=(input_dim, units), initializer=keras.initializers.Constant(0.5),
                                 trainable=True)
        self.b = self.add_weight(shape=(units,), initializer="zeros", trainable=True)

    def call(self, inputs):
        return tf.matmul(inputs, self.w) + self.b


x = np.ones((2, 2), dtype="float32")
linear_layer = Linear(4, 2)
y = linear_layer(x)

RESULT = {
    "y": np.asarray(y),
    "n_weights": len(linear_layer.weights),
    "n_trainable": len(linear_layer.trainable_weights),
}
