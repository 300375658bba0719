"""``Layer``: weights created lazily in ``build``, math in ``call``; ``KerasTensor``: the symbolic
value the functional API passes between layers; ``Input``/``InputLayer``: where a model starts."""

from __future__ import annotations

import inspect

import numpy as np

from engine.framework.tensor import Tensor, eager
from engine.keras import backend, constraints, initializers, regularizers, weight_budget
from engine.keras.backend import KerasVariable
from engine.keras.layers.tracking import Tracking, call_context
from engine.keras.saving import registry
from engine.keras.symbolic import propagate_masks, symbolic_call

MAX_WEIGHT_SIZE = weight_budget.MAX_WEIGHT_SIZE  # more is a mistake or a hostile config

# Bookkeeping keys Keras 2 and 3 write into layer configs that change nothing here.
_IGNORED_KWARGS = {"autocast", "dynamic", "build_config", "module", "registered_name", "sparse",
                   "ragged", "input_dtype"}


def _shape_tuple(shape):
    if shape is None:
        return None
    if isinstance(shape, int):
        return (shape,)
    return tuple(None if d is None or d == -1 else int(d) for d in shape)


def _dtype_name(dtype):
    """Keras 3 writes dtypes as a DTypePolicy config; Keras 2 as a string."""
    if dtype is None:
        return None
    if isinstance(dtype, dict):
        config = dtype.get("config") or {}
        dtype = config.get("name", "float32")
    name = str(getattr(dtype, "name", dtype))
    if name.startswith("mixed_"):
        name = "float32"
    return name


class KerasTensor:
    """A symbolic tensor of the functional API: a shape (batch dimension ``None``), a dtype, and
    where it came from (``layer``, node index, tensor index)."""

    def __init__(self, shape, dtype="float32", history=None, name=None):
        self.shape = _shape_tuple(shape)
        self.dtype = _dtype_name(dtype)
        self._keras_history = history
        self.name = name

    @property
    def ndim(self):
        return len(self.shape)

    def get_shape(self):
        return self.shape

    def __repr__(self):
        layer = self._keras_history[0].name if self._keras_history else None
        return f"<KerasTensor shape={self.shape} dtype={self.dtype} (created by layer {layer!r})>"

    def __hash__(self):
        return id(self)


class Node:
    """One call of a layer on symbolic inputs: what it read and what it made."""

    def __init__(self, layer, inputs, outputs, call_kwargs):
        self.layer = layer
        self.inputs = inputs  # the structure the layer was called with (tensor or list)
        self.flat_inputs = _flatten(inputs)
        self.outputs = outputs
        self.flat_outputs = _flatten(outputs)
        self.call_kwargs = call_kwargs
        self.index = len(layer._inbound_nodes)
        layer._inbound_nodes.append(self)
        for i, t in enumerate(self.flat_outputs):
            t._keras_history = (layer, self.index, i)


def _flatten(x):
    if isinstance(x, (list, tuple)):
        out = []
        for item in x:
            out.extend(_flatten(item))
        return out
    if isinstance(x, dict):
        return _flatten(list(x.values()))
    return [x]


def _is_symbolic(x) -> bool:
    return any(isinstance(t, KerasTensor) for t in _flatten(x))


def _map(fn, x):
    if isinstance(x, list):
        return [_map(fn, i) for i in x]
    if isinstance(x, tuple):
        return tuple(_map(fn, i) for i in x)
    if isinstance(x, dict):
        return {k: _map(fn, v) for k, v in x.items()}
    return fn(x)


def _to_tensor(x):
    if isinstance(x, Tensor) or isinstance(x, KerasVariable) or x is None:
        return x
    arr = np.asarray(x)
    if arr.dtype == np.float64 and backend.floatx() != "float64":
        arr = arr.astype(backend.floatx())
    return eager(arr)


_CALL_ARGS: dict[type, set] = {}


def _call_args(layer_cls) -> set:
    args = _CALL_ARGS.get(layer_cls)
    if args is None:
        params = inspect.signature(layer_cls.call).parameters
        args = set(params)
        if any(p.kind is p.VAR_KEYWORD for p in params.values()):
            args |= {"training", "mask"}
        _CALL_ARGS[layer_cls] = args
    return args


