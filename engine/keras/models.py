"""Models: the functional ``Model(inputs, outputs)``, ``Sequential``, and subclassed models.

A functional model is the graph of layer calls (``Node``\\ s) between its ``Input``\\ s and its
outputs, sorted once; running it walks that list with real tensors, carrying Keras masks beside
them. ``Sequential`` is the same with a plain list of layers. Training lives in ``training.py``.
"""

from __future__ import annotations

import numpy as np

from engine.keras import backend
from engine.keras.layers.base import (
    Input,
    InputLayer,
    KerasTensor,
    Layer,
    _flatten,
    _map,
    _shape_tuple,
    _to_tensor,
)
from engine.keras.training import TrainingMixin


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


class Model(TrainingMixin, Layer):
    """``Model(inputs=..., outputs=...)`` (functional) or a subclass defining ``call``."""

    def __init__(self, *args, **kwargs):
        inputs = kwargs.pop("inputs", args[0] if len(args) > 0 else None)
        outputs = kwargs.pop("outputs", args[1] if len(args) > 1 else None)
        name = kwargs.pop("name", None)
        trainable = kwargs.pop("trainable", True)
        Layer.__init__(self, name=name or backend.unique_name("model" if inputs is not None else
                                                                type(self).__name__),
                       trainable=trainable, **kwargs)
        self._is_graph_network = False
        self._tracked = []
        self._init_training()
        if inputs is not None:
            if outputs is None:
                raise ValueError("a functional Model needs both inputs= and outputs=")
            self._init_graph(inputs, outputs)

    # -- the functional graph --------------------------------------------------------------------
    def _init_graph(self, inputs, outputs):
        self._nested_inputs, self._nested_outputs = inputs, outputs
        self.inputs = [inputs[k] for k in inputs] if isinstance(inputs, dict) else _flatten(inputs)
        self.outputs = _flatten(outputs)
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
        self._is_graph_network = True
        self.built = True
        self.input_names = [_node_of(t).layer.name for t in self.inputs]
        self.output_names = [_node_of(t).layer.name for t in self.outputs]

    def __setattr__(self, name, value):
        if isinstance(value, Layer) and name not in ("_input_layer",) and hasattr(self, "_tracked"):
            if all(value is not t for t in self._tracked):
                self._tracked.append(value)
        object.__setattr__(self, name, value)

    @property
    def layers(self) -> list[Layer]:
        if self._is_graph_network:
            return list(self._layers)
        return list(self._tracked)

    def get_layer(self, name=None, index=None) -> Layer:
        if index is not None:
            return self.layers[index]
        for layer in self.layers:
            if layer.name == name:
                return layer
        raise ValueError(f"no layer named {name!r}; layers: {[layer.name for layer in self.layers]}")

    def _all_weights(self):
        out, seen = [], set()
        for layer in self.layers:
            for w in layer._all_weights():
                if id(w) not in seen:
                    seen.add(id(w))
                    out.append(w)
        out_ids = {id(w) for w in out}
        out.extend(w for w in self._weights if id(w) not in out_ids)
        return out

    @property
    def trainable_weights(self):
        if not self.trainable:
            return []
        out, seen = [], set()
        for layer in self.layers:
            for w in layer.trainable_weights:
                if id(w) not in seen:
                    seen.add(id(w))
                    out.append(w)
        out.extend(w for w in self._weights if w.trainable and id(w) not in seen)
        return out

    @property
    def non_trainable_weights(self):
        trainable = {id(w) for w in self.trainable_weights}
        return [w for w in self._all_weights() if id(w) not in trainable]

    trainable_variables = trainable_weights
    non_trainable_variables = non_trainable_weights

    @property
    def weights(self):
        """Layer by layer, each layer's trainable weights then its others (Keras's save order)."""
        out, seen = [], set()
        for layer in self.layers:
            for w in layer.weights:
                if id(w) not in seen:
                    seen.add(id(w))
                    out.append(w)
        return out

    def get_weights(self):
        return [w.numpy() for w in self.weights]

    def set_weights(self, weights):
        params = self.weights
        weights = list(weights)
        if len(weights) != len(params):
            raise ValueError(f"model {self.name!r} has {len(params)} weight arrays, got {len(weights)}")
        for p, w in zip(params, weights, strict=False):
            w = np.asarray(w)
            if tuple(p.shape) != w.shape:
                raise ValueError(f"weight {p.name!r} has shape {tuple(p.shape)}, the given array {w.shape}")
            p.assign(w)

    @property
    def losses(self):
        out = []
        for layer in self.layers:
            out.extend(layer.losses)
        return out

    def _run(self, inputs, training=False, masks=None):
        """Run the model on a list of eager tensors (one per input); a list of outputs back, and
        their Keras masks appended to ``masks`` when it is given (None where there is none)."""
        if not self._is_graph_network:
            out = self._call_subclass(inputs[0] if len(inputs) == 1 else inputs, training)
            out = list(out) if isinstance(out, (list, tuple)) else [out]
            if masks is not None:
                masks.extend([None] * len(out))
            return out
        values = {id(t): (x, None) for t, x in zip(self.inputs, inputs, strict=False)}
        for node in self._nodes:
            layer = node.layer
            if isinstance(layer, InputLayer):
                continue
            args = _map(lambda t: values[id(t)][0], node.inputs)
            masks = _map(lambda t: values[id(t)][1], node.inputs)
            has_mask = any(m is not None for m in _flatten(masks))
            kwargs = _resolve_kwargs(node.call_kwargs, values)
            out = layer._call_eager(args, training=training, mask=masks if has_mask else None, **kwargs)
            out_mask = layer.compute_mask(args, masks if has_mask else None)
            flat_out = _flatten(out)
            flat_mask = _flatten(out_mask) if isinstance(out_mask, list) else [out_mask] * len(flat_out)
            for t, v, m in zip(node.flat_outputs, flat_out, flat_mask, strict=False):
                values[id(t)] = (v, m)
        if masks is not None:
            masks.extend(values[id(t)][1] for t in self.outputs)
        return [values[id(t)][0] for t in self.outputs]

    def _call_subclass(self, inputs, training):
        return Layer._call_eager(self, inputs, training=training)

    def call(self, inputs, training=None, mask=None):
        if not self._is_graph_network:
            raise NotImplementedError(f"{type(self).__name__} must define call(inputs) "
                                      "(or be built with Model(inputs=..., outputs=...))")
        outs = self._run(_flatten(inputs), training=training)
        return outs[0] if len(outs) == 1 else outs

    def __call__(self, inputs, *args, **kwargs):
        if not self._is_graph_network and not self.built and not any(
                isinstance(t, KerasTensor) for t in _flatten(inputs)):
            self.built = True
        return Layer.__call__(self, inputs, *args, **kwargs)

    def _call_eager(self, inputs, *args, training=None, mask=None, **kwargs):
        if self._is_graph_network:
            outs = self._run([_to_tensor(t) for t in _flatten(inputs)], training=training)
            return outs[0] if len(outs) == 1 else outs
        return Layer._call_eager(self, inputs, *args, training=training, **kwargs)

    def compute_output_shape(self, input_shape):
        if self._is_graph_network:
            shapes = [t.shape for t in self.outputs]
            return shapes[0] if len(shapes) == 1 else shapes
        raise NotImplementedError(f"{type(self).__name__} cannot be called on symbolic inputs")

    def compute_mask(self, inputs, mask=None):
        return None

    def build(self, input_shape):
        self.built = True

    def _ensure_built(self, xs):
        """Build a model whose input shape was not given from the first data it sees."""
        if not self.built or (not self._is_graph_network and not self._all_weights()):
            self(xs[0] if len(xs) == 1 else xs)

    # -- config ----------------------------------------------------------------------------------
    def get_config(self):
        if not self._is_graph_network:
            return {"name": self.name, "trainable": self.trainable}
        from engine.keras.saving import functional_config

        return functional_config(self)

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from engine.keras.saving import functional_from_config

        return functional_from_config(config, custom_objects)

    def to_json(self, **kwargs) -> str:
        from engine.keras.saving import model_to_json

        return model_to_json(self, **kwargs)

    def to_yaml(self, **kwargs) -> str:
        from engine.keras.saving import model_to_yaml

        return model_to_yaml(self, **kwargs)

    def save(self, filepath, overwrite=True, include_optimizer=True, save_format=None):
        from engine.keras.saving import save_model

        save_model(self, filepath, overwrite=overwrite, include_optimizer=include_optimizer)

    def save_weights(self, filepath, overwrite=True, save_format=None):
        from engine.keras.saving import save_weights

        save_weights(self, filepath)

    def load_weights(self, filepath, by_name=False, skip_mismatch=False):
        from engine.keras.saving import load_weights

        load_weights(self, filepath, by_name=by_name, skip_mismatch=skip_mismatch)

    def summary(self, line_length=None, positions=None, print_fn=None):
        from engine.keras.utils import model_summary

        model_summary(self, line_length=line_length, print_fn=print_fn)

    def as_graph_def(self):
        from engine.keras.graph import model_graph_def

        return model_graph_def(self)


