"""Elements as tf.data nests them: tuples, namedtuples and dicts are structure; everything else
(a list too, as in ``tf.data``) is one component, held as a numpy array. Dict components flatten
in sorted-key order and pack back in their own order, as ``tf.nest`` does."""

from __future__ import annotations

import numpy as np

from engine.framework import dtypes
from engine.framework.function import TensorSpec
from engine.framework.tensor import Tensor, eager, to_array
from engine.framework.tensor_shape import TensorShape


def is_nested(value) -> bool:
    return isinstance(value, (tuple, dict))


def _is_namedtuple(value) -> bool:
    return isinstance(value, tuple) and hasattr(value, "_fields")


def flatten(value) -> list:
    if isinstance(value, dict):
        return [leaf for key in sorted(value) for leaf in flatten(value[key])]
    if isinstance(value, tuple):
        return [leaf for item in value for leaf in flatten(item)]
    return [value]


def map_structure(fn, *values):
    """``fn`` over the leaves of ``values`` (all of one structure), in the first's structure."""
    first = values[0]
    if isinstance(first, dict):
        for v in values[1:]:
            if not isinstance(v, dict) or set(v) != set(first):
                raise ValueError(f"the structures differ: {_describe(first)} vs {_describe(v)}")
        return {k: map_structure(fn, *(v[k] for v in values)) for k in first}
    if isinstance(first, tuple):
        for v in values[1:]:
            if not isinstance(v, tuple) or len(v) != len(first):
                raise ValueError(f"the structures differ: {_describe(first)} vs {_describe(v)}")
        items = [map_structure(fn, *parts) for parts in zip(*values, strict=True)]
        return type(first)(*items) if _is_namedtuple(first) else tuple(items)
    return fn(*values)


def pack_as(structure, leaves):
    """``leaves`` (flat, in ``flatten`` order) in ``structure``'s shape."""
    leaves = list(leaves)
    it = iter(range(len(leaves)))

    def build(s):
        if isinstance(s, dict):
            built = {k: build(s[k]) for k in sorted(s)}
            return {k: built[k] for k in s}
        if isinstance(s, tuple):
            items = [build(item) for item in s]
            return type(s)(*items) if _is_namedtuple(s) else tuple(items)
        return leaves[next(it)]

    return build(structure)


def _describe(value) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k!r}: {_describe(v)}" for k, v in value.items()) + "}"
    if isinstance(value, tuple):
        return "(" + ", ".join(_describe(v) for v in value) + ")"
    return "."


# -- components --------------------------------------------------------------------------------
def as_array(value, dtype=None) -> np.ndarray:
    """One component as TensorFlow converts it: Python floats float32, ints int32, numpy arrays
    their own dtype, strings bytes (an object array)."""
    if isinstance(value, Tensor):
        value = value.numpy()
    elif hasattr(value, "_value") and not isinstance(value, np.ndarray):  # a Variable
        value = np.asarray(value._value)
    arr = to_array(value, dtype)
    if dtype is None and arr.dtype == np.int32 and not isinstance(value, np.ndarray | np.generic):
        wide = np.asarray(value)
        if wide.dtype == np.int64 and wide.size and (wide.max() > 2**31 - 1 or wide.min() < -(2**31)):
            arr = wide  # TensorFlow makes Python ints beyond int32 an int64 tensor
    if arr.dtype.kind in "USO":
        arr = _bytes_array(arr)
    return arr


def _bytes_array(arr) -> np.ndarray:
    out = np.empty(arr.shape, dtype=object)
    flat = out.reshape(-1)
    for i, v in enumerate(np.asarray(arr, dtype=object).reshape(-1)):
        flat[i] = v.encode() if isinstance(v, str) else v
    if any(not isinstance(v, bytes) for v in flat):
        raise TypeError(f"a component mixes strings with other values: {arr!r}")
    return out


def normalize(element):
    """Every component of ``element`` as a numpy array."""
    if isinstance(element, list):
        element = as_array(element)
    return map_structure(as_array, element)


def to_tensors(element):
    return map_structure(eager, element)


