"""``Variable``: mutable state that eager code reads directly and graphs read through a
``VariableV2`` node (with ``Assign`` as its initializer and ``read`` as its value), as in TF1."""

from __future__ import annotations

import numpy as np

from engine.framework import context, dtypes
from engine.framework.context import explicit_graph, get_default_graph
from engine.framework.execute import constant_node, to_graph_tensor
from engine.framework.graph import probe_values
from engine.framework.op_registry import get_op_def, register_op
from engine.framework.tensor import Tensor, TensorLike, _Operators, eager, to_array
from engine.framework.tensor_shape import TensorShape


class _Nodes:
    __slots__ = ("variable", "assign", "read", "name", "latest")

    def __init__(self, variable, assign, read, name):
        self.variable, self.assign, self.read, self.name = variable, assign, read, name
        self.latest = read  # in a tf.function trace: the read made since the last stateful op


def _assign_kernel(ref, value, _variable, mode="set", **attrs):
    current = _variable._value
    if mode == "add":
        value = current + value
    elif mode == "sub":
        value = current - value
    _variable._set(value)
    return _variable._value


def _ref_kernel(_variable, **attrs):
    return _variable._value  # None until initialized: only a read (below) insists on a value


register_op("VariableV2", _ref_kernel, stateful=True)
# Exported as "Identity" (TensorFlow's "W/read"); its own type so reading can check initialization.
register_op("ReadVariable", lambda ref, _variable, **attrs: _variable._array(), lambda op, g: [g],
            stateful=True)
register_op("Assign", _assign_kernel, stateful=True)
register_op("AssignAdd", _assign_kernel, stateful=True)
register_op("AssignSub", _assign_kernel, stateful=True)


