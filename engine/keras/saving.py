"""Saving and loading: model configs (JSON, YAML), and Keras's legacy HDF5 files.

The HDF5 layout is Keras's (``keras/src/legacy/saving/legacy_h5_format.py``): root attributes
``model_config``, ``training_config``, ``keras_version``, ``backend``; group ``model_weights``
with ``layer_names`` and one subgroup per layer holding ``weight_names`` and a dataset per weight
(tf.keras's ``dense/kernel:0`` names); group ``optimizer_weights`` with the optimizer's state.
Weights load by layer position, as Keras does. Configs in both the Keras 2 form (``"inbound_nodes":
[[["input_1", 0, 0, {}]]]``) and the Keras 3 form (``{"args": [{"class_name": "__keras_tensor__"
...}]}``) load.

Loading never runs code from a file: a config can only name classes registered here (or passed in
``custom_objects`` by the caller), JSON is parsed with ``json``, YAML with ``yaml.safe_load``.
"""

from __future__ import annotations

import json
import os

import numpy as np

from engine.keras import backend

KERAS_VERSION = "2.15.0"
HDF5_OBJECT_HEADER_LIMIT = 64512


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


# -- HDF5 ------------------------------------------------------------------------------------------
def _h5py():
    import h5py

    return h5py


def _save_attr(group, name, data):
    """Keras splits attributes over the HDF5 object header limit into ``name0``, ``name1``..."""
    data = np.asarray(data)
    if data.nbytes <= HDF5_OBJECT_HEADER_LIMIT:
        group.attrs[name] = data
        return
    chunks = int(np.ceil(data.nbytes / HDF5_OBJECT_HEADER_LIMIT)) + 1
    for i, part in enumerate(np.array_split(data, chunks)):
        group.attrs[f"{name}{i}"] = part


def _load_attr(group, name) -> list[str]:
    if name in group.attrs:
        values = list(np.atleast_1d(group.attrs[name]))
    else:
        values, i = [], 0
        while f"{name}{i}" in group.attrs:
            values.extend(np.atleast_1d(group.attrs[f"{name}{i}"]))
            i += 1
    return [v.decode("utf8") if isinstance(v, bytes) else str(v) for v in values]


def _str_attr(value):
    if isinstance(value, bytes):
        return value.decode("utf8")
    if isinstance(value, np.ndarray):
        value = value.item()
        return value.decode("utf8") if isinstance(value, bytes) else str(value)
    return str(value)


def save_weights_to_group(group, model) -> None:
    layers = model.layers
    _save_attr(group, "layer_names", [layer.name.encode("utf8") for layer in layers])
    group.attrs["backend"] = b"tensorflow"
    group.attrs["keras_version"] = KERAS_VERSION.encode("utf8")
    for layer in sorted(layers, key=lambda x: x.name):
        g = group.create_group(layer.name)
        weights = layer.weights
        names = [w.name for w in weights]
        _save_attr(g, "weight_names", [n.encode("utf8") for n in names])
        for name, w in zip(names, weights, strict=False):
            value = w._value
            ds = g.create_dataset(name, value.shape, dtype=value.dtype)
            if not value.shape:
                ds[()] = value
            else:
                ds[:] = value
    top = group.create_group("top_level_model_weights")
    _save_attr(top, "weight_names", np.array([], dtype="S1"))


def _layer_weight_values(g, layer_name):
    names = _load_attr(g, "weight_names")
    values = []
    for n in names:
        if n not in g:
            raise ValueError(f"layer {layer_name!r} lists weight {n!r} but the file has no such dataset")
        values.append(np.asarray(g[n][()]))
    return values


