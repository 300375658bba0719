"""``Functional``: the model ``Model(inputs, outputs)`` builds, the graph of layer calls
(``Node``\\ s) between its ``Input``\\ s and its outputs, sorted once; running it walks that list
with real tensors, carrying Keras masks beside them. Its config is Keras 2's functional config
(tf.keras writes it, Keras 3 reads it); both Keras 2's and Keras 3's load.
"""

from __future__ import annotations

from engine.framework.tensor import Tensor
from engine.keras import backend
from engine.keras.layers.base import InputLayer, KerasTensor, Layer, _flatten, _map, _to_tensor
from engine.keras.layers.tracking import call_context
from engine.keras.models.functional_config import functional_config, graph_from_config
from engine.keras.models.model import Model
from engine.keras.saving import registry


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
        with call_context(self):  # fit's batches run the model here, not through __call__
            return self._run_calls(inputs, training=training, masks=masks)

    def _call_plan(self):
        """The nodes to run, each with its single input tensor's id when it takes just one
        tensor and no call arguments (every node of a Sequential model): those skip the general
        structure mapping, a good part of a small batch's time in ``predict``."""
        plan = self.__dict__.get("_plan")
        if plan is None or plan[0] is not self._nodes:
            steps = []
            for node in self._nodes:
                if isinstance(node.layer, InputLayer):
                    continue
                single = (isinstance(node.inputs, KerasTensor) and not node.call_kwargs
                          and len(node.flat_outputs) == 1)
                steps.append((node, id(node.inputs) if single else None))
            plan = self.__dict__["_plan"] = (self._nodes, steps)
        return plan[1]

    def _run_calls(self, inputs, training=False, masks=None):
        values = {id(t): (x, None) for t, x in zip(self.inputs, inputs, strict=False)}
        for node, input_id in self._call_plan():
            layer = node.layer
            if input_id is not None:
                x, mask = values[input_id]
                out = layer._call_eager(x, training=training, mask=mask)
                out_mask = layer.compute_mask(x, mask)
                if not isinstance(out, (list, tuple, dict)) and not isinstance(out_mask, list):
                    values[id(node.flat_outputs[0])] = (out, out_mask)
                    continue
                flat_out = _flatten(out)
                flat_mask = _flatten(out_mask) if isinstance(out_mask, list) else [out_mask] * len(flat_out)
                for t, v, m in zip(node.flat_outputs, flat_out, flat_mask, strict=False):
                    values[id(t)] = (v, m)
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


def functional_from_config(config):
    """The model a functional config describes (its custom objects in scope)."""
    inputs, outputs, name = graph_from_config(config)
    return Functional(inputs=inputs, outputs=outputs, name=name)
