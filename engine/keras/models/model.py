"""``Model``: a layer that trains (``compile``/``fit``/``evaluate``/``predict`` from
``engine.keras.training``), saves and summarizes itself. Written as a subclass that defines
``call`` it runs that code; ``Model(inputs=..., outputs=...)`` makes a ``Functional``
(``functional.py``), and ``Sequential`` (``sequential.py``) is a functional model once its
input is known, as in Keras. Each overrides what differs; this base knows neither.
"""

from __future__ import annotations

import numpy as np

from engine.keras import backend, saving
from engine.keras.layers.base import KerasTensor, Layer, _flatten
from engine.keras.layers.tracking import call_context
from engine.keras.metrics import Metric
from engine.keras.saving import registry
from engine.keras.training import TrainingMixin


def _functional_args(args, kwargs) -> bool:
    """Keras's test for ``Model(inputs, outputs)``."""
    return (len(args) == 2 or (len(args) == 1 and "outputs" in kwargs)
            or ("inputs" in kwargs and "outputs" in kwargs))


def _functional_class():
    return registry.get_class("layer", "Functional")


def _make_functional(cls):
    """Keras 3's ``inject_functional_model_class``: a subclass of ``Model`` that passes
    ``inputs``/``outputs`` to ``Model.__init__`` becomes a subclass of ``Functional``."""
    if cls is Model:
        return _functional_class()
    if cls is object or issubclass(cls, _functional_class()):
        return cls
    cls.__bases__ = tuple(_make_functional(base) for base in cls.__bases__)
    return cls


