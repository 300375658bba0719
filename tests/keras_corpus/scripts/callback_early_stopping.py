"""Callbacks: EarlyStopping stops when val_loss has not improved for `patience` epochs (here the
learning rate is 0, so it never improves)."""
import keras
from keras import layers
import numpy as np

x = np.linspace(-1, 1, 40).reshape(20, 2).astype("float32")
y = np.ones((20, 1), dtype="float32")
model = keras.Sequential([keras.Input(shape=(2,)), layers.Dense(1)])
model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.0), loss="mse")
stopper = keras.callbacks.EarlyStopping(monitor="val_loss", patience=2, verbose=0)
history = model.fit(x, y, validation_data=(x, y), epochs=20, callbacks=[stopper], verbose=0)

RESULT = {"epochs_run": len(history.history["loss"]), "stopped_epoch": stopper.stopped_epoch}
