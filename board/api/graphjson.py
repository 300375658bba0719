"""The one node format the graph dashboard draws, made from a GraphDef or a Keras model config.

A node is ``{"name", "op", "inputs", "device", "attr"}``; name scopes are the ``/`` parts of names.

GraphDef attribute values become what they mean: ``s`` a string, ``i``/``f``/``b`` numbers and booleans,
``type`` a DataType name, ``shape`` a list of dims (-1 unknown) or null (unknown rank), a tensor
its dtype and shape, a list a JSON list. As in TensorBoard (``process_graph.py``), attributes
over 1 KB are left out and their keys listed in the node's ``_too_large_attrs`` attribute.
"""

from __future__ import annotations

import json

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


# ---------------------------------------------------------------- Keras model configs

# The layer settings worth reading in the inspector (the rest of a layer's config is noise there).
LAYER_ATTRS = ("units", "activation", "filters", "kernel_size", "strides", "padding", "rate", "pool_size",
               "input_dim", "output_dim", "return_sequences", "batch_input_shape", "batch_shape", "dtype",
               "axis")


def _history_names(value, out: list[str]) -> None:
    """Append the layer names a Keras config structure refers to, in order.

    Keras 2 writes a tensor as ``[layer, node_index, tensor_index(, kwargs)]`` (``inbound_nodes`` is
    a list of calls, each a list of those, kwargs holding further tensors); Keras 3 as
    ``{"class_name": "__keras_tensor__", "config": {"keras_history": [layer, node, tensor]}}``
    inside each call's ``{"args": [...], "kwargs": {...}}``.
    """
    if isinstance(value, list):
        if (len(value) >= 3 and isinstance(value[0], str)
                and all(isinstance(v, int) and not isinstance(v, bool) for v in value[1:3])):
            out.append(value[0])
            for rest in value[3:]:
                _history_names(rest, out)
            return
        for v in value:
            _history_names(v, out)
    elif isinstance(value, dict):
        if value.get("class_name") == "__keras_tensor__":
            history = (value.get("config") or {}).get("keras_history") or []
            if history and isinstance(history[0], str):
                out.append(history[0])
            return
        for v in value.values():
            _history_names(v, out)


def _names(value) -> list[str]:
    out: list[str] = []
    _history_names(value, out)
    return list(dict.fromkeys(out))


def _attr_value(value):
    # Keras 3 writes a layer's dtype as a DTypePolicy object: its name is what it means.
    if isinstance(value, dict) and value.get("class_name") == "DTypePolicy":
        return (value.get("config") or {}).get("name", value)
    return value


def _layer_name(layer: dict) -> str:
    config = layer.get("config") if isinstance(layer.get("config"), dict) else {}
    return str(layer.get("name") or config.get("name") or layer.get("class_name") or "layer")


def _model(model: dict, prefix: str, out: list[dict]) -> tuple[list[dict], list[str]]:
    """Append the nodes of one model (scope ``prefix + its name``) to ``out``.

    Returns the nodes that take the model's inputs and the names of the nodes that give its
    outputs, so an enclosing model can wire a nested one like a layer.
    """
    config = model.get("config")
    if isinstance(config, list):            # Keras 2.2's Sequential: the config is the layer list
        config = {"layers": config}
    config = config if isinstance(config, dict) else {}
    scope = f"{prefix}{config.get('name') or 'model'}"
    layers = [layer for layer in config.get("layers") or [] if isinstance(layer, dict)]
    sequential = (model.get("class_name") == "Sequential"
                  or all(layer.get("inbound_nodes") is None for layer in layers))
    ends: dict[str, list[str]] = {}         # layer name -> full names of the nodes giving its output
    starts: dict[str, list[dict]] = {}      # layer name -> the nodes taking its inputs
    wiring: list[tuple[list[dict], list[str]]] = []
    prev = None
    for layer in layers:
        name = _layer_name(layer)
        if sequential:
            inputs = [prev] if prev is not None else []
        else:
            inputs = _names(layer.get("inbound_nodes") or [])
        if isinstance(layer.get("config"), dict) and "layers" in layer["config"]:
            # A nested model: its layers in a scope of their own, wired through its inputs/outputs.
            takers, ends[name] = _model(layer, f"{scope}/", out)
        else:
            attrs = layer.get("config") if isinstance(layer.get("config"), dict) else {}
            node = {"name": f"{scope}/{name}", "op": str(layer.get("class_name", "")), "inputs": [],
                    "device": "", "attr": {k: _attr_value(attrs[k]) for k in LAYER_ATTRS if k in attrs}}
            out.append(node)
            takers, ends[name] = [node], [node["name"]]
        starts[name] = takers
        wiring.append((takers, inputs))
        prev = name
    for takers, inputs in wiring:
        inputs = [i for i in inputs if i in ends]       # unknown names (Keras 2 constants) drop out
        # A nested model called on as many tensors as it has inputs takes them in order (as
        # TensorBoard's keras_util does); otherwise every input layer takes every tensor.
        pairs = (zip(takers, ([i] for i in inputs), strict=True) if 1 < len(takers) == len(inputs)
                 else ((node, inputs) for node in takers))
        for node, names in pairs:
            sources = [s for i in names for s in ends[i]]
            node["inputs"].extend(s for s in sources if s not in node["inputs"] and s != node["name"])
    if not layers:
        return [], []
    first, last = _layer_name(layers[0]), _layer_name(layers[-1])
    entry = [n for name in _names(config.get("input_layers")) for n in starts.get(name, [])]
    exits = [s for name in _names(config.get("output_layers")) for s in ends.get(name, [])]
    return entry or starts[first], exits or ends[last]


def keras_json(config) -> list[dict]:
    """The layers of a Keras model config (``model.to_json()``, parsed or not) as graph nodes.

    One node per layer, inside a scope named after its model; a nested model is a nested scope
    whose input layers take its callers' tensors and whose output layers feed its consumers. A
    layer called several times (shared) is one node with the inputs of all its calls. Raises
    ``ValueError`` for JSON that is not an object.
    """
    if isinstance(config, (str, bytes)):
        config = json.loads(config)
    if not isinstance(config, dict):
        raise ValueError(f"a Keras model config is a JSON object, not {type(config).__name__}")
    nodes: list[dict] = []
    _model(config, "", nodes)
    return nodes
