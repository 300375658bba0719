"""TF1 static graphs: ``Graph`` holds ``Operation`` nodes in creation order; symbolic tensors are
their outputs. Shapes are inferred when a node is added (see ``_infer``)."""

from __future__ import annotations

import contextlib
import threading

import numpy as np

from engine.framework import dtypes, op_registry
from engine.framework.tensor import Tensor
from engine.framework.tensor_shape import TensorShape

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
        from engine.framework.session import _session_for

        _session_for(session, self).run(self, feed_dict=feed_dict)

    def __repr__(self) -> str:
        return f"<tf.Operation {self.name!r} type={self.type}>"


class Graph:
    """A TF1 computation graph. Enter it with ``with g.as_default():`` to build into it."""

    def __init__(self):
        self._ops: list[Operation] = []
        self._by_name: dict[str, Operation] = {}
        self._name_counts: dict[str, int] = {}
        self._scope = ""
        self._control_deps: list[list[Operation]] = []
        self._collections: dict[str, list] = {}
        self.seed = None

    # -- building --------------------------------------------------------------------------------
    @contextlib.contextmanager
    def as_default(self):
        _stack().append(self)
        _graph_contexts[0] += 1
        try:
            yield self
        finally:
            _graph_contexts[0] -= 1
            _stack().pop()

    def unique_name(self, name: str, mark_as_used: bool = True) -> str:
        if name not in self._name_counts:
            if mark_as_used:
                self._name_counts[name] = 1
            return name
        i = self._name_counts[name]
        while f"{name}_{i}" in self._name_counts:
            i += 1
        if mark_as_used:
            self._name_counts[name] = i + 1
            self._name_counts[f"{name}_{i}"] = 1
        return f"{name}_{i}"

    @contextlib.contextmanager
    def name_scope(self, name):
        """Prefix the names of ops made inside with ``name/`` (made unique: ``name_1/``)."""
        old = self._scope
        if not name:
            new = ""
        elif name.endswith("/"):
            new = name
        else:
            new = self.unique_name(old + name) + "/"
        self._scope = new
        try:
            yield new
        finally:
            self._scope = old

    def get_name_scope(self) -> str:
        return self._scope.rstrip("/")

    @contextlib.contextmanager
    def control_dependencies(self, control_inputs):
        """Ops made inside run only after ``control_inputs`` (ops or tensors); ``None`` clears."""
        if control_inputs is None:
            saved, self._control_deps = self._control_deps, []
            try:
                yield
            finally:
                self._control_deps = saved
            return
        ops = [c.op if isinstance(c, Tensor) else c for c in control_inputs]
        self._control_deps.append(ops)
        try:
            yield
        finally:
            self._control_deps.pop()

    def create_op(self, op_def, inputs, attrs, name=None, output_specs=None) -> Operation:
        """Add a node. ``output_specs`` [(shape, dtype), ...] skips shape inference (stateful ops)."""
        if name and name.endswith("/"):
            full = name[:-1]
        else:
            full = self.unique_name(self._scope + (name or op_def.type))
        controls = [op for deps in self._control_deps for op in deps]
        op = Operation(self, op_def, full, inputs, attrs, controls)
        n_out = op_def.outputs_for(len(inputs), attrs)
        if output_specs is None:
            output_specs = _infer(op_def, inputs, attrs, n_out)
        for i, (shape, dtype, probe) in enumerate(_normalise_specs(output_specs, inputs, n_out)):
            op.outputs.append(Tensor(op=op, value_index=i, shape=shape, dtype=dtype, probe=probe))
        self._ops.append(op)
        self._by_name[full] = op
        return op

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
    """(shape, dtype, probe) triples; a missing dtype is the first input's."""
    out = []
    for spec in specs:
        shape, dtype = spec[0], spec[1]
        probe = spec[2] if len(spec) > 2 else None
        if dtype is None:
            dtype = inputs[0].dtype if inputs else dtypes.float32
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
        op_registry.PROBING[0] = True
        with np.errstate(all="ignore"):
            first = _as_tuple(op_def.kernel(*[p[0] for p in probes], **attrs), n_out)
            second = first if same else _as_tuple(op_def.kernel(*[p[1] for p in probes], **attrs), n_out)
    except Exception:  # noqa: BLE001 - a kernel that cannot run on probes leaves shapes unknown
        return unknown
    finally:
        op_registry.PROBING[0] = False
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


# -- the default graph -----------------------------------------------------------------------------
_local = threading.local()
_global_default: list[Graph | None] = [None]
_eager_disabled = [False]
# Graphs entered in any thread: while 0 (the eager common case) explicit_graph() skips the
# thread-local lookup.
_graph_contexts = [0]


def _stack() -> list[Graph]:
    stack = getattr(_local, "stack", None)
    if stack is None:
        stack = _local.stack = []
    return stack


def get_default_graph() -> Graph:
    stack = _stack()
    if stack:
        return stack[-1]
    if _global_default[0] is None:
        _global_default[0] = Graph()
    return _global_default[0]


def reset_default_graph() -> None:
    if _stack():
        raise RuntimeError("reset_default_graph() cannot run inside a `with graph.as_default()` block")
    _global_default[0] = Graph()


def explicit_graph() -> Graph | None:
    """The graph ops on eager values build into: one entered with ``as_default()``, or the global
    default when eager execution is disabled. ``None`` means run eagerly."""
    if not _graph_contexts[0] and not _eager_disabled[0]:
        return None
    stack = _stack()
    if stack:
        return stack[-1]
    if _eager_disabled[0]:
        return get_default_graph()
    return None


def disable_eager_execution() -> None:
    """TF1 behaviour everywhere: every op builds a node in the default graph."""
    _eager_disabled[0] = True


def enable_eager_execution() -> None:
    _eager_disabled[0] = False


def executing_eagerly() -> bool:
    return explicit_graph() is None


def name_scope(name, default_name=None, values=None):
    """``with tf.name_scope("layer1"):`` in the default graph."""
    return get_default_graph().name_scope(name or default_name)


def control_dependencies(control_inputs):
    return get_default_graph().control_dependencies(control_inputs)
