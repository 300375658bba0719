"""Keras's legacy HDF5 files (weights, whole models with optimizer state) and Keras 3's ``.keras``
zip. See ``engine.keras.saving`` for the layout."""

from __future__ import annotations

import json
import os

import numpy as np

from engine.keras import backend
from engine.keras.saving import registry, training_config
from engine.keras.saving.config import (
    _KERAS3_FILE,
    KERAS_VERSION,
    _json_default,
    model_from_config,
    model_from_json,
    model_to_json,
)

HDF5_OBJECT_HEADER_LIMIT = 64512


def _h5py():
    import h5py

    return h5py


def _save_attr(group, name, data):
    """Keras splits attributes over the HDF5 object header limit into ``name0``, ``name1``..."""
    data = np.asarray(data)
    if data.nbytes <= HDF5_OBJECT_HEADER_LIMIT:
        group.attrs[name] = data
        return
    chunks = int(np.ceil(data.nbytes / HDF5_OBJECT_HEADER_LIMIT)) + 1
    for i, part in enumerate(np.array_split(data, chunks)):
        group.attrs[f"{name}{i}"] = part


def _load_attr(group, name) -> list[str]:
    if name in group.attrs:
        values = list(np.atleast_1d(group.attrs[name]))
    else:
        values, i = [], 0
        while f"{name}{i}" in group.attrs:
            values.extend(np.atleast_1d(group.attrs[f"{name}{i}"]))
            i += 1
    return [v.decode("utf8") if isinstance(v, bytes) else str(v) for v in values]


def _str_attr(value):
    if isinstance(value, bytes):
        return value.decode("utf8")
    if isinstance(value, np.ndarray):
        value = value.item()
        return value.decode("utf8") if isinstance(value, bytes) else str(value)
    return str(value)


def save_weights_to_group(group, model) -> None:
    layers = model.layers
    _save_attr(group, "layer_names", [layer.name.encode("utf8") for layer in layers])
    group.attrs["backend"] = b"tensorflow"
    group.attrs["keras_version"] = KERAS_VERSION.encode("utf8")
    for layer in sorted(layers, key=lambda x: x.name):
        g = group.create_group(layer.name)
        weights = layer.weights
        names = [w.name for w in weights]
        _save_attr(g, "weight_names", [n.encode("utf8") for n in names])
        for name, w in zip(names, weights, strict=False):
            value = w._value
            ds = g.create_dataset(name, value.shape, dtype=value.dtype)
            if not value.shape:
                ds[()] = value
            else:
                ds[:] = value
    top = group.create_group("top_level_model_weights")
    _save_attr(top, "weight_names", np.array([], dtype="S1"))


def _layer_weight_values(g, layer_name):
    names = _load_attr(g, "weight_names")
    values = []
    for n in names:
        if n not in g:
            raise ValueError(f"layer {layer_name!r} lists weight {n!r} but the file has no such dataset")
        values.append(np.asarray(g[n][()]))
    return values


def load_weights_from_group(group, model, by_name=False, skip_mismatch=False) -> None:
    file_layers = _load_attr(group, "layer_names")
    with_weights = [n for n in file_layers if n in group and _load_attr(group[n], "weight_names")]
    if by_name:
        by = {layer.name: layer for layer in model.layers}
        for name in with_weights:
            layer = by.get(name)
            if layer is None:
                continue
            values = _layer_weight_values(group[name], name)
            _assign(layer, values, name, skip_mismatch)
        return
    layers = [layer for layer in model.layers if layer.weights]
    if len(with_weights) != len(layers):
        raise ValueError(f"the weight file holds weights for {len(with_weights)} layers "
                         f"({with_weights}) but the model has {len(layers)} layers with weights "
                         f"({[layer.name for layer in layers]})")
    for layer, name in zip(layers, with_weights, strict=False):
        _assign(layer, _layer_weight_values(group[name], name), name, skip_mismatch)


def _assign(layer, values, file_name, skip_mismatch):
    params = layer.weights
    if len(values) != len(params):
        if skip_mismatch:
            return
        raise ValueError(f"layer {layer.name!r} (file layer {file_name!r}) expects {len(params)} weights, "
                         f"the file has {len(values)}")
    for p, v in zip(params, values, strict=False):
        if tuple(p.shape) != v.shape:
            if skip_mismatch:
                return
            raise ValueError(f"weight {p.name!r} of layer {layer.name!r} has shape {tuple(p.shape)}, "
                             f"the file's (layer {file_name!r}) has shape {v.shape}")
    for p, v in zip(params, values, strict=False):
        p.assign(v.astype(p._value.dtype, copy=False))


def _open_new(filepath, overwrite):
    filepath = os.fspath(filepath)
    if not overwrite and os.path.exists(filepath):
        raise FileExistsError(f"{filepath} exists and overwrite=False")
    return _h5py().File(filepath, "w")


def save_weights(model, filepath, overwrite=True) -> None:
    """Keras 2's layout, or Keras 3's for a name ending ``.weights.h5`` (as Keras 3 writes it)."""
    with _open_new(filepath, overwrite) as f:
        if os.fspath(filepath).endswith(".weights.h5"):
            _save_keras3_weights(f, model)
        else:
            save_weights_to_group(f, model)


