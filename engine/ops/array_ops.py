"""Creating and reshaping tensors: constant, zeros/ones/fill, reshape, transpose, concat, stack,
split, squeeze, expand_dims, gather, one_hot, slicing, tile, identity."""

from __future__ import annotations

import numpy as np

from engine.framework import dtypes
from engine.framework.execute import apply_op, constant_node
from engine.framework.execute import convert as convert  # array_ops.convert: math_ops and nn_ops use it
from engine.framework.graph import explicit_graph
from engine.framework.op_registry import register_op
from engine.framework.tensor import Tensor, TensorLike, eager, to_array
from engine.ops.grad_util import unbroadcast


def constant(value, dtype=None, shape=None, name="Const"):
    """A tensor holding ``value`` (eager, or a ``Const`` node inside an explicit graph)."""
    array = to_array(value, dtype)
    if shape is not None:
        array = np.broadcast_to(array, tuple(shape)).copy() if array.size == 1 else array.reshape(shape)
    graph = explicit_graph()
    if graph is not None:
        return constant_node(array, graph, name=name)
    return eager(array)


def _shape_list(shape):
    if isinstance(shape, Tensor):
        return shape
    return np.asarray([-1 if d is None else int(d) for d in np.asarray(shape).reshape(-1).tolist()]
                      if np.ndim(shape) else [int(shape)], dtype=np.int32)


def zeros(shape, dtype=dtypes.float32, name="zeros"):
    if isinstance(shape, Tensor):
        return fill(shape, np.zeros((), dtypes.numpy_dtype(dtype)), name=name)
    return constant(np.zeros(tuple(_shape_list(shape)), dtypes.numpy_dtype(dtype)), name=name)


def ones(shape, dtype=dtypes.float32, name="ones"):
    if isinstance(shape, Tensor):
        return fill(shape, np.ones((), dtypes.numpy_dtype(dtype)), name=name)
    return constant(np.ones(tuple(_shape_list(shape)), dtypes.numpy_dtype(dtype)), name=name)


register_op("Fill", lambda dims, value: np.full(tuple(dims), value))
register_op("ZerosLike", np.zeros_like)
register_op("OnesLike", np.ones_like)


def fill(dims, value, name=None):
    return apply_op("Fill", [_shape_list(dims), value], name=name)


def zeros_like(input, dtype=None, name=None):  # noqa: A002
    out = apply_op("ZerosLike", [input], name=name)
    return out if dtype is None else cast(out, dtype)


def ones_like(input, dtype=None, name=None):  # noqa: A002
    out = apply_op("OnesLike", [input], name=name)
    return out if dtype is None else cast(out, dtype)


# -- casts (here rather than in math_ops: zeros_like/ones_like take a dtype) ------------------------
def _cast(x, DstT):  # noqa: N803 - TensorFlow's attribute name
    return x.astype(DstT.as_numpy_dtype, copy=False)


def _cast_grad(op, g):
    src = op.inputs[0].dtype
    if src.is_floating and op.attrs["DstT"].is_floating:
        return [cast(g, src)]
    return [None]


register_op("Cast", _cast, _cast_grad)


def cast(x, dtype, name=None):
    dtype = dtypes.as_dtype(dtype)
    if isinstance(x, Tensor) and x.dtype == dtype:
        return x
    if not isinstance(x, (Tensor, TensorLike)):
        x = to_array(x)
    return apply_op("Cast", [x], name=name, DstT=dtype)


register_op("Identity", lambda x: x, lambda op, g: [g])
register_op("StopGradient", lambda x: x)
register_op("Shape", lambda x, out_type=None: np.asarray(x.shape, dtype=np.int32))
register_op("Size", lambda x: np.asarray(x.size, dtype=np.int32))
register_op("Rank", lambda x: np.asarray(x.ndim, dtype=np.int32))
# A Keras weight's current value (engine/keras/backend.py's KerasVariable in a graph). Stateful:
# never folded into a constant, and run again at each Session.run / traced call.
register_op("ReadKerasVariable", lambda _variable, **attrs: np.array(_variable._value), stateful=True)


