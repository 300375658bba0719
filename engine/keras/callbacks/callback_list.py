"""The callbacks of one ``fit``/``evaluate``/``predict`` call: the user's, then History, then the
progress bar."""

from __future__ import annotations

from engine.keras.callbacks.history import History
from engine.keras.callbacks.progbar_logger import ProgbarLogger


class CallbackList:
    """Calls each hook on every callback in order."""

    def __init__(self, callbacks=None, add_history=False, add_progbar=False, model=None, verbose=1,
                 epochs=1, steps=None, mode="train"):
        self.callbacks = list(callbacks or [])
        # Keras 2 and 3 alike: History, then the progress bar, after the user's callbacks, so
        # what those add to the epoch's logs (a learning rate, say) reaches history.history.
        history = next((cb for cb in self.callbacks if isinstance(cb, History)), None)
        if history is None and add_history:
            history = History()
            self.callbacks.append(history)
        if history is not None:
            model.history = history
        if add_progbar and not any(isinstance(cb, ProgbarLogger) for cb in self.callbacks):
            self.callbacks.append(ProgbarLogger(verbose=verbose, mode=mode))
        params = {"verbose": verbose, "epochs": epochs, "steps": steps}
        for cb in self.callbacks:
            cb.set_model(model)
            cb.set_params(params)

    def _call(self, hook, *args):
        for cb in self.callbacks:
            getattr(cb, hook)(*args)

    def on_train_begin(self, logs=None):
        self._call("on_train_begin", logs)

    def on_train_end(self, logs=None):
        self._call("on_train_end", logs)

    def on_epoch_begin(self, epoch, logs=None):
        self._call("on_epoch_begin", epoch, logs)

    def on_epoch_end(self, epoch, logs=None):
        self._call("on_epoch_end", epoch, logs)

    def on_train_batch_begin(self, batch, logs=None):
        self._call("on_batch_begin", batch, logs)  # Keras 1 names; they forward to on_train_batch_*

    def on_train_batch_end(self, batch, logs=None):
        self._call("on_batch_end", batch, logs)

    def on_test_begin(self, logs=None):
        self._call("on_test_begin", logs)

    def on_test_end(self, logs=None):
        self._call("on_test_end", logs)

    def on_test_batch_begin(self, batch, logs=None):
        self._call("on_test_batch_begin", batch, logs)

    def on_test_batch_end(self, batch, logs=None):
        self._call("on_test_batch_end", batch, logs)

    def on_predict_begin(self, logs=None):
        self._call("on_predict_begin", logs)

    def on_predict_end(self, logs=None):
        self._call("on_predict_end", logs)

    def on_predict_batch_begin(self, batch, logs=None):
        self._call("on_predict_batch_begin", batch, logs)

    def on_predict_batch_end(self, batch, logs=None):
        self._call("on_predict_batch_end", batch, logs)
