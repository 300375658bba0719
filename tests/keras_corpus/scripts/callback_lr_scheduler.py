"""Callbacks: LearningRateScheduler sets the optimizer's rate from the epoch index."""
import keras
from keras import layers
import numpy as np
rates = []


def scheduler(epoch, lr):
    if epoch < 2:
        return lr
    return lr * 0.5


class Record(keras.callbacks.Callback):
    def on_epoch_end(self, epoch, logs=None):
        rates.append(float(np.asarray(self.model.optimizer.learning_rate)))


x = np.zeros((4, 2), dtype="float32")
y = np.zeros((4, 1), dtype="float32")
model = keras.Sequential([keras.Input(shape=(2,)), layers.Dense(1)])
model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1), loss="mse")
model.fit(x, y, epochs=4, callbacks=[keras.callbacks.LearningRateScheduler(scheduler), Record()], verbose=0)

RESULT = {"rates": rates}
