"""Customizing fit(), going lower-level: own Mean trackers listed in the metrics property, so
they are reset every epoch; compile() gets only the optimizer."""
import keras
from keras import layers
import numpy as np
import tensorflow as tf
from corpus import same_weights

loss_tracker = keras.metrics.Mean(name="loss")
mae_metric = keras.metrics.MeanAbsoluteError(name="mae")


class CustomModel(keras.Model):
    def train_step(self, data):
        x, y = data
        with tf.GradientTape() as tape:
            y_pred = self(x, training=True)
            loss = keras.losses.mean_squared_error(y, y_pred)
        trainable_vars = self.trainable_variables
        gradients = tape.gradient(loss, trainable_vars)
        self.optimizer.apply_gradients(zip(gradients, trainable_vars))
        loss_tracker.update_state(loss)
        mae_metric.update_state(y, y_pred)
        return {"loss": loss_tracker.result(), "mae": mae_metric.result()}

    @property
    def metrics(self):
        return [loss_tracker, mae_metric]


inputs = keras.Input(shape=(8,))
outputs = layers.Dense(1)(inputs)
model = CustomModel(inputs, outputs)
same_weights(model)
model.compile(optimizer=keras.optimizers.SGD(0.05))
x = np.linspace(-1, 1, 32 * 8).reshape(32, 8).astype("float32")
y = np.linspace(0, 1, 32).reshape(32, 1).astype("float32")
history = model.fit(x, y, epochs=3, batch_size=8, shuffle=False, verbose=0)

# 12 SGD steps in float32: 1e-5 relative.
TOLERANCE = {"loss": 1e-5, "mae": 1e-5}
RESULT = {"keys": sorted(history.history), "loss": history.history["loss"], "mae": history.history["mae"]}
