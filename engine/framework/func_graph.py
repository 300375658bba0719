"""Graphs inside graphs: the branches of ``tf.cond`` and the condition and body of
``tf.while_loop`` are traced into a ``FuncGraph`` each, as TensorFlow 2 traces them (control flow
v2). A tensor of an enclosing graph used inside is *captured*: it becomes a placeholder of the
inner graph and an input of the control-flow op that runs it, so the op alone says what it reads
and only the branch taken runs.

``Body`` is a traced function compiled into ``Session``'s kind of plan: ``run(arrays)`` executes
it (its side effects included) and returns its outputs as arrays.
"""

from __future__ import annotations

import numpy as np

from engine.framework import context
from engine.framework.graph import Graph, probe_values
from engine.framework.op_registry import get_op_def
from engine.framework.session import _compile, _execute
from engine.framework.tensor import Tensor
from engine.framework.tensor_shape import TensorShape

# Stateful ops that only read or set up state: not side effects of running a body.
NOT_EFFECTS = frozenset({"VariableV2", "ReadVariable", "ReadKerasVariable", "Placeholder", "NoOp"})


class FuncGraph(Graph):
    """A graph traced for one function of a control-flow op, reading ``outer_graph`` through
    captures."""

    def __init__(self, outer_graph, name="body"):
        super().__init__()
        self.outer_graph = outer_graph
        self.name = name
        self.seed = outer_graph.seed
        self.function_graph = getattr(outer_graph, "function_graph", False)
        self.captures: list[tuple[Tensor, Tensor]] = []  # (tensor of outer_graph, placeholder here)
        self._captured: dict[int, Tensor] = {}

    def capture(self, t: Tensor) -> Tensor:
        """The placeholder standing for ``t`` (a tensor of an enclosing graph) in this graph."""
        hit = self._captured.get(id(t))
        if hit is not None:
            return hit
        outer = t
        if t._graph is not self.outer_graph:
            if not isinstance(self.outer_graph, FuncGraph) or not _encloses(self.outer_graph, t._graph):
                raise ValueError(
                    f"tensor {t.name!r} belongs to another graph; build all ops of one program inside "
                    f"the same `with graph.as_default():` block"
                )
            outer = self.outer_graph.capture(t)
        ph = self.placeholder_like(outer, name="capture")
        self.captures.append((outer, ph))
        self._captured[id(t)] = ph
        self._captured[id(outer)] = ph
        return ph

    def placeholder_like(self, t: Tensor, name="arg", shape=None) -> Tensor:
        """A placeholder of ``t``'s dtype and ``shape`` (default ``t``'s), probing like ``t``."""
        if shape is None:
            shape, probe = t.shape, t._probe
        else:
            shape = TensorShape(shape)
            same = shape.rank is not None and t.shape.rank is not None and tuple(shape) == tuple(t.shape)
            probe = t._probe if same else probe_values(shape, t.dtype)
        with context.graph_entered(self), self.control_dependencies(None):
            op = self.create_op(
                get_op_def("Placeholder"),
                [],
                {"dtype": t.dtype, "shape": shape},
                name,
                [(shape, t.dtype, probe)],
            )
        return op.outputs[0]

    def effects(self) -> list:
        """The ops with side effects (assignments, prints) that must run whenever this graph does."""
        return [
            op
            for op in self._ops
            if op.op_def.stateful and op.op_def.type not in NOT_EFFECTS and not op.attrs.get("_initializer")
        ]


def _encloses(graph, inner) -> bool:
    while isinstance(graph, FuncGraph):
        graph = graph.outer_graph
        if graph is inner:
            return True
    return False


class Body:
    """A compiled function of a ``FuncGraph``: ``inputs`` (placeholders, in the order ``run``
    takes its arrays) to ``outputs`` (tensors of the graph), running the graph's effects too."""

    def __init__(self, graph: FuncGraph, inputs: list, outputs: list, with_effects: bool = True):
        self.graph = graph
        self.inputs = list(inputs)
        self.outputs = list(outputs)
        self.effects = graph.effects() if with_effects else []
        self._plan = None
        self.derived: dict = {}  # gradient bodies built from this one, by kind

    @property
    def stateful(self) -> bool:
        return bool(self.effects)

    def run(self, arrays) -> list:
        if self._plan is None:
            self._plan = _compile([*self.effects, *self.outputs], self.inputs)
        values = _execute(self._plan, arrays)[len(self.effects) :]
        return [np.asarray(v) for v in values]

    def __repr__(self) -> str:
        return f"<Body {self.graph.name}: {len(self.inputs)} inputs, {len(self.outputs)} outputs>"


def as_outputs(graph: FuncGraph, values) -> list:
    """Function results as tensors of ``graph`` (outer tensors captured, Python values made
    constants), built inside it."""
    from engine.framework.execute import to_graph_tensor

    with context.graph_entered(graph):
        return [to_graph_tensor(v, graph) for v in values]


def merged_shape(a, b):
    """The most specific shape both ``a`` and ``b`` have (``None`` where they differ)."""
    a, b = TensorShape(a), TensorShape(b)
    if a.rank is None or b.rank is None or a.rank != b.rank:
        return None
    return TensorShape([x if x == y else None for x, y in zip(a, b, strict=True)])