class Layer(Tracking):
    """The base of every layer. Subclasses set their config in ``__init__``, create weights in
    ``build(input_shape)`` with ``add_weight``, and do the math in ``call``; layers set as
    attributes are tracked (``tracking``). The engine's layers (and models) register themselves
    for loading by class name."""

    def __init_subclass__(cls, register=True, **kwargs):
        super().__init_subclass__(**kwargs)
        registry.register_subclass("layer", cls, register)

    def __init__(self, trainable=True, name=None, dtype=None, input_shape=None,
                 batch_input_shape=None, batch_size=None, input_dim=None, batch_shape=None, **kwargs):
        for key in ("lora_rank", "lora_alpha", "quantization_config"):  # Keras 3 extras, off by default
            if kwargs.pop(key, None):
                raise NotImplementedError(f"{type(self).__name__}: {key} is not supported")
        unknown = set(kwargs) - _IGNORED_KWARGS
        if unknown:
            raise TypeError(f"{type(self).__name__} got unexpected keyword arguments {sorted(unknown)}")
        self.name = name or backend.unique_name(type(self).__name__)
        self.trainable = bool(trainable)
        self.dtype = _dtype_name(dtype) or backend.floatx()
        self.built = False
        self.supports_masking = False
        self._weights: list[KerasVariable] = []
        self._inbound_nodes: list[Node] = []
        self._batch_input_shape = None
        if batch_shape is not None:
            batch_input_shape = batch_shape
        if input_dim is not None and input_shape is None:
            input_shape = (input_dim,)
        if batch_input_shape is not None:
            self._batch_input_shape = _shape_tuple(batch_input_shape)
        elif input_shape is not None:
            self._batch_input_shape = (batch_size,) + _shape_tuple(input_shape)

    # -- weights ---------------------------------------------------------------------------------
    def add_weight(self, name=None, shape=(), initializer="glorot_uniform", regularizer=None, trainable=True,
                   dtype=None, constraint=None) -> KerasVariable:
        if name is None:  # the keras.io guides' add_weight(shape=..., initializer=...): Keras names it
            taken = {w.name.rsplit("/", 1)[-1].split(":")[0] for w in self._weights}
            name = next(n for n in ("variable", *(f"variable_{i}" for i in range(1, len(taken) + 2)))
                        if n not in taken)
        shape = tuple(int(d) for d in shape)
        weight_budget.check(self.name, name, shape, dtype or self.dtype)
        init = initializers.get(initializer)
        if weight_budget.skipping():  # a model file's weights replace these at once
            value = np.zeros(shape, dtype or self.dtype)
        else:
            value = init(shape, dtype or self.dtype)
        var = KerasVariable(value, f"{self.name}/{name}", trainable=trainable, dtype=dtype or self.dtype)
        var.regularizer = regularizers.get(regularizer)
        if constraint is None:  # Dense(kernel_constraint=...) and the like, as Keras reads them
            constraint = getattr(self, f"{name}_constraint", None)
        var.constraint = constraints.get(constraint) if isinstance(constraint, (str, dict)) else constraint
        self._weights.append(var)
        return var

    @property
    def weights(self) -> list[KerasVariable]:
        """Trainable weights first, then the rest: the order Keras saves and ``get_weights`` uses."""
        return self.trainable_weights + self.non_trainable_weights

    @property
    def trainable_weights(self) -> list[KerasVariable]:
        if not self.trainable:
            return []
        out = [w for w in self._weights if w.trainable]
        for layer in self._sublayers():
            out.extend(w for w in layer.trainable_weights if all(w is not o for o in out))
        return out

    @property
    def non_trainable_weights(self) -> list[KerasVariable]:
        trainable = {id(w) for w in self.trainable_weights}
        return [w for w in self._all_weights() if id(w) not in trainable]

    trainable_variables = trainable_weights
    non_trainable_variables = non_trainable_weights

    @property
    def variables(self):
        return self.weights

    def _all_weights(self) -> list[KerasVariable]:
        out = list(self._weights)
        for layer in self._sublayers():
            out.extend(w for w in layer._all_weights() if all(w is not o for o in out))
        return out

    def get_weights(self) -> list[np.ndarray]:
        return [w.numpy() for w in self.weights]

    def set_weights(self, weights) -> None:
        params = self.weights
        weights = list(weights)
        if len(weights) != len(params):
            raise ValueError(
                f"layer {self.name!r} has {len(params)} weights "
                f"({', '.join(str(p.shape) for p in params)}) but was given {len(weights)}")
        for p, w in zip(params, weights, strict=False):
            w = np.asarray(w)
            if tuple(p.shape) != w.shape:
                raise ValueError(f"weight {p.name!r} of layer {self.name!r} has shape {tuple(p.shape)}, "
                                 f"the given array has shape {w.shape}")
            p.assign(w)

    def count_params(self) -> int:
        return int(sum(np.prod(w.shape) for w in self.weights))

    # -- building and calling --------------------------------------------------------------------
    def build(self, input_shape) -> None:
        self.built = True

    def _maybe_build(self, input_shape) -> None:
        if not self.built:
            self.build(input_shape)
            self.built = True

    def call(self, inputs, **kwargs):
        return inputs

    def compute_output_shape(self, input_shape):
        return input_shape

    compute_output_shape._shape_by_call = True  # a subclass that keeps this runs call instead

    def compute_mask(self, inputs, mask=None):
        return mask if self.supports_masking else None

    def __call__(self, inputs, *args, **kwargs):
        if _is_symbolic(inputs):
            return self._call_symbolic(inputs, *args, **kwargs)
        inputs = _map(_to_tensor, inputs)
        with call_context(self):
            if not self.built:  # the shapes are read only when they are needed
                self._maybe_build(_map(lambda t: tuple(t.shape), inputs))
            return self._call_eager(inputs, *args, **kwargs)

    def _call_eager(self, inputs, *args, training=None, mask=None, **kwargs):
        accepted = _call_args(type(self))
        if "training" in accepted:
            kwargs["training"] = training
        if "mask" in accepted and mask is not None:
            kwargs["mask"] = mask
        return self.call(inputs, *args, **kwargs)

    def _call_symbolic(self, inputs, *args, **kwargs):
        shapes = _map(lambda t: t.shape, inputs)
        self._maybe_build(shapes)
        if self._shape_from_call():
            outputs = symbolic_call(self, inputs, args, kwargs)
        else:
            out_shapes = self.compute_output_shape(shapes)
            dtype = self._output_dtype(inputs)
            if isinstance(out_shapes, list):
                outputs = [KerasTensor(s, dtype) for s in out_shapes]
            else:
                outputs = KerasTensor(out_shapes, dtype)
            propagate_masks(self, inputs, outputs)
        Node(self, inputs, outputs, dict(kwargs, **({} if not args else {"_args": args})))
        return outputs

    def _shape_from_call(self) -> bool:
        """Whether the symbolic output comes from running ``call`` (Keras 2's and 3's way for a
        layer that does not define ``compute_output_shape``) rather than from that method. The
        engine's own layers that keep the input's shape say so by not defining either."""
        cls = type(self)
        own = getattr(cls.compute_output_shape, "_shape_by_call", False)
        return own and not cls.call.__module__.startswith("engine.keras.")

    def _output_dtype(self, inputs):
        return self.dtype

    # -- where it sits in a model ----------------------------------------------------------------
    def _node_attr(self, attr, what):
        if not self._inbound_nodes:
            raise AttributeError(f"layer {self.name!r} has never been called, so it has no {what}")
        value = getattr(self._inbound_nodes[0], attr)
        return value

    @property
    def input(self):
        return self._node_attr("inputs", "input")

    @property
    def output(self):
        return self._node_attr("outputs", "output")

    @property
    def input_shape(self):
        return _map(lambda t: t.shape, self.input)

    @property
    def output_shape(self):
        return _map(lambda t: t.shape, self.output)

    # -- config ----------------------------------------------------------------------------------
    def get_config(self) -> dict:
        config = {"name": self.name, "trainable": self.trainable, "dtype": self.dtype}
        if self._batch_input_shape is not None:
            config["batch_input_shape"] = list(self._batch_input_shape)
        return config

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name!r} built={self.built}>"


