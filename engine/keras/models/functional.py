"""``Functional``: the model ``Model(inputs, outputs)`` builds, the graph of layer calls
(``Node``\\ s) between its ``Input``\\ s and its outputs, sorted once; running it walks that list
with real tensors, carrying Keras masks beside them. Its config is Keras 2's functional config
(tf.keras writes it, Keras 3 reads it); both Keras 2's and Keras 3's load.
"""

from __future__ import annotations

import json

from engine.framework.tensor import Tensor
from engine.keras import backend
from engine.keras.layers.base import InputLayer, KerasTensor, Layer, _flatten, _map, _to_tensor
from engine.keras.models.model import Model
from engine.keras.saving import deserialize_layer, registry, serialize_layer


def _node_of(t: KerasTensor):
    if t._keras_history is None:
        raise ValueError(f"{t!r} was not made by a Keras layer; model inputs must come from Input(...)")
    layer, node_index, _ = t._keras_history
    return layer._inbound_nodes[node_index]


def _kwarg_tensors(node):
    return [t for t in _flatten(list(node.call_kwargs.values())) if isinstance(t, KerasTensor)]


def _sort_nodes(outputs):
    """The nodes that produce ``outputs``, each after all the nodes it reads (an iterative DFS
    from the outputs, inputs in order), and each layer's first-visit index (Keras's
    ``layer_indices``, which orders layers of equal depth)."""
    order, done, on_path, layer_index = [], set(), set(), {}
    stack = [(_node_of(t), False) for t in reversed(outputs)]
    while stack:
        node, expanded = stack.pop()
        if id(node) in done:
            continue
        if expanded:
            on_path.discard(id(node))
            done.add(id(node))
            order.append(node)
            continue
        if id(node) in on_path:
            continue
        layer_index.setdefault(id(node.layer), len(layer_index))
        on_path.add(id(node))
        stack.append((node, True))
        for t in reversed(node.flat_inputs + _kwarg_tensors(node)):
            parent = _node_of(t)
            if id(parent) not in done:
                stack.append((parent, False))
    return order, layer_index


def _layers_by_depth(nodes, layer_index):
    """Keras's ``model.layers`` order (``_map_graph_network``): deepest (nearest the inputs)
    first, layers of equal depth in traversal order. Weight files match layers by this order."""
    node_depth, layer_depth, layers = {}, {}, {}
    for node in reversed(nodes):
        depth = max(node_depth.setdefault(id(node), 0), layer_depth.get(id(node.layer), 0))
        layer_depth[id(node.layer)] = depth
        layers[id(node.layer)] = node.layer
        node_depth[id(node)] = depth
        for t in node.flat_inputs + _kwarg_tensors(node):
            parent = _node_of(t)
            node_depth[id(parent)] = max(depth + 1, node_depth.get(id(parent), 0))
    return sorted(layers.values(), key=lambda la: (-layer_depth[id(la)], layer_index[id(la)]))


def _resolve_kwargs(kwargs, values):
    def get(v):
        if isinstance(v, KerasTensor):
            return values[id(v)][0]
        if isinstance(v, list):
            return [get(i) for i in v]
        return v
    out = {k: get(v) for k, v in kwargs.items() if k != "_args"}
    return out


