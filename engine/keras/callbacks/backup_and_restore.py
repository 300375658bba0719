"""``BackupAndRestore``: survive an interrupted ``fit``. At the end of each epoch (or every
``save_freq`` batches) the model's weights, the optimizer's state and the number of completed
epochs go to ``backup_dir``; a later ``fit`` with the same callback restores them and resumes
after the last completed epoch; a ``fit`` that finishes deletes the backup (``delete_checkpoint``).

Resuming is epoch-level, as in Keras 3 (TensorFlow 2.16+'s ``tf.keras``): a backup written mid-epoch
records the epochs completed so far, so the interrupted epoch runs again from the backed-up weights
(tf_keras 2 instead skips the batches already done). Under a distribution strategy the driver is
the chief: it writes the backup, after the steps in flight have landed (``strategy._sync``).

A backup is never half-written: the new files are written beside the old ones, the old backup's
metadata is removed, the files are swapped in and the metadata, which names the epoch, comes last.
A crash in between leaves no backup (training starts over) rather than weights of one epoch under
the number of another.
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
        if save_freq is False or save_freq is None:
            raise ValueError("Either `save_freq` or `save_before_preemption` must be set (preemption "
                             "notices are not supported here: use save_freq='epoch' or a number of batches)")
        if save_freq != "epoch" and (not isinstance(save_freq, int) or isinstance(save_freq, bool)
                                     or save_freq < 1):
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
            strategy = getattr(self.model, "_distribute_strategy", None)
            if strategy is not None:
                strategy._sync(self.model)  # parameter servers: the steps in flight land in the model
            self._save()

    def _save(self):
        os.makedirs(self.backup_dir, exist_ok=True)
        if self.double_checkpoint and os.path.exists(self._weights_path):
            shutil.copyfile(self._weights_path, self._weights_path + ".bkp")
        # the weights' format follows the name's ending, so the new file ends as the old one does
        weights_tmp = os.path.join(self.backup_dir, "writing.weights.h5")
        optimizer_tmp = os.path.join(self.backup_dir, "writing.optimizer.npz")
        self.model.save_weights(weights_tmp)
        opt = getattr(self.model, "optimizer", None)
        if opt is not None:
            np.savez(optimizer_tmp, *opt.get_weights())
        metadata_tmp = self._metadata_path + ".tmp"
        with open(metadata_tmp, "w", encoding="utf-8") as f:
            json.dump({"epoch": self._current_epoch, "batch": self._last_batch}, f)
        if os.path.exists(self._metadata_path):
            os.remove(self._metadata_path)  # from here until the last replace there is no backup
        os.replace(weights_tmp, self._weights_path)
        if opt is not None:
            os.replace(optimizer_tmp, self._optimizer_path)
        os.replace(metadata_tmp, self._metadata_path)

    def on_train_end(self, logs=None):
        if self.delete_checkpoint and os.path.exists(self.backup_dir):
            shutil.rmtree(self.backup_dir)