def load_weights_from_group(group, model, by_name=False, skip_mismatch=False) -> None:
    file_layers = _load_attr(group, "layer_names")
    with_weights = [n for n in file_layers if n in group and _load_attr(group[n], "weight_names")]
    if by_name:
        by = {layer.name: layer for layer in model.layers}
        for name in with_weights:
            layer = by.get(name)
            if layer is None:
                continue
            values = _layer_weight_values(group[name], name)
            _assign(layer, values, name, skip_mismatch)
        return
    layers = [layer for layer in model.layers if layer.weights]
    if len(with_weights) != len(layers):
        raise ValueError(f"the weight file holds weights for {len(with_weights)} layers "
                         f"({with_weights}) but the model has {len(layers)} layers with weights "
                         f"({[layer.name for layer in layers]})")
    for layer, name in zip(layers, with_weights, strict=False):
        _assign(layer, _layer_weight_values(group[name], name), name, skip_mismatch)


def _assign(layer, values, file_name, skip_mismatch):
    params = layer.weights
    if len(values) != len(params):
        if skip_mismatch:
            return
        raise ValueError(f"layer {layer.name!r} (file layer {file_name!r}) expects {len(params)} weights, "
                         f"the file has {len(values)}")
    for p, v in zip(params, values, strict=False):
        if tuple(p.shape) != v.shape:
            if skip_mismatch:
                return
            raise ValueError(f"weight {p.name!r} of layer {layer.name!r} has shape {tuple(p.shape)}, "
                             f"the file's (layer {file_name!r}) has shape {v.shape}")
    for p, v in zip(params, values, strict=False):
        p.assign(v.astype(p._value.dtype, copy=False))


def _open_new(filepath, overwrite):
    filepath = os.fspath(filepath)
    if not overwrite and os.path.exists(filepath):
        raise FileExistsError(f"{filepath} exists and overwrite=False")
    return _h5py().File(filepath, "w")


def save_weights(model, filepath, overwrite=True) -> None:
    with _open_new(filepath, overwrite) as f:
        save_weights_to_group(f, model)


def load_weights(model, filepath, by_name=False, skip_mismatch=False) -> None:
    with _h5py().File(os.fspath(filepath), "r") as f:
        group = f["model_weights"] if "layer_names" not in f.attrs and "model_weights" in f else f
        load_weights_from_group(group, model, by_name=by_name, skip_mismatch=skip_mismatch)


def _training_config(model) -> dict | None:
    if not model._compiled or model.optimizer is None:
        return None
    from engine.keras import losses, optimizers

    args = model._compile_args
    loss = args["loss"]

    def ser_loss(item):
        # As a class config, not a name: Keras 3 cannot deserialize a training_config loss "mse".
        try:
            loss_obj = losses.get(item)
        except ValueError:
            return getattr(item, "__name__", None)
        return losses.serialize(loss_obj)

    if isinstance(loss, dict):
        loss_cfg = {k: ser_loss(v) for k, v in loss.items()}
    elif isinstance(loss, (list, tuple)):
        loss_cfg = [ser_loss(v) for v in loss]
    else:
        loss_cfg = ser_loss(loss)

    def ser_metric(m):
        return m if isinstance(m, str) else getattr(m, "name", getattr(m, "__name__", None))

    metrics = args["metrics"]
    if isinstance(metrics, dict):
        metrics_cfg = {k: [ser_metric(m) for m in (v if isinstance(v, list) else [v])]
                       for k, v in metrics.items()}
    elif metrics:
        metrics_cfg = [ser_metric(m) if not isinstance(m, (list, tuple)) else [ser_metric(i) for i in m]
                       for m in metrics]
    else:
        metrics_cfg = None
    return {"loss": loss_cfg, "metrics": metrics_cfg, "weighted_metrics": None,
            "loss_weights": args["loss_weights"], "optimizer_config": optimizers.serialize(model.optimizer)}