class Functional(Model):
    """``Model(inputs=..., outputs=...)``; Keras 3's class name for it (configs say so too)."""

    _config_class_name = "Functional"

    def __init__(self, inputs, outputs=None, name=None, trainable=True, **kwargs):
        self._init_model(name or backend.unique_name("model"), trainable, **kwargs)
        if outputs is None:
            raise ValueError("a functional Model needs both inputs= and outputs=")
        self._init_graph(inputs, outputs)

    def _init_graph(self, inputs, outputs):
        self._nested_inputs, self._nested_outputs = inputs, outputs
        self.inputs = [inputs[k] for k in inputs] if isinstance(inputs, dict) else _flatten(inputs)
        # Outputs given as a dict: flattened in sorted key order (Keras's ``tree.flatten``), the
        # keys name them for losses, metrics and targets, and calls and predict return the dict.
        self._output_keys = sorted(outputs) if isinstance(outputs, dict) else None
        self.outputs = [outputs[k] for k in self._output_keys] if self._output_keys else _flatten(outputs)
        for t in self.inputs:
            if not isinstance(t, KerasTensor) or not isinstance(_node_of(t).layer, InputLayer):
                raise ValueError(f"Model inputs must be tensors returned by Input(...), got {t!r}")
        self._nodes, layer_index = _sort_nodes(self.outputs)
        input_ids = {id(t) for t in self.inputs}
        for node in self._nodes:
            if isinstance(node.layer, InputLayer) and id(node.flat_outputs[0]) not in input_ids:
                raise ValueError(
                    f"graph disconnected: the model reads Input {node.layer.name!r}, which is not among "
                    f"its inputs {[t.name for t in self.inputs]}")
        self._layers = _layers_by_depth(self._nodes, layer_index)
        self.built = True
        self.input_names = [_node_of(t).layer.name for t in self.inputs]
        self.output_names = [_node_of(t).layer.name for t in self.outputs]

    @property
    def layers(self) -> list[Layer]:
        """Keras's order: nearest the inputs first (see ``_layers_by_depth``)."""
        return list(self._layers)

    @property
    def input(self):
        """The model's input (a list for several): what ``input_shape`` reads, as in Keras."""
        return self.inputs[0] if len(self.inputs) == 1 else list(self.inputs)

    @property
    def output(self):
        return self.outputs[0] if len(self.outputs) == 1 else list(self.outputs)

    def _output_names(self):
        """The names losses, metrics and targets are keyed by: the outputs dict's keys, if the
        model was built with one (Keras 3 names the logs after them too), else the layer names."""
        return list(self._output_keys) if self._output_keys else super()._output_names()

    def _nest_outputs(self, outs):
        if self._output_keys:
            by_key = dict(zip(self._output_keys, outs, strict=True))
            return {k: by_key[k] for k in self._nested_outputs}  # the order the dict was given in
        return outs[0] if len(outs) == 1 else outs

    def _run(self, inputs, training=False, masks=None):
        values = {id(t): (x, None) for t, x in zip(self.inputs, inputs, strict=False)}
        for node in self._nodes:
            layer = node.layer
            if isinstance(layer, InputLayer):
                continue
            args = _map(lambda t: values[id(t)][0], node.inputs)
            in_masks = _map(lambda t: values[id(t)][1], node.inputs)
            has_mask = any(m is not None for m in _flatten(in_masks))
            kwargs = _resolve_kwargs(node.call_kwargs, values)
            # A mask or training flag given in the call itself wins over the propagated ones.
            call_mask = kwargs.pop("mask", None)
            call_mask = call_mask if call_mask is not None else in_masks if has_mask else None
            call_training = kwargs.pop("training", None)
            call_training = training if call_training is None else call_training
            out = layer._call_eager(args, training=call_training, mask=call_mask, **kwargs)
            out_mask = layer.compute_mask(args, call_mask)
            flat_out = _flatten(out)
            flat_mask = _flatten(out_mask) if isinstance(out_mask, list) else [out_mask] * len(flat_out)
            for t, v, m in zip(node.flat_outputs, flat_out, flat_mask, strict=False):
                values[id(t)] = (v, m)
        if masks is not None:
            masks.extend(values[id(t)][1] for t in self.outputs)
        for t in self.outputs:  # as Keras's ``_keras_mask``: the loss and metrics find it there
            value, mask = values[id(t)]
            if mask is not None and isinstance(value, Tensor):
                backend.remember_mask(value, mask)
        return [values[id(t)][0] for t in self.outputs]

    def call(self, inputs, training=None, mask=None):
        return self._nest_outputs(self._run(self._input_list(inputs), training=training))

    __call__ = Layer.__call__

    def _call_eager(self, inputs, *args, training=None, mask=None, **kwargs):
        return self._nest_outputs(self._run([_to_tensor(t) for t in self._input_list(inputs)],
                                            training=training))

    def _input_list(self, inputs):
        """A call's inputs, one per model input: a dict is matched by input name (or by the keys
        of the dict the model was built with)."""
        if not isinstance(inputs, dict):
            return _flatten(inputs)
        names = self.input_names
        if not all(n in inputs for n in names) and isinstance(self._nested_inputs, dict):
            names = list(self._nested_inputs)
        missing = [n for n in names if n not in inputs]
        if missing:
            raise ValueError(f"the inputs dict has no entries for {missing}; expected keys {names}")
        return [inputs[n] for n in names]

    def compute_output_shape(self, input_shape):
        shapes = [t.shape for t in self.outputs]
        if self._output_keys:
            return self._nest_outputs(shapes)
        return shapes[0] if len(shapes) == 1 else shapes

    def _ensure_built(self, xs):
        pass  # a functional model is built when it is made

    def _layer_inbound(self, layer):
        inbound = []
        for node in layer._inbound_nodes:
            if node in self._nodes:
                for t in node.flat_inputs:
                    src, ni, ti = t._keras_history
                    inbound.append(f"{src.name}[{ni}][{ti}]")
        return inbound

    def get_config(self):
        return functional_config(self)

    @classmethod
    def from_config(cls, config, custom_objects=None):
        with registry.custom_object_scope(custom_objects):
            return functional_from_config(config)


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
            if any(isinstance(v, KerasTensor) for v in kwargs.values()):
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


def functional_from_config(config):
    """The model a functional config describes (its custom objects in scope)."""
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
    return Functional(inputs=ins if len(ins) > 1 else ins[0], outputs=outs, name=config.get("name"))
