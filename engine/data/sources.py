"""Where elements come from: tensor slices, whole tensors, ``range``, ``zip``, a Python generator,
file names (``list_files``), and sampling among datasets."""

from __future__ import annotations

import glob as _glob

import numpy as np

from engine.data import structure
from engine.data.base import INFINITE_CARDINALITY, UNKNOWN_CARDINALITY, Dataset, kind
from engine.errors import InvalidArgumentError
from engine.framework import dtypes
from engine.framework.function import TensorSpec
from engine.framework.tensor import Tensor


@kind("tensor_slices")
class TensorSliceDataset(Dataset):
    """One element per row of ``tensors`` (every component sliced along its first dimension)."""

    _tf_name = "_TensorSliceDataset"

    def __init__(self, tensors):
        self._value = structure.normalize(tensors)
        leaves = structure.flatten(self._value)
        n = None
        for leaf in leaves:
            if leaf.ndim == 0:
                raise ValueError("Unbatching a tensor is only supported for rank >= 1")
            if n is not None and leaf.shape[0] != n:
                raise ValueError(f"Dimensions {n} and {leaf.shape[0]} are not compatible")
            n = leaf.shape[0]
        self._n = n or 0

    def _spec(self):
        return structure.map_structure(
            lambda a: TensorSpec(a.shape[1:], dtypes.as_dtype(a.dtype)), self._value
        )

    def _cardinality(self):
        return self._n

    def _elements(self):
        value = self._value
        for i in range(self._n):
            yield structure.map_structure(lambda a, i=i: a[i, ...], value)


@kind("tensors")
class TensorDataset(Dataset):
    """``tensors`` as the one element."""

    _tf_name = "_TensorDataset"

    def __init__(self, tensors):
        self._value = structure.normalize(tensors)

    def _spec(self):
        return structure.spec_of_element(self._value)

    def _cardinality(self):
        return 1

    def _elements(self):
        yield self._value


@kind("range")
class RangeDataset(Dataset):
    """Python's ``range(start, stop, step)`` as int64 scalars (or ``output_type``)."""

    _tf_name = "_RangeDataset"

    def __init__(self, *args, output_type=None):
        if not 1 <= len(args) <= 3:
            raise ValueError(
                f"Dataset.range takes 1 to 3 arguments (stop, or start, stop[, step]), got {args}"
            )
        ints = [a if isinstance(a, int) else int(structure.as_array(a)) for a in args]
        if len(ints) == 3 and ints[2] == 0:
            raise InvalidArgumentError(None, None, "step must be a non-zero integer.")
        self._range = range(*ints)
        self._dtype = dtypes.int64 if output_type is None else dtypes.as_dtype(output_type)

    def _spec(self):
        return TensorSpec([], self._dtype)

    def _cardinality(self):
        return len(self._range)

    def _elements(self):
        np_dtype = dtypes.numpy_dtype(self._dtype)
        for i in self._range:
            yield np.asarray(i, dtype=np_dtype)


@kind("counter")
class CounterDataset(Dataset):
    """``Dataset.counter`` / ``tf.data.experimental.Counter``: an endless count."""

    _tf_name = "_CounterDataset"

    def __init__(self, start, step, dtype):
        self._start, self._step = int(structure.as_array(start)), int(structure.as_array(step))
        self._dtype = dtypes.int64 if dtype is None else dtypes.as_dtype(dtype)

    def _spec(self):
        return TensorSpec([], self._dtype)

    def _cardinality(self):
        return INFINITE_CARDINALITY

    def _elements(self):
        np_dtype = dtypes.numpy_dtype(self._dtype)
        value = self._start
        while True:
            yield np.asarray(value, dtype=np_dtype)
            value += self._step


def _datasets(value):
    if isinstance(value, Dataset):
        return value
    if isinstance(value, list):
        value = tuple(value)
    if isinstance(value, (tuple, dict)):
        return structure.map_structure(_datasets, value)
    raise TypeError(
        f"Dataset.zip takes a (nested) structure of datasets, got {type(value).__name__}: {value!r}"
    )


@kind("zip")
class ZipDataset(Dataset):
    """Elements of several datasets side by side, in their structure; stops at the shortest."""

    _tf_name = "_ZipDataset"

    def __init__(self, datasets):
        self._datasets = _datasets(datasets)
        self._flat = structure.flatten(self._datasets)

    def _spec(self):
        return structure.map_structure(lambda d: d.element_spec, self._datasets)

    def _cardinality(self):
        result = INFINITE_CARDINALITY
        for n in (d._cardinality() for d in self._flat):
            if n == UNKNOWN_CARDINALITY:
                return UNKNOWN_CARDINALITY
            if n != INFINITE_CARDINALITY:
                result = n if result == INFINITE_CARDINALITY else min(result, n)
        return result

    def _elements(self):
        for parts in zip(*(d._elements() for d in self._flat), strict=False):
            yield structure.pack_as(self._datasets, parts)