class Variable(_Operators, TensorLike):
    """``tf.Variable(initial_value, trainable=True, name=None, dtype=None)``."""

    def __init__(self, initial_value=None, trainable=True, name=None, dtype=None, shape=None,
                 validate_shape=True, collections=None, **unused):
        if initial_value is None:
            raise ValueError("a Variable needs an initial_value")
        if callable(initial_value):
            initial_value = initial_value()
        self.trainable = bool(trainable)
        # TF1's graph collections this variable joins ("variables" unless told: a metric's
        # counters go to "local_variables" instead); "trainable_variables" too when trainable.
        self._collections = list(collections) if collections is not None else ["variables"]
        self._nodes: dict[int, _Nodes] = {}
        scope = get_default_graph()._scope
        self._base_name = scope + (name or "Variable")
        if isinstance(initial_value, Tensor) and initial_value._graph is not None:
            self._initial = initial_value
            self._value = None
            self.dtype = dtypes.as_dtype(dtype or initial_value.dtype)
            self._shape = TensorShape(initial_value.shape if shape is None else shape)
            self._bind(initial_value._graph)
        else:
            array = np.array(to_array(initial_value, dtype), copy=True)
            self._initial = array
            self.dtype = dtypes.as_dtype(array.dtype)
            self._shape = TensorShape(array.shape if shape is None else shape)
            self._value = array
            self._tensor = eager(array)
            graph = explicit_graph()
            if graph is not None:
                self._bind(graph)

    # -- state -----------------------------------------------------------------------------------
    def _array(self) -> np.ndarray:
        if self._value is None:
            raise RuntimeError(
                f"attempting to use uninitialized variable {self.name!r}: run "
                f"sess.run(tf.global_variables_initializer()) first"
            )
        return self._value

    def _set(self, value) -> None:
        array = np.array(value, dtype=self.dtype.as_numpy_dtype, copy=True)
        if not self._shape.is_compatible_with(array.shape):
            raise ValueError(f"cannot assign a value of shape {array.shape} to variable {self.name!r} "
                             f"of shape {self._shape}")
        self._value = array
        self._tensor = eager(array)

    def _replace(self, array: np.ndarray) -> None:
        """Install an array an optimizer just computed (already a fresh array of the right shape)."""
        self._value = array
        self._tensor = eager(array)

    def _eager_tensor(self) -> Tensor:
        self._array()
        t = self._tensor
        for tape in context.active_tapes():
            tape._note_variable_read(self, t)
        return t

    def _graph_tensor(self, graph) -> Tensor:
        if context.build_state(graph).control_deps:
            # Inside `with tf.control_dependencies([...])`: a read of its own, run after them (so a
            # read after `v.assign(...)` sees the new value, as in TensorFlow).
            read = self._fresh_read(graph)
        elif getattr(graph, "outer_graph", None) is not None and graph.last_effect is None:
            return graph.capture(self._graph_tensor(graph.outer_graph))  # a cond branch, a loop body
        else:
            nodes = self._nodes.get(id(graph))
            if nodes is None:
                nodes = self._bind(graph)
            read = nodes.latest
            if graph.last_effect is not None and graph.last_effect not in read.op.control_inputs:
                # In a tf.function trace, after a stateful op (an assignment): a read that follows it.
                read = nodes.latest = self._fresh_read(graph)
        for tape in context.active_tapes():  # a tape inside tf.function: watched_variables() sees this read
            tape._note_variable_read(self, read)
        return read

    def _bind(self, graph) -> _Nodes:
        """Add this variable's VariableV2 / initial_value / Assign / read nodes to ``graph``."""
        name = graph.unique_name(self._base_name, mark_as_used=True)
        shape, dt = self._shape, self.dtype
        probe = (self._value, self._value) if self._value is not None else probe_values(shape, dt)
        attrs = {"dtype": dt, "shape": shape, "container": "", "shared_name": "", "_variable": self}
        var_op = graph.create_op(get_op_def("VariableV2"), [], attrs, name + "/", [(shape, dt, probe)])
        ref = var_op.outputs[0]
        with graph.name_scope(name + "/"), graph.control_dependencies(None):
            if isinstance(self._initial, Tensor):
                initial = self._initial
            else:
                initial = constant_node(self._initial, graph, name="initial_value")
            assign = graph.create_op(get_op_def("Assign"), [ref, initial],
                                     {"T": dt, "validate_shape": True, "use_locking": True,
                                      "_variable": self, "_initializer": True},
                                     "Assign", [(shape, dt, probe)])
            read = graph.create_op(get_op_def("ReadVariable"), [ref], {"T": dt, "_variable": self}, "read",
                                   [(shape, dt, probe)])
            read.type = "Identity"
        nodes = _Nodes(ref, assign, read.outputs[0], name)
        self._nodes[id(graph)] = nodes
        for key in self._collections:
            graph.add_to_collection(key, self)
        if self.trainable and "trainable_variables" not in self._collections:
            graph.add_to_collection("trainable_variables", self)
        return nodes

    def _graph_nodes(self, graph) -> _Nodes:
        nodes = self._nodes.get(id(graph))
        return self._bind(graph) if nodes is None else nodes

    # -- what users call -------------------------------------------------------------------------
    @property
    def name(self) -> str:
        graph = get_default_graph()
        nodes = self._nodes.get(id(graph))
        return f"{nodes.name if nodes else self._base_name}:0"

    @property
    def shape(self) -> TensorShape:
        return self._shape

    def get_shape(self) -> TensorShape:
        return self._shape

    @property
    def initial_value(self):
        return self._initial

    @property
    def initializer(self):
        return self._graph_nodes(get_default_graph()).assign

    @property
    def op(self):
        return self._graph_nodes(get_default_graph()).variable.op

    @property
    def graph(self):
        return get_default_graph()

    def value(self) -> Tensor:
        graph = explicit_graph()
        return self._eager_tensor() if graph is None else self._graph_tensor(graph)

    def read_value(self) -> Tensor:
        """The current value; in a graph a fresh read op, so it obeys ``control_dependencies``
        (``value()`` is the one shared ``read`` node made with the variable)."""
        graph = explicit_graph()
        if graph is None:
            return self._eager_tensor()
        return self._fresh_read(graph)

    def _fresh_read(self, graph) -> Tensor:
        nodes = self._graph_nodes(graph)
        with graph.name_scope(nodes.name + "/"):
            attrs = {"T": self.dtype, "_variable": self}
            spec = [(self._shape, self.dtype, nodes.variable._probe)]
            op = graph.create_op(get_op_def("ReadVariable"), [nodes.variable], attrs, "read", spec)
        op.type = "Identity"
        return op.outputs[0]

    def numpy(self) -> np.ndarray:
        return self._array()

    def eval(self, session=None):
        """The value in ``session`` (or the default session); with neither, the eager value."""
        session = session or context.default_session()
        if session is None and explicit_graph() is None:
            return self.numpy()
        graph = session.graph if session is not None else explicit_graph()
        return self._graph_tensor(graph).eval(session=session)

    def load(self, value, session=None) -> None:
        """Set the value at once (TF1's ``Variable.load``), without adding graph ops."""
        self._set(value.numpy() if isinstance(value, Tensor) else value)

    def __array__(self, dtype=None, copy=None):
        value = self._array()
        return value if dtype is None else value.astype(dtype)

    def _update(self, op_type, mode, value, name):
        graph = explicit_graph()
        if isinstance(value, Tensor) and value._graph is not None and not context.building_function():
            graph = value._graph
        if graph is None:
            value = value.numpy() if isinstance(value, (Tensor, Variable)) else np.asarray(value)
            if mode == "add":
                value = self._array() + value
            elif mode == "sub":
                value = self._array() - value
            self._set(value)
            return self
        nodes = self._graph_nodes(graph)
        value = to_graph_tensor(value if isinstance(value, (Tensor, TensorLike))
                                else to_array(value, self.dtype), graph)
        op = graph.create_op(get_op_def(op_type), [nodes.variable, value],
                             {"T": self.dtype, "_variable": self, "mode": mode}, name,
                             [(self._shape, self.dtype, nodes.variable._probe)])
        return op.outputs[0]

    def assign(self, value, use_locking=None, name=None, read_value=True):
        return self._update("Assign", "set", value, name)

    def assign_add(self, delta, use_locking=None, name=None, read_value=True):
        return self._update("AssignAdd", "add", delta, name)

    def assign_sub(self, delta, use_locking=None, name=None, read_value=True):
        return self._update("AssignSub", "sub", delta, name)

    def __repr__(self) -> str:
        value = "uninitialized" if self._value is None else repr(self._value)
        return f"<tf.Variable {self.name!r} shape={self._shape} dtype={self.dtype.name}, numpy={value}>"

    def __hash__(self):
        return id(self)

    def __eq__(self, other):
        return self is other

    def __ne__(self, other):
        return self is not other


def _collection(key, scope, graph) -> list[Variable]:
    """A variable collection of ``graph`` (default graph); with ``scope``, as TF1's
    ``tf.global_variables(scope)``, the variables whose names start with that pattern."""
    if graph is None and hasattr(scope, "get_collection"):  # an older call: the graph first
        scope, graph = None, scope
    items = (graph or get_default_graph()).get_collection(key)
    if scope is None:
        return items
    import re

    pattern = re.compile(scope)
    return [v for v in items if pattern.match(v.name)]


def global_variables(scope=None, graph=None) -> list[Variable]:
    return _collection("variables", scope, graph)


def trainable_variables(scope=None, graph=None) -> list[Variable]:
    return _collection("trainable_variables", scope, graph)


def variables_initializer(var_list, name="init"):
    """One op that (re)sets every variable in ``var_list`` to its initial value (``tf.group`` of
    their ``Assign`` ops)."""
    graph = get_default_graph()
    assigns = [v._graph_nodes(graph).assign for v in var_list]
    with graph.control_dependencies(assigns):
        return graph.create_op(get_op_def("NoOp"), [], {}, name or "group_deps", [])


def global_variables_initializer():
    return variables_initializer(global_variables())


initialize_all_variables = global_variables_initializer
