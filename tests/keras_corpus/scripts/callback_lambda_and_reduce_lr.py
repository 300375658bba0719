"""Callbacks: LambdaCallback hooks and ReduceLROnPlateau halving the rate while the loss is flat
(the inputs are zeros and the layer has no bias: the gradient is zero)."""
import keras
from keras import layers
import numpy as np

epochs_seen, rates = [], []
x = np.zeros((10, 2), dtype="float32")
y = np.ones((10, 1), dtype="float32")
model = keras.Sequential([keras.Input(shape=(2,)), layers.Dense(1, use_bias=False)])
model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.4), loss="mse")
callbacks = [
    keras.callbacks.ReduceLROnPlateau(monitor="loss", factor=0.5, patience=1, verbose=0),
    keras.callbacks.LambdaCallback(on_epoch_end=lambda epoch, logs: (
        epochs_seen.append(epoch), rates.append(float(np.asarray(model.optimizer.learning_rate))))),
]
history = model.fit(x, y, epochs=4, callbacks=callbacks, verbose=0)

RESULT = {"epochs_seen": epochs_seen, "rates": rates, "loss": history.history["loss"]}
