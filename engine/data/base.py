"""``tf.data.Dataset``: a lazy pipeline over numpy. Each dataset knows its ``element_spec`` and
``cardinality`` and makes a fresh Python generator of elements (nests of numpy arrays) each time it
is iterated; nothing is read before an element is asked for, so ``range(10**9).repeat().take(3)``
costs three elements. Transformations are classes in ``sources``, ``transforms``, ``batching``
and ``shuffling``, found through ``KINDS`` so that this module imports none of them."""

from __future__ import annotations

import numpy as np

from engine.data import structure
from engine.errors import OutOfRangeError
from engine.framework.tensor import eager

AUTOTUNE = -1
INFINITE_CARDINALITY = -1
UNKNOWN_CARDINALITY = -2
KINDS: dict[str, type] = {}


def kind(name):
    """Register a Dataset subclass under ``name`` for the methods below to build."""

    def register(cls):
        KINDS[name] = cls
        return cls

    return register


class Dataset:
    """A sequence of elements, each a nest (tuple, dict) of tensors of one ``element_spec``."""

    _tf_name = "Dataset"

    # -- what a subclass provides ----------------------------------------------------------------
    def _elements(self):  # pragma: no cover - interface
        """A new generator of elements (nests of numpy arrays)."""
        raise NotImplementedError

    def _spec(self):  # pragma: no cover - interface
        raise NotImplementedError

    def _cardinality(self) -> int:
        return UNKNOWN_CARDINALITY

    # -- what every dataset is -------------------------------------------------------------------
    @property
    def element_spec(self):
        if not hasattr(self, "_element_spec"):
            self._element_spec = self._spec()
        return self._element_spec

    def cardinality(self):
        """The number of elements as an int64 tensor; ``INFINITE_CARDINALITY`` (-1) or
        ``UNKNOWN_CARDINALITY`` (-2) when it is not a known number."""
        return eager(np.asarray(self._cardinality(), dtype=np.int64))

    def __len__(self):
        n = self._cardinality()
        if n == INFINITE_CARDINALITY:
            raise TypeError("The dataset is infinite.")
        if n == UNKNOWN_CARDINALITY:
            raise TypeError("The dataset length is unknown.")
        return n

    def __bool__(self):
        return True

    def __iter__(self):
        return Iterator(self)

    def as_numpy_iterator(self):
        """The elements as numpy values (numpy scalars for rank 0, bytes for strings)."""
        return NumpyIterator(self)

    def __repr__(self) -> str:
        return f"<{self._tf_name} element_spec={_spec_repr(self.element_spec)}>"

    # -- sources ---------------------------------------------------------------------------------
    @staticmethod
    def from_tensor_slices(tensors, name=None):
        return KINDS["tensor_slices"](tensors)

    @staticmethod
    def from_tensors(tensors, name=None):
        return KINDS["tensors"](tensors)

    @staticmethod
    def range(*args, output_type=None, name=None):  # noqa: A003 - TensorFlow's name
        return KINDS["range"](*args, output_type=output_type)

    @staticmethod
    def zip(*args, datasets=None, name=None):  # noqa: A003
        if datasets is None:
            datasets = args[0] if len(args) == 1 else tuple(args)
        elif args:
            raise TypeError("Dataset.zip takes the datasets either positionally or as datasets=, not both")
        return KINDS["zip"](datasets)

    @staticmethod
    def from_generator(
        generator, output_types=None, output_shapes=None, args=None, output_signature=None, name=None
    ):
        return KINDS["generator"](generator, output_types, output_shapes, args, output_signature)

    @staticmethod
    def counter(start=0, step=1, dtype=None, name=None):
        """start, start + step, ... forever (int64 unless ``dtype`` says otherwise)."""
        return KINDS["counter"](start, step, dtype)

    @staticmethod
    def list_files(file_pattern, shuffle=None, seed=None, name=None):
        return KINDS["list_files"](file_pattern, shuffle, seed)

    @staticmethod
    def sample_from_datasets(
        datasets, weights=None, seed=None, stop_on_empty_dataset=False, rerandomize_each_iteration=None
    ):
        return KINDS["sample"](datasets, weights, seed, stop_on_empty_dataset)

    @staticmethod
    def choose_from_datasets(datasets, choice_dataset, stop_on_empty_dataset=True):
        return KINDS["choose"](datasets, choice_dataset, stop_on_empty_dataset)

    # -- transformations -------------------------------------------------------------------------
    def map(self, map_func, num_parallel_calls=None, deterministic=None, name=None):  # noqa: A003
        return KINDS["map"](self, map_func)

    def filter(self, predicate, name=None):  # noqa: A003
        return KINDS["filter"](self, predicate)

    def flat_map(self, map_func, name=None):
        return KINDS["flat_map"](self, map_func)

    def interleave(
        self,
        map_func,
        cycle_length=None,
        block_length=None,
        num_parallel_calls=None,
        deterministic=None,
        name=None,
    ):
        return KINDS["interleave"](self, map_func, cycle_length, block_length)

    def batch(self, batch_size, drop_remainder=False, num_parallel_calls=None, deterministic=None, name=None):
        return KINDS["batch"](self, batch_size, drop_remainder)

    def padded_batch(
        self, batch_size, padded_shapes=None, padding_values=None, drop_remainder=False, name=None
    ):
        return KINDS["padded_batch"](self, batch_size, padded_shapes, padding_values, drop_remainder)

    def unbatch(self, name=None):
        return KINDS["unbatch"](self)

    def rebatch(self, batch_size, drop_remainder=False, name=None):
        return self.unbatch().batch(batch_size, drop_remainder)

    def shuffle(self, buffer_size, seed=None, reshuffle_each_iteration=True, name=None):
        return KINDS["shuffle"](self, buffer_size, seed, reshuffle_each_iteration)

    def repeat(self, count=None, name=None):
        return KINDS["repeat"](self, count)

    def take(self, count, name=None):
        return KINDS["take"](self, count)

    def skip(self, count, name=None):
        return KINDS["skip"](self, count)

    def take_while(self, predicate, name=None):
        return KINDS["take_while"](self, predicate)

    def shard(self, num_shards, index, name=None):
        return KINDS["shard"](self, num_shards, index)

    def prefetch(self, buffer_size, name=None):
        return KINDS["prefetch"](self, buffer_size)

    def cache(self, filename="", name=None):
        return KINDS["cache"](self, filename)

    def enumerate(self, start=0, name=None):  # noqa: A003
        return KINDS["enumerate"](self, start)

    def concatenate(self, dataset, name=None):
        return KINDS["concatenate"](self, dataset)

    def apply(self, transformation_func):
        return transformation_func(self)

    def with_options(self, options, name=None):
        return self

    def options(self):
        return Options()

    def make_one_shot_iterator(self):
        """TF1's iterator: in a graph, ``get_next()`` reads an element per ``Session.run``."""
        return KINDS["one_shot_iterator"](self)

    def make_initializable_iterator(self, shared_name=None):
        return KINDS["initializable_iterator"](self)

    def get_single_element(self, name=None):
        """The one element of a dataset of one element (InvalidArgumentError otherwise)."""
        from engine.errors import InvalidArgumentError

        it = self._elements()
        for element in it:
            for _ in it:
                raise InvalidArgumentError(None, None, "Dataset had more than one element.")
            return structure.to_tensors(element)
        raise InvalidArgumentError(None, None, "Dataset was empty.")

    def reduce(self, initial_state, reduce_func, name=None):
        """Fold ``reduce_func(state, element)`` over the elements, from ``initial_state``."""
        from engine.data.functions import call_on_element

        state = structure.to_tensors(structure.normalize(initial_state))
        for element in self._elements():
            state = structure.to_tensors(
                structure.normalize(call_on_element(lambda *e, _s=state: reduce_func(_s, *e), element))
            )
        return state