registry.define_kind("layer", Layer, from_callable=None)
registry.register("layer", Layer)


class InputLayer(Layer):
    """The layer behind ``Input``: it has no weights and one output, the model's input."""

    def __init__(self, input_shape=None, batch_size=None, dtype=None, input_tensor=None, sparse=False,
                 name=None, ragged=False, batch_input_shape=None, batch_shape=None, shape=None,
                 optional=False, **kwargs):
        if optional:
            raise NotImplementedError("optional inputs (InputLayer(optional=True)) are not supported")
        if shape is not None and input_shape is None:
            input_shape = shape
        if batch_shape is not None:
            batch_input_shape = batch_shape
        if batch_input_shape is None:
            if input_shape is None:
                raise ValueError("an InputLayer needs input_shape= (without the batch dimension) "
                                 "or batch_input_shape=")
            batch_input_shape = (batch_size,) + _shape_tuple(input_shape)
        super().__init__(name=name or backend.unique_name("input", zero_based=False),
                         dtype=dtype or backend.floatx(), batch_input_shape=batch_input_shape, **kwargs)
        self.built = True
        self.is_placeholder = True
        out = KerasTensor(self._batch_input_shape, self.dtype, name=self.name)
        Node(self, [], out, {})

    def get_config(self):
        return {"batch_input_shape": list(self._batch_input_shape), "dtype": self.dtype,
                "sparse": False, "ragged": False, "name": self.name}


def Input(shape=None, batch_size=None, name=None, dtype=None, sparse=False, tensor=None,  # noqa: N802
          ragged=False, batch_shape=None, **kwargs):
    """A symbolic model input: ``inputs = Input(shape=(784,))``."""
    if shape is None and batch_shape is None:
        raise ValueError("Input needs shape= (without the batch dimension), e.g. Input(shape=(784,))")
    layer = InputLayer(input_shape=shape, batch_size=batch_size, name=name, dtype=dtype,
                       batch_input_shape=batch_shape)
    return layer._inbound_nodes[0].outputs

