"""``keras.models.clone_model``: a new model of the same architecture with fresh weights (as
Keras: the layers rebuilt from their configs, so initializers run again)."""

from __future__ import annotations

from engine.keras.saving import registry


def _default_clone(layer):
    return type(layer).from_config(layer.get_config())


def clone_model(model, input_tensors=None, clone_function=None, **kwargs):
    """The model rebuilt from its config. ``clone_function(layer)`` makes each layer of a
    Sequential model (default: the layer from its own config); ``input_tensors`` gives a
    Sequential clone its input."""
    from engine.keras.layers.base import Input, InputLayer
    from engine.keras.models.sequential import Sequential

    if isinstance(model, Sequential):
        layers = [(clone_function or _default_clone)(layer) for layer in model.layers
                  if not isinstance(layer, InputLayer)]
        if input_tensors is None:
            first = getattr(model, "_input_layer", None)
            shape = None if first is None else first._batch_input_shape
            inputs = None if shape is None else Input(batch_shape=tuple(shape), dtype=first.dtype)
        else:
            inputs = input_tensors[0] if isinstance(input_tensors, (list, tuple)) else input_tensors
        return Sequential(([inputs] if inputs is not None else []) + layers, name=model.name)
    if input_tensors is not None:
        raise ValueError("clone_model takes input_tensors for Sequential models only here")
    config = model.get_config()
    if clone_function is None:
        return type(model).from_config(config)
    # A functional model: each layer config goes through clone_function as the graph is rebuilt
    made = {}

    def cloned(layer_config):
        layer = registry.deserialize("layer", layer_config)
        made[layer.name] = clone_function(layer)
        return made[layer.name]

    return _functional_with(config, cloned)


def _functional_with(config, make_layer):
    from engine.keras.models import functional, functional_config

    original = functional_config.deserialize_layer
    functional_config.deserialize_layer = make_layer
    try:
        return functional.functional_from_config(config)
    finally:
        functional_config.deserialize_layer = original
