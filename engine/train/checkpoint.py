"""``tf.train.Checkpoint`` and ``tf.train.CheckpointManager``: object-based checkpoints.

What is saved is found by walking the objects given to ``Checkpoint(...)``: Variables, Keras
variables, layers and models (their weights, in order), Keras optimizers (iterations and slots),
``tf.Module`` attributes and nested Checkpoints. Each value is stored under its path from the root,
spelt as TensorFlow spells it (``model/weights/0/.ATTRIBUTES/VARIABLE_VALUE``), so a checkpoint
restores into a freshly built program that holds the same objects under the same names. Files
are ``<prefix>.npz`` (not TensorFlow's binary bundle) beside TensorFlow's ``checkpoint`` state
file, which ``tf.train.latest_checkpoint`` reads.
"""

from __future__ import annotations

import glob
import os

import numpy as np

from engine.errors import NotFoundError
from engine.framework.variables import Variable
from engine.train.saver import _write_index, latest_checkpoint

_VALUE = ".ATTRIBUTES/VARIABLE_VALUE"


def _is_keras_optimizer(obj) -> bool:
    return hasattr(obj, "_slot_names") and hasattr(obj, "set_weights") and hasattr(obj, "iterations")


def _is_keras_layer(obj) -> bool:
    return hasattr(obj, "get_weights") and hasattr(obj, "set_weights") and hasattr(obj, "weights")


def _is_keras_variable(obj) -> bool:
    return type(obj).__name__ in ("KerasVariable", "OptimizerVariable") and hasattr(obj, "_value")


def _children(obj):
    """(name, child) pairs of a trackable container, in a stable order."""
    from engine.module import Module

    if isinstance(obj, Checkpoint):
        return sorted(obj._children.items())
    if isinstance(obj, Module):
        return [(k, v) for k, v in sorted(vars(obj).items()) if not k.startswith("_")]
    if isinstance(obj, (list, tuple)):
        return [(str(i), v) for i, v in enumerate(obj)]
    if isinstance(obj, dict):
        return [(str(k), obj[k]) for k in sorted(obj, key=str)]
    return []


class _Slot:
    """One stored value and how to read and write it."""

    def __init__(self, get, put, shape):
        self.get, self.put, self.shape = get, put, shape


def _slots(root) -> dict[str, _Slot]:
    """Every value under ``root``: its path -> _Slot."""
    found: dict[str, _Slot] = {}
    seen: set[int] = set()
    stack = [("", root)]
    while stack:
        path, obj = stack.pop()
        if id(obj) in seen and not isinstance(obj, (int, float, str)):
            continue
        seen.add(id(obj))
        prefix = path + "/" if path else ""
        if isinstance(obj, Variable):
            found[prefix + _VALUE] = _Slot(obj.numpy, obj.assign, tuple(obj.shape.as_list()))
        elif _is_keras_variable(obj):
            found[prefix + _VALUE] = _Slot(lambda o=obj: np.array(o._value), lambda v, o=obj: o.assign(v),
                                           np.shape(obj._value))
        elif _is_keras_optimizer(obj):
            found[prefix + "state/" + _VALUE] = _Slot(obj.get_weights, None, None)
            found[prefix + "state/" + _VALUE].optimizer = obj
        elif _is_keras_layer(obj):
            for i, w in enumerate(obj.weights):
                stack.append((f"{prefix}weights/{i}", w))
        else:
            for name, child in reversed(_children(obj)):
                stack.append((prefix + name, child))
    return found


class CheckpointLoadStatus:
    """What ``restore`` matched: ``assert_consumed`` fails when a stored value found no object or
    an object no stored value; ``expect_partial`` says that is intended."""

    def __init__(self, unused_values: list[str], missing_objects: list[str], path: str | None):
        self._unused, self._missing, self._path = unused_values, missing_objects, path

    def assert_consumed(self):
        if self._unused or self._missing:
            raise AssertionError(
                f"checkpoint {self._path!r} did not match the program: stored values with no object "
                f"{self._unused}, objects with no stored value {self._missing}")
        return self

    def assert_existing_objects_matched(self):
        if self._missing:
            raise AssertionError(f"objects with no value in checkpoint {self._path!r}: {self._missing}")
        return self

    def assert_nontrivial_match(self):
        return self

    def expect_partial(self):
        return self

    def run_restore_ops(self, session=None):
        """Restoring is immediate here; kept for TF1-style callers."""


