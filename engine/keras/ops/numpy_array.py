"""``keras.ops``'s array creation and shape manipulation (Keras 3's ``keras.ops.numpy``): reshape,
transpose, expand_dims, squeeze, concatenate, stack, take, ones/zeros..., on the engine's ops."""

from __future__ import annotations

import numpy as np

from engine.framework.execute import convert
from engine.keras import backend
from engine.keras.ops.core import KerasTensor, keras_op, operands, result_type, standardize_dtype, tensor
from engine.ops import array_ops


def _dims(shape):
    if isinstance(shape, int | np.integer):
        return [int(shape)]
    return [-1 if d is None else int(d) for d in shape]


# -- creation --------------------------------------------------------------------------------------
def ones(shape, dtype=None):
    return convert(np.ones(_dims(shape), standardize_dtype(dtype)))


def zeros(shape, dtype=None):
    return convert(np.zeros(_dims(shape), standardize_dtype(dtype)))


def full(shape, fill_value, dtype=None):
    dtype = standardize_dtype(dtype) if dtype is not None else result_type(fill_value)
    return convert(np.full(_dims(shape), np.asarray(backend.to_numpy(fill_value)), dtype))


def eye(N, M=None, k=0, dtype=None):  # noqa: N803 - Keras's names
    return convert(np.eye(N, M, k, dtype=standardize_dtype(dtype)))


identity = eye


def arange(start, stop=None, step=1, dtype=None):
    if dtype is None:
        dtype = result_type(start, *(v for v in (stop, step) if v is not None))
    return convert(np.arange(start, stop, step, dtype=standardize_dtype(dtype)))


@keras_op
def ones_like(x, dtype=None):
    x = tensor(x)
    return array_ops.ones_like(x, dtype=standardize_dtype(dtype) if dtype is not None else None)


@keras_op
def zeros_like(x, dtype=None):
    x = tensor(x)
    return array_ops.zeros_like(x, dtype=standardize_dtype(dtype) if dtype is not None else None)


@keras_op
def full_like(x, fill_value, dtype=None):
    x = tensor(x)
    dtype = standardize_dtype(dtype) if dtype is not None else standardize_dtype(x.dtype)
    return array_ops.zeros_like(x, dtype=dtype) + tensor(fill_value, dtype)


# -- shapes ----------------------------------------------------------------------------------------
@keras_op
def reshape(x, newshape):
    return array_ops.reshape(tensor(x), _dims(newshape))


@keras_op
def transpose(x, axes=None):
    return array_ops.transpose(tensor(x), None if axes is None else [int(a) for a in axes])


@keras_op
def expand_dims(x, axis):
    x = tensor(x)
    axes = [int(axis)] if isinstance(axis, int | np.integer) else [int(a) for a in axis]
    rank = x.shape.rank + len(axes)
    for a in sorted(a % rank for a in axes):
        x = array_ops.expand_dims(x, a)
    return x


@keras_op
def squeeze(x, axis=None):
    x = tensor(x)
    if axis is not None:
        axes = [int(axis)] if isinstance(axis, int | np.integer) else [int(a) for a in axis]
        for a in axes:
            if x.shape[a] is not None and x.shape[a] != 1:
                raise ValueError(f"cannot squeeze axis {a} of shape {tuple(x.shape)}: its size is not 1")
        axis = axes
    return array_ops.squeeze(x, axis=axis)


@keras_op
def concatenate(xs, axis=0):
    if axis is None:
        xs, axis = [reshape(x, (-1,)) for x in xs], 0
    return array_ops.concat(operands(*xs), int(axis))


@keras_op
def stack(x, axis=0):
    return array_ops.stack(operands(*x), axis=int(axis))


@keras_op
def unstack(x, num=None, axis=0):
    return array_ops.unstack(tensor(x), num=num, axis=int(axis))


@keras_op
def split(x, indices_or_sections, axis=0):
    """numpy's ``split``: a number of equal parts, or the indices where the parts start."""
    x = tensor(x)
    if isinstance(indices_or_sections, int | np.integer):
        return array_ops.split(x, int(indices_or_sections), axis=int(axis))
    size = x.shape[int(axis)]
    bounds = [0, *[int(i) for i in indices_or_sections], size]
    return array_ops.split(x, [b - a for a, b in zip(bounds[:-1], bounds[1:], strict=True)], axis=int(axis))


@keras_op
def take(x, indices, axis=None):
    """Elements of ``x`` at ``indices`` along ``axis`` (of the flattened ``x`` when None);
    negative indices count from the end."""
    x = tensor(x)
    if axis is None:
        x, axis = array_ops.reshape(x, [-1]), 0
    indices = tensor(indices)
    if not indices.dtype.is_integer:
        indices = array_ops.cast(indices, "int32")
    return array_ops.gather(x, indices, axis=int(axis) % x.shape.rank)


@keras_op
def tile(x, repeats):
    x = tensor(x)
    reps = [int(r) for r in np.reshape(repeats, -1)]
    reps = [1] * (x.shape.rank - len(reps)) + reps
    if len(reps) > x.shape.rank:
        x = array_ops.reshape(x, [1] * (len(reps) - x.shape.rank) + list(x.shape))
    return array_ops.tile(x, reps)


@keras_op
def repeat(x, repeats, axis=None):
    x = tensor(x)
    if axis is None:
        x, axis = array_ops.reshape(x, [-1]), 0
    axis = int(axis) % x.shape.rank
    index = np.repeat(np.arange(x.shape[axis]), repeats)
    return array_ops.gather(x, convert(index.astype(np.int32)), axis=axis)


@keras_op
def broadcast_to(x, shape):
    return array_ops.broadcast_to(tensor(x), _dims(shape))


@keras_op
def flatten(x):
    return array_ops.reshape(tensor(x), [-1])


ravel = flatten


@keras_op
def pad(x, pad_width, mode="constant", constant_values=None):
    if mode != "constant":
        raise NotImplementedError(f"keras.ops.pad: only mode='constant' is supported, got {mode!r}")
    widths = np.broadcast_to(np.asarray(pad_width, dtype=np.int64), (tensor(x).shape.rank, 2))
    return array_ops.pad(tensor(x), widths.tolist(), constant_values=constant_values or 0)


@keras_op
def get_item(x, key):
    """``x[key]``: what ``[]`` on a KerasTensor records."""
    return tensor(x)[key]


def size(x) -> int:
    shape = x.shape if isinstance(x, KerasTensor) else tensor(x).shape
    return int(np.prod([d for d in shape]))


def ndim(x) -> int:
    return len(x.shape) if isinstance(x, KerasTensor) else tensor(x).shape.rank
