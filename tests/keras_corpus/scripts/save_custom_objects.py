"""Serialization and saving: a custom layer and function registered and found by load_model."""
import os
import tempfile
import keras
from keras import layers
import numpy as np
from corpus import same_weights


@keras.utils.register_keras_serializable(package="MyLayers")
class Scale(layers.Layer):
    def __init__(self, factor=2.0, **kwargs):
        super().__init__(**kwargs)
        self.factor = factor

    def call(self, x):
        return x * self.factor

    def get_config(self):
        return {**super().get_config(), "factor": self.factor}


inputs = keras.Input(shape=(3,))
outputs = Scale(3.0)(layers.Dense(2)(inputs))
model = keras.Model(inputs, outputs)
same_weights(model)
path = os.path.join(tempfile.mkdtemp(), "custom.h5")
model.save(path)
loaded = keras.models.load_model(path)
x = np.ones((2, 3), dtype="float32")

RESULT = {"types": [type(layer).__name__ for layer in loaded.layers],
          "factor": loaded.layers[-1].factor,
          "same": bool(np.allclose(model.predict(x, verbose=0), loaded.predict(x, verbose=0)))}
