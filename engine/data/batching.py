"""``batch``, ``padded_batch`` and ``unbatch``: consecutive elements stacked along a new first
dimension (the last batch partial unless ``drop_remainder``), padded to a common shape, or split
back into rows."""

from __future__ import annotations

import itertools

import numpy as np

from engine.data import structure
from engine.data.base import INFINITE_CARDINALITY, UNKNOWN_CARDINALITY, kind
from engine.data.transforms import _count, _Unary
from engine.errors import InvalidArgumentError
from engine.framework import dtypes
from engine.framework.function import TensorSpec


def _batch_size(value) -> int:
    n = _count(value)
    if n <= 0:
        raise InvalidArgumentError(None, None, "Batch size must be greater than zero.")
    return n


def _batched_cardinality(n, size, drop_remainder):
    if n in (INFINITE_CARDINALITY, UNKNOWN_CARDINALITY):
        return n
    return n // size if drop_remainder else -(-n // size)


def _chunks(elements, size, drop_remainder):
    while True:
        chunk = list(itertools.islice(elements, size))
        if not chunk or (drop_remainder and len(chunk) < size):
            return
        yield chunk


def _stack(chunk, index):
    first = chunk[0].shape
    for i, a in enumerate(chunk[1:], 1):
        if a.shape != first:
            raise InvalidArgumentError(
                None,
                None,
                f"Cannot batch tensors with different shapes in component {index}. First element "
                f"had shape {list(first)} and element {i} had shape {list(a.shape)}.",
            )
    return np.stack(chunk)


def _leading(spec, size):
    return TensorSpec([size, *spec.shape] if spec.shape.rank is not None else None, spec.dtype)


@kind("batch")
class BatchDataset(_Unary):
    _tf_name = "_BatchDataset"

    def __init__(self, input_dataset, batch_size, drop_remainder):
        super().__init__(input_dataset)
        self._size, self._drop = _batch_size(batch_size), bool(drop_remainder)

    def _spec(self):
        size = self._size if self._drop else None
        return structure.map_structure(lambda s: _leading(s, size), self._input.element_spec)

    def _cardinality(self):
        return _batched_cardinality(self._input._cardinality(), self._size, self._drop)

    def _elements(self):
        for chunk in _chunks(self._input._elements(), self._size, self._drop):
            shape = chunk[0]
            columns = zip(*(structure.flatten(e) for e in chunk), strict=True)
            yield structure.pack_as(shape, [_stack(list(c), i) for i, c in enumerate(columns)])


@kind("padded_batch")
class PaddedBatchDataset(BatchDataset):
    """Batches whose components are padded (with ``padding_values``, default 0 or b"") to
    ``padded_shapes`` (default: each unknown dim to the longest in the batch)."""

    _tf_name = "_PaddedBatchDataset"

    def __init__(self, input_dataset, batch_size, padded_shapes, padding_values, drop_remainder):
        super().__init__(input_dataset, batch_size, drop_remainder)
        self._padded_shapes, self._padding_values = padded_shapes, padding_values

    def _resolved(self):
        """Per component: the padded shape (None: every dim to the batch's longest) and the pad."""
        if not hasattr(self, "_shapes"):
            spec = self._input.element_spec
            shapes = self._padded_shapes
            if shapes is None:
                self._shapes = structure.map_structure(lambda s: None, spec)
            else:
                if not structure.is_nested(spec):
                    shapes = _Shape(shapes)
                self._shapes = structure.map_structure(
                    lambda s, p: _shape_of(p, s), spec, _shapes_like(spec, shapes)
                )
            values = self._padding_values
            if values is None:
                values = structure.map_structure(lambda s: None, spec)
            self._pads = structure.map_structure(
                lambda s, v: _pad_value(s, v), spec, _shapes_like(spec, values, leaf=True)
            )
        return self._shapes, self._pads

    def _spec(self):
        size = self._size if self._drop else None
        shapes, _ = self._resolved()

        def padded(s, shape):
            if shape is None:
                shape = [None] * s.shape.rank if s.shape.rank is not None else None
            return TensorSpec(None if shape is None else [size, *shape], s.dtype)

        return structure.map_structure(padded, self._input.element_spec, shapes)

    def _elements(self):
        shapes, pads = self._resolved()
        flat_shapes, flat_pads = structure.flatten(shapes), structure.flatten(pads)
        for chunk in _chunks(self._input._elements(), self._size, self._drop):
            columns = zip(*(structure.flatten(e) for e in chunk), strict=True)
            out = [
                _pad_stack(list(c), shape, pad)
                for c, shape, pad in zip(columns, flat_shapes, flat_pads, strict=True)
            ]
            yield structure.pack_as(chunk[0], out)


