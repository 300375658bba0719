"""``ReduceLROnPlateau``: lower the learning rate when a monitored value stalls."""

from __future__ import annotations

import numpy as np

from engine.keras.callbacks.callback import Callback, learning_rate_value, monitor_mode


class ReduceLROnPlateau(Callback):
    def __init__(self, monitor="val_loss", factor=0.1, patience=10, verbose=0, mode="auto", min_delta=1e-4,
                 cooldown=0, min_lr=0.0, **kwargs):
        super().__init__()
        self.monitor, self.factor, self.patience, self.verbose = monitor, factor, patience, verbose
        self.mode = monitor_mode(mode, monitor)
        self.min_delta, self.cooldown, self.min_lr = min_delta, cooldown, min_lr

    def on_train_begin(self, logs=None):
        self.wait, self.cooldown_counter = 0, 0
        self.best = -np.inf if self.mode == "max" else np.inf

    def on_epoch_end(self, epoch, logs=None):
        if logs is not None:  # the rate this epoch ran with, before any reduction (Keras's "lr")
            logs["lr"] = learning_rate_value(self.model.optimizer)
        current = (logs or {}).get(self.monitor)
        if current is None:
            return
        if self.mode == "max":
            better = current > self.best + self.min_delta
        else:
            better = current < self.best - self.min_delta
        if self.cooldown_counter > 0:
            self.cooldown_counter -= 1
            self.wait = 0
        if better:
            self.best, self.wait = current, 0
        elif self.cooldown_counter <= 0:
            self.wait += 1
            if self.wait >= self.patience:
                opt = self.model.optimizer
                old = learning_rate_value(opt)
                new = max(old * self.factor, self.min_lr)
                if new < old:
                    opt.learning_rate = new
                    if self.verbose:
                        print(f"\nEpoch {epoch + 1}: ReduceLROnPlateau reducing learning rate to {new}.")
                self.cooldown_counter, self.wait = self.cooldown, 0
