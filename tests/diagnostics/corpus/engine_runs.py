"""Corpus runs trained by our engine: ``model.fit`` logged by its TensorBoard callback, plus
the hidden layer's activations as a histogram (``hidden/activations``), the way a user's own
callback would log them."""

from __future__ import annotations

import os

import numpy as np

import engine
from engine import keras
from engine.summary import SummaryWriter
from tests.diagnostics.corpus import data


class LogActivations(keras.callbacks.Callback):
    """The first layer's outputs on the validation inputs, every epoch."""

    def __init__(self, logdir, x, activation):
        super().__init__()
        self.path, self.x, self.activation = os.path.join(str(logdir), "train"), x, activation

    def on_train_begin(self, logs=None):
        self.writer = SummaryWriter(self.path, filename_suffix=".activations")

    def on_epoch_end(self, epoch, logs=None):
        kernel, bias = self.model.layers[0].get_weights()
        z = self.x.reshape(len(self.x), -1) @ kernel + bias
        h = np.maximum(z, 0) if self.activation == "relu" else np.tanh(z)
        if np.isfinite(h).all():
            self.writer.add_histogram("hidden/activations", h, epoch)

    def on_train_end(self, logs=None):
        self.writer.close()


def train(logdir, shape="mlp", activation="relu", lr=0.01, optimizer="adam", epochs=10, units=32,
          samples=data.TRAIN, frozen=False, nan=False, shuffled=False, schedule=None,
          update_freq="epoch", bias=0.0, init_scale=None, batch_size=64):
    engine.random.set_seed(0)
    (x, y), validation = data.load(samples, nan=nan, shuffled=shuffled, sequence=shape == "lstm")
    L = keras.layers
    if shape == "lstm":
        first = L.LSTM(units, input_shape=(8, 8))
    else:
        init = (keras.initializers.RandomNormal(stddev=init_scale) if init_scale else "glorot_uniform")
        first = L.Dense(units, activation=activation, input_shape=(64,), kernel_initializer=init,
                        bias_initializer=keras.initializers.Constant(bias))
    model = keras.Sequential([first, L.Dense(10, activation="softmax")])
    model.layers[0].trainable = not frozen
    if schedule == "exponential":
        lr = keras.optimizers.schedules.ExponentialDecay(lr,
            decay_steps=3 * len(x) // batch_size, decay_rate=0.01)
    opt = (keras.optimizers.Adam(learning_rate=lr) if optimizer == "adam"
           else keras.optimizers.SGD(learning_rate=lr))
    model.compile(optimizer=opt, loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    callbacks = [keras.callbacks.TensorBoard(log_dir=str(logdir), histogram_freq=1, update_freq=update_freq)]
    if shape == "mlp":
        callbacks.append(LogActivations(logdir, validation[0], activation))
    model.fit(x, y, epochs=epochs, batch_size=batch_size, verbose=0, validation_data=validation,
              callbacks=callbacks)
