"""Element-wise and sequence transformations: map, filter, flat_map, interleave, take_while,
repeat, take, skip, shard, prefetch, cache, enumerate, concatenate. Each pulls from its input only
as far as its own output is read."""

from __future__ import annotations

import itertools
import os

import numpy as np

from engine.data import functions, structure
from engine.data.base import INFINITE_CARDINALITY, UNKNOWN_CARDINALITY, Dataset, kind
from engine.errors import InvalidArgumentError
from engine.framework import dtypes
from engine.framework.function import TensorSpec


class _Unary(Dataset):
    def __init__(self, input_dataset):
        if not isinstance(input_dataset, Dataset):
            raise TypeError(f"expected a tf.data.Dataset, got {type(input_dataset).__name__}")
        self._input = input_dataset

    def _spec(self):
        return self._input.element_spec

    def _cardinality(self):
        return self._input._cardinality()


@kind("map")
class MapDataset(_Unary):
    """``map_func`` on every element (run eagerly on our tensors: any tf op works in it)."""

    _tf_name = "_MapDataset"

    def __init__(self, input_dataset, map_func):
        super().__init__(input_dataset)
        if not callable(map_func):
            raise TypeError(f"`map_func` must be callable, got {map_func!r}")
        self._fn = map_func

    def _spec(self):
        spec = functions.trace_spec(self._fn, self._input.element_spec)
        return functions.sampled_spec(self._elements()) if spec is None else spec

    def _elements(self):
        fn = self._fn
        for element in self._input._elements():
            yield functions.apply(fn, element)


def _predicate_value(predicate, element):
    value = functions.apply(predicate, element)
    if structure.is_nested(value) or value.shape != () or value.dtype != np.bool_:
        spec = structure.map_structure(structure.spec_of, value)
        raise ValueError(
            f"Invalid `predicate`. `predicate` must return a `tf.bool` scalar tensor, but its "
            f"return type is {_spec_str(spec)}."
        )
    return bool(value)


def _spec_str(spec):
    from engine.data.base import _spec_repr

    return _spec_repr(spec)


@kind("filter")
class FilterDataset(_Unary):
    """The elements for which ``predicate`` is True."""

    _tf_name = "_FilterDataset"

    def __init__(self, input_dataset, predicate):
        super().__init__(input_dataset)
        self._predicate = predicate

    def _cardinality(self):
        return UNKNOWN_CARDINALITY

    def _elements(self):
        for element in self._input._elements():
            if _predicate_value(self._predicate, element):
                yield element


@kind("take_while")
class TakeWhileDataset(FilterDataset):
    _tf_name = "_TakeWhileDataset"

    def _elements(self):
        for element in self._input._elements():
            if not _predicate_value(self._predicate, element):
                return
            yield element


def _dataset_of(fn, element):
    out = functions.call_on_element(fn, element)
    if not isinstance(out, Dataset):
        raise TypeError(
            f"the function given to flat_map/interleave must return a tf.data.Dataset, "
            f"got {type(out).__name__}"
        )
    return out


@kind("flat_map")
class FlatMapDataset(_Unary):
    """The elements of the dataset ``map_func`` makes of each element, one dataset after another."""

    _tf_name = "_FlatMapDataset"

    def __init__(self, input_dataset, map_func):
        super().__init__(input_dataset)
        self._fn = map_func

    def _spec(self):
        for element in self._input._elements():
            return _dataset_of(self._fn, element).element_spec
        raise ValueError("the spec of a flat_map over an empty dataset is unknown")

    def _cardinality(self):
        return UNKNOWN_CARDINALITY

    def _elements(self):
        for element in self._input._elements():
            yield from _dataset_of(self._fn, element)._elements()


@kind("interleave")
class InterleaveDataset(FlatMapDataset):
    """``cycle_length`` of those datasets at a time, ``block_length`` elements from each in turn."""

    _tf_name = "_InterleaveDataset"

    def __init__(self, input_dataset, map_func, cycle_length, block_length):
        super().__init__(input_dataset, map_func)
        self._cycle = None if cycle_length in (None, -1) else int(cycle_length)
        self._block = 1 if block_length in (None, -1) else int(block_length)

    def _elements(self):
        """TensorFlow's cycle: a slot emptied by its dataset running out is refilled from the
        input only when the cycle comes back to it."""
        inputs = self._input._elements()
        cycle = self._cycle or os.cpu_count() or 1  # AUTOTUNE/None: TensorFlow's CPU count
        slots = [None] * cycle
        index, block, open_count, input_done = 0, 0, 0, False
        while not input_done or open_count:
            if slots[index] is not None:
                try:
                    element = next(slots[index])
                except StopIteration:
                    slots[index], open_count = None, open_count - 1
                    index, block = (index + 1) % cycle, 0
                    continue
                block += 1
                if block == self._block:
                    index, block = (index + 1) % cycle, 0
                yield element
            elif not input_done:
                try:
                    slots[index] = _dataset_of(self._fn, next(inputs))._elements()
                    open_count += 1
                except StopIteration:
                    input_done = True
            else:
                index, block = (index + 1) % cycle, 0


def _count(value) -> int:
    return value if isinstance(value, int) else int(structure.as_array(value))