class Options:
    """``tf.data.Options``: accepted and kept; a pipeline over numpy has nothing to tune."""

    def __init__(self):
        self.deterministic = None
        self.experimental_deterministic = None
        self.threading = _Namespace(private_threadpool_size=None, max_intra_op_parallelism=None)
        self.experimental_distribute = _Namespace(auto_shard_policy=None)
        self.experimental_optimization = _Namespace()


class _Namespace:
    def __init__(self, **kwargs):
        self.__dict__.update(kwargs)


class Iterator:
    """``iter(dataset)``: ``next()`` ends with StopIteration, ``get_next()`` with
    ``tf.errors.OutOfRangeError``, as TensorFlow's iterators do."""

    def __init__(self, dataset):
        self._dataset = dataset
        self._it = dataset._elements()

    @property
    def element_spec(self):
        return self._dataset.element_spec

    def __iter__(self):
        return self

    def __next__(self):
        return structure.to_tensors(next(self._it))

    def get_next(self):
        try:
            return self.__next__()
        except StopIteration:
            raise OutOfRangeError(None, None, "End of sequence") from None

    def get_next_as_optional(self):
        try:
            return Optional(self.__next__())
        except StopIteration:
            return Optional(None)


class Optional:
    """What ``get_next_as_optional`` gives: ``has_value()`` and ``get_value()``."""

    def __init__(self, value):
        self._value = value

    def has_value(self):
        return eager(np.asarray(self._value is not None))

    def get_value(self):
        if self._value is None:
            from engine.errors import InvalidArgumentError

            raise InvalidArgumentError(None, None, "The optional does not have a value.")
        return self._value


class NumpyIterator:
    def __init__(self, dataset):
        self._it = dataset._elements()

    def __iter__(self):
        return self

    def __next__(self):
        return structure.to_numpy(next(self._it))


def _spec_repr(spec) -> str:
    if isinstance(spec, dict):
        return "{" + ", ".join(f"{k!r}: {_spec_repr(v)}" for k, v in spec.items()) + "}"
    if isinstance(spec, tuple):
        inner = ", ".join(_spec_repr(v) for v in spec)
        return f"({inner},)" if len(spec) == 1 else f"({inner})"
    return f"TensorSpec(shape={structure.shape_str(spec.shape)}, dtype=tf.{spec.dtype.name}, name=None)"
