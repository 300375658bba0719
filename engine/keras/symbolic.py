"""A layer's symbolic output found by running its ``call``: what Keras does for a layer without
its own ``compute_output_shape`` (Keras 2 traces ``call`` in a scratch graph, Keras 3 runs
``compute_output_spec``). Here ``call`` runs eagerly on zeros twice, with two different sizes
for every unknown dimension; an output dimension that differs between the runs is unknown."""

from __future__ import annotations

import threading

import numpy as np

from engine.framework.tensor import Tensor, eager

_SIZES = (2, 3)
_STATE = threading.local()


def in_symbolic_call() -> bool:
    """Whether a layer's ``call`` is running only to find a symbolic output (``add_loss`` then
    collects nothing, as in Keras 3)."""
    return getattr(_STATE, "depth", 0) > 0


def _flatten(x):
    if isinstance(x, (list, tuple)):
        return [i for item in x for i in _flatten(item)]
    if isinstance(x, dict):
        return _flatten(list(x.values()))
    return [x]


def _map(fn, x):
    if isinstance(x, list):
        return [_map(fn, i) for i in x]
    if isinstance(x, tuple):
        return tuple(_map(fn, i) for i in x)
    if isinstance(x, dict):
        return {k: _map(fn, v) for k, v in x.items()}
    return fn(x)


def _concrete(keras_tensor, size):
    def concrete(t):
        if not isinstance(t, keras_tensor):
            return t
        shape = tuple(size if d is None else d for d in t.shape)
        return eager(np.zeros(shape, dtype=np.dtype(t.dtype or "float32")))
    return concrete


def _input_mask(inputs, size):
    """The masks the inputs carry for this size of the unknown dimensions (Keras 3's
    ``_keras_mask`` on a KerasTensor), in the inputs' structure; None when there are none."""
    flat = [getattr(t, "_masks", {}).get(size) for t in _flatten(inputs)]
    if all(m is None for m in flat):
        return None
    return flat if isinstance(inputs, (list, tuple)) else flat[0]


def _run(layer, inputs, args, kwargs, size, keras_tensor):
    """``layer``'s outputs and output mask on zeros shaped like ``inputs`` (unknown dimensions
    ``size``), the inputs' masks passed as ``mask`` unless the call gives one."""
    concrete = _concrete(keras_tensor, size)
    values, kwargs = _map(concrete, inputs), _map(concrete, dict(kwargs))
    if "mask" not in kwargs and _input_mask(inputs, size) is not None:
        kwargs["mask"] = _input_mask(inputs, size)
    _STATE.depth = getattr(_STATE, "depth", 0) + 1
    try:
        with np.errstate(all="ignore"):
            out = layer._call_eager(values, *_map(concrete, list(args)), **kwargs)
            return out, layer.compute_mask(values, kwargs.get("mask"))
    finally:
        _STATE.depth -= 1


def _attach_masks(outputs, masks_by_size):
    flat = _flatten(outputs)
    for size, mask in masks_by_size.items():
        per_output = mask if isinstance(mask, list) else [mask] * len(flat)
        for t, m in zip(flat, per_output, strict=False):
            if m is not None:
                t.__dict__.setdefault("_masks", {})[size] = m


def propagate_masks(layer, inputs, outputs):
    """For a layer whose output spec comes from ``compute_output_shape``: the masks it makes from
    its inputs' masks, attached to ``outputs`` for the layers after it."""
    keras_tensor = type(next(t for t in _flatten(inputs) if hasattr(t, "_keras_history")))
    sizes = {s for t in _flatten(inputs) for s in getattr(t, "_masks", {})}
    found = {}
    for size in sizes:
        try:
            with np.errstate(all="ignore"):
                found[size] = layer.compute_mask(_map(_concrete(keras_tensor, size), inputs),
                                                 _input_mask(inputs, size))
        except Exception:  # noqa: BLE001 - a mask it cannot make on zeros is a mask it does not pass on
            continue
    _attach_masks(outputs, found)


def symbolic_call(layer, inputs, args, kwargs):
    """``layer``'s outputs on the symbolic ``inputs``, as KerasTensors in the structure ``call``
    returns, carrying the masks ``compute_mask`` makes."""
    keras_tensor = type(next(t for t in _flatten(inputs) if hasattr(t, "_keras_history")))
    unknown = any(d is None for t in _flatten(inputs) if isinstance(t, keras_tensor) for d in t.shape)
    try:
        first, first_mask = _run(layer, inputs, args, kwargs, _SIZES[0], keras_tensor)
        second, second_mask = (_run(layer, inputs, args, kwargs, _SIZES[1], keras_tensor) if unknown
                               else (first, first_mask))
    except Exception as e:
        raise type(e)(f"layer {layer.name!r} ({type(layer).__name__}) failed when called on symbolic "
                      f"inputs of shape {_map(lambda t: getattr(t, 'shape', t), inputs)}: {e}") from e
    flat_second = iter(_flatten(second))

    def symbolic(value):
        other = next(flat_second)
        if not isinstance(value, Tensor):
            raise TypeError(f"layer {layer.name!r} returned {type(value).__name__}, not a tensor")
        shape = tuple(a if a == b else None for a, b in zip(value.shape, other.shape, strict=False))
        return keras_tensor(shape, value.dtype.name)

    outputs = _map(symbolic, first)
    _attach_masks(outputs, {_SIZES[0]: first_mask, _SIZES[1]: second_mask})
    return outputs
