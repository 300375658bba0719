"""Writing your own callbacks: every hook fires, and on_epoch_end receives the logs."""
import keras
from keras import layers
import numpy as np

seen = []


class CustomCallback(keras.callbacks.Callback):
    def on_train_begin(self, logs=None):
        seen.append("train_begin")

    def on_epoch_begin(self, epoch, logs=None):
        seen.append(f"epoch_begin {epoch}")

    def on_train_batch_end(self, batch, logs=None):
        seen.append(f"batch_end {batch} {sorted(logs)}")

    def on_epoch_end(self, epoch, logs=None):
        seen.append(f"epoch_end {epoch} {sorted(logs)}")

    def on_train_end(self, logs=None):
        seen.append("train_end")


x = np.zeros((8, 3), dtype="float32")
y = np.zeros((8, 1), dtype="float32")
model = keras.Sequential([keras.Input(shape=(3,)), layers.Dense(1)])
model.compile(optimizer="sgd", loss="mse", metrics=["mae"])
model.fit(x, y, batch_size=4, epochs=2, validation_data=(x, y), callbacks=[CustomCallback()], verbose=0)

RESULT = {"seen": seen}
