"""``tf.train.Saver``: save Variables to disk during and after training, and restore them.

Checkpoints are ``<prefix>.npz`` files mapping each variable's name (``W``, ``layer/b``) to its
value, plus TensorFlow's ``checkpoint`` index file in the same directory so
``latest_checkpoint`` works. (Not TensorFlow's binary checkpoint format.)
"""

from __future__ import annotations

import os

import numpy as np

from engine.framework.variables import Variable, global_variables

_INDEX = "checkpoint"


class Saver:
    """``saver = tf.train.Saver(); saver.save(sess, "ckpt/model", global_step=step)`` then
    ``saver.restore(sess, tf.train.latest_checkpoint("ckpt"))``."""

    def __init__(self, var_list=None, max_to_keep: int = 5):
        if isinstance(var_list, dict):
            self._vars = dict(var_list)
        else:
            variables = list(var_list) if var_list is not None else None
            self._vars = None if variables is None else {_name(v): v for v in variables}
        self.max_to_keep = max_to_keep
        self._kept: list[str] = []

    def _variables(self) -> dict[str, Variable]:
        if self._vars is not None:
            return self._vars
        variables = {_name(v): v for v in global_variables()}
        if not variables:
            raise ValueError("no variables to save: create Variables first or pass var_list=")
        return variables

    def save(self, sess=None, save_path: str = "model.ckpt", global_step=None, **unused) -> str:
        """Write every variable's current value; returns the checkpoint prefix written."""
        if global_step is not None:
            step = global_step.numpy() if isinstance(global_step, Variable) else global_step
            save_path = f"{save_path}-{int(step)}"
        directory = os.path.dirname(os.path.abspath(save_path))
        os.makedirs(directory, exist_ok=True)
        values = {name: v.numpy() for name, v in self._variables().items()}
        tmp = save_path + ".npz.tmp"
        with open(tmp, "wb") as f:
            np.savez(f, **values)
        os.replace(tmp, save_path + ".npz")
        self._kept = [p for p in self._kept if p != save_path] + [save_path]
        while self.max_to_keep and len(self._kept) > self.max_to_keep:
            old = self._kept.pop(0)
            if os.path.exists(old + ".npz"):
                os.remove(old + ".npz")
        _write_index(directory, save_path, self._kept)
        return save_path

    def restore(self, sess=None, save_path: str | None = None) -> None:
        """Set every variable from a checkpoint written by ``save``."""
        if save_path is None:
            raise ValueError("restore needs save_path=, e.g. tf.train.latest_checkpoint(directory)")
        path = save_path if save_path.endswith(".npz") else save_path + ".npz"
        if not os.path.exists(path):
            raise FileNotFoundError(f"no checkpoint at {save_path!r} (looked for {path!r})")
        with np.load(path) as data:
            stored = {k: data[k] for k in data.files}
        for name, variable in self._variables().items():
            if name not in stored:
                raise KeyError(f"checkpoint {save_path!r} has no value for variable {name!r}; "
                               f"it holds {sorted(stored)}")
            variable._set(stored[name])


def latest_checkpoint(checkpoint_dir: str) -> str | None:
    """The prefix the ``checkpoint`` index in ``checkpoint_dir`` names last, or None."""
    index = os.path.join(checkpoint_dir, _INDEX)
    if not os.path.exists(index):
        return None
    with open(index, encoding="utf-8") as f:
        for line in f:
            if line.startswith("model_checkpoint_path:"):
                name = line.split(":", 1)[1].strip().strip('"')
                return name if os.path.isabs(name) else os.path.join(checkpoint_dir, name)
    return None


def _name(variable: Variable) -> str:
    return variable.name.rsplit(":", 1)[0]


def _write_index(directory: str, latest: str, kept: list[str]) -> None:
    def rel(path):
        return os.path.relpath(os.path.abspath(path), directory)

    lines = [f'model_checkpoint_path: "{rel(latest)}"']
    lines += [f'all_model_checkpoint_paths: "{rel(p)}"' for p in kept]
    with open(os.path.join(directory, _INDEX), "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