@kind("repeat")
class RepeatDataset(_Unary):
    """The input ``count`` times (forever for None or -1); each pass iterates it anew, so a
    shuffle before the repeat reshuffles every epoch."""

    _tf_name = "_RepeatDataset"

    def __init__(self, input_dataset, count):
        super().__init__(input_dataset)
        self._count = -1 if count is None else _count(count)

    def _cardinality(self):
        n = self._input._cardinality()
        if self._count < 0:
            return 0 if n == 0 else INFINITE_CARDINALITY
        if self._count == 0:
            return 0
        if n in (INFINITE_CARDINALITY, UNKNOWN_CARDINALITY):
            return n
        return n * self._count

    def _elements(self):
        passes = itertools.count() if self._count < 0 else range(self._count)
        for _ in passes:
            empty = True
            for element in self._input._elements():
                empty = False
                yield element
            if empty:
                return


@kind("take")
class TakeDataset(_Unary):
    _tf_name = "_TakeDataset"

    def __init__(self, input_dataset, count):
        super().__init__(input_dataset)
        self._count = _count(count)

    def _cardinality(self):
        n = self._input._cardinality()
        if n == UNKNOWN_CARDINALITY:
            return n
        if self._count < 0:
            return n
        if n == INFINITE_CARDINALITY:
            return self._count
        return min(n, self._count)

    def _elements(self):
        if self._count < 0:
            return self._input._elements()
        return itertools.islice(self._input._elements(), self._count)


@kind("skip")
class SkipDataset(_Unary):
    _tf_name = "_SkipDataset"

    def __init__(self, input_dataset, count):
        super().__init__(input_dataset)
        self._count = _count(count)

    def _cardinality(self):
        n = self._input._cardinality()
        if n in (INFINITE_CARDINALITY, UNKNOWN_CARDINALITY):
            return n
        return 0 if self._count < 0 else max(0, n - self._count)

    def _elements(self):
        if self._count < 0:
            return _drain(self._input._elements())
        return itertools.islice(self._input._elements(), self._count, None)


def _drain(elements):
    for _ in elements:
        pass
    yield from ()


@kind("shard")
class ShardDataset(_Unary):
    """Every ``num_shards``-th element, starting at ``index``."""

    _tf_name = "_ShardDataset"

    def __init__(self, input_dataset, num_shards, index):
        super().__init__(input_dataset)
        self._num, self._index = _count(num_shards), _count(index)
        if self._num <= 0:
            raise InvalidArgumentError(
                None,
                None,
                f"Number of shards must be greater than zero (currently num_shards = {self._num}).",
            )
        if not 0 <= self._index < self._num:
            raise InvalidArgumentError(
                None, None, f"Index must be between 0 and {self._num - 1} (currently index = {self._index})."
            )

    def _cardinality(self):
        n = self._input._cardinality()
        if n in (INFINITE_CARDINALITY, UNKNOWN_CARDINALITY):
            return n
        return n // self._num + (1 if self._index < n % self._num else 0)

    def _elements(self):
        return itertools.islice(self._input._elements(), self._index, None, self._num)


@kind("prefetch")
class PrefetchDataset(_Unary):
    """Accepted for the pipelines that ask for it; reading ahead buys nothing in one thread."""

    _tf_name = "_PrefetchDataset"

    def __init__(self, input_dataset, buffer_size):
        super().__init__(input_dataset)
        self._buffer_size = _count(buffer_size)

    def _elements(self):
        return self._input._elements()


@kind("cache")
class CacheDataset(_Unary):
    """The first complete pass is recorded in memory and replayed after (``filename`` is
    accepted; the cache stays in memory). A pass read only partly is not kept, as in TensorFlow."""

    _tf_name = "CacheDataset"

    def __init__(self, input_dataset, filename):
        super().__init__(input_dataset)
        self._filename = filename
        self._cache = None

    def _elements(self):
        if self._cache is not None:
            yield from self._cache
            return
        recorded = []
        for element in self._input._elements():
            recorded.append(element)
            yield element
        self._cache = recorded


@kind("enumerate")
class EnumerateDataset(_Unary):
    """``(index, element)`` pairs, the index an int64 from ``start``."""

    _tf_name = "_EnumerateDataset"

    def __init__(self, input_dataset, start):
        super().__init__(input_dataset)
        self._start = _count(start)

    def _spec(self):
        return (TensorSpec([], dtypes.int64), self._input.element_spec)

    def _elements(self):
        for i, element in enumerate(self._input._elements(), self._start):
            yield (np.asarray(i, dtype=np.int64), element)


@kind("concatenate")
class ConcatenateDataset(_Unary):
    _tf_name = "_ConcatenateDataset"

    def __init__(self, input_dataset, other):
        super().__init__(input_dataset)
        if not isinstance(other, Dataset):
            raise TypeError(f"concatenate takes a tf.data.Dataset, got {type(other).__name__}")
        self._other = other

    def _spec(self):
        a, b = self._input.element_spec, self._other.element_spec
        try:
            return structure.map_structure(structure.most_specific_common, a, b)
        except (TypeError, ValueError) as exc:
            raise TypeError(
                f"Incompatible dataset elements:\n  {_spec_str(a)} vs.\n  {_spec_str(b)}"
            ) from exc

    def _cardinality(self):
        a, b = self._input._cardinality(), self._other._cardinality()
        if INFINITE_CARDINALITY in (a, b):
            return INFINITE_CARDINALITY
        if UNKNOWN_CARDINALITY in (a, b):
            return UNKNOWN_CARDINALITY
        return a + b

    def _elements(self):
        yield from self._input._elements()
        yield from self._other._elements()
