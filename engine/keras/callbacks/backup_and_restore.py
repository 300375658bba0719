"""``BackupAndRestore``: survive an interrupted ``fit``. At the end of each epoch (or every
``save_freq`` batches) the model's weights, the optimizer's state and the number of completed
epochs go to ``backup_dir``; a later ``fit`` with the same callback restores them and resumes
after the last completed epoch; a ``fit`` that finishes deletes the backup (``delete_checkpoint``).
"""

from __future__ import annotations

import json
import os
import shutil

import numpy as np

from engine.keras.callbacks.callback import Callback


class BackupAndRestore(Callback):
    def __init__(self, backup_dir, save_freq="epoch", delete_checkpoint=True, save_before_preemption=False,
                 double_checkpoint=False):
        super().__init__()
        if not backup_dir:
            raise ValueError("Empty `backup_dir` argument passed")
        if save_freq != "epoch" and not isinstance(save_freq, int):
            raise ValueError(f"Invalid value for argument `save_freq`. Received: save_freq={save_freq}. "
                             "Expected either 'epoch' or an integer value.")
        self.backup_dir = os.fspath(backup_dir)
        self.save_freq, self.delete_checkpoint = save_freq, delete_checkpoint
        self.double_checkpoint = double_checkpoint
        self._weights_path = os.path.join(self.backup_dir, "latest.weights.h5")
        self._optimizer_path = os.path.join(self.backup_dir, "optimizer.npz")
        self._metadata_path = os.path.join(self.backup_dir, "training_metadata.json")
        self._current_epoch = 0
        self._batches_since_save = 0
        self._last_batch = 0

    def on_train_begin(self, logs=None):
        if not self.model.built:
            raise ValueError("To use the BackupAndRestore callback, your model must be built before you "
                             f"call `fit()`. Model {self.model.name!r} is unbuilt.")
        if not os.path.exists(self._metadata_path):
            return
        self.model.load_weights(self._weights_path)
        opt = getattr(self.model, "optimizer", None)
        if opt is not None and os.path.exists(self._optimizer_path):
            with np.load(self._optimizer_path) as saved:
                state = [saved[f"arr_{i}"] for i in range(len(saved.files))]
            opt.set_weights(state, var_list=self.model.trainable_weights)
        with open(self._metadata_path, encoding="utf-8") as f:
            epoch = int(json.load(f)["epoch"])
        self._current_epoch = epoch
        self.model._initial_epoch = epoch  # fit starts there

    def on_epoch_end(self, epoch, logs=None):
        self._current_epoch = epoch + 1
        self._last_batch = 0
        if self.save_freq == "epoch":
            self._save()

    def on_train_batch_end(self, batch, logs=None):
        if self.save_freq == "epoch":
            return
        self._batches_since_save += batch + 1 if batch <= self._last_batch else batch - self._last_batch
        self._last_batch = batch
        if self._batches_since_save >= self.save_freq:
            self._batches_since_save = 0
            self._save()

    def _save(self):
        os.makedirs(self.backup_dir, exist_ok=True)
        if self.double_checkpoint and os.path.exists(self._weights_path):
            shutil.copyfile(self._weights_path, self._weights_path + ".bkp")
        self.model.save_weights(self._weights_path)
        opt = getattr(self.model, "optimizer", None)
        if opt is not None:
            np.savez(self._optimizer_path, *opt.get_weights())
        tmp = self._metadata_path + ".tmp"
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump({"epoch": self._current_epoch, "batch": self._last_batch}, f)
        os.replace(tmp, self._metadata_path)  # written last: a backup is complete once it names an epoch

    def on_train_end(self, logs=None):
        if self.delete_checkpoint and os.path.exists(self.backup_dir):
            shutil.rmtree(self.backup_dir)