def identity(input, name=None):  # noqa: A002
    return apply_op("Identity", [input], name=name)


def stop_gradient(input, name=None):  # noqa: A002
    return apply_op("StopGradient", [input], name=name)


def shape(input, name=None, out_type=None):  # noqa: A002
    return apply_op("Shape", [input], name=name)


def size(input, name=None):  # noqa: A002
    return apply_op("Size", [input], name=name)


def rank(input, name=None):  # noqa: A002
    return apply_op("Rank", [input], name=name)


# -- reshaping -----------------------------------------------------------------------------------
register_op("Reshape", lambda x, shape: np.reshape(x, tuple(shape)),
            lambda op, g: [reshape(g, shape(op.inputs[0])), None])


def reshape(tensor, shape, name=None):  # noqa: F811 - the op's own argument is named shape
    return apply_op("Reshape", [tensor, _shape_list(shape)], name=name)


def _transpose(x, perm=None):
    return np.transpose(x, perm)


def _transpose_grad(op, g):
    perm = op.attrs["perm"]
    return [transpose(g, None if perm is None else list(np.argsort(perm)))]


register_op("Transpose", _transpose, _transpose_grad)


def transpose(a, perm=None, name=None):
    return apply_op("Transpose", [a], name=name, perm=None if perm is None else tuple(int(p) for p in perm))


register_op("Squeeze", lambda x, axis=None: np.squeeze(x, axis=axis),
            lambda op, g: [reshape(g, shape(op.inputs[0]))])
register_op("ExpandDims", lambda x, axis: np.expand_dims(x, axis),
            lambda op, g: [reshape(g, shape(op.inputs[0]))])


def squeeze(input, axis=None, name=None, squeeze_dims=None):  # noqa: A002
    axis = squeeze_dims if axis is None else axis
    if axis is not None:
        axis = tuple(int(a) for a in np.asarray(axis).reshape(-1))
    return apply_op("Squeeze", [input], name=name, axis=axis)


def expand_dims(input, axis, name=None):  # noqa: A002
    return apply_op("ExpandDims", [input], name=name, axis=int(axis))


def _broadcast_to(x, shape):
    return np.array(np.broadcast_to(x, tuple(shape)))


register_op("BroadcastTo", _broadcast_to, lambda op, g: [unbroadcast(g, op.inputs[0]), None])


def broadcast_to(input, shape, name=None):  # noqa: A002
    return apply_op("BroadcastTo", [input, _shape_list(shape)], name=name)


def _tile_grad_kernel(x, g, multiples):
    pairs = [d for m, s in zip(multiples, x.shape, strict=False) for d in (m, s)]
    return g.reshape(pairs).sum(axis=tuple(range(0, len(pairs), 2)))


register_op("Tile", lambda x, multiples: np.tile(x, multiples),
            lambda op, g: [apply_op("TileGrad", [op.inputs[0], g], multiples=op.attrs["multiples"])])
register_op("TileGrad", _tile_grad_kernel,
            lambda op, g: [None, tile(g, op.attrs["multiples"])])


def tile(input, multiples, name=None):  # noqa: A002
    return apply_op("Tile", [input], name=name, multiples=tuple(int(m) for m in multiples))


# -- joining and splitting -----------------------------------------------------------------------
def _split_like(g, *refs, axis):
    ends = np.cumsum([r.shape[axis] for r in refs])[:-1]
    return tuple(np.split(g, ends, axis=axis))


register_op("SplitLike", _split_like,
            lambda op, *gs: [concat(list(gs), op.attrs["axis"])] + [None] * len(gs),
            num_outputs=lambda n, attrs: n - 1)
register_op("ConcatV2", lambda *xs, axis: np.concatenate(xs, axis=axis),
            lambda op, g: list(apply_op("SplitLike", [g, *op.inputs], axis=op.attrs["axis"])))


