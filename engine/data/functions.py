"""Calling a user's function on elements as ``tf.data`` does: a plain tuple element is unpacked
into positional arguments, anything else is one argument; what it returns (tensors, arrays,
Python values; a list as a tuple) becomes an element again.

The function runs eagerly on our tensors, once per element, so any tf op (and any Python) works
in it. Its output spec is found by tracing it once on placeholders of the input's spec in a
scratch graph (unknown dims stay unknown, as TensorFlow's trace gives them); a function the graph
cannot trace (one calling ``.numpy()``) has its spec read from its first few outputs instead
(dims that differ among them unknown)."""

from __future__ import annotations

import itertools

import numpy as np

from engine.data import structure
from engine.framework import context, dtypes
from engine.framework.function import TensorSpec
from engine.framework.graph import Graph
from engine.framework.placeholder import placeholder
from engine.framework.tensor import Tensor


def call_on_element(fn, element):
    args = structure.to_tensors(element)
    with context.eager_mode():  # a TF1 session pulling elements: the function still runs eagerly
        if type(args) is tuple:
            return fn(*args)
        return fn(args)


def as_element(value):
    """A function's return value as an element (nest of numpy arrays)."""
    if isinstance(value, list):
        value = tuple(value)
    return structure.map_structure(structure.as_array, value)


def apply(fn, element):
    return as_element(call_on_element(fn, element))


def trace_spec(fn, input_spec):
    """The spec of ``fn``'s output on inputs of ``input_spec``, or None when it cannot be traced."""
    graph = Graph()
    try:
        with graph.as_default():
            args = structure.map_structure(
                lambda s: placeholder(s.dtype, None if s.shape.rank is None else list(s.shape)), input_spec
            )
            out = fn(*args) if type(args) is tuple else fn(args)
            if isinstance(out, list):
                out = tuple(out)
            return structure.map_structure(_leaf_spec, out)
    except Exception:  # noqa: BLE001 - any failure to trace means: read the spec off an element
        return None


def _leaf_spec(value):
    if isinstance(value, Tensor):
        if value._value is not None and value._graph is None:
            return structure.spec_of(structure.as_array(value))
        return TensorSpec(value.shape, value.dtype)
    if hasattr(value, "dtype") and hasattr(value, "shape") and not isinstance(value, np.ndarray):
        return TensorSpec(value.shape, dtypes.as_dtype(value.dtype))  # a Variable
    return structure.spec_of(structure.as_array(value))


def sampled_spec(elements, n=8):
    """The common spec of the first ``n`` of ``elements``."""
    spec = None
    for element in itertools.islice(elements, n):
        this = structure.spec_of_element(element)
        spec = this if spec is None else structure.map_structure(structure.most_specific_common, spec, this)
    if spec is None:
        raise ValueError("the element spec of a function over an empty dataset could not be traced")
    return spec
