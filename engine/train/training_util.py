"""The global step: one ``int64`` variable named ``global_step`` per graph, in the collection
of that name, which ``minimize(loss, global_step=...)`` increments after each update."""

from __future__ import annotations

import numpy as np

from engine.framework import dtypes
from engine.framework.context import get_default_graph
from engine.framework.tensor import Tensor
from engine.framework.variables import Variable

GLOBAL_STEP = "global_step"


def get_global_step(graph=None):
    """The graph's global step variable, or None if none was made."""
    graph = graph or get_default_graph()
    found = graph.get_collection(GLOBAL_STEP)
    if len(found) > 1:
        raise TypeError("Multiple tensors in global_step collection.")
    return found[0] if found else None


def create_global_step(graph=None) -> Variable:
    """Make the graph's global step (an error if it has one: see ``get_or_create_global_step``)."""
    graph = graph or get_default_graph()
    if get_global_step(graph) is not None:
        raise ValueError('"global_step" already exists.')
    with graph.as_default(), graph.name_scope(None):
        return Variable(np.zeros((), np.int64), trainable=False, name="global_step",
                        collections=["variables", GLOBAL_STEP])


def get_or_create_global_step(graph=None) -> Variable:
    return get_global_step(graph) or create_global_step(graph)


def global_step(sess, global_step_tensor) -> int:
    """The global step's value as a Python int (``sess.run`` of it)."""
    if isinstance(global_step_tensor, Variable):
        return int(global_step_tensor.numpy() if sess is None else sess.run(global_step_tensor))
    if isinstance(global_step_tensor, Tensor) and global_step_tensor.graph is None:
        return int(global_step_tensor.numpy())
    return int(sess.run(global_step_tensor))


def assert_global_step(global_step_tensor) -> None:
    """Raise TypeError unless ``global_step_tensor`` is an integer scalar."""
    dtype = dtypes.as_dtype(global_step_tensor.dtype)
    if not dtype.is_integer or global_step_tensor.shape.rank not in (0, None):
        raise TypeError(f"Existing \"global_step\" does not have integer type: {dtype!r}"
                        if not dtype.is_integer else
                        f"Existing \"global_step\" is not scalar: {global_step_tensor.shape}")