class Checkpoint:
    """``ckpt = tf.train.Checkpoint(model=model, optimizer=opt, step=tf.Variable(0))``;
    ``ckpt.save("ckpts/ckpt")`` -> ``"ckpts/ckpt-1"``; ``ckpt.restore(path).assert_consumed()``."""

    def __init__(self, root=None, **kwargs):
        self._children = dict(kwargs)
        if root is not None:
            self._children["root"] = root
        self._save_counter = None

    def __getattr__(self, name):
        children = self.__dict__.get("_children", {})
        if name in children:
            return children[name]
        raise AttributeError(f"'Checkpoint' object has no attribute {name!r}")

    def __setattr__(self, name, value):
        if name.startswith("_"):
            object.__setattr__(self, name, value)
        else:
            self._children[name] = value

    @property
    def save_counter(self) -> Variable:
        if self._save_counter is None:
            self._save_counter = Variable(np.int64(0), trainable=False, name="save_counter")
            self._children["save_counter"] = self._save_counter
        return self._save_counter

    def write(self, file_prefix, options=None) -> str:
        """Write the values to ``file_prefix`` exactly (no counter, no state file)."""
        file_prefix = os.fspath(file_prefix)
        values = {}
        for path, slot in _slots(self).items():
            value = slot.get()
            if isinstance(value, list):  # an optimizer's state: one entry per array
                for i, array in enumerate(value):
                    values[f"{path}/{i}"] = np.asarray(array)
                values[f"{path}/count"] = np.asarray(len(value))
            else:
                values[path] = np.asarray(value)
        directory = os.path.dirname(os.path.abspath(file_prefix))
        os.makedirs(directory, exist_ok=True)
        tmp = file_prefix + ".npz.tmp"
        with open(tmp, "wb") as f:
            np.savez(f, **values)
        os.replace(tmp, file_prefix + ".npz")
        return file_prefix

    def save(self, file_prefix, options=None) -> str:
        """Write to ``<file_prefix>-<save_counter>`` and record it in the directory's state file."""
        counter = self.save_counter
        counter.assign(counter.numpy() + 1)
        path = self.write(f"{os.fspath(file_prefix)}-{int(counter.numpy())}")
        directory = os.path.dirname(os.path.abspath(path))
        kept = _kept_in(directory)
        _write_index(directory, path, [p for p in kept if p != os.path.abspath(path)] + [path])
        return path

    def read(self, save_path, options=None) -> CheckpointLoadStatus:
        return self.restore(save_path)

    def restore(self, save_path, options=None) -> CheckpointLoadStatus:
        """Set every object's values from ``save_path`` (None: nothing to restore, as when
        ``CheckpointManager.latest_checkpoint`` is None on a first run)."""
        if save_path is None:
            return CheckpointLoadStatus([], [], None)
        save_path = os.fspath(save_path)
        file = save_path if save_path.endswith(".npz") else save_path + ".npz"
        if not os.path.exists(file):
            raise NotFoundError(None, None, f"Failed to restore from checkpoint {save_path!r}: "
                                            f"no such file {file!r}")
        with np.load(file) as data:
            stored = {k: data[k] for k in data.files}
        if "save_counter/" + _VALUE in stored:
            self.save_counter  # noqa: B018 - creates the counter so it is restored too
        slots = _slots(self)
        used, missing = set(), []
        for path, slot in slots.items():
            optimizer = getattr(slot, "optimizer", None)
            if optimizer is not None:
                if f"{path}/count" not in stored:
                    missing.append(path)
                    continue
                arrays = [stored[f"{path}/{i}"] for i in range(int(stored[f"{path}/count"]))]
                used.update([f"{path}/count"] + [f"{path}/{i}" for i in range(len(arrays))])
                _restore_optimizer(optimizer, arrays, self)
            elif path in stored:
                value = stored[path]
                if slot.shape is not None and tuple(value.shape) != tuple(slot.shape):
                    raise ValueError(f"checkpoint {save_path!r}: {path} has shape {value.shape}, "
                                     f"the object's is {tuple(slot.shape)}")
                slot.put(value)
                used.add(path)
            else:
                missing.append(path)
        unused = sorted(set(stored) - used)
        return CheckpointLoadStatus(unused, missing, save_path)


