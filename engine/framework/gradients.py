"""``tf.gradients`` in a graph: the same gradient functions as eager mode, called on symbolic
tensors, so they add nodes under ``gradients/<op>_grad/``."""

from __future__ import annotations

from engine.framework import backprop
from engine.framework.execute import apply_op, convert
from engine.framework.tensor import Tensor, TensorLike
from engine.framework.toposort import topological_order


def gradients(ys, xs, grad_ys=None, name="gradients", stop_gradients=None, unconnected_gradients="none"):
    """Symbolic d(sum ys)/dx for each x in ``xs`` (Variables, or tensors of the graph)."""
    ys = list(ys) if isinstance(ys, (list, tuple)) else [ys]
    single = not isinstance(xs, (list, tuple))
    xs = [xs] if single else list(xs)
    graph = next((y.graph for y in ys if isinstance(y, Tensor) and y.graph is not None), None)
    if graph is None:
        raise ValueError("tf.gradients works on graph tensors; use tf.GradientTape in eager code")
    x_tensors = [_source_tensor(x, graph) for x in xs]
    stops = {id(t) for t in (stop_gradients or [])}

    ops = topological_order([y.op for y in ys])
    needed = _between(ops, {id(t) for t in x_tensors})
    with graph.name_scope(name):
        seeds = grad_ys if grad_ys is not None else [None] * len(ys)
        seeds = [(y, backprop.ones_like_value(y) if seed is None else convert(seed))
                 for y, seed in zip(ys, seeds, strict=False)]
        walk = [op for op in reversed(ops) if id(op) in needed and op.op_def.grad is not None]
        grads = backprop.backward(walk, seeds, stops, graph)
    results = []
    for x in x_tensors:
        g = grads.get(id(x))
        if g is None and unconnected_gradients == "zero":
            g = apply_op("ZerosLike", [x])
        results.append(g)
    return results[0] if single else results


def _between(ops, x_ids) -> set[int]:
    """Ids of ops on a path from some x to the ys (ops come in topological order)."""
    reaches = set()
    tainted = set(x_ids)
    for op in ops:
        if any(id(t) in tainted for t in op.inputs):
            reaches.add(id(op))
            tainted.update(id(o) for o in op.outputs)
    return reaches


def _source_tensor(x, graph) -> Tensor:
    """A Variable's gradient collects at its VariableV2 node, which every read of it consumes."""
    if hasattr(x, "_graph_nodes"):
        return x._graph_nodes(graph).variable
    if isinstance(x, TensorLike):
        return x._graph_tensor(graph)
    return x
