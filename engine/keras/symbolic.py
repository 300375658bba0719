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


def _run(layer, inputs, args, kwargs, size, keras_tensor):
    def concrete(t):
        if not isinstance(t, keras_tensor):
            return t
        shape = tuple(size if d is None else d for d in t.shape)
        return eager(np.zeros(shape, dtype=np.dtype(t.dtype or "float32")))

    _STATE.depth = getattr(_STATE, "depth", 0) + 1
    try:
        with np.errstate(all="ignore"):
            return layer._call_eager(_map(concrete, inputs), *_map(concrete, list(args)),
                                     **_map(concrete, dict(kwargs)))
    finally:
        _STATE.depth -= 1


def symbolic_call(layer, inputs, args, kwargs):
    """``layer``'s outputs on the symbolic ``inputs``, as KerasTensors in the structure ``call``
    returns."""
    keras_tensor = type(next(t for t in _flatten(inputs) if hasattr(t, "_keras_history")))
    unknown = any(d is None for t in _flatten(inputs) if isinstance(t, keras_tensor) for d in t.shape)
    try:
        first = _run(layer, inputs, args, kwargs, _SIZES[0], keras_tensor)
        second = _run(layer, inputs, args, kwargs, _SIZES[1], keras_tensor) if unknown else first
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

    return _map(symbolic, first)
