"""TF1's graph-state functions: ``tf.assign(ref, value)`` and friends, ``placeholder_with_default``,
graph collections (``tf.GraphKeys``, ``tf.get_collection``) and local variables."""

from __future__ import annotations

from engine.framework import context
from engine.framework.execute import convert
from engine.framework.graph import get_default_graph, probe_values
from engine.framework.op_registry import get_op_def
from engine.framework.tensor_shape import TensorShape
from engine.framework.variables import Variable, variables_initializer


class GraphKeys:
    """The names of TF1's standard graph collections."""

    GLOBAL_VARIABLES = "variables"
    LOCAL_VARIABLES = "local_variables"
    METRIC_VARIABLES = "metric_variables"
    TRAINABLE_VARIABLES = "trainable_variables"
    MODEL_VARIABLES = "model_variables"
    GLOBAL_STEP = "global_step"
    LOSSES = "losses"
    REGULARIZATION_LOSSES = "regularization_losses"
    SUMMARIES = "summaries"
    UPDATE_OPS = "update_ops"
    TRAIN_OP = "train_op"
    VARIABLES = GLOBAL_VARIABLES


def _variable(ref, what: str) -> Variable:
    if not isinstance(ref, Variable):
        raise TypeError(f"{what} needs a tf.Variable as ref, got {type(ref).__name__} {ref!r}")
    return ref


def assign(ref, value, validate_shape=None, use_locking=None, name=None):
    """``ref = value``: in a graph an ``Assign`` op whose output is the new value."""
    return _variable(ref, "assign").assign(value, name=name)


def assign_add(ref, value, use_locking=None, name=None):
    return _variable(ref, "assign_add").assign_add(value, name=name)


def assign_sub(ref, value, use_locking=None, name=None):
    return _variable(ref, "assign_sub").assign_sub(value, name=name)


def placeholder_with_default(input, shape, name=None):  # noqa: A002 - TensorFlow's argument name
    """A placeholder that is ``input`` when ``Session.run`` is not fed a value for it."""
    shape = TensorShape(shape)
    graph = context.explicit_graph()
    default = convert(input)
    if not shape.is_compatible_with(default.shape):
        raise ValueError(f"Shapes must be equal rank, but are {len(default.shape)} and {shape.rank}"
                         if shape.rank is not None and default.shape.rank != shape.rank else
                         f"placeholder_with_default: default value of shape {default.shape} is not "
                         f"compatible with shape {shape}")
    if graph is None:
        return default
    op = graph.create_op(get_op_def("Identity"), [default], {}, name or "PlaceholderWithDefault",
                         [(shape, default.dtype, probe_values(shape, default.dtype))])
    op.type = "PlaceholderWithDefault"
    return op.outputs[0]


def get_collection(key, scope=None) -> list:
    """The default graph's collection ``key``; with ``scope``, the items whose name starts with it."""
    items = get_default_graph().get_collection(key)
    if scope is None:
        return items
    import re

    pattern = re.compile(scope)
    return [item for item in items if pattern.match(getattr(item, "name", "") or "")]


def get_collection_ref(key) -> list:
    graph = get_default_graph()
    return graph._collections.setdefault(key, [])


def add_to_collection(name, value) -> None:
    get_default_graph().add_to_collection(name, value)


def add_to_collections(names, value) -> None:
    for name in [names] if isinstance(names, str) else names:
        add_to_collection(name, value)


def local_variables(scope=None) -> list:
    return get_collection(GraphKeys.LOCAL_VARIABLES, scope)


def local_variables_initializer():
    """One op setting every local variable (a metric's ``total``/``count``) to its initial value."""
    return variables_initializer(local_variables(), name="init")


def model_variables(scope=None) -> list:
    return get_collection(GraphKeys.MODEL_VARIABLES, scope)


__all__ = [
    "GraphKeys", "add_to_collection", "add_to_collections", "assign", "assign_add", "assign_sub",
    "get_collection", "get_collection_ref", "local_variables",
    "local_variables_initializer", "model_variables", "placeholder_with_default",
]