class _Shape:
    def __init__(self, dims):
        self.dims = dims


def _shapes_like(spec, value, leaf=False):
    """``value`` (a nest with shapes or padding values as leaves) with ``spec``'s structure."""
    if isinstance(spec, dict):
        return {k: _shapes_like(spec[k], value[k], leaf) for k in spec}
    if isinstance(spec, tuple):
        return tuple(_shapes_like(s, v, leaf) for s, v in zip(spec, value, strict=True))
    return value if leaf else _Shape(getattr(value, "dims", value))


def _shape_of(padded, spec):
    dims = padded.dims
    if dims is None:
        dims = list(spec.shape)
    elif not isinstance(dims, (list, tuple)):
        dims = structure.as_array(dims).reshape(-1).tolist()
    dims = [None if d in (None, -1) else int(d) for d in dims]
    if spec.shape.rank is None or len(dims) != spec.shape.rank:
        raise ValueError(
            f"The padded shape {dims} is not compatible with the shape {spec.shape} of the "
            "corresponding input component."
        )
    return dims


def _pad_value(spec, value):
    if value is None:
        return b"" if spec.dtype == dtypes.string else np.zeros((), dtypes.numpy_dtype(spec.dtype))
    return structure.as_array(value, None if spec.dtype == dtypes.string else spec.dtype)


def _pad_stack(chunk, shape, pad):
    if shape is None:
        shape = [None] * chunk[0].ndim
    target = [max(a.shape[d] for a in chunk) if s is None else s for d, s in enumerate(shape)]
    out = np.full([len(chunk), *target], pad, dtype=chunk[0].dtype)
    for i, a in enumerate(chunk):
        if any(n > t for n, t in zip(a.shape, target, strict=True)):
            raise InvalidArgumentError(
                None,
                None,
                f"Attempted to pad to a smaller size than the input element: "
                f"shape {list(a.shape)} into {target}.",
            )
        out[(i, *(slice(0, n) for n in a.shape))] = a
    return out


@kind("unbatch")
class UnbatchDataset(_Unary):
    """Each element split along its first dimension into that many elements."""

    _tf_name = "_UnbatchDataset"

    def _spec(self):
        def row(s):
            if s.shape.rank == 0:
                raise ValueError("Cannot unbatch an input with scalar components.")
            return TensorSpec(None if s.shape.rank is None else list(s.shape)[1:], s.dtype)

        return structure.map_structure(row, self._input.element_spec)

    def _cardinality(self):
        leading = {
            None if s.shape.rank is None else s.shape[0] for s in structure.flatten(self._input.element_spec)
        }
        if len(leading) != 1 or None in leading:
            return UNKNOWN_CARDINALITY
        n = self._input._cardinality()
        if n in (INFINITE_CARDINALITY, UNKNOWN_CARDINALITY):
            return n
        return n * leading.pop()

    def _elements(self):
        for element in self._input._elements():
            leaves = structure.flatten(element)
            n = leaves[0].shape[0]
            for leaf in leaves[1:]:
                if leaf.shape[0] != n:
                    raise InvalidArgumentError(
                        None,
                        None,
                        "Input element must have the same batch size in "
                        f"each component. Component 0 had size {n} but component had "
                        f"size {leaf.shape[0]}.",
                    )
            for i in range(n):
                yield structure.pack_as(element, [leaf[i, ...] for leaf in leaves])