def save_model(model, filepath, overwrite=True, include_optimizer=True) -> None:
    with _open_new(filepath, overwrite) as f:
        f.attrs["keras_version"] = KERAS_VERSION
        f.attrs["backend"] = "tensorflow"
        f.attrs["model_config"] = model_to_json(model)
        training = _training_config(model)
        if training is not None:
            f.attrs["training_config"] = json.dumps(training, default=_json_default)
        save_weights_to_group(f.create_group("model_weights"), model)
        opt = model.optimizer
        if include_optimizer and opt is not None and opt.iterations > 0:
            g = f.create_group("optimizer_weights")
            names = opt.weight_names()
            _save_attr(g, "weight_names", [n.encode("utf8") for n in names])
            for name, value in zip(names, opt.get_weights(), strict=False):
                ds = g.create_dataset(name, np.shape(value), dtype=np.asarray(value).dtype)
                if not np.shape(value):
                    ds[()] = value
                else:
                    ds[:] = value


# Keras 3's optimizer variables (``adam/<variable path>_momentum``...) and our slot names.
_KERAS3_SLOTS = {"momentum": {"Adam": "m", "SGD": "momentum", "RMSprop": "momentum"},
                 "velocity": {"Adam": "v", "RMSprop": "rms"}, "velocity_hat": {"Adam": "vhat"},
                 "average_gradient": {"RMSprop": "mg"}, "accumulator": {"Adagrad": "accumulator"}}


def _set_keras3_optimizer_state(opt, names, values, var_list):
    """Keras 3 stores ``iteration``, ``learning_rate``, then each variable's slots in turn."""
    if len(names) < 2 or not names[1].endswith("/learning_rate"):
        raise ValueError(f"unrecognised Keras 3 optimizer variables {names[:3]}")
    kind = type(opt).__name__
    slots = []
    for name in names[2:len(opt._slot_names) * len(var_list) + 2]:
        suffix = next((k for k in sorted(_KERAS3_SLOTS, key=len, reverse=True) if name.endswith("_" + k)),
                      None)
        ours = _KERAS3_SLOTS.get(suffix, {}).get(kind)
        if ours is None:
            raise ValueError(f"Keras 3 optimizer variable {name!r} has no counterpart in {kind}")
        slots.append(ours)
    per_var = len(opt._slot_names)
    if len(names) != 2 + per_var * len(var_list):
        raise ValueError(f"{len(names) - 2} Keras 3 slot variables for {len(var_list)} weights and "
                         f"{per_var} slots each")
    opt._slots.clear()
    opt._vars = []
    opt.build(var_list)
    for i, var in enumerate(var_list):
        for j in range(per_var):
            k = 2 + i * per_var + j
            target = opt._slots[id(var)][slots[k - 2]]
            if values[k].shape != target.shape:
                raise ValueError(f"optimizer variable {names[k]!r} has shape {values[k].shape}, "
                                 f"{var.name!r} needs {target.shape}")
            target[...] = values[k]
    opt.iterations = int(values[0])
    opt.learning_rate = float(values[1])


def load_model(filepath, custom_objects=None, compile=True):  # noqa: A002 - Keras's argument name
    """A model from a ``.h5`` file (Keras 2 or 3 legacy layout), compiled with its saved
    optimizer state when the file has a training config."""
    filepath = os.fspath(filepath)
    import warnings
    import zipfile

    if zipfile.is_zipfile(filepath):
        return load_keras_zip(filepath, custom_objects=custom_objects, compile=compile)

    with _h5py().File(filepath, "r") as f:
        if "model_config" not in f.attrs:
            raise ValueError(f"{filepath} holds no model config (was it written by save_weights? then "
                             "build the model and call load_weights)")
        version = _str_attr(f.attrs.get("keras_version", "2"))
        _KERAS3_FILE[0] = version.startswith("3")
        try:
            model = model_from_json(_str_attr(f.attrs["model_config"]), custom_objects)
        finally:
            _KERAS3_FILE[0] = False
        load_weights_from_group(f["model_weights"], model)
        if not compile or "training_config" not in f.attrs:
            return model
        training = json.loads(_str_attr(f.attrs["training_config"]))
        from engine.keras import optimizers

        opt = optimizers.deserialize(training["optimizer_config"])
        model.compile(optimizer=opt, loss=training.get("loss"), metrics=training.get("metrics"),
                      loss_weights=training.get("loss_weights"))
        if "optimizer_weights" in f:
            g = f["optimizer_weights"]
            names = _load_attr(g, "weight_names")
            values = [np.asarray(g[n][()]) for n in names]
            try:
                if names and names[0].endswith("/iteration"):
                    _set_keras3_optimizer_state(opt, names, values, model.trainable_weights)
                else:
                    opt.set_weights(values, var_list=model.trainable_weights)
            except ValueError as e:
                warnings.warn(f"the saved optimizer state does not fit this model, so the optimizer "
                              f"starts fresh: {e}", stacklevel=2)
                opt.iterations = 0
                opt._slots.clear()
                opt._vars = []
    return model



