"""TF1 static graphs: ``Graph`` holds ``Operation`` nodes in creation order; symbolic tensors are
their outputs. Shapes are inferred when a node is added (see ``_infer``)."""

from __future__ import annotations

import contextlib

import numpy as np

from engine.framework import context, dtypes
from engine.framework.context import (  # noqa: F401 - tf.* names, defined with the state they read
    disable_eager_execution,
    enable_eager_execution,
    executing_eagerly,
    explicit_graph,
    get_default_graph,
)
from engine.framework.op_registry import register_op
from engine.framework.tensor import Tensor
from engine.framework.tensor_shape import TensorShape

# An op that only orders others (through its control inputs): tf.group, the variables initializer.
register_op("NoOp", lambda: (), num_outputs=0, stateful=True)

# Stateful ops that need no ordering: graph inputs and variable declarations.
_UNORDERED = frozenset({"Placeholder", "VariableV2"})
_READS = frozenset({"ReadVariable", "ReadKerasVariable"})

# Sizes substituted for unknown (None) dimensions when a new node's kernel is run to learn its
# output shape: a dimension that differs between the two runs depends on a None and stays None.
PROBE_SIZES = (5, 7)


class Operation:
    """A node: ``type`` is the op name (``MatMul``), ``inputs`` the tensors it reads,
    ``control_inputs`` the ops that must run first, ``outputs`` the tensors it makes."""

    __slots__ = ("name", "type", "op_def", "inputs", "control_inputs", "outputs", "attrs", "graph", "_id")

    def __init__(self, graph, op_def, name, inputs, attrs, control_inputs):
        self.graph = graph
        self.op_def = op_def
        self.type = op_def.type
        self.name = name
        self.inputs = list(inputs)
        self.attrs = attrs
        self.control_inputs = list(control_inputs)
        self.outputs: list[Tensor] = []
        self._id = len(graph._ops)

    def get_attr(self, name):
        return self.attrs[name]

    def run(self, feed_dict=None, session=None) -> None:
        """Run this op in ``session`` (default: the default session), for its effects."""
        context.session_for(session, self).run(self, feed_dict=feed_dict)

    def __repr__(self) -> str:
        return f"<tf.Operation {self.name!r} type={self.type}>"


class Graph:
    """A TF1 computation graph. Enter it with ``with g.as_default():`` to build into it. Op names
    are unique across threads; each thread has its own name scope and control dependencies in it."""

    def __init__(self):
        self._ops: list[Operation] = []
        self._by_name: dict[str, Operation] = {}
        self._name_counts: dict[str, int] = {}
        self._collections: dict[str, list] = {}
        self.seed = None
        self.function_graph = False  # a tf.function trace (TensorFlow 2 semantics) rather than a TF1 graph
        self.last_effect = None  # in a function graph: the latest stateful op, which the next one follows
        self._reads_since: list = []

    # -- building --------------------------------------------------------------------------------
    def as_default(self):
        return context.graph_entered(self)

    @property
    def _scope(self) -> str:
        """This thread's name scope in this graph (``""`` or ``"a/b/"``)."""
        return context.build_state(self).scope

    def unique_name(self, name: str, mark_as_used: bool = True) -> str:
        """``name``, or ``name_1``, ``name_2``... if taken. As in TensorFlow, names are compared
        ignoring case: after an op ``Mean``, a scope ``mean`` becomes ``mean_1``."""
        key = name.lower()
        if key not in self._name_counts:
            if mark_as_used:
                self._name_counts[key] = 1
            return name
        i = self._name_counts[key]
        while f"{key}_{i}" in self._name_counts:
            i += 1
        if mark_as_used:
            self._name_counts[key] = i + 1
            self._name_counts[f"{key}_{i}"] = 1
        return f"{name}_{i}"

    @contextlib.contextmanager
    def name_scope(self, name, unique: bool = True):
        """Prefix the names of ops made inside with ``name/`` (made unique: ``name_1/``, unless
        not ``unique``: TensorFlow 2's eager ``tf.name_scope`` only nests)."""
        state = context.build_state(self)
        old = state.scope
        if not name:
            new = ""
        elif name.endswith("/"):
            new = name
        elif not unique:
            new = old + name + "/"
        else:
            new = self.unique_name(old + name) + "/"
        state.scope = new
        try:
            yield new
        finally:
            state.scope = old

    def get_name_scope(self) -> str:
        return self._scope.rstrip("/")

    @contextlib.contextmanager
    def control_dependencies(self, control_inputs):
        """Ops made inside run only after ``control_inputs`` (ops or tensors); ``None`` clears."""
        state = context.build_state(self)
        if control_inputs is None:
            saved, state.control_deps = state.control_deps, []
            try:
                yield
            finally:
                state.control_deps = saved
            return
        ops = [c.op if isinstance(c, Tensor) else c for c in control_inputs]
        state.control_deps.append(ops)
        try:
            yield
        finally:
            state.control_deps.pop()

    def create_op(self, op_def, inputs, attrs, name=None, output_specs=None) -> Operation:
        """Add a node. ``output_specs`` [(shape, dtype), ...] skips shape inference (stateful ops)."""
        state = context.build_state(self)
        if name and name.endswith("/"):
            full = name[:-1]
        else:
            full = self.unique_name(state.scope + (name or op_def.type))
        controls = [op for deps in state.control_deps for op in deps]
        op = Operation(self, op_def, full, inputs, attrs, controls)
        if (self.function_graph and op_def.stateful and op_def.type not in _UNORDERED
                and "_initializer" not in attrs):
            self._order(op)
        n_out = op_def.outputs_for(len(inputs), attrs)
        if output_specs is None:
            output_specs = _infer(op_def, inputs, attrs, n_out)
        for i, (shape, dtype, probe) in enumerate(_normalise_specs(output_specs, inputs, n_out)):
            op.outputs.append(Tensor(op=op, value_index=i, shape=shape, dtype=dtype, probe=probe))
        self._ops.append(op)
        self._by_name[full] = op
        return op

    def _order(self, op) -> None:
        """TensorFlow 2's automatic control dependencies: stateful ops run in program order; a read
        follows the last effect, and the next effect follows the reads made since."""
        after = [self.last_effect] if self.last_effect is not None else []
        if op.op_def.type in _READS:
            self._reads_since.append(op)
        else:
            after += self._reads_since
            self._reads_since = []
            self.last_effect = op
        op.control_inputs.extend(c for c in after if c not in op.control_inputs)

    # -- looking things up -----------------------------------------------------------------------
    def get_operations(self) -> list[Operation]:
        return list(self._ops)

    def get_operation_by_name(self, name: str) -> Operation:
        try:
            return self._by_name[name]
        except KeyError:
            raise KeyError(f"the graph has no operation named {name!r}") from None

    def get_tensor_by_name(self, name: str) -> Tensor:
        op_name, _, index = name.rpartition(":")
        if not op_name or not index.isdigit():
            raise ValueError(f"tensor names look like 'op_name:0', got {name!r}")
        op = self.get_operation_by_name(op_name)
        if int(index) >= len(op.outputs):
            raise KeyError(f"operation {op_name!r} has {len(op.outputs)} outputs, not {int(index) + 1}")
        return op.outputs[int(index)]

    def add_to_collection(self, key: str, value) -> None:
        self._collections.setdefault(key, []).append(value)

    def get_collection(self, key: str) -> list:
        return list(self._collections.get(key, []))

    def as_graph_def(self, add_shapes: bool = True):
        from engine.framework.graph_export import graph_to_graph_def

        return graph_to_graph_def(self, add_shapes=add_shapes)

    def __repr__(self) -> str:
        return f"<tf.Graph with {len(self._ops)} operations>"


