"""Customizing fit() (tf.keras 2): train_step with compiled_loss and compiled_metrics."""
import keras
from keras import layers
import numpy as np
import tensorflow as tf
from corpus import same_weights

REFERENCES = ("keras2",)  # compiled_loss/compiled_metrics are Keras 2's
calls = []


class CustomModel(keras.Model):
    def train_step(self, data):
        calls.append(1)
        x, y = data
        with tf.GradientTape() as tape:
            y_pred = self(x, training=True)
            loss = self.compiled_loss(y, y_pred, regularization_losses=self.losses)
        trainable_vars = self.trainable_variables
        gradients = tape.gradient(loss, trainable_vars)
        self.optimizer.apply_gradients(zip(gradients, trainable_vars))
        self.compiled_metrics.update_state(y, y_pred)
        return {m.name: m.result() for m in self.metrics}


inputs = keras.Input(shape=(32,))
outputs = layers.Dense(1)(inputs)
model = CustomModel(inputs, outputs)
same_weights(model)
model.compile(optimizer=keras.optimizers.SGD(0.01), loss="mse", metrics=["mae"])
x = np.linspace(-1, 1, 64 * 32).reshape(64, 32).astype("float32")
y = np.linspace(0, 1, 64).reshape(64, 1).astype("float32")
history = model.fit(x, y, epochs=2, batch_size=32, shuffle=False, verbose=0)

RESULT = {"train_step_calls": len(calls) > 0, "keys": sorted(history.history),
          "loss": history.history["loss"]}
