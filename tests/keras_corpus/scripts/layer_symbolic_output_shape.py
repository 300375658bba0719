"""Making new layers and models: a custom layer's symbolic output shape comes from call."""
import keras
from keras import layers

REFERENCES = ("keras3",)  # keras.ops is Keras 3's


class Halve(layers.Layer):
    def call(self, inputs):
        return inputs[:, : inputs.shape[-1] // 2]


class Pairs(layers.Layer):
    def call(self, inputs):
        return keras.ops.reshape(inputs, (-1, inputs.shape[1] // 2, 2))


inputs = keras.Input(shape=(8,))
x = Halve()(inputs)
y = Pairs()(inputs)
model = keras.Model(inputs, [x, y])

RESULT = {
    "halve_shape": tuple(x.shape),
    "pairs_shape": tuple(y.shape),
    "output_shapes": [tuple(o.shape) for o in model.outputs],
}
