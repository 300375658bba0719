"""The op registry: every op is defined once, its numpy kernel beside its gradient.

How to add an op (see ``engine/ops/math_ops.py`` for many examples)::

    import numpy as np
    from engine.framework.execute import apply_op
    from engine.framework.op_registry import register_op

    def _square(x):                      # kernel: numpy arrays in, numpy array(s) out
        return np.square(x)

    def _square_grad(op, grad):          # gradient: engine ops on op.inputs / op.outputs
        return [grad * 2.0 * op.inputs[0]]

    register_op("Square", _square, _square_grad)

    def square(x, name=None):            # the public function users call
        return apply_op("Square", [x], name=name)

Then add a row to ``CASES`` in ``tests/engine/op_cases.py``: the shared helper checks the
gradient against finite differences, eagerly and in a graph (a test fails for any core op that
has neither a case nor a listed reason to be non-differentiable).

* The kernel receives the input arrays positionally and the op's attributes as keyword
  arguments (``apply_op("Sum", [x], axis=(1,), keepdims=False)``), and returns one array (or a
  tuple when ``num_outputs`` is not 1). It must not modify its inputs, and should keep float32
  in float32 and float64 in float64.
* The gradient receives the op (``op.inputs``, ``op.outputs``, ``op.attrs``, ``op.type``) and
  one upstream gradient per output, and returns one gradient per input (``None`` where the input
  is not differentiable). Written with engine ops, it runs eagerly under a ``GradientTape`` and
  adds ``gradients/...`` nodes to a graph under ``tf.gradients``; an input that numpy may have
  broadcast passes its gradient through ``engine.ops.grad_util.unbroadcast(grad, input)``.
* ``grad=None`` marks the op non-differentiable (argmax, equal, ...): its inputs get no gradient.
* In a graph, output shapes are found by running the kernel on small probe arrays (``None``
  dimensions become 5 and 7). An op with side effects (``stateful=True``) is never probed: build
  it with ``graph.create_op(op_def, inputs, attrs, name, output_specs=[(shape, dtype, probe)])``.
* Attributes whose values are bools, ints, floats, strings, DTypes, shapes or int lists are
  exported to the GraphDef. Names starting with ``_`` (``_variable``) and values of other types
  (a slice key) stay private to the kernel.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class OpDef:
    """One registered op: ``type`` is TensorFlow's op name (``"MatMul"``)."""

    type: str
    kernel: Callable
    grad: Callable | None
    num_outputs: int | Callable = 1
    stateful: bool = False

    def outputs_for(self, num_inputs: int, attrs: dict) -> int:
        n = self.num_outputs
        return n(num_inputs, attrs) if callable(n) else n


_REGISTRY: dict[str, OpDef] = {}


def register_op(op_type: str, kernel: Callable, grad: Callable | None = None, *,
                num_outputs: int | Callable = 1, stateful: bool = False) -> OpDef:
    """Define ``op_type``; registering the same name twice is a mistake and raises."""
    if op_type in _REGISTRY:
        raise ValueError(f"op {op_type!r} is already registered")
    op_def = OpDef(op_type, kernel, grad, num_outputs, stateful)
    _REGISTRY[op_type] = op_def
    return op_def


def get_op_def(op_type: str) -> OpDef:
    try:
        return _REGISTRY[op_type]
    except KeyError:
        raise KeyError(f"no op named {op_type!r} is registered") from None


def registered_ops() -> dict[str, OpDef]:
    """A copy of the registry: the test suite walks it to check every op has a gradient test."""
    return dict(_REGISTRY)
