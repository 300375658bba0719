"""Model configs: the registry of loadable classes, (de)serialization, JSON and YAML.

Loading never runs code from a file: a config can only name classes registered here (or passed in
``custom_objects`` by the caller), JSON is parsed with ``json``, YAML with ``yaml.safe_load``.
"""

from __future__ import annotations

import json

import numpy as np

KERAS_VERSION = "2.15.0"


# True while a file Keras 3 wrote (keras_version 3.x) is read: names mean what they mean there.
_KERAS3_FILE = [False]


# -- the registry of loadable classes -----------------------------------------------------------
def layer_classes() -> dict:
    from engine.keras import layers, models

    classes = {name: getattr(layers, name) for name in layers.__all__
               if isinstance(getattr(layers, name), type)}
    classes.update({"Sequential": models.Sequential, "Functional": models.Functional,
                    "Model": models.Model})
    return classes


def _lookup(class_name, custom_objects):
    if custom_objects and class_name in custom_objects:
        return custom_objects[class_name]
    classes = layer_classes()
    if not isinstance(class_name, str) or class_name not in classes:
        raise ValueError(f"Unknown layer: {class_name!r}. This engine can load only its own layers "
                         f"({', '.join(sorted(classes))}); pass custom_objects={{name: class}} for others.")
    return classes[class_name]


def deserialize_layer(config, custom_objects=None):
    if not isinstance(config, dict) or "class_name" not in config:
        raise ValueError(f"a layer config must be a dict with 'class_name' and 'config', got {config!r:.200}")
    cls = _lookup(config["class_name"], custom_objects)
    cfg = config.get("config") or {}
    if not isinstance(cfg, dict):
        raise ValueError(f"the config of a {config['class_name']} layer must be a dict, got {cfg!r:.200}")
    from engine.keras.models import Model

    if isinstance(cls, type) and issubclass(cls, Model):
        return cls.from_config(cfg, custom_objects)
    cfg = dict(cfg)
    if "module" in config or _KERAS3_FILE[0]:  # Keras 3 wrote it: its "hard_sigmoid" is relu6(x + 3) / 6
        from engine.keras import activations

        for key in ("activation", "recurrent_activation"):
            if cfg.get(key) == "hard_sigmoid":
                cfg[key] = activations.hard_sigmoid_keras3
    try:
        return cls.from_config(cfg)
    except TypeError as e:
        raise ValueError(f"cannot build {config['class_name']} from config {cfg!r:.300}: {e}") from None


def serialize_layer(layer) -> dict:
    return {"class_name": type(layer).__name__, "config": layer.get_config()}


# -- Sequential ------------------------------------------------------------------------------------
def sequential_config(model) -> dict:
    layers = []
    if model._input_layer is not None:
        layers.append(serialize_layer(model._input_layer))
    layers.extend(serialize_layer(layer) for layer in model.layers)
    return {"name": model.name, "layers": layers}


def sequential_from_config(config, custom_objects=None):
    from engine.keras.models import Sequential

    if isinstance(config, list):  # Keras 1 wrote the layer list alone
        config = {"layers": config}
    layer_configs = config.get("layers")
    if not isinstance(layer_configs, list):
        raise ValueError("a Sequential config needs a 'layers' list")
    model = Sequential(name=config.get("name"))
    for lc in layer_configs:
        model.add(deserialize_layer(lc, custom_objects))
    if model._input_layer is None and config.get("build_input_shape") is not None:
        model.build(tuple(config["build_input_shape"]))
    return model


# -- functional ------------------------------------------------------------------------------------
def _model_node_index(model_nodes, layer, node_index):
    node = layer._inbound_nodes[node_index]
    mine = [n for n in layer._inbound_nodes if id(n) in model_nodes]
    return mine.index(node)


