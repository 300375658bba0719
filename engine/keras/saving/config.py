"""Model configs: layers by class name (looked up in ``registry``), whole models, JSON and YAML.
A model's own config is its class's (``Functional.get_config``, ``Sequential.get_config``).

Loading never runs code from a file: a config can only name registered classes (or ones passed in
``custom_objects`` by the caller), JSON is parsed with ``json``, YAML with ``yaml.safe_load``.
"""

from __future__ import annotations

import json

import numpy as np

from engine.keras.saving import registry

KERAS_VERSION = "2.15.0"


# The Keras generation ("2" or "3") of the file or config being read, when it says (its
# ``keras_version``); None: each layer config tells by itself (Keras 3 writes a ``module``).
_KERAS3_FILE = [None]


def _generation(version):
    return str(version)[:1] if version is not None else None


def deserialize_layer(config, custom_objects=None):
    """A layer (or model) from ``{"class_name": ..., "config": {...}}``: the class is looked up
    in ``registry`` (``custom_objects`` first)."""
    if not isinstance(config, dict) or "class_name" not in config:
        raise ValueError(f"a layer config must be a dict with 'class_name' and 'config', got {config!r:.200}")
    with registry.custom_object_scope(custom_objects):
        cls = (registry.find("layer", config.get("registered_name"))
               or registry.find("layer", config["class_name"]))
        if cls is None:
            known = ", ".join(sorted(registry.names("layer")))
            raise ValueError(f"Unknown layer: {config['class_name']!r}. This engine can load only its own "
                             f"layers ({known}); pass custom_objects={{name: class}} for others.")
        cfg = config.get("config") or {}
        if not isinstance(cfg, dict):
            raise ValueError(f"the config of a {config['class_name']} layer must be a dict, got {cfg!r:.200}")
        cfg = dict(cfg)
        keras3 = _KERAS3_FILE[0] == "3" or (_KERAS3_FILE[0] is None and "module" in config)
        if keras3:  # Keras 3 wrote it: names mean what they mean there
            for key in ("activation", "recurrent_activation"):
                if isinstance(cfg.get(key), str):
                    cfg[key] = {"module": "keras.activations", "class_name": "function", "config": cfg[key]}
        try:
            return cls.from_config(cfg)
        except TypeError as e:
            raise ValueError(f"cannot build {config['class_name']} from config {cfg!r:.300}: {e}") from None


# ``module`` and ``registered_name`` as Keras 3 writes them, so its ``model_from_json`` finds the
# classes (tf_keras reads past them); our readers go by ``keras_version``, which we write too.
_MODULES = {"Sequential": ("keras", None), "Functional": ("keras.src.models.functional", "Functional")}


def serialize_layer(layer, after_input=False) -> dict:
    """``after_input``: the model's InputLayer is in the config before this layer, so the layer's
    own ``batch_input_shape`` (tf_keras's Embedding always has one) is left out: Keras 3 takes it
    only from an InputLayer and refuses a layer config that has it."""
    name = (getattr(layer, "_config_class_name", None) or registry.registered_name(type(layer))
            or type(layer).__name__)
    module, registered = _MODULES.get(name, ("keras.layers", None))
    if registry.registered_name(type(layer)) is not None:  # as tf_keras writes it: "package>name"
        module, registered = None, name
    config = layer.get_config()
    if after_input and name != "InputLayer" and isinstance(config, dict):
        config.pop("batch_input_shape", None)
    # class_name first, as tf_keras writes a model config (TensorBoard's KerasModel summary too).
    return {"class_name": name, "config": config, "module": module, "registered_name": registered}


# -- whole configs ---------------------------------------------------------------------------------
def model_config(model) -> dict:
    return {**serialize_layer(model), "keras_version": KERAS_VERSION, "backend": "tensorflow"}


def model_from_config(config, custom_objects=None, safe_mode=True):
    """``safe_mode=False`` lets a Lambda layer's stored bytecode run (only for files you trust)."""
    with registry.safe_mode_scope(safe_mode):
        return _model_from_config(config, custom_objects)


def _model_from_config(config, custom_objects):
    if not isinstance(config, dict) or "class_name" not in config:
        raise ValueError("a model config must be a dict with 'class_name' and 'config'")
    if _KERAS3_FILE[0] is None and config.get("keras_version") is not None:
        _KERAS3_FILE[0] = _generation(config["keras_version"])
        try:  # still inside the caller's safe_mode scope
            return _model_from_config(config, custom_objects)
        finally:
            _KERAS3_FILE[0] = None
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


def model_from_json(json_string, custom_objects=None, safe_mode=True):
    try:
        config = json.loads(json_string)
    except (TypeError, ValueError) as e:
        raise ValueError(f"not a JSON model config: {e}") from None
    return model_from_config(config, custom_objects, safe_mode=safe_mode)


def _yaml():
    try:
        import yaml
    except ImportError:  # pragma: no cover - PyYAML is a dependency
        raise ImportError("to_yaml/model_from_yaml need PyYAML: pip install pyyaml") from None
    return yaml


def model_to_yaml(model, **kwargs) -> str:
    config = json.loads(model_to_json(model))  # plain lists and dicts only
    return _yaml().safe_dump(config, **kwargs)


def model_from_yaml(yaml_string, custom_objects=None, safe_mode=True):
    """Safe loading only: YAML tags that would build Python objects are rejected."""
    yaml = _yaml()
    try:
        config = yaml.safe_load(yaml_string)
    except yaml.YAMLError as e:
        raise ValueError(f"not a safe YAML model config: {e}") from None
    return model_from_config(config, custom_objects, safe_mode=safe_mode)
