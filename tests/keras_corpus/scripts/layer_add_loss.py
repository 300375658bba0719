"""Making new layers and models: add_loss() inside call, collected in layer.losses."""
import keras
from keras import layers
import numpy as np

REFERENCES = ("keras3",)  # keras.ops is Keras 3's


class ActivityRegularizationLayer(layers.Layer):
    def __init__(self, rate=1e-2):
        super().__init__()
        self.rate = rate

    def call(self, inputs):
        self.add_loss(self.rate * keras.ops.mean(inputs))
        return inputs


inputs = keras.Input(shape=(3,))
x = layers.Dense(2, kernel_initializer="ones")(inputs)
x = ActivityRegularizationLayer(0.5)(x)
outputs = layers.Dense(1, kernel_initializer="ones")(x)
model = keras.Model(inputs, outputs)
data = np.ones((4, 3), dtype="float32")
model.compile(optimizer="sgd", loss="mse")
loss_with_penalty = model.evaluate(data, np.zeros((4, 1)), verbose=0)
model(data)

RESULT = {
    "n_losses": len(model.losses),
    "penalty": float(np.asarray(model.losses[0])),
    "evaluate_loss": loss_with_penalty,
}
