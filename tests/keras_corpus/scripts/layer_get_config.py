"""Making new layers and models: get_config so a custom layer can be rebuilt with from_config."""
import keras
import numpy as np

REFERENCES = ("keras3",)  # keras.ops is Keras 3's


class Linear(keras.layers.Layer):
    def __init__(self, units=32, **kwargs):
        super().__init__(**kwargs)
        self.units = units

    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1], self.units), initializer="ones")

    def call(self, inputs):
        return keras.ops.matmul(inputs, self.w)

    def get_config(self):
        config = super().get_config()
        config.update({"units": self.units})
        return config


layer = Linear(64, name="lin")
config = layer.get_config()
new_layer = Linear.from_config(config)
y = new_layer(np.ones((1, 3), dtype="float32"))

RESULT = {
    "units": config["units"],
    "name": config["name"],
    "has_trainable": "trainable" in config,
    "new_name": new_layer.name,
    "y_sum": float(np.sum(np.asarray(y))),
}
