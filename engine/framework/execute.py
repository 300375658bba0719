"""Running an op: eagerly on arrays (recording it on active tapes), or as a new graph node when an
input is symbolic or a graph is the explicit default."""

from __future__ import annotations

import numpy as np

from engine.framework import context
from engine.framework.context import explicit_graph
from engine.framework.dtypes import as_dtype
from engine.framework.op_registry import _REGISTRY, get_op_def, register_op
from engine.framework.tensor import Tensor, TensorLike, eager, to_array

register_op("Const", lambda value, dtype: value)


def apply_op(op_type: str, inputs, name=None, output_specs=None, **attrs):
    """Run (or add to a graph) op ``op_type`` on ``inputs``; returns its output tensor, or a tuple
    of them for multi-output ops. See ``engine.framework.op_registry`` for defining ops."""
    op_def = _REGISTRY[op_type]
    graph = None
    for x in inputs:
        if type(x) is Tensor and x._graph is not None:
            graph = x._graph
            break
    else:
        graph = explicit_graph()
    if graph is not None:
        if context.building_function():
            # Inside a cond branch or loop body: outer tensors become captures of that graph.
            graph = explicit_graph()
        op = graph.create_op(op_def, [to_graph_tensor(x, graph) for x in inputs], attrs, name, output_specs)
        outs = op.outputs
        return outs[0] if op_def.num_outputs == 1 else tuple(outs)

    tensors, values = [], []
    for x in inputs:
        if type(x) is not Tensor:
            x = x._eager_tensor() if isinstance(x, TensorLike) else eager(to_array(x))
        tensors.append(x)
        values.append(x._value)
    out = op_def.kernel(*values, **attrs)
    if op_def.num_outputs == 1:
        result = eager(out if type(out) is np.ndarray else np.asarray(out))
        tapes = context.active_tapes()
        if tapes:
            _record(tapes, op_def, tensors, (result,), attrs)
        return result
    outputs = tuple(eager(o if type(o) is np.ndarray else np.asarray(o)) for o in out)
    tapes = context.active_tapes()
    if tapes:
        _record(tapes, op_def, tensors, outputs, attrs)
    return outputs


def _record(tapes, op_def, inputs, outputs, attrs) -> None:
    for tape in tapes:
        if tape._recording:
            tape._record(op_def, inputs, outputs, attrs)


def convert(value, dtype=None) -> Tensor:
    """``value`` as a tensor: in the explicit graph if there is one (a ``Const`` node, or a
    Variable's read), else eager."""
    if isinstance(value, Tensor):
        return value
    graph = explicit_graph()
    if isinstance(value, TensorLike):
        return value._eager_tensor() if graph is None else value._graph_tensor(graph)
    array = to_array(value, dtype)
    return eager(array) if graph is None else constant_node(array, graph)


def to_graph_tensor(x, graph) -> Tensor:
    """``x`` as a tensor of ``graph``: eager values become ``Const`` nodes, Variables their read."""
    if type(x) is Tensor:
        if x._graph is graph:
            return x
        if x._graph is None:
            return constant_node(x._value, graph)
        if hasattr(graph, "capture"):
            return graph.capture(x)
        raise ValueError(
            f"tensor {x.name!r} belongs to another graph; build all ops of one program inside the "
            f"same `with graph.as_default():` block"
        )
    if isinstance(x, TensorLike):
        return x._graph_tensor(graph)
    return constant_node(to_array(x), graph)


def constant_node(value: np.ndarray, graph, name=None) -> Tensor:
    op = graph.create_op(get_op_def("Const"), [], {"value": value, "dtype": as_dtype(value.dtype)},
                         name or "Const", [(value.shape, value.dtype, (value, value))])
    return op.outputs[0]
