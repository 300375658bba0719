"""A file's weights checked against the layer's before any is read: the datasets' count, shapes
and dtypes first, then each read with no more bytes than the layer's weight needs."""

from __future__ import annotations

import numpy as np

from engine.keras.saving import h5_reader, untrusted


def load_attr(group, name) -> list[str]:
    if name in group.attrs:
        values = list(np.atleast_1d(group.attrs[name]))
    else:
        values, i = [], 0
        while f"{name}{i}" in group.attrs:
            values.extend(np.atleast_1d(group.attrs[f"{name}{i}"]))
            i += 1
    return [v.decode("utf8") if isinstance(v, bytes) else str(v) for v in values]


def layer_datasets(g, layer_name):
    """The layer's datasets, not read yet: their shapes are checked against the layer's first."""
    names = load_attr(g, "weight_names")
    values = []
    for n in names:
        ds = g.get(n)
        if ds is None or not hasattr(ds, "dtype"):
            raise ValueError(f"layer {layer_name!r} lists weight {n!r} but the file has no such dataset")
        values.append(ds)
    return values


def read(ds, max_bytes):
    """A dataset's value, once its layout, dtype and size are known to be what a weight is."""
    if isinstance(ds, untrusted.Dataset):
        return ds.read(max_bytes)
    problem = h5_reader.dataset_problem(ds, max_bytes)
    if problem:
        raise ValueError(f"dataset {ds.name!r} {problem}")
    return np.asarray(ds[()])


def assign(layer, values, file_name, skip_mismatch):
    params = layer.weights
    if len(values) != len(params):
        if skip_mismatch:
            return
        raise ValueError(f"layer {layer.name!r} (file layer {file_name!r}) expects {len(params)} weights, "
                         f"the file has {len(values)}")
    for p, v in zip(params, values, strict=False):
        if tuple(p.shape) != tuple(v.shape):
            if skip_mismatch:
                return
            raise ValueError(f"weight {p.name!r} of layer {layer.name!r} has shape {tuple(p.shape)}, "
                             f"the file's (layer {file_name!r}) has shape {tuple(v.shape)}")
    for p, v in zip(params, values, strict=False):
        value = v if isinstance(v, np.ndarray) else read(v, p._value.size * v.dtype.itemsize)
        p.assign(value.astype(p._value.dtype, copy=False))
