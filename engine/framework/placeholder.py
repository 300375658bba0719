"""``tf.placeholder``: a graph input whose value ``Session.run`` takes from ``feed_dict``."""

from __future__ import annotations

from engine.framework import dtypes
from engine.framework.graph import get_default_graph, probe_values
from engine.framework.op_registry import get_op_def, register_op
from engine.framework.tensor_shape import TensorShape


def _unfed(**attrs):
    raise RuntimeError("a placeholder has no value: feed it with feed_dict={placeholder: value}")


register_op("Placeholder", _unfed)


def placeholder(dtype, shape=None, name=None):
    """A symbolic input of ``dtype``; ``None`` in ``shape`` is a size known only when fed."""
    dtype = dtypes.as_dtype(dtype)
    shape = TensorShape(shape)
    graph = get_default_graph()
    op = graph.create_op(get_op_def("Placeholder"), [], {"dtype": dtype, "shape": shape},
                         name or "Placeholder", [(shape, dtype, probe_values(shape, dtype))])
    return op.outputs[0]