def functional_config(model) -> dict:
    """Keras 2's functional config (tf.keras writes it; Keras 3 reads it)."""
    from engine.keras.layers.base import KerasTensor

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
        layers.append({"class_name": type(layer).__name__, "config": layer.get_config(),
                       "name": layer.name, "inbound_nodes": inbound})
    return {"name": model.name, "layers": layers,
            "input_layers": [ref(t) for t in model.inputs],
            "output_layers": [ref(t) for t in model.outputs]}


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

        if len(args) != 1:
            raise ValueError(f"a layer call with {len(args)} positional arguments cannot be loaded")
        # Keras 3 records the mask and training flag of a call; masks travel with tensors here.
        kwargs.pop("mask", None)
        kwargs.pop("training", None)
        for k, v in kwargs.items():
            if isinstance(v, (dict, list)) and "__keras_tensor__" in json.dumps(v):
                raise ValueError(f"tensor keyword argument {k!r} in a saved config is not supported")
        return conv(args[0]), kwargs
    if not isinstance(node_data, list):
        raise ValueError(f"unrecognised inbound node {node_data!r:.200}")
    refs, kwargs = [], {}
    for item in node_data:
        if not _is_ref(item):
            raise ValueError(f"unrecognised inbound tensor {item!r:.200}")
        refs.append((item[0], int(item[1]), int(item[2])))
        if len(item) > 3 and isinstance(item[3], dict):
            kwargs.update({k: v for k, v in item[3].items() if k not in ("mask", "training")})
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


def functional_from_config(config, custom_objects=None):
    from engine.keras.models import Model

    if not isinstance(config, dict) or not isinstance(config.get("layers"), list):
        raise ValueError("a functional model config needs a 'layers' list")
    created, order, pending = {}, [], []
    for lc in config["layers"]:
        layer = deserialize_layer(lc, custom_objects)
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
                if not all((r[0], r[1]) in outputs for r in flat):
                    break
                args = [outputs[(r[0], r[1])][r[2]] for r in flat]
                out = created[name](args if isinstance(refs, list) else args[0], **kwargs)
                from engine.keras.layers.base import _flatten

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
    return Model(inputs=ins if len(ins) > 1 else ins[0], outputs=outs if len(outs) > 1 else outs[0],
                 name=config.get("name"))


# -- whole configs ---------------------------------------------------------------------------------
def model_config(model) -> dict:
    from engine.keras.models import Sequential

    class_name = "Sequential" if isinstance(model, Sequential) else "Functional" if \
        model._is_graph_network else type(model).__name__
    return {"class_name": class_name, "config": model.get_config(), "keras_version": KERAS_VERSION,
            "backend": "tensorflow"}


def model_from_config(config, custom_objects=None):
    if not isinstance(config, dict) or "class_name" not in config:
        raise ValueError("a model config must be a dict with 'class_name' and 'config'")
    if config["class_name"] not in ("Sequential", "Functional", "Model") and not (
            custom_objects and config["class_name"] in custom_objects):
        raise ValueError(f"Unknown model class: {config['class_name']!r}; this engine loads "
                         "Sequential and Functional (Model) configs")
    return deserialize_layer(config, custom_objects)


def model_to_json(model, **kwargs) -> str:
    return json.dumps(model_config(model), default=_json_default, **kwargs)


def _json_default(o):
    if isinstance(o, np.generic):
        return o.item()
    if isinstance(o, np.ndarray):
        return o.tolist()
    if isinstance(o, tuple):
        return list(o)
    raise TypeError(f"cannot serialize {type(o).__name__} in a model config")


def model_from_json(json_string, custom_objects=None):
    try:
        config = json.loads(json_string)
    except (TypeError, ValueError) as e:
        raise ValueError(f"not a JSON model config: {e}") from None
    return model_from_config(config, custom_objects)


def _yaml():
    try:
        import yaml
    except ImportError:  # pragma: no cover - PyYAML is a dependency
        raise ImportError("to_yaml/model_from_yaml need PyYAML: pip install pyyaml") from None
    return yaml


def model_to_yaml(model, **kwargs) -> str:
    config = json.loads(model_to_json(model))  # plain lists and dicts only
    return _yaml().safe_dump(config, **kwargs)


def model_from_yaml(yaml_string, custom_objects=None):
    """Safe loading only: YAML tags that would build Python objects are rejected."""
    yaml = _yaml()
    try:
        config = yaml.safe_load(yaml_string)
    except yaml.YAMLError as e:
        raise ValueError(f"not a safe YAML model config: {e}") from None
    return model_from_config(config, custom_objects)
