"""Helpers users reach as ``keras.utils``: ``to_categorical``, ``Progbar``, the model summary."""

from __future__ import annotations

import sys
import time

import numpy as np

from engine.keras.backend import set_random_seed  # noqa: F401 - keras.utils.set_random_seed
from engine.keras.saving.object_registration import (  # noqa: F401 - keras.utils's names for them
    CustomObjectScope,
    custom_object_scope,
    get_custom_objects,
    get_registered_name,
    get_registered_object,
    register_keras_serializable,
)


def to_categorical(y, num_classes=None, dtype="float32"):
    """Integer class labels as one-hot rows."""
    y = np.asarray(y, dtype=np.int64)
    shape = y.shape
    if shape and shape[-1] == 1 and len(shape) > 1:
        shape = shape[:-1]
    y = y.reshape(-1)
    num_classes = int(num_classes or y.max() + 1)
    out = np.zeros((y.size, num_classes), dtype=dtype)
    out[np.arange(y.size), y] = 1
    return out.reshape(shape + (num_classes,))


def normalize(x, axis=-1, order=2):
    norm = np.linalg.norm(x, order, axis, keepdims=True)
    return x / np.where(norm == 0, 1, norm)


def _format_value(v):
    return f"{v:.4f}" if abs(v) >= 1e-3 or v == 0 else f"{v:.4e}"


class Progbar:
    """Keras's progress bar: ``12/47 [======>.......] - ETA: 1s - loss: 0.5000``. Redrawn in
    place on a terminal (at most every ``interval`` seconds); elsewhere only the last line."""

    def __init__(self, target, width=30, verbose=1, interval=0.05, stateful_metrics=None, unit_name="step",
                 stream=None):
        self.target, self.width, self.verbose, self.interval = target, width, verbose, interval
        self.unit_name = unit_name
        self.stream = stream or sys.stdout
        self._dynamic = hasattr(self.stream, "isatty") and self.stream.isatty()
        self._start = time.time()
        self._last_update = 0.0
        self._values: dict[str, float] = {}
        self._prev_len = 0

    def update(self, current, values=None, finalize=None):
        if values:
            self._values.update(dict(values) if not isinstance(values, dict) else values)
        if finalize is None:
            finalize = self.target is not None and current >= self.target
        now = time.time()
        if self.verbose != 1:
            if finalize and self.verbose == 2:
                elapsed = now - self._start
                per = elapsed / max(current, 1)
                self._write(f"{current}/{self.target} - {elapsed:.0f}s - {self._metrics()} - "
                            f"{per * 1e3:.0f}ms/{self.unit_name}\n")
            return
        if not finalize and (now - self._last_update < self.interval or not self._dynamic):
            return
        self._last_update = now
        digits = len(str(self.target))
        filled = int(self.width * current / self.target) if self.target else self.width
        marks = ("=" * (filled - 1) + (">" if current < (self.target or 0) else "=")) if filled else ""
        bar = f"{current:{digits}d}/{self.target} [" + marks + "." * (self.width - filled) + "]"
        elapsed = now - self._start
        per = elapsed / max(current, 1)
        if finalize:
            info = f" - {elapsed:.0f}s {per * 1e3:.0f}ms/{self.unit_name}"
        else:
            info = f" - ETA: {per * (self.target - current):.0f}s"
        line = bar + info + (f" - {self._metrics()}" if self._values else "")
        if self._dynamic:
            pad = " " * max(self._prev_len - len(line), 0)
            self._write("\r" + line + pad + ("\n" if finalize else ""))
            self._prev_len = len(line)
        else:
            self._write(line + "\n")

    def _metrics(self):
        return " - ".join(f"{k}: {_format_value(v)}" for k, v in self._values.items())

    def _write(self, text):
        self.stream.write(text)
        self.stream.flush()


def _shape_str(shape):
    if isinstance(shape, list):
        return ", ".join(_shape_str(s) for s in shape)
    dims = ", ".join("None" if d is None else str(d) for d in shape)
    return "(" + dims + ("," if len(shape) == 1 else "") + ")"


def model_summary(model, line_length=None, print_fn=None):
    """Keras's layer table: name (type), output shape, parameter count (and, for functional
    models, what each layer is connected to), then the totals."""
    print_fn = print_fn or print
    layers = model.layers
    inbound = [model._layer_inbound(layer) for layer in layers]
    functional = any(i is not None for i in inbound)  # a "Connected to" column
    line_length = line_length or (98 if functional else 65)
    cols = [0.33, 0.55, 0.67, 1.0] if functional else [0.45, 0.85, 1.0]
    positions = [int(line_length * p) for p in cols]
    headers = ["Layer (type)", "Output Shape", "Param #"] + (["Connected to"] if functional else [])

    def row(fields):
        line = ""
        for field, pos in zip(fields, positions, strict=False):
            line = (line + " " + str(field))[:pos - 1]
            line += " " * (pos - len(line))
        print_fn(line.rstrip())

    print_fn(f'Model: "{model.name}"')
    print_fn("_" * line_length)
    row(headers)
    print_fn("=" * line_length)
    for i, layer in enumerate(layers):
        try:
            shape = _shape_str(layer.output_shape)
        except (AttributeError, ValueError):
            shape = "multiple" if layer.built else "(unbuilt)"
        fields = [f"{layer.name} ({type(layer).__name__})", shape, f"{layer.count_params()}"]
        if functional:
            fields.append(inbound[i][0] if inbound[i] else "[]")
            row(fields)
            for extra in inbound[i][1:]:
                row(["", "", "", extra])
        else:
            row(fields)
        print_fn(("=" if i == len(layers) - 1 else "_") * line_length if functional else
                 ("=" * line_length if i == len(layers) - 1 else ""))
    total = model.count_params()
    trainable = int(sum(np.prod(w.shape) for w in model.trainable_weights))
    print_fn(f"Total params: {total:,}")
    print_fn(f"Trainable params: {trainable:,}")
    print_fn(f"Non-trainable params: {total - trainable:,}")
    print_fn("_" * line_length)


from engine.keras.model_visualization import model_to_dot, plot_model  # noqa: E402,F401 - keras.utils.*
from engine.keras.sequence_utils import pad_sequences  # noqa: E402,F401 - keras.utils.pad_sequences
