"""``TerminateOnNaN``: stop when the loss stops being finite."""

from __future__ import annotations

import math

from engine.keras.callbacks.callback import Callback


class TerminateOnNaN(Callback):
    def on_train_batch_end(self, batch, logs=None):
        loss = (logs or {}).get("loss")
        if loss is not None and not math.isfinite(loss):
            print(f"Batch {batch}: invalid loss, terminating training")
            self.model.stop_training = True
