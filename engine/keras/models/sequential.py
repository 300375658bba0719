"""``Sequential``: a plain stack of layers, ``Sequential([Dense(...), ...])`` or
``model.add(layer)``. Once its input shape is known (an ``Input`` first, ``input_shape=`` on
the first layer, ``build``, or the first data it sees) it is the functional model of that chain,
as in Keras; its ``layers`` leave the ``InputLayer`` out, as Keras's do.
"""

from __future__ import annotations

import numpy as np

from engine.keras import backend
from engine.keras.layers.base import Input, InputLayer, KerasTensor, Layer, _flatten, _shape_tuple, _to_tensor
from engine.keras.models.functional import Functional, _node_of
from engine.keras.saving import deserialize_layer, registry, serialize_layer


class Sequential(Functional):
    """A plain stack of layers: ``Sequential([Dense(...), ...])`` or ``model.add(layer)``."""

    _config_class_name = "Sequential"

    def __init__(self, layers=None, name=None, trainable=True, **kwargs):
        self._init_model(name or backend.unique_name("sequential"), trainable, **kwargs)
        self._seq_layers: list[Layer] = []
        self._input_layer = None
        self._output_tensor = None
        for layer in layers or []:
            self.add(layer)

    @property
    def layers(self):
        return list(self._seq_layers)

    def add(self, layer):
        if isinstance(layer, KerasTensor):
            layer = _node_of(layer).layer
        if not isinstance(layer, Layer):
            raise TypeError(f"Sequential.add expects a Layer, got {type(layer).__name__}: {layer!r}")
        if isinstance(layer, InputLayer):
            if self._seq_layers or self._input_layer is not None:
                raise ValueError("an InputLayer can only be the first layer of a Sequential model")
            self._input_layer = layer
            self._output_tensor = layer._inbound_nodes[0].outputs
            return
        self._seq_layers.append(layer)
        if self._output_tensor is None and not self._seq_layers[:-1]:
            shape = getattr(layer, "_batch_input_shape", None)
            if shape is not None:
                self._input_layer = _node_of(Input(batch_shape=shape, dtype=layer.dtype,
                                                   name=f"{layer.name}_input")).layer
                self._output_tensor = self._input_layer._inbound_nodes[0].outputs
        if self._output_tensor is not None:
            self._output_tensor = layer(self._output_tensor)
            self._set_graph()

    def pop(self):
        if not self._seq_layers:
            raise TypeError("there are no layers in the model to pop")
        layer = self._seq_layers.pop()
        if self._input_layer is not None:
            self._rebuild(self._input_layer._batch_input_shape)
        return layer

    def _set_graph(self):
        inputs = [self._input_layer._inbound_nodes[0].outputs]
        self._init_graph(inputs, [self._output_tensor] if self._seq_layers else inputs)

    def _rebuild(self, batch_shape):
        self._input_layer = _node_of(Input(batch_shape=batch_shape, dtype=self.dtype,
                                           name=f"{self._seq_layers[0].name}_input" if self._seq_layers
                                           else None)).layer
        x = self._input_layer._inbound_nodes[0].outputs
        for layer in self._seq_layers:
            x = layer(x)
        self._output_tensor = x
        self._set_graph()

    def build(self, input_shape=None):
        if self._input_layer is not None:
            return
        if input_shape is None:
            raise ValueError("build() needs the input shape, e.g. model.build((None, 784))")
        if isinstance(input_shape, list) and input_shape and isinstance(input_shape[0], (tuple, list)):
            input_shape = input_shape[0]
        shape = _shape_tuple(input_shape)
        self._rebuild((None,) + tuple(shape[1:]))

    def _ensure_built(self, xs):
        if self._input_layer is None:
            x = xs[0]
            self.build((None,) + tuple(np.shape(x)[1:]))

    def __call__(self, inputs, *args, **kwargs):
        if self._input_layer is None and not any(isinstance(t, KerasTensor) for t in _flatten(inputs)):
            self._ensure_built(_flatten(inputs))
        return Layer.__call__(self, inputs, *args, **kwargs)

    def _call_eager(self, inputs, *args, training=None, mask=None, **kwargs):
        return self._run([_to_tensor(inputs)], training=training)[0]

    def compute_output_shape(self, input_shape):
        shape = input_shape
        for layer in self._seq_layers:
            shape = layer.compute_output_shape(shape)
        return shape

    def _call_symbolic(self, inputs, *args, **kwargs):
        if self._input_layer is None:
            self.build(inputs.shape)
        return Layer._call_symbolic(self, inputs, *args, **kwargs)

    def _layer_inbound(self, layer):
        return None  # Keras's summary of a Sequential model has no "Connected to" column

    def get_config(self):
        layers = []
        if self._input_layer is not None:
            layers.append(serialize_layer(self._input_layer))
        after_input = self._input_layer is not None
        layers.extend(serialize_layer(layer, after_input=after_input) for layer in self.layers)
        return {"name": self.name, "layers": layers}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        if isinstance(config, list):  # Keras 1 wrote the layer list alone
            config = {"layers": config}
        layer_configs = config.get("layers")
        if not isinstance(layer_configs, list):
            raise ValueError("a Sequential config needs a 'layers' list")
        model = Sequential(name=config.get("name"))
        with registry.custom_object_scope(custom_objects):
            for lc in layer_configs:
                model.add(deserialize_layer(lc))
        if model._input_layer is None and config.get("build_input_shape") is not None:
            model.build(tuple(config["build_input_shape"]))
        return model
