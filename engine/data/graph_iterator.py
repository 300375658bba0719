"""TF1's iterators: ``make_one_shot_iterator`` / ``make_initializable_iterator`` over a dataset,
whose ``get_next()`` in a graph is an ``IteratorGetNext`` node: each ``Session.run`` that fetches
it pulls the next element, and the end of the data is ``tf.errors.OutOfRangeError``, the signal
TF1 loops stop on. ``iterator.initializer`` (re)starts an initializable iterator. In eager mode
both give the Python iterator."""

from __future__ import annotations

from engine.data import structure
from engine.data.base import Dataset, Iterator, kind
from engine.errors import FailedPreconditionError, OutOfRangeError
from engine.framework import context, dtypes
from engine.framework.graph import get_default_graph, probe_values
from engine.framework.op_registry import get_op_def, register_op
from engine.framework.tensor_shape import TensorShape


class _State:
    """The Python side of one graph iterator: its dataset and the pass in progress."""

    def __init__(self, dataset, started):
        self.dataset = dataset
        self.elements = dataset._elements() if started else None

    def next_flat(self):
        if self.elements is None:
            raise FailedPreconditionError(None, None, "GetNext() failed because the iterator has not been "
                                          "initialized. Ensure that you have run the initializer operation "
                                          "for this iterator before getting the next element.")
        try:
            return structure.flatten(next(self.elements))
        except StopIteration:
            raise OutOfRangeError(None, None, "End of sequence") from None


def _get_next(_state, _n, **attrs):
    flat = _state.next_flat()
    return flat[0] if _n == 1 else tuple(flat)


def _make_iterator(_state, **attrs):
    _state.elements = _state.dataset._elements()
    return ()


register_op("IteratorGetNext", _get_next, num_outputs=lambda n_inputs, attrs: attrs["_n"], stateful=True)
register_op("MakeIterator", _make_iterator, num_outputs=0, stateful=True)


class GraphIterator:
    """An iterator in a TF1 graph; ``get_next()`` is the element's structure of graph tensors."""

    def __init__(self, dataset, initializable):
        self._state = _State(dataset, started=not initializable)
        self._graph = get_default_graph()
        self._initializable = initializable
        self._initializer = None
        self._next = None

    @property
    def element_spec(self):
        return self._state.dataset.element_spec

    @property
    def output_types(self):
        return structure.map_structure(lambda s: s.dtype, self.element_spec)

    @property
    def output_shapes(self):
        return structure.map_structure(lambda s: s.shape, self.element_spec)

    @property
    def initializer(self):
        if not self._initializable:
            raise ValueError("a one-shot iterator has no initializer: it starts when first run")
        if self._initializer is None:
            self._initializer = self._graph.create_op(get_op_def("MakeIterator"), [], {"_state": self._state},
                                                      "MakeIterator", [])
        return self._initializer

    def get_next(self, name=None):
        """The next element's tensors; each Session.run of them reads one element. TensorFlow
        gives one node per call too; we return the same node (every fetch of it reads on)."""
        if self._next is None:
            spec = self.element_spec
            flat = structure.flatten(spec)
            specs = [(TensorShape(s.shape), s.dtype, _probe(s)) for s in flat]
            attrs = {"_state": self._state, "_n": len(flat)}
            op = self._graph.create_op(get_op_def("IteratorGetNext"), [], attrs, name or "IteratorGetNext",
                                       specs)
            self._next = structure.pack_as(spec, op.outputs)
        return self._next


def _probe(spec):
    if spec.shape.rank is None or spec.dtype == dtypes.string:
        return None
    return probe_values(spec.shape, spec.dtype)


@kind("one_shot_iterator")
def make_one_shot_iterator(dataset):
    """``tf.compat.v1.data.make_one_shot_iterator``: eagerly the Python iterator."""
    _check(dataset)
    if context.executing_eagerly():
        return Iterator(dataset)
    return GraphIterator(dataset, initializable=False)


@kind("initializable_iterator")
def make_initializable_iterator(dataset, shared_name=None):
    _check(dataset)
    if context.executing_eagerly():
        raise RuntimeError("dataset.make_initializable_iterator is not supported when eager execution is "
                           "enabled. Use `for element in dataset` instead.")
    return GraphIterator(dataset, initializable=True)


def _check(dataset):
    if not isinstance(dataset, Dataset):
        raise TypeError(f"expected a tf.data.Dataset, got {type(dataset).__name__}")
