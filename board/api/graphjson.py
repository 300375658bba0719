"""A GraphDef as the JSON the graph dashboard draws: nodes with plain-JSON attributes.

Attribute values become what they mean: ``s`` a string, ``i``/``f``/``b`` numbers and booleans,
``type`` a DataType name, ``shape`` a list of dims (-1 unknown) or null (unknown rank), a tensor
its dtype and shape, a list a JSON list. As in TensorBoard (``process_graph.py``), attributes
over 1 KB are left out and their keys listed in the node's ``_too_large_attrs`` attribute.
"""

from __future__ import annotations

from tfevents.decode import graph_def
from tfevents.proto import types_pb2

LARGE_ATTR_BYTES = 1024


def _dtype(value: int) -> str:
    try:
        return types_pb2.DataType.Name(value)
    except ValueError:
        return f"DT_{value}"


def _shape(shape):
    if shape.unknown_rank:
        return None
    return [int(d.size) for d in shape.dim]


def _text(data: bytes) -> str:
    return data.decode("utf-8", errors="replace")


def _tensor(tensor) -> dict:
    return {"dtype": _dtype(tensor.dtype), "shape": _shape(tensor.tensor_shape)}


def attr_json(attr):
    """One AttrValue as plain JSON."""
    kind = attr.WhichOneof("value")
    if kind is None:
        return None
    if kind == "s":
        return _text(attr.s)
    if kind in ("i", "b", "placeholder"):
        return getattr(attr, kind)
    if kind == "f":
        return float(attr.f)
    if kind == "type":
        return _dtype(attr.type)
    if kind == "shape":
        return _shape(attr.shape)
    if kind == "tensor":
        return _tensor(attr.tensor)
    if kind == "func":
        return {"name": attr.func.name}
    lst = attr.list
    return ([_text(s) for s in lst.s] + list(lst.i) + [float(f) for f in lst.f] + list(lst.b)
            + [_dtype(t) for t in lst.type] + [_shape(s) for s in lst.shape]
            + [_tensor(t) for t in lst.tensor] + [{"name": f.name} for f in lst.func])


def node_json(node) -> dict:
    attrs, too_large = {}, []
    for key in sorted(node.attr):
        value = node.attr[key]
        if value.ByteSize() > LARGE_ATTR_BYTES:
            too_large.append(key)
        else:
            attrs[key] = attr_json(value)
    if too_large:
        attrs["_too_large_attrs"] = too_large
    return {"name": node.name, "op": node.op, "inputs": list(node.input),
            "device": node.device, "attr": attrs}


def graph_json(data: bytes) -> list[dict]:
    """The nodes of a serialized GraphDef (raises ``DecodeError`` for bytes that are not one)."""
    return [node_json(n) for n in graph_def(data).node]