@kind("generator")
class GeneratorDataset(Dataset):
    """The values ``generator(*args)`` yields, checked against ``output_signature``."""

    _tf_name = "_FlatMapDataset"

    def __init__(self, generator, output_types, output_shapes, args, output_signature):
        if not callable(generator):
            raise TypeError("`generator` must be a Python callable.")
        if output_signature is not None:
            if output_types is not None or output_shapes is not None:
                raise TypeError(
                    "The `output_types` and `output_shapes` arguments can only be used "
                    "without `output_signature`."
                )
            self._signature = structure.signature_structure(output_signature)
        elif output_types is not None:
            self._signature = structure.spec_from_types(output_types, output_shapes)
        else:
            raise TypeError(
                "To specify the output signature you need to provide either the `output_signature` "
                "argument or the `output_types` argument."
            )
        self._generator = generator
        self._args = tuple(structure.as_array(a) for a in (args or ()))

    def _spec(self):
        return self._signature

    def _elements(self):
        for value in self._generator(*self._args):
            yield self._check(value)

    def _check(self, value):
        spec = self._signature
        if not structure.is_nested(spec) and isinstance(value, tuple):
            value = list(value)  # one component: a tuple yielded is its value, (0,) a vector
        wrong_tuple = isinstance(spec, tuple) and not isinstance(value, tuple)
        if wrong_tuple or isinstance(spec, dict) and not isinstance(value, dict):
            raise InvalidArgumentError(
                None,
                None,
                "TypeError: `generator` yielded an element that did not match the expected "
                f"structure. The expected structure was {_types(spec)}, but the yielded element was "
                f"{value!r}.",
            )
        try:
            return structure.map_structure(self._component, value, spec)
        except ValueError as exc:
            raise InvalidArgumentError(None, None, f"TypeError: {exc}") from None

    @staticmethod
    def _component(value, spec):
        if isinstance(value, Tensor):
            value = value.numpy()
        if spec.dtype == dtypes.string:
            array = structure.as_array(value)
        else:
            try:
                array = np.asarray(value, dtype=dtypes.numpy_dtype(spec.dtype))
            except (TypeError, ValueError) as exc:
                raise InvalidArgumentError(
                    None,
                    None,
                    f"TypeError: `generator` yielded an element that could not be converted to "
                    f"the expected type. The expected type was {spec.dtype.name}, but the yielded "
                    f"element was {value!r}.",
                ) from exc
        return structure.check_compatible(array, spec, "`generator`")


def _types(spec):
    if isinstance(spec, dict):
        return {k: _types(v) for k, v in spec.items()}
    if isinstance(spec, tuple):
        return "(" + ", ".join(_types(v) for v in spec) + ")"
    return f"tf.{spec.dtype.name}"


@kind("list_files")
class ListFilesDataset(Dataset):
    """The file names matching ``file_pattern`` (a pattern or a list of them), as bytes scalars;
    shuffled unless ``shuffle=False`` (TensorFlow's default), sorted otherwise."""

    _tf_name = "_ShuffleDataset"

    def __init__(self, file_pattern, shuffle, seed):
        patterns = structure.as_array(file_pattern).reshape(-1)
        names = sorted(
            {n for p in patterns for n in _glob.glob(p.decode() if isinstance(p, bytes) else str(p))}
        )
        if not names:
            raise InvalidArgumentError(
                None,
                None,
                f"Expected 'tf.Tensor({list(patterns)!r})' to be non-empty. No files matched pattern.",
            )
        self._names = structure.as_array(np.asarray(names, dtype=object))
        self._inner = TensorSliceDataset(self._names)
        if shuffle is None or shuffle:
            self._inner = self._inner.shuffle(len(names), seed=seed)
        else:
            self._tf_name = "_TensorSliceDataset"

    def _spec(self):
        return TensorSpec([], dtypes.string)

    def _cardinality(self):
        return len(self._names)

    def _elements(self):
        return self._inner._elements()


@kind("sample")
class SampleDataset(Dataset):
    """``sample_from_datasets``: each element from a dataset drawn with ``weights``."""

    _tf_name = "_DirectedInterleaveDataset"

    def __init__(self, datasets, weights, seed, stop_on_empty):
        self._datasets = list(datasets)
        w = (
            np.ones(len(self._datasets))
            if weights is None
            else np.asarray(structure.as_array(weights), float)
        )
        self._weights = w / w.sum()
        self._seed, self._stop, self._epoch = seed, stop_on_empty, 0
        from engine.framework import context

        self._base = context.random_generator().integers(2**31) if seed is None else int(seed)

    def _spec(self):
        return self._datasets[0].element_spec

    def _cardinality(self):
        cards = [d._cardinality() for d in self._datasets]
        return INFINITE_CARDINALITY if all(c == INFINITE_CARDINALITY for c in cards) else UNKNOWN_CARDINALITY

    def _elements(self):
        rng = np.random.default_rng([self._base, self._epoch])
        self._epoch += 1
        its = [d._elements() for d in self._datasets]
        weights = self._weights.copy()
        while weights.sum() > 0:
            i = int(rng.choice(len(its), p=weights / weights.sum()))
            try:
                yield next(its[i])
            except StopIteration:
                if self._stop:
                    return
                weights[i] = 0.0


@kind("choose")
class ChooseDataset(Dataset):
    """``choose_from_datasets``: each element from the dataset ``choice_dataset`` names."""

    _tf_name = "_DirectedInterleaveDataset"

    def __init__(self, datasets, choice_dataset, stop_on_empty):
        self._datasets, self._choice, self._stop = list(datasets), choice_dataset, stop_on_empty

    def _spec(self):
        return self._datasets[0].element_spec

    def _elements(self):
        its = [d._elements() for d in self._datasets]
        done = set()
        for c in self._choice._elements():
            i = int(c)
            if not 0 <= i < len(its):
                raise InvalidArgumentError(None, None, f"Selector index out of range: {i} >= {len(its)}")
            if i in done:
                continue
            try:
                yield next(its[i])
            except StopIteration:
                if self._stop:
                    return
                done.add(i)
