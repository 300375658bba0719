"""Saving and loading: model configs (JSON, YAML), and Keras's legacy HDF5 files.

The HDF5 layout is Keras's (``keras/src/legacy/saving/legacy_h5_format.py``): root attributes
``model_config``, ``training_config``, ``keras_version``, ``backend``; group ``model_weights``
with ``layer_names`` and one subgroup per layer holding ``weight_names`` and a dataset per weight
(tf.keras's ``dense/kernel:0`` names); group ``optimizer_weights`` with the optimizer's state.
Weights load by layer position, as Keras does. Configs in both the Keras 2 form (``"inbound_nodes":
[[["input_1", 0, 0, {}]]]``) and the Keras 3 form (``{"args": [{"class_name": "__keras_tensor__"
...}]}``) load.

Modules: ``object_registration`` (``register_keras_serializable``: a user's classes loadable by
``"package>name"``), ``registry`` (what a config or a string may name: the classes register themselves, so
saving imports no model or layer), ``config`` (JSON, YAML), ``hdf5`` (files). Loading never runs
code from a file: a config can only name classes registered (or passed in ``custom_objects`` by
the caller), JSON is parsed with ``json``, YAML with ``yaml.safe_load``.
"""

from engine.keras.saving import registry
from engine.keras.saving.config import (
    KERAS_VERSION,
    deserialize_layer,
    model_config,
    model_from_config,
    model_from_json,
    model_from_yaml,
    model_to_json,
    model_to_yaml,
    serialize_layer,
)
from engine.keras.saving.hdf5 import (
    HDF5_OBJECT_HEADER_LIMIT,
    load_model,
    load_weights,
    load_weights_from_group,
    save_model,
    save_weights,
    save_weights_to_group,
)
from engine.keras.saving.keras_zip import load_keras_zip
from engine.keras.saving.object_registration import (
    CustomObjectScope,
    custom_object_scope,
    get_custom_objects,
    get_registered_name,
    get_registered_object,
    register_keras_serializable,
)
from engine.keras.saving.untrusted import ModelFileError

__all__ = [
    "CustomObjectScope", "ModelFileError", "custom_object_scope", "get_custom_objects", "get_registered_name",
    "get_registered_object", "register_keras_serializable",
    "HDF5_OBJECT_HEADER_LIMIT", "KERAS_VERSION", "deserialize_layer", "load_keras_zip", "load_model",
    "load_weights", "load_weights_from_group", "model_config", "model_from_config", "model_from_json",
    "model_from_yaml", "model_to_json", "model_to_yaml", "registry", "save_model", "save_weights",
    "save_weights_to_group", "serialize_layer",
]
