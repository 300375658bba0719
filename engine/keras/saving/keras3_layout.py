"""Keras 3's weights layout (``model.weights.h5``, also inside a ``.keras`` zip): variables at
``layers/<class name in snake case, numbered per class>/vars/0, 1, ...``."""

from __future__ import annotations

from engine.keras import backend
from engine.keras.saving import registry, weight_values

_RNN_CLASSES = ("LSTM", "GRU", "SimpleRNN")


def _keras3_state_paths(model, prefix="", every=False):
    """(layer, path of its variables) in a Keras 3 ``model.weights.h5``: ``layers/<class name in
    snake case, numbered per class>``, recurrent layers' variables under their ``cell``
    (``keras/src/saving/saving_lib.py``: ``_save_state``, ``_save_container_state``)."""
    model_class = registry.get_class("layer", "Model")
    used = {}
    for layer in model.layers:
        base = backend._snake(type(layer).__name__ if type(layer).__name__ != "Model" else "Functional")
        if base in used:
            used[base] += 1
            name = f"{base}_{used[base]}"
        else:
            used[base] = 0
            name = base
        path = f"{prefix}layers/{name}"
        if isinstance(layer, model_class):
            yield from _keras3_state_paths(layer, path + "/", every)
        elif layer.weights or every:
            yield layer, path + ("/cell" if type(layer).__name__ in _RNN_CLASSES else "")


def load_weights(f, model, source):
    for layer, path in _keras3_state_paths(model):
        group = f.get(f"{path}/vars")
        if group is None:
            raise ValueError(f"{source}: no variables at {path!r} for layer {layer.name!r}")
        values = [group.get(str(i)) for i in range(len(group))]
        if any(v is None or not hasattr(v, "dtype") for v in values):
            raise ValueError(f"{source}: the variables at {path!r} are not datasets named 0, 1, ...")
        weight_values.assign(layer, values, path, skip_mismatch=False)


def save_weights(f, model):
    """Keras 3's ``.weights.h5``: ``vars`` (the model's own, none), then ``layers/<path>/vars/<i>``."""
    f.create_group("vars").attrs["name"] = model.name
    for layer, path in _keras3_state_paths(model, every=True):
        if path.endswith("/cell"):
            f.create_group(f"{path[:-len('/cell')]}/vars").attrs["name"] = layer.name
        g = f.create_group(f"{path}/vars")
        g.attrs["name"] = layer.name + ("_cell" if path.endswith("/cell") else "")
        for i, w in enumerate(layer.weights):
            g.create_dataset(str(i), data=w._value)