def concat(values, axis, name="concat"):
    values = list(values)
    if len(values) == 1:
        return identity(values[0], name=name)
    return apply_op("ConcatV2", values, name=name, axis=int(axis))


register_op("Pack", lambda *xs, axis: np.stack(xs, axis=axis),
            lambda op, g: list(unstack(g, num=len(op.inputs), axis=op.attrs["axis"])))
register_op("Unpack", lambda x, num, axis: tuple(np.moveaxis(x, axis, 0)),
            lambda op, *gs: [stack(list(gs), axis=op.attrs["axis"])],
            num_outputs=lambda n, attrs: attrs["num"])


def stack(values, axis=0, name="stack"):
    return apply_op("Pack", list(values), name=name, axis=int(axis))


def unstack(value, num=None, axis=0, name="unstack"):
    if num is None:
        num = value.shape[axis]
        if num is None:
            raise ValueError(f"unstack needs num= when axis {axis} of shape {value.shape} is unknown")
    return list(apply_op("Unpack", [value], name=name, num=int(num), axis=int(axis)))


def _split(x, num_or_size_splits, axis):
    if isinstance(num_or_size_splits, int):
        return tuple(np.split(x, num_or_size_splits, axis=axis))
    sizes = list(num_or_size_splits)
    if -1 in sizes:
        sizes[sizes.index(-1)] = x.shape[axis] - (sum(sizes) + 1)
    return tuple(np.split(x, np.cumsum(sizes)[:-1], axis=axis))


def _split_count(n, attrs):
    s = attrs["num_or_size_splits"]
    return s if isinstance(s, int) else len(s)


register_op("SplitV", _split, lambda op, *gs: [concat(list(gs), op.attrs["axis"])],
            num_outputs=_split_count)


def split(value, num_or_size_splits, axis=0, num=None, name="split"):
    s = num_or_size_splits
    s = int(s) if np.ndim(s) == 0 else tuple(int(v) for v in s)
    return list(apply_op("SplitV", [value], name=name, num_or_size_splits=s, axis=int(axis)))


# -- gathering, one-hot, slicing -----------------------------------------------------------------
def _gather(params, indices, axis=0):
    return np.take(params, indices, axis=axis)


def _gather_grad_kernel(params, indices, g, axis=0):
    out = np.zeros_like(params, dtype=g.dtype)
    np.add.at(out, (slice(None),) * axis + (indices,), g)
    return out


register_op("GatherV2", _gather,
            lambda op, g: [apply_op("GatherGrad", [op.inputs[0], op.inputs[1], g], axis=op.attrs["axis"]),
                           None])
register_op("GatherGrad", _gather_grad_kernel,
            lambda op, g: [None, None, gather(g, op.inputs[1], axis=op.attrs["axis"])])


def gather(params, indices, axis=None, batch_dims=0, name=None):
    if not isinstance(indices, (Tensor, TensorLike)):
        indices = to_array(indices)
    return apply_op("GatherV2", [params, indices], name=name, axis=int(axis or 0))


def _one_hot(indices, depth, on_value=1.0, off_value=0.0, axis=-1, dtype=None):
    hot = np.asarray(indices)[..., None] == np.arange(depth)
    out = np.where(hot, on_value, off_value).astype(dtype.as_numpy_dtype)
    return out if axis == -1 else np.moveaxis(out, -1, axis)


register_op("OneHot", _one_hot)


def one_hot(indices, depth, on_value=None, off_value=None, axis=None, dtype=None, name=None):
    dtype = dtypes.as_dtype(dtype or dtypes.float32)
    return apply_op("OneHot", [indices], name=name, depth=int(depth),
                    on_value=1.0 if on_value is None else float(on_value),
                    off_value=0.0 if off_value is None else float(off_value),
                    axis=-1 if axis is None else int(axis), dtype=dtype)


