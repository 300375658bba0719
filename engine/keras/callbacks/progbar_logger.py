"""``ProgbarLogger``: the epoch lines and progress bar ``fit`` prints."""

from __future__ import annotations

from engine.keras.callbacks.callback import Callback
from engine.keras.utils import Progbar


class ProgbarLogger(Callback):
    """``Epoch 1/10`` and Keras's live progress bar (verbose=1) or one line per epoch (2)."""

    def __init__(self, count_mode="steps", stateful_metrics=None, verbose=1, mode="train"):
        super().__init__()
        self.verbose = verbose
        self.mode = mode
        self.bar = None

    def _new_bar(self):
        self.bar = Progbar(self.params.get("steps"), verbose=self.verbose)

    def on_epoch_begin(self, epoch, logs=None):
        if self.verbose and self.params.get("epochs", 1) >= 1:
            print(f"Epoch {epoch + 1}/{self.params['epochs']}", flush=True)
        self._new_bar()

    def on_train_batch_end(self, batch, logs=None):
        if self.bar is not None and batch + 1 < (self.params.get("steps") or 0):
            self.bar.update(batch + 1, logs)

    def on_epoch_end(self, epoch, logs=None):
        if self.bar is not None:
            self.bar.update(self.params.get("steps"), logs, finalize=True)

    def on_test_begin(self, logs=None):
        if self.mode == "test":
            self._new_bar()

    def on_test_batch_end(self, batch, logs=None):
        if self.mode == "test" and self.bar is not None and batch + 1 < (self.params.get("steps") or 0):
            self.bar.update(batch + 1, logs)

    def on_test_end(self, logs=None):
        if self.mode == "test" and self.bar is not None:
            self.bar.update(self.params.get("steps"), logs, finalize=True)

    # predict: a bar without metrics, as Keras prints it
    def on_predict_begin(self, logs=None):
        if self.mode == "predict":
            self._new_bar()

    def on_predict_batch_end(self, batch, logs=None):
        if self.mode == "predict" and self.bar is not None and batch + 1 < (self.params.get("steps") or 0):
            self.bar.update(batch + 1)

    def on_predict_end(self, logs=None):
        if self.mode == "predict" and self.bar is not None:
            self.bar.update(self.params.get("steps"), finalize=True)