def _restore_optimizer(optimizer, arrays, checkpoint) -> None:
    """An optimizer that has not stepped yet learns which variables its slots belong to from the
    models in the same checkpoint, as TensorFlow's deferred slot restoration does."""
    if not optimizer._vars and len(arrays) > 1:
        variables = [w for _, obj in sorted(checkpoint._children.items()) if _is_keras_layer(obj)
                     and not _is_keras_optimizer(obj) for w in obj.trainable_weights]
        optimizer.set_weights(arrays, var_list=variables)
    else:
        optimizer.set_weights(arrays)


def _kept_in(directory: str) -> list[str]:
    """The checkpoints the directory's state file lists (absolute paths)."""
    state = os.path.join(directory, "checkpoint")
    if not os.path.exists(state):
        return []
    kept = []
    with open(state, encoding="utf-8") as f:
        for line in f:
            if line.startswith("all_model_checkpoint_paths:"):
                name = line.split(":", 1)[1].strip().strip('"')
                kept.append(name if os.path.isabs(name) else os.path.join(directory, name))
    return kept


class CheckpointManager:
    """``manager = tf.train.CheckpointManager(ckpt, "./tf_ckpts", max_to_keep=3)``; ``manager.save()``
    keeps the newest ``max_to_keep``; ``ckpt.restore(manager.latest_checkpoint)`` resumes."""

    def __init__(self, checkpoint, directory, max_to_keep, keep_checkpoint_every_n_hours=None,
                 checkpoint_name="ckpt", step_counter=None, checkpoint_interval=None,
                 init_fn=None):
        if max_to_keep is not None and max_to_keep <= 0:
            raise ValueError(f"max_to_keep must be a positive integer or None, got {max_to_keep}")
        self._checkpoint = checkpoint
        self.directory = os.fspath(directory)
        self._max_to_keep = max_to_keep
        self._prefix = os.path.join(self.directory, checkpoint_name)
        self._step_counter = step_counter
        self._init_fn = init_fn
        self._checkpoints = [p for p in _kept_in(os.path.abspath(self.directory)) if _exists(p)]

    @property
    def latest_checkpoint(self) -> str | None:
        return self._checkpoints[-1] if self._checkpoints else None

    @property
    def checkpoints(self) -> list[str]:
        return list(self._checkpoints)

    @property
    def checkpoint(self):
        return self._checkpoint

    def save(self, checkpoint_number=None, check_interval=True, options=None) -> str:
        counter = self._checkpoint.save_counter
        if checkpoint_number is None:
            if self._step_counter is not None:
                checkpoint_number = int(np.asarray(self._step_counter.numpy()))
            else:
                checkpoint_number = int(counter.numpy()) + 1
        counter.assign(counter.numpy() + 1)
        path = self._checkpoint.write(f"{self._prefix}-{int(checkpoint_number)}")
        path = os.path.join(self.directory, os.path.basename(path))
        self._checkpoints = [p for p in self._checkpoints if p != path] + [path]
        while self._max_to_keep is not None and len(self._checkpoints) > self._max_to_keep:
            for old in glob.glob(glob.escape(self._checkpoints.pop(0)) + ".npz"):
                os.remove(old)
        _write_index(os.path.abspath(self.directory), path, self._checkpoints)
        return path

    def restore_or_initialize(self):
        if self.latest_checkpoint is not None:
            self._checkpoint.restore(self.latest_checkpoint)
            return self.latest_checkpoint
        if self._init_fn is not None:
            self._init_fn()
        return None


def _exists(prefix: str) -> bool:
    return os.path.exists(prefix + ".npz")


__all__ = ["Checkpoint", "CheckpointLoadStatus", "CheckpointManager", "latest_checkpoint"]