def to_numpy(element):
    """What ``as_numpy_iterator`` yields: arrays, numpy scalars for rank 0 (bytes for strings)."""
    return map_structure(lambda a: a[()] if a.ndim == 0 else a, element)


# -- specs -------------------------------------------------------------------------------------
def spec_of(array) -> TensorSpec:
    return TensorSpec(array.shape, dtypes.as_dtype(array.dtype))


def spec_of_element(element):
    return map_structure(spec_of, element)


def with_shape(spec, shape) -> TensorSpec:
    return TensorSpec(shape, spec.dtype)


def shape_list(spec):
    """The spec's dims as a list (None for an unknown rank)."""
    return None if spec.shape.rank is None else list(spec.shape)


def shape_str(shape) -> str:
    """A shape as TensorFlow prints it: ``(2,)``, ``(None, 3)``, ``<unknown>``."""
    shape = TensorShape(shape)
    return "<unknown>" if shape.rank is None else str(tuple(shape))


def most_specific_common(a, b) -> TensorSpec:
    """The spec two elements' components both meet: dims that differ become None."""
    if a.dtype != b.dtype:
        raise TypeError(f"the components have dtypes {a.dtype.name} and {b.dtype.name}")
    sa, sb = shape_list(a), shape_list(b)
    if sa is None or sb is None or len(sa) != len(sb):
        return TensorSpec(None, a.dtype)
    return TensorSpec([x if x == y else None for x, y in zip(sa, sb, strict=True)], a.dtype)


def check_compatible(array, spec, what) -> np.ndarray:
    """``array`` cast to ``spec``'s dtype, or the error TensorFlow gives for a wrong shape."""
    want = dtypes.numpy_dtype(spec.dtype)
    if spec.dtype == dtypes.string:
        if array.dtype != object:
            raise TypeError(f"{what} yielded {array.dtype} values where strings were expected")
    elif array.dtype != want:
        if array.dtype.kind in "USO" or (array.dtype.kind == "f" and np.dtype(want).kind in "iub"):
            raise TypeError(
                f"{what} yielded an element of dtype {array.dtype} where an element of "
                f"dtype {spec.dtype.name} was expected"
            )
        array = array.astype(want)
    if not TensorShape(array.shape).is_compatible_with(spec.shape):
        raise ValueError(
            f"`generator` yielded an element of shape {shape_str(array.shape)} where an "
            f"element of shape {shape_str(spec.shape)} was expected."
        )
    return array


def signature_structure(signature):
    """``output_signature``'s structure with every leaf a TensorSpec (lists are tuples here)."""
    if isinstance(signature, list):
        signature = tuple(signature)
    if isinstance(signature, dict):
        return {k: signature_structure(v) for k, v in signature.items()}
    if isinstance(signature, tuple) and not hasattr(signature, "dtype"):
        items = [signature_structure(v) for v in signature]
        return type(signature)(*items) if _is_namedtuple(signature) else tuple(items)
    if not isinstance(signature, TensorSpec):
        raise TypeError(f"output_signature must hold tf.TensorSpec objects, got {signature!r}")
    return signature


def spec_from_types(types, shapes):
    """``output_types``/``output_shapes`` (the older ``from_generator`` arguments) as specs."""
    if shapes is None:
        return map_structure(lambda t: TensorSpec(None, t), _tuples(types))
    return map_structure(
        lambda t, s: TensorSpec(getattr(s, "shape", s), t), _tuples(types), _tuples(shapes, shape=True)
    )


def _tuples(value, shape=False):
    if isinstance(value, dict):
        return {k: _tuples(v, shape) for k, v in value.items()}
    if isinstance(value, TensorShape):
        return _Leaf(value)
    if isinstance(value, (tuple, list)):
        if shape and all(d is None or isinstance(d, int) for d in value):
            return _Leaf(value)
        return tuple(_tuples(v, shape) for v in value)
    return value


class _Leaf:
    """A shape written as a tuple, kept whole while the structure is walked."""

    def __init__(self, shape):
        self.shape = shape

    def __iter__(self):
        return iter(self.shape)
