"""An engine ``Graph`` as a TensorFlow ``GraphDef``: node names with their scopes, op types,
inputs (``name:k``, ``^ctrl``), and the attrs TensorBoard's graph dashboard reads (``dtype``,
``T``, ``shape``, small ``value``s, ``_output_shapes``)."""

from __future__ import annotations

import numpy as np

from engine.framework.dtypes import DType
from engine.framework.tensor_shape import TensorShape
from tfevents.proto import graph_pb2
from tfevents.tensor_util import make_tensor_proto, shape_proto

# Constants with more elements than this export their dtype and shape but not their values.
MAX_CONST_ELEMENTS = 64
PRODUCER_VERSION = 27


def graph_to_graph_def(graph, add_shapes: bool = True) -> graph_pb2.GraphDef:
    graph_def = graph_pb2.GraphDef()
    graph_def.versions.producer = PRODUCER_VERSION
    for op in graph.get_operations():
        node = graph_def.node.add(name=op.name, op=op.type)
        for t in op.inputs:
            node.input.append(t.op.name if t.value_index == 0 else f"{t.op.name}:{t.value_index}")
        for c in op.control_inputs:
            node.input.append("^" + c.name)
        _fill_attrs(node, op)
        if add_shapes and op.outputs:
            node.attr["_output_shapes"].list.shape.extend(
                shape_proto(None if t.shape.rank is None else list(t.shape)) for t in op.outputs
            )
    return graph_def


def _fill_attrs(node, op) -> None:
    attrs = op.attrs
    if op.inputs and "T" not in attrs and op.type not in ("Placeholder", "Const"):
        node.attr["T"].type = op.inputs[0].dtype.as_datatype_enum
    for key, value in attrs.items():
        if key.startswith("_"):
            continue
        if op.type == "Const" and key == "value":
            array = np.asarray(value)
            if array.size <= MAX_CONST_ELEMENTS and array.dtype.kind != "O":
                node.attr["value"].tensor.CopyFrom(make_tensor_proto(array))
            else:
                node.attr["value"].tensor.dtype = attrs["dtype"].as_datatype_enum
                node.attr["value"].tensor.tensor_shape.CopyFrom(shape_proto(array.shape))
            continue
        _set_attr(node.attr[key], value)
        if not node.attr[key].ListFields():
            del node.attr[key]


def _set_attr(attr, value) -> None:
    if isinstance(value, DType):
        attr.type = value.as_datatype_enum
    elif isinstance(value, TensorShape):
        attr.shape.CopyFrom(shape_proto(None if value.rank is None else list(value)))
    elif isinstance(value, (bool, np.bool_)):
        attr.b = bool(value)
    elif isinstance(value, (int, np.integer)):
        attr.i = int(value)
    elif isinstance(value, (float, np.floating)):
        attr.f = float(value)
    elif isinstance(value, str):
        attr.s = value.encode()
    elif isinstance(value, (tuple, list)) and value and all(isinstance(v, (int, np.integer)) for v in value):
        attr.list.i.extend(int(v) for v in value)