def _normalise_specs(specs, inputs, n_out):
    """(shape, dtype, probe) triples; a missing dtype is the first float input's, else the first's."""
    out = []
    for spec in specs:
        shape, dtype = spec[0], spec[1]
        probe = spec[2] if len(spec) > 2 else None
        if dtype is None:  # the probes could not run: a float input's dtype is the likeliest
            # (the logits of a sparse cross-entropy, the values of a where), else the first input's
            floats = [t.dtype for t in inputs if t.dtype.is_floating]
            dtype = floats[0] if floats else inputs[0].dtype if inputs else dtypes.float32
        out.append((shape, dtype, probe))
    if len(out) != n_out:
        raise ValueError(f"expected {n_out} output specs, got {len(out)}")
    return out


def _infer(op_def, inputs, attrs, n_out):
    """Output shapes and dtypes by running the kernel on each input's probe values."""
    probes = [t._probe for t in inputs]
    unknown = [(TensorShape(None), None, None)] * n_out
    if any(p is None for p in probes):
        return unknown
    same = all(p[0] is p[1] for p in probes)
    try:
        with context.probing(), np.errstate(all="ignore"):
            first = _as_tuple(op_def.kernel(*[p[0] for p in probes], **attrs), n_out)
            second = first if same else _as_tuple(op_def.kernel(*[p[1] for p in probes], **attrs), n_out)
    except Exception:  # noqa: BLE001 - a kernel that cannot run on probes leaves shapes unknown
        return unknown
    specs = []
    for a, b in zip(first, second, strict=False):
        if a.ndim != b.ndim:
            specs.append((TensorShape(None), a.dtype, None))
            continue
        shape = [x if x == y else None for x, y in zip(a.shape, b.shape, strict=False)]
        specs.append((shape, a.dtype, (a, a) if same else (a, b)))
    return specs


def _as_tuple(out, n_out):
    if n_out == 1:
        out = (out,)
    return tuple(np.asarray(o) for o in out)


def probe_values(shape, dtype) -> tuple:
    """The two probe arrays of a placeholder of ``shape`` (None dims filled with PROBE_SIZES)."""
    shape = TensorShape(shape)
    if shape.rank is None:
        return None
    np_dtype = dtypes.numpy_dtype(dtype)
    fill = np.ones if np_dtype.kind == "f" else np.zeros
    if shape.is_fully_defined:
        v = fill(shape, np_dtype)
        return (v, v)
    return tuple(fill([size if d is None else d for d in shape], np_dtype) for size in PROBE_SIZES)


# -- the default graph (the state itself is in engine.framework.context) ---------------------------
def reset_default_graph() -> None:
    context.set_global_default_graph(Graph())


context.set_global_default_graph(Graph())


def name_scope(name, default_name=None, values=None):
    """``with tf.name_scope("layer1"):`` in the default graph. Eagerly, as in TensorFlow 2, the
    scope is not made unique: entering ``"train"`` twice gives ``train/`` both times."""
    return get_default_graph().name_scope(name or default_name, unique=context.explicit_graph() is not None)


def control_dependencies(control_inputs):
    return get_default_graph().control_dependencies(control_inputs)
