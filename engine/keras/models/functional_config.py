"""A functional model's config: Keras 2's layout (tf.keras writes it, Keras 3 reads it) written,
and both Keras 2's and Keras 3's read back into a ``Functional``."""

from __future__ import annotations

import json

from engine.keras.layers.base import KerasTensor, _flatten
from engine.keras.saving import deserialize_layer, serialize_layer


# -- config ----------------------------------------------------------------------------------------
def _model_node_index(model_nodes, layer, node_index):
    node = layer._inbound_nodes[node_index]
    mine = [n for n in layer._inbound_nodes if id(n) in model_nodes]
    return mine.index(node)


def functional_config(model) -> dict:
    """Keras 2's functional config (tf.keras writes it; Keras 3 reads it)."""
    model_nodes = {id(n) for n in model._nodes}

    def ref(t):
        layer, ni, ti = t._keras_history
        return [layer.name, _model_node_index(model_nodes, layer, ni), ti]

    layers = []
    for layer in model.layers:
        inbound = []
        for node in layer._inbound_nodes:
            if id(node) not in model_nodes or not node.flat_inputs:
                continue
            kwargs = {k: v for k, v in node.call_kwargs.items() if k != "_args"}
            if any(isinstance(v, KerasTensor) for v in _flatten(list(kwargs.values()))):
                raise NotImplementedError("saving a layer called with tensor keyword arguments "
                                          f"({layer.name}: {sorted(kwargs)}) is not supported")
            inbound.append([ref(t) + [kwargs] for t in node.flat_inputs])
        layers.append({**serialize_layer(layer, after_input=True), "name": layer.name,
                       "inbound_nodes": inbound})
    return {"name": model.name, "layers": layers,
            "input_layers": [ref(t) for t in model.inputs],
            "output_layers": ({k: ref(t) for k, t in model._nest_outputs(list(model.outputs)).items()}
                              if model._output_keys else [ref(t) for t in model.outputs])}


class _TensorRef(tuple):
    """A tensor a saved call passes besides its first argument: (layer name, node, tensor)."""

    def __new__(cls, name, node_index, tensor_index):
        return super().__new__(cls, (name, node_index, tensor_index))


def _kwarg_refs(kwargs):
    return [v for v in list(kwargs.values()) + list(kwargs.get("_args", [])) if isinstance(v, _TensorRef)]


def _is_ref(x):
    return isinstance(x, list) and len(x) >= 3 and isinstance(x[0], str) and isinstance(x[1], int)


def _parse_node(node_data):
    """One inbound node as (refs structure, kwargs): refs are (layer_name, node_index, tensor_index).
    Keras 2: ``[["in", 0, 0, {}], ...]``; Keras 3: ``{"args": [...], "kwargs": {...}}``."""
    if isinstance(node_data, dict):
        args = node_data.get("args", [])
        kwargs = dict(node_data.get("kwargs") or {})

        def conv(a):
            if isinstance(a, dict) and a.get("class_name") == "__keras_tensor__":
                h = a["config"]["keras_history"]
                return (h[0], int(h[1]), int(h[2]))
            if isinstance(a, list):
                return [conv(i) for i in a]
            raise ValueError(f"unsupported inbound node argument {a!r:.200}")

        if not args:
            raise ValueError("a layer call without positional arguments cannot be loaded")
        # Keras 3 records the mask and training flag of a call; masks travel with tensors here.
        kwargs.pop("mask", None)
        kwargs.pop("training", None)
        for k, v in kwargs.items():
            if isinstance(v, dict) and v.get("class_name") == "__keras_tensor__":
                kwargs[k] = _TensorRef(*conv(v))
            elif isinstance(v, (dict, list)) and "__keras_tensor__" in json.dumps(v):
                raise ValueError(f"tensor keyword argument {k!r} in a saved config is not supported")
        if len(args) > 1:  # more positional tensors (MultiHeadAttention's value, key)
            if not all(isinstance(a, dict) and a.get("class_name") == "__keras_tensor__" for a in args[1:]):
                raise ValueError("a layer call with positional arguments other than tensors cannot be loaded")
            kwargs["_args"] = [_TensorRef(*conv(a)) for a in args[1:]]
        return conv(args[0]), kwargs
    if not isinstance(node_data, list):
        raise ValueError(f"unrecognised inbound node {node_data!r:.200}")
    refs, kwargs = [], {}
    for item in node_data:
        if not _is_ref(item):
            raise ValueError(f"unrecognised inbound tensor {item!r:.200}")
        refs.append((item[0], int(item[1]), int(item[2])))
        if len(item) > 3 and isinstance(item[3], dict):
            kwargs.update({k: _TensorRef(v[0], int(v[1]), int(v[2])) if _is_ref(v) else v
                           for k, v in item[3].items() if k not in ("mask", "training")})
    return (refs[0] if len(refs) == 1 else refs), kwargs