def _normalise_key(key):
    parts = key if isinstance(key, tuple) else (key,)
    out = []
    for p in parts:
        if isinstance(p, Tensor):
            if p._graph is not None:
                raise TypeError("indexing with a symbolic tensor is not supported; use tf.gather")
            p = p._value
        if isinstance(p, list):
            p = np.asarray(p)
        if isinstance(p, np.ndarray) and p.ndim == 0:
            p = p.item()
        out.append(p)
    return tuple(out)


def _is_advanced(key):
    return any(isinstance(p, np.ndarray) for p in key)


def _slice_grad_kernel(x, g, key):
    out = np.zeros_like(x, dtype=g.dtype)
    if _is_advanced(key):
        np.add.at(out, key, g)
    else:
        out[key] = g
    return out


register_op("StridedSlice", lambda x, key: np.array(x[key]),
            lambda op, g: [apply_op("StridedSliceGrad", [op.inputs[0], g], key=op.attrs["key"])])
register_op("StridedSliceGrad", _slice_grad_kernel,
            lambda op, g: [None, strided_slice(g, op.attrs["key"])])


def _symbolic(p) -> bool:
    return isinstance(p, Tensor) and p._graph is not None


def strided_slice(x, key, name=None):
    """``x[key]`` for ints, slices, ``None``, ``...`` and integer arrays (the ``[]`` operator). A
    scalar index that is a symbolic tensor (``x[i]`` with ``i`` from ``tf.range`` inside a
    ``tf.function``) becomes a gather along its axis, as TensorFlow's dynamic strided slice."""
    parts = key if isinstance(key, tuple) else (key,)
    if any(_symbolic(p) for p in parts):
        if any(p is None or p is Ellipsis for p in parts):
            raise TypeError("indexing with a symbolic tensor together with None or ... is not "
                            "supported; use tf.gather")
        static = tuple(slice(None) if _symbolic(p) else p for p in parts)
        out = apply_op("StridedSlice", [x], key=_normalise_key(static))
        kept, axes = 0, []
        for p in parts:
            if _symbolic(p):
                if p.shape.rank not in (0, None):
                    raise TypeError("indexing with a symbolic tensor needs a scalar index; use tf.gather")
                axes.append((kept, p))
            if not isinstance(p, (int, np.integer)):
                kept += 1
        for axis, index in reversed(axes):  # from the last axis, so earlier axes keep their number
            out = gather(out, index, axis=axis)
        return identity(out, name=name) if name else out
    return apply_op("StridedSlice", [x], name=name, key=_normalise_key(key))


# -- padding and running sums --------------------------------------------------------------------
def _pad(x, paddings, constant_values=0):
    return np.pad(x, paddings, mode="constant", constant_values=constant_values)


def _pad_grad(op, g):
    key = tuple(slice(before, None if after == 0 else -after) for before, after in op.attrs["paddings"])
    return [strided_slice(g, key)]


register_op("Pad", _pad, _pad_grad)


def pad(tensor, paddings, mode="CONSTANT", constant_values=0, name=None):
    """Constant padding: ``paddings[i] = [before, after]`` for axis i."""
    if mode.upper() != "CONSTANT":
        raise ValueError(f"only mode='CONSTANT' padding is supported, got {mode!r}")
    paddings = tuple((int(b), int(a)) for b, a in np.asarray(paddings).reshape(-1, 2))
    return apply_op("Pad", [tensor], name=name, paddings=paddings, constant_values=constant_values)


def _cumsum(x, axis=0, exclusive=False, reverse=False):
    if reverse:
        x = np.flip(x, axis)
    out = np.cumsum(x, axis=axis)
    if exclusive:
        out = out - x
    return np.flip(out, axis) if reverse else out


register_op("Cumsum", _cumsum,
            lambda op, g: [cumsum(g, op.attrs["axis"], op.attrs["exclusive"], not op.attrs["reverse"])])


def cumsum(x, axis=0, exclusive=False, reverse=False, name=None):
    return apply_op("Cumsum", [x], name=name, axis=int(axis), exclusive=bool(exclusive),
                    reverse=bool(reverse))
