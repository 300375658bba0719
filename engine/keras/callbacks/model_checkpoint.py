"""``ModelCheckpoint``: save the model (or its weights) as training goes."""

from __future__ import annotations

import os

import numpy as np

from engine.keras.callbacks.callback import Callback, monitor_mode


class ModelCheckpoint(Callback):
    """Save the model (or its weights) after every epoch, or only when ``monitor`` improves.
    ``filepath`` may hold ``{epoch:02d}`` and any log key: ``weights.{epoch:02d}-{val_loss:.2f}.h5``."""

    def __init__(self, filepath, monitor="val_loss", verbose=0, save_best_only=False,
                 save_weights_only=False, mode="auto", save_freq="epoch", period=None, **kwargs):
        super().__init__()
        self.filepath = os.fspath(filepath)
        self.monitor, self.verbose = monitor, verbose
        self.save_best_only, self.save_weights_only = save_best_only, save_weights_only
        self.mode = monitor_mode(mode, monitor)
        self.period = period or 1
        self.best = -np.inf if self.mode == "max" else np.inf

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        if (epoch + 1) % self.period:
            return
        path = self.filepath.format(epoch=epoch + 1, **logs)
        if self.save_best_only:
            current = logs.get(self.monitor)
            if current is None:
                return
            improved = current > self.best if self.mode == "max" else current < self.best
            if not improved:
                return
            if self.verbose:
                print(f"\nEpoch {epoch + 1}: {self.monitor} improved from {self.best:.5f} to "
                      f"{current:.5f}, saving model to {path}")
            self.best = current
        os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
        if self.save_weights_only:
            self.model.save_weights(path)
        else:
            self.model.save(path)