def _refs(spec):
    """input_layers/output_layers: one ref or a list of refs (Keras 3 writes a lone input bare)."""
    if _is_ref(spec):
        return [spec]
    if isinstance(spec, dict):
        return list(spec.values())
    if not isinstance(spec, list):
        raise ValueError(f"unrecognised input/output layer spec {spec!r:.200}")
    return spec


def _is_op_layer(lc):
    return str(lc.get("module") or "").startswith("keras.src.ops")


def _without_mask_ops(config):
    """The layer configs less Keras 3's op layers (``NotEqual``, ``Any``: ``keras.src.ops``)
    that only compute masks passed as ``mask=``: masks travel with tensors here, so nothing else
    reads them. An op layer whose output feeds anything else is refused by name."""
    layers = config["layers"]
    ops = {lc.get("name") for lc in layers if isinstance(lc, dict) and _is_op_layer(lc)}
    if not ops:
        return layers
    used = {r[0] for r in _refs(config.get("output_layers"))}
    for lc in layers:
        if lc.get("name") in ops:
            continue
        for nd in lc.get("inbound_nodes", []):
            refs, kwargs = _parse_node(nd)
            used.update(r[0] for r in (refs if isinstance(refs, list) else [refs]) + _kwarg_refs(kwargs))
    if used & ops:
        raise ValueError(f"Keras 3 op layers {sorted(used & ops)} compute more than masks here; "
                         "they cannot be loaded")
    return [lc for lc in layers if lc.get("name") not in ops]


def graph_from_config(config):
    """The ``(inputs, outputs, name)`` of the model a functional config describes (its custom
    objects in scope): the layers made and called as the config says."""
    if not isinstance(config, dict) or not isinstance(config.get("layers"), list):
        raise ValueError("a functional model config needs a 'layers' list")
    created, order, pending = {}, [], []
    layer_configs = _without_mask_ops(config)
    for lc in layer_configs:
        layer = deserialize_layer(lc)
        name = lc.get("name") or lc.get("config", {}).get("name") or layer.name
        created[name] = layer
        order.append(name)
        pending.append((name, [_parse_node(nd) for nd in lc.get("inbound_nodes", [])]))
    outputs = {}  # (layer name, node index) -> flat output tensors
    for name in order:
        layer = created[name]
        if not pending[order.index(name)][1]:
            if not layer._inbound_nodes:
                raise ValueError(f"layer {name!r} has no inbound nodes and is not an InputLayer")
            outputs[(name, 0)] = layer._inbound_nodes[0].flat_outputs
    done = {name: 0 for name in order}
    progress = True
    while progress:
        progress = False
        for name, nodes in pending:
            while done[name] < len(nodes):
                refs, kwargs = nodes[done[name]]
                flat = refs if isinstance(refs, list) else [refs]
                if not all((r[0], r[1]) in outputs for r in flat + _kwarg_refs(kwargs)):
                    break
                args = [outputs[(r[0], r[1])][r[2]] for r in flat]

                def tensor(v):
                    return outputs[(v[0], v[1])][v[2]] if isinstance(v, _TensorRef) else v

                call_kwargs = {k: tensor(v) for k, v in kwargs.items() if k != "_args"}
                extra = [tensor(v) for v in kwargs.get("_args", [])]
                out = created[name](args if isinstance(refs, list) else args[0], *extra, **call_kwargs)
                outputs[(name, done[name])] = _flatten(out)
                done[name] += 1
                progress = True
    missing = [n for n, nodes in pending if done[n] < len(nodes)]
    if missing:
        raise ValueError(f"the model config cannot be connected: layers {missing} read tensors "
                         "no layer makes")

    def tensors(spec):
        out = []
        for r in _refs(spec):
            key = (r[0], int(r[1]))
            if key not in outputs:
                raise ValueError(f"model input/output {r!r} refers to no layer of the config")
            out.append(outputs[key][int(r[2])])
        return out

    ins, outs = tensors(config.get("input_layers")), tensors(config.get("output_layers"))
    if isinstance(config.get("output_layers"), dict):  # outputs built as a dict (both Keras write it)
        outs = dict(zip(config["output_layers"], outs, strict=True))
    elif len(outs) == 1:
        outs = outs[0]
    return ins if len(ins) > 1 else ins[0], outs, config.get("name")
