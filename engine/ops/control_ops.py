"""Ordering without data: ``no_op``, ``group`` and ``tuple`` build NoOp nodes with control
inputs (``^name`` edges in the GraphDef); eagerly they have nothing to do. ``NoOp`` itself is
registered by ``engine.framework.graph``, which the variables initializer uses too."""

from __future__ import annotations

from engine.framework.graph import get_default_graph
from engine.framework.op_registry import get_op_def
from engine.framework.tensor import Tensor


def no_op(name=None):
    return get_default_graph().create_op(get_op_def("NoOp"), [], {}, name or "NoOp", [])


def group(*inputs, name=None):
    """An op that runs after all ``inputs`` (ops or tensors); ``None`` when nothing is symbolic."""
    ops = []
    for x in inputs:
        if isinstance(x, (list, tuple)):
            ops.extend(x)
        else:
            ops.append(x)
    ops = [x.op if isinstance(x, Tensor) else x for x in ops if x is not None]
    ops = [op for op in ops if op is not None and not isinstance(op, Tensor)]
    graph = ops[0].graph if ops else get_default_graph()
    with graph.control_dependencies(ops):
        return graph.create_op(get_op_def("NoOp"), [], {}, name or "group_deps", [])