def load_weights(model, filepath, by_name=False, skip_mismatch=False) -> None:
    """Either layout, as the file holds it (Keras 3's matches layers by position only)."""
    with _h5py().File(os.fspath(filepath), "r") as f:
        if "layer_names" not in f.attrs and "model_weights" not in f and "layers" in f:
            _load_keras3_weights(f, model, os.fspath(filepath))
            return
        group = f["model_weights"] if "layer_names" not in f.attrs and "model_weights" in f else f
        load_weights_from_group(group, model, by_name=by_name, skip_mismatch=skip_mismatch)


def save_model(model, filepath, overwrite=True, include_optimizer=True) -> None:
    with _open_new(filepath, overwrite) as f:
        f.attrs["keras_version"] = KERAS_VERSION
        f.attrs["backend"] = "tensorflow"
        f.attrs["model_config"] = model_to_json(model)
        training = training_config.training_config(model)
        if training is not None:
            f.attrs["training_config"] = json.dumps(training, default=_json_default)
        save_weights_to_group(f.create_group("model_weights"), model)
        opt = model.optimizer
        if include_optimizer and opt is not None and opt.iterations > 0:
            training_config.save_optimizer_weights(f, opt, _save_attr)


def load_model(filepath, custom_objects=None, compile=True, safe_mode=True):  # noqa: A002 - Keras's name
    """A model from a ``.h5`` file (Keras 2 or 3 legacy layout), compiled with its saved
    optimizer state when the file has a training config."""
    filepath = os.fspath(filepath)
    import zipfile

    if zipfile.is_zipfile(filepath):
        return load_keras_zip(filepath, custom_objects=custom_objects, compile=compile)

    with _h5py().File(filepath, "r") as f:
        if "model_config" not in f.attrs:
            raise ValueError(f"{filepath} holds no model config (was it written by save_weights? then "
                             "build the model and call load_weights)")
        version = _str_attr(f.attrs.get("keras_version", "2"))
        _KERAS3_FILE[0] = "3" if version.startswith("3") else "2"
        try:
            model = model_from_json(_str_attr(f.attrs["model_config"]), custom_objects, safe_mode=safe_mode)
        finally:
            _KERAS3_FILE[0] = None
        load_weights_from_group(f["model_weights"], model)
        if not compile or "training_config" not in f.attrs:
            return model
        training = json.loads(_str_attr(f.attrs["training_config"]))
        opt = training_config.compile_from_training_config(model, training, filepath)
        if opt is not None and "optimizer_weights" in f:
            g = f["optimizer_weights"]
            names = _load_attr(g, "weight_names")
            values = [np.asarray(g[n][()]) for n in names]
            training_config.set_optimizer_state(opt, names, values, model.trainable_weights, filepath)
    return model


# -- Keras 3's layout: .weights.h5 files, and the .keras zip (read only) ---------------------------------
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


def _load_keras3_weights(f, model, source):
    for layer, path in _keras3_state_paths(model):
        group = f.get(f"{path}/vars")
        if group is None:
            raise ValueError(f"{source}: no variables at {path!r} for layer {layer.name!r}")
        values = [np.asarray(group[str(i)][()]) for i in range(len(group))]
        _assign(layer, values, path, skip_mismatch=False)


def _save_keras3_weights(f, model):
    """Keras 3's ``.weights.h5``: ``vars`` (the model's own, none), then ``layers/<path>/vars/<i>``."""
    f.create_group("vars").attrs["name"] = model.name
    for layer, path in _keras3_state_paths(model, every=True):
        if path.endswith("/cell"):
            f.create_group(f"{path[:-len('/cell')]}/vars").attrs["name"] = layer.name
        g = f.create_group(f"{path}/vars")
        g.attrs["name"] = layer.name + ("_cell" if path.endswith("/cell") else "")
        for i, w in enumerate(layer.weights):
            g.create_dataset(str(i), data=w._value)


def load_keras_zip(filepath, custom_objects=None, compile=True):  # noqa: A002 - Keras's argument name
    """A model from Keras 3's ``.keras`` zip: ``config.json`` and ``model.weights.h5`` (variables
    at ``<layer path>/vars/0, 1, ...``). It is compiled from the config's ``compile_config`` with
    a fresh optimizer: Keras 3's optimizer variables are not read."""
    import io
    import warnings
    import zipfile

    with zipfile.ZipFile(filepath) as z:
        names = set(z.namelist())
        if "config.json" not in names or "model.weights.h5" not in names:
            raise ValueError(f"{filepath} is a zip file but not a Keras 3 model: it needs config.json and "
                             f"model.weights.h5, it has {sorted(names)[:10]}")
        try:
            config = json.loads(z.read("config.json"))
        except ValueError as e:
            raise ValueError(f"{filepath}: config.json is not JSON: {e}") from None
        model = model_from_config(config, custom_objects)
        with _h5py().File(io.BytesIO(z.read("model.weights.h5")), "r") as f:
            _load_keras3_weights(f, model, filepath)
    compile_config = config.get("compile_config") if isinstance(config, dict) else None
    if compile and compile_config:
        from engine.keras import optimizers

        try:
            opt = compile_config.get("optimizer", "rmsprop")
            model.compile(optimizer=optimizers.get(opt), loss=compile_config.get("loss"),
                          metrics=compile_config.get("metrics"),
                          loss_weights=compile_config.get("loss_weights"))
            model._resolve_compile()
        except (ValueError, TypeError, NotImplementedError) as e:
            warnings.warn(f"{filepath}: the model loads uncompiled; its compile_config was not "
                          f"understood: {e}", stacklevel=2)
            model._init_training()
    return model
