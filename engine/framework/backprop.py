"""The backward walk both ``GradientTape.gradient`` and ``tf.gradients`` run.

Given the ops in reverse topological order (a tape's record reversed, or a graph's ops from the
ys back) and the seed gradients of the targets, each op's gradient function adds (``+=``) its
contributions to the gradients of its inputs: one loop, no recursion. Outputs nobody
differentiates get zeros of their shape. Eager records and graph ``Operation``s look alike to
gradient functions (``op_def``, ``inputs``, ``outputs``, ``attrs``), so the walk serves both; in a
graph, each op's gradient nodes go under ``<op>_grad/``.

The ops made here are named by their registered types (``OnesLike``, ``ZerosLike``): the
framework runs the ops package's gradient functions without importing it.
"""

from __future__ import annotations

import numpy as np

from engine.framework.execute import apply_op
from engine.framework.tensor import Tensor, eager, to_array


def backward(ops, seeds, stop=frozenset(), graph=None) -> dict[int, Tensor]:
    """Gradients of the targets by ``id`` of each tensor reached. ``ops``: in reverse topological
    order, only those whose gradient should run; ``seeds``: (target, gradient) pairs; ``stop``:
    ids of tensors no gradient flows into; ``graph``: where to scope the gradient nodes."""
    grads: dict[int, Tensor] = {}
    for target, g in seeds:
        accumulate(grads, target, g)
    for op in ops:
        out_grads = [grads.get(id(o)) for o in op.outputs]
        if all(g is None for g in out_grads):
            continue
        if graph is None:
            _step(op, out_grads, grads, stop)
        else:
            with graph.name_scope(op.name + "_grad"):
                _step(op, out_grads, grads, stop)
    return grads


def _step(op, out_grads, grads, stop) -> None:
    out_grads = [zeros_like_value(o) if g is None else g for g, o in zip(out_grads, op.outputs, strict=False)]
    in_grads = op.op_def.grad(op, *out_grads)
    for x, g in zip(op.inputs, in_grads, strict=False):
        if g is not None and id(x) not in stop:
            accumulate(grads, x, g)


def accumulate(grads: dict, x, g) -> None:
    """``grads[x] += g``: a tensor read by several ops gets the sum of their gradients."""
    key = id(x)
    if key in grads:
        grads[key] = grads[key] + g
    else:
        grads[key] = g


def ones_like_value(t: Tensor) -> Tensor:
    """The default seed: d target / d target."""
    if t._graph is None:
        return eager(np.ones_like(t._value))
    return apply_op("OnesLike", [t], name="grad_ys")


def zeros_like_value(t: Tensor) -> Tensor:
    if t._graph is None:
        return eager(np.zeros_like(t._value))
    return apply_op("ZerosLike", [t])


def as_tensor_like(value, like: Tensor) -> Tensor:
    """An eager seed given as an array or Python value, in ``like``'s dtype."""
    if isinstance(value, Tensor):
        return value
    return eager(to_array(value, like.dtype))
