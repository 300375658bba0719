"""Keras's legacy HDF5 files (weights, whole models with optimizer state) and Keras 3's ``.keras``
zip. See ``engine.keras.saving`` for the layout."""

from __future__ import annotations

import json
import os

import numpy as np

from engine.keras import weight_budget
from engine.keras.saving import keras3_layout, training_config, untrusted, weight_values
from engine.keras.saving.config import (
    _KERAS3_FILE,
    KERAS_VERSION,
    _json_default,
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


_load_attr = weight_values.load_attr


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


def load_weights_from_group(group, model, by_name=False, skip_mismatch=False) -> None:
    file_layers = _load_attr(group, "layer_names")
    with_weights = [n for n in file_layers if n in group and _load_attr(group[n], "weight_names")]
    if by_name:
        by = {layer.name: layer for layer in model.layers}
        for name in with_weights:
            layer = by.get(name)
            if layer is None:
                continue
            values = weight_values.layer_datasets(group[name], name)
            weight_values.assign(layer, values, name, skip_mismatch)
        return
    layers = [layer for layer in model.layers if layer.weights]
    if len(with_weights) != len(layers):
        raise ValueError(f"the weight file holds weights for {len(with_weights)} layers "
                         f"({with_weights}) but the model has {len(layers)} layers with weights "
                         f"({[layer.name for layer in layers]})")
    for layer, name in zip(layers, with_weights, strict=False):
        weight_values.assign(layer, weight_values.layer_datasets(group[name], name), name, skip_mismatch)


def _open_new(filepath, overwrite):
    filepath = os.fspath(filepath)
    if not overwrite and os.path.exists(filepath):
        raise FileExistsError(f"{filepath} exists and overwrite=False")
    return _h5py().File(filepath, "w")


def save_weights(model, filepath, overwrite=True) -> None:
    """Keras 2's layout, or Keras 3's for a name ending ``.weights.h5`` (as Keras 3 writes it)."""
    with _open_new(filepath, overwrite) as f:
        if os.fspath(filepath).endswith(".weights.h5"):
            keras3_layout.save_weights(f, model)
        else:
            save_weights_to_group(f, model)


def load_weights(model, filepath, by_name=False, skip_mismatch=False) -> None:
    """Either layout, as the file holds it (Keras 3's matches layers by position only). The file
    is read by ``untrusted``'s helper process; any problem is a ``ModelFileError``."""
    filepath = os.fspath(filepath)
    with untrusted.one_error(filepath), untrusted.open_h5(filepath) as f:
        if "layer_names" not in f.attrs and "model_weights" not in f and "layers" in f:
            keras3_layout.load_weights(f, model, filepath)
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
    """A model from a ``.h5`` file (Keras 2 or 3 legacy layout) or a ``.keras`` zip, compiled with
    its saved optimizer state when the file has a training config. Trusts nothing in the file:
    any problem is a ``ModelFileError`` naming it (``untrusted``)."""
    filepath = os.fspath(filepath)
    import zipfile

    from engine.keras.saving import keras_zip

    with untrusted.one_error(filepath):
        if os.path.isfile(filepath) and zipfile.is_zipfile(filepath):
            return keras_zip.load_keras_zip(filepath, custom_objects=custom_objects, compile=compile,
                                            safe_mode=safe_mode)
        return _load_h5_model(filepath, custom_objects, compile, safe_mode)


def _load_h5_model(filepath, custom_objects, compile, safe_mode):  # noqa: A002
    with untrusted.open_h5(filepath) as f:
        if "model_config" not in f.attrs:
            raise ValueError(f"{filepath} holds no model config (was it written by save_weights? then "
                             "build the model and call load_weights)")
        version = _str_attr(f.attrs.get("keras_version", "2"))
        _KERAS3_FILE[0] = "3" if version.startswith("3") else "2"
        try:
            with weight_budget.skipping_initializers():
                model = model_from_json(_str_attr(f.attrs["model_config"]), custom_objects,
                                        safe_mode=safe_mode)
        finally:
            _KERAS3_FILE[0] = None
        if "model_weights" not in f:
            raise ValueError("it has a model config but no model_weights group")
        load_weights_from_group(f["model_weights"], model)
        if not compile or "training_config" not in f.attrs:
            return model
        training = json.loads(_str_attr(f.attrs["training_config"]))
        opt = training_config.compile_from_training_config(model, training, filepath)
        if opt is not None and "optimizer_weights" in f:
            g = f["optimizer_weights"]
            names = _load_attr(g, "weight_names")
            # no slot is bigger than the biggest weight it follows (float64 allowed)
            largest = 8 * max([w._value.size for w in model.weights] + [1])
            datasets = weight_values.layer_datasets(g, "optimizer_weights")
            values = [weight_values.read(ds, largest) for ds in datasets]
            training_config.set_optimizer_state(opt, names, values, model.trainable_weights, filepath)
    return model
