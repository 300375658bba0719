"""``LearningRateScheduler``: the learning rate of each epoch from a schedule."""

from __future__ import annotations

import numpy as np

from engine.keras.callbacks.callback import Callback, learning_rate_value


class LearningRateScheduler(Callback):
    """``schedule(epoch)`` or ``schedule(epoch, lr)`` sets the learning rate before each epoch."""

    def __init__(self, schedule, verbose=0):
        super().__init__()
        self.schedule, self.verbose = schedule, verbose

    def on_epoch_begin(self, epoch, logs=None):
        opt = self.model.optimizer
        try:
            lr = self.schedule(epoch, float(opt.learning_rate))  # a number, as Keras passes it
        except TypeError:
            lr = self.schedule(epoch)
        if not isinstance(lr, (float, int, np.floating, np.integer)):
            raise ValueError(f"the schedule must return a number, got {lr!r}")
        opt.learning_rate = float(lr)
        if self.verbose:
            print(f"\nEpoch {epoch + 1}: LearningRateScheduler setting learning rate to {lr}.")

    def on_epoch_end(self, epoch, logs=None):
        if logs is not None:
            logs["lr"] = learning_rate_value(self.model.optimizer)