class Functional(Model):
    """Keras 3's class name for a functional model (configs say ``"Functional"``)."""


class Sequential(Model):
    """A plain stack of layers: ``Sequential([Dense(...), ...])`` or ``model.add(layer)``."""

    def __init__(self, layers=None, name=None, trainable=True, **kwargs):
        Layer.__init__(self, name=name or backend.unique_name("sequential"), trainable=trainable, **kwargs)
        self._is_graph_network = False
        self._tracked = []
        self._seq_layers: list[Layer] = []
        self._input_layer = None
        self._output_tensor = None
        self._init_training()
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
        self.inputs = [self._input_layer._inbound_nodes[0].outputs]
        self.outputs = [self._output_tensor] if self._seq_layers else self.inputs
        self.input_names = [self._input_layer.name]
        self.output_names = [self._seq_layers[-1].name] if self._seq_layers else self.input_names
        self.built = True

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

    def _run(self, inputs, training=False, masks=None):
        x = inputs[0]
        mask = None
        for layer in self._seq_layers:
            y = layer._call_eager(x, training=training, mask=mask)
            mask = layer.compute_mask(x, mask)
            x = y
        if masks is not None:
            masks.append(mask)
        return [x]

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

    def get_config(self):
        from engine.keras.saving import sequential_config

        return sequential_config(self)

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from engine.keras.saving import sequential_from_config

        return sequential_from_config(config, custom_objects)


def model_from_json(json_string, custom_objects=None):
    from engine.keras.saving import model_from_json as _impl

    return _impl(json_string, custom_objects)


def model_from_yaml(yaml_string, custom_objects=None):
    from engine.keras.saving import model_from_yaml as _impl

    return _impl(yaml_string, custom_objects)


def model_from_config(config, custom_objects=None):
    from engine.keras.saving import model_from_config as _impl

    return _impl(config, custom_objects)


def load_model(filepath, custom_objects=None, compile=True):  # noqa: A002 - Keras's argument name
    from engine.keras.saving import load_model as _impl

    return _impl(filepath, custom_objects=custom_objects, compile=compile)


def save_model(model, filepath, overwrite=True, include_optimizer=True):
    model.save(filepath, overwrite=overwrite, include_optimizer=include_optimizer)
