"""Making new layers and models: a layer with a non-trainable running total."""
import keras
import numpy as np

REFERENCES = ("keras3",)  # keras.ops is Keras 3's


class ComputeSum(keras.layers.Layer):
    def __init__(self, input_dim):
        super().__init__()
        self.total = self.add_weight(initializer="zeros", shape=(input_dim,), trainable=False)

    def call(self, inputs):
        self.total.assign_add(keras.ops.sum(inputs, axis=0))
        return self.total


x = np.ones((2, 2), dtype="float32")
my_sum = ComputeSum(2)
y = my_sum(x)
y = my_sum(x)

RESULT = {
    "total": np.asarray(y),
    "weights": len(my_sum.weights),
    "non_trainable": len(my_sum.non_trainable_weights),
    "trainable": len(my_sum.trainable_weights),
}