# -- Keras 3's native .keras files (read only) ----------------------------------------------------------
_RNN_CLASSES = ("LSTM", "GRU", "SimpleRNN")


def _keras3_state_paths(model, prefix=""):
    """(layer, path of its variables) in a Keras 3 ``model.weights.h5``: ``layers/<class name in
    snake case, numbered per class>``, recurrent layers' variables under their ``cell``
    (``keras/src/saving/saving_lib.py``: ``_save_state``, ``_save_container_state``)."""
    from engine.keras.models import Model

    used = {}
    for layer in model.layers:
        base = backend._snake(type(layer).__name__ if type(layer).__name__ != "Model" else "Functional")
        if base in used:
            used[base] += 1
            name = f"{base}_{used[base]}"
        else:
            used[base] = 0
            name = base
        path = f"{prefix}layers/{name}"
        if isinstance(layer, Model):
            yield from _keras3_state_paths(layer, path + "/")
        elif layer.weights:
            yield layer, path + ("/cell" if type(layer).__name__ in _RNN_CLASSES else "")


def load_keras_zip(filepath, custom_objects=None, compile=True):  # noqa: A002 - Keras's argument name
    """A model from Keras 3's ``.keras`` zip: ``config.json`` and ``model.weights.h5`` (variables
    at ``<layer path>/vars/0, 1, ...``). It is compiled from the config's ``compile_config`` with
    a fresh optimizer: Keras 3's optimizer variables are not read."""
    import io
    import warnings
    import zipfile

    with zipfile.ZipFile(filepath) as z:
        names = set(z.namelist())
        if "config.json" not in names or "model.weights.h5" not in names:
            raise ValueError(f"{filepath} is a zip file but not a Keras 3 model: it needs config.json and "
                             f"model.weights.h5, it has {sorted(names)[:10]}")
        try:
            config = json.loads(z.read("config.json"))
        except ValueError as e:
            raise ValueError(f"{filepath}: config.json is not JSON: {e}") from None
        model = model_from_config(config, custom_objects)
        with _h5py().File(io.BytesIO(z.read("model.weights.h5")), "r") as f:
            for layer, path in _keras3_state_paths(model):
                group = f.get(f"{path}/vars")
                if group is None:
                    raise ValueError(f"{filepath}: no variables at {path!r} for layer {layer.name!r}")
                values = [np.asarray(group[str(i)][()]) for i in range(len(group))]
                _assign(layer, values, path, skip_mismatch=False)
    compile_config = config.get("compile_config") if isinstance(config, dict) else None
    if compile and compile_config:
        from engine.keras import optimizers

        try:
            opt = compile_config.get("optimizer", "rmsprop")
            model.compile(optimizer=optimizers.get(opt), loss=compile_config.get("loss"),
                          metrics=compile_config.get("metrics"),
                          loss_weights=compile_config.get("loss_weights"))
            model._resolve_compile()
        except (ValueError, TypeError, NotImplementedError) as e:
            warnings.warn(f"{filepath}: the model loads uncompiled; its compile_config was not "
                          f"understood: {e}", stacklevel=2)
            model._init_training()
    return model