class Model(TrainingMixin, Layer):
    """A subclass defining ``call(inputs, training=None)``, or ``Model(inputs=..., outputs=...)``
    (which builds a ``Functional``)."""

    # What configs call this class ("Functional", "Sequential"); None: its own name.
    _config_class_name = None
    # The layer calls this model runs, in order: a functional model's graph, none here.
    _nodes = ()

    def __new__(cls, *args, **kwargs):
        if cls is Model and _functional_args(args, kwargs):
            cls = _functional_class()
        return object.__new__(cls)

    def __init__(self, *args, name=None, trainable=True, **kwargs):
        if _functional_args(args, kwargs):  # a subclass handing its graph to Model.__init__
            _make_functional(type(self))
            _functional_class().__init__(self, *args, name=name, trainable=trainable, **kwargs)
            return
        if args or "inputs" in kwargs or "outputs" in kwargs:
            raise ValueError("a functional Model needs both inputs= and outputs=")
        self._init_model(name or backend.unique_name(type(self).__name__), trainable, **kwargs)

    def _init_model(self, name, trainable, **kwargs):
        Layer.__init__(self, name=name, trainable=trainable, **kwargs)
        self._tracked = []
        self._init_training()

    def __setattr__(self, name, value):
        if isinstance(value, Layer) and name not in ("_input_layer",) and hasattr(self, "_tracked"):
            if all(value is not t for t in self._tracked):
                self._tracked.append(value)
        if isinstance(value, Metric):  # a metric set as an attribute is one of ``model.metrics``
            tracked = self.__dict__.setdefault("_user_metrics", [])
            if all(value is not m for m in tracked):
                tracked.append(value)
        object.__setattr__(self, name, value)

    # -- the layers and their weights ------------------------------------------------------------
    @property
    def trainable(self):
        return self.__dict__.get("_trainable", True)

    @trainable.setter
    def trainable(self, value):
        # Keras 2 and 3 alike: freezing or unfreezing a model sets every layer inside it.
        object.__setattr__(self, "_trainable", bool(value))
        try:
            layers = self.layers
        except AttributeError:  # still in __init__: no layers yet
            return
        for layer in layers:
            layer.trainable = value

    @property
    def layers(self) -> list[Layer]:
        """The layers set as attributes, in the order they were set."""
        return list(self._tracked)

    def get_layer(self, name=None, index=None) -> Layer:
        """The layer called ``name``, or at ``index`` in ``layers`` (one of them, as Keras)."""
        if index is not None and name is not None:
            raise ValueError(f"Provide only a layer name or a layer index. Received: index={index}, "
                             f"name={name}.")
        if index is not None:
            if not -len(self.layers) <= index < len(self.layers):
                raise ValueError(f"Was asked to retrieve layer at index {index} but model only has "
                                 f"{len(self.layers)} layers.")
            return self.layers[index]
        if name is None:
            raise ValueError("Provide either a layer name or layer index at `get_layer`.")
        for layer in self.layers:
            if layer.name == name:
                return layer
        raise ValueError(f"No such layer: {name}. Existing layers are: "
                         f"{[layer.name for layer in self.layers]}.")

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

    def _sublayers(self):
        return self.layers

    @property
    def losses(self):
        """This call's ``add_loss`` losses of the model itself, then each layer's losses."""
        out = self._own_losses()
        for layer in self.layers:
            out.extend(layer.losses)
        return out

    # -- running ---------------------------------------------------------------------------------
    def _run(self, inputs, training=False, masks=None):
        with call_context(self):  # fit's batches run the model here, not through __call__
            return self._run_calls(inputs, training=training, masks=masks)

    def _run_calls(self, inputs, training=False, masks=None):
        """Run the model on a list of eager tensors (one per input); a list of outputs back, and
        their Keras masks appended to ``masks`` when it is given (None where there is none)."""
        out = Layer._call_eager(self, inputs[0] if len(inputs) == 1 else inputs, training=training)
        out = list(out) if isinstance(out, (list, tuple)) else [out]
        if masks is not None:
            masks.extend([None] * len(out))
        return out

    def call(self, inputs, training=None, mask=None):
        raise NotImplementedError(f"{type(self).__name__} must define call(inputs) "
                                  "(or be built with Model(inputs=..., outputs=...))")

    def __call__(self, inputs, *args, **kwargs):
        if not self.built and not any(isinstance(t, KerasTensor) for t in _flatten(inputs)):
            self.built = True
        return Layer.__call__(self, inputs, *args, **kwargs)

    def compute_output_shape(self, input_shape):
        raise NotImplementedError(f"{type(self).__name__} cannot be called on symbolic inputs")

    compute_output_shape._shape_by_call = True  # a subclass's call runs on symbolic inputs

    def compute_mask(self, inputs, mask=None):
        return None

    def build(self, input_shape):
        self.built = True

    def _ensure_built(self, xs):
        """Build a model whose input shape was not given from the first data it sees."""
        if type(self).call is Model.call:  # no call of its own (a GAN's train_step runs its parts)
            self.built = True
            return
        if not self.built or not self._all_weights():
            self(xs[0] if len(xs) == 1 else xs)

    def _layer_inbound(self, layer):
        """What ``layer`` reads in this model (``name[node][tensor]`` each), for the summary's
        "Connected to" column; None: the summary has no such column."""
        return None

    # -- config and files ------------------------------------------------------------------------
    def get_config(self):
        return {"name": self.name, "trainable": self.trainable}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        return registry.get_class("layer", "Functional").from_config(config, custom_objects)

    def to_json(self, **kwargs) -> str:
        return saving.model_to_json(self, **kwargs)

    def to_yaml(self, **kwargs) -> str:
        return saving.model_to_yaml(self, **kwargs)

    def save(self, filepath, overwrite=True, include_optimizer=True, save_format=None):
        saving.save_model(self, filepath, overwrite=overwrite, include_optimizer=include_optimizer)

    def save_weights(self, filepath, overwrite=True, save_format=None):
        saving.save_weights(self, filepath)

    def load_weights(self, filepath, by_name=False, skip_mismatch=False):
        saving.load_weights(self, filepath, by_name=by_name, skip_mismatch=skip_mismatch)

    def summary(self, line_length=None, positions=None, print_fn=None):
        from engine.keras.utils import model_summary

        model_summary(self, line_length=line_length, print_fn=print_fn)

    def as_graph_def(self):
        from engine.keras.graph import model_graph_def

        return model_graph_def(self)
