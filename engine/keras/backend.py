"""Keras's backend state: the float type, unique layer names, random numbers, and the variables
layers own. Everything here is small on purpose; the math lives in the engine's ops."""

from __future__ import annotations

import re
import weakref

import numpy as np

from engine.framework import context
from engine.framework.op_registry import get_op_def
from engine.framework.tensor import Tensor, TensorLike, _Operators, eager
from engine.ops import array_ops  # noqa: F401 - registers ReadKerasVariable, which graphs of Keras weights use

_state = {"floatx": "float32", "epsilon": 1e-7, "names": {}}


def floatx() -> str:
    """The float type layers create their weights in (``"float32"`` unless ``set_floatx``)."""
    return _state["floatx"]


def set_floatx(value: str) -> None:
    if value not in ("float16", "float32", "float64"):
        raise ValueError(f"floatx must be 'float16', 'float32' or 'float64', got {value!r}")
    _state["floatx"] = value


def epsilon() -> float:
    return _state["epsilon"]


def set_epsilon(value: float) -> None:
    _state["epsilon"] = float(value)


def _snake(name: str) -> str:
    s = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub(r"([a-z])([A-Z])", r"\1_\2", s).lower()


def unique_name(base: str, zero_based: bool = True) -> str:
    """``dense``, then ``dense_1``, ``dense_2``... as Keras names layers it was not told names of
    (``input_1``, ``input_2``... with ``zero_based=False``)."""
    base = _snake(base)
    n = _state["names"].get(base, 0)
    _state["names"][base] = n + 1
    if not zero_based:
        return f"{base}_{n + 1}"
    return base if n == 0 else f"{base}_{n}"


def clear_session() -> None:
    """Forget the layer-name counters, so the next ``Dense()`` is named ``dense`` again."""
    _state["names"] = {}


def rng(seed=None) -> np.random.Generator:
    """The generator initializers and dropout draw from: the engine's seedable global stream
    (``engine.random.set_seed`` / ``keras.utils.set_random_seed``), or one for ``seed``."""
    try:
        from engine.ops import random_ops
    except ImportError:  # pragma: no cover - the engine always ships random_ops
        return np.random.default_rng(seed)
    return random_ops.generator(seed)


def set_random_seed(seed: int) -> None:
    """Seed numpy and the engine's random stream, as ``keras.utils.set_random_seed`` does."""
    np.random.seed(seed)
    from engine.ops import random_ops

    random_ops.set_seed(seed)


class KerasVariable(_Operators, TensorLike):
    """A weight a layer owns: a numpy array updated in place by optimizers. Reading it inside a
    ``GradientTape`` makes the tape watch it (trainable ones), as a ``tf.Variable`` would."""

    __array_priority__ = 100

    def __init__(self, value, name: str, trainable: bool = True, dtype=None):
        self._value = np.array(value, dtype=dtype or floatx())
        self._name = name  # "dense/kernel"
        self.trainable = trainable
        self.regularizer = None
        self.constraint = None

    # -- what ops see ----------------------------------------------------------------------------
    def _eager_tensor(self) -> Tensor:
        t = eager(self._value)
        for tape in context.active_tapes():
            tape._note_variable_read(self, t)
        return t

    def _graph_tensor(self, graph) -> Tensor:
        """A node reading the current value each time the graph runs (one per graph), so a traced
        ``tf.function`` step sees the optimizer's updates and differentiates with respect to it."""
        if getattr(graph, "outer_graph", None) is not None:  # a cond branch, a loop body
            return graph.capture(self._graph_tensor(graph.outer_graph))
        reads = self.__dict__.setdefault("_reads", weakref.WeakKeyDictionary())
        read = reads.get(graph)
        if read is None:
            value = self._value
            with graph.control_dependencies(None):
                attrs = {"dtype": self.dtype, "_variable": self}
                name = self._name.rsplit("/", 1)[-1]
                op = graph.create_op(get_op_def("ReadKerasVariable"), [], attrs, name,
                                     [(value.shape, value.dtype, (value, value))])
            op.type = "ReadVariableOp"
            read = reads[graph] = op.outputs[0]
        for tape in context.active_tapes():
            tape._note_variable_read(self, read)
        return read

    def value(self) -> Tensor:
        return self._eager_tensor()

    def read_value(self) -> Tensor:
        return self._eager_tensor()

    # -- what users see --------------------------------------------------------------------------
    @property
    def name(self) -> str:
        """TensorFlow-style ``dense/kernel:0`` (the name tf.keras 2 writes into ``.h5`` files)."""
        return self._name + ":0"

    @property
    def path(self) -> str:
        """Keras 3's ``dense/kernel``."""
        return self._name

    @property
    def shape(self):
        from engine.framework.tensor_shape import TensorShape

        return TensorShape(self._value.shape)

    @property
    def dtype(self):
        from engine.framework import dtypes

        return dtypes.as_dtype(self._value.dtype)

    def numpy(self) -> np.ndarray:
        return self._value.copy()

    def __array__(self, dtype=None, copy=None):
        return self._value if dtype is None else self._value.astype(dtype)

    def assign(self, value) -> KerasVariable:
        value = np.asarray(value.numpy() if hasattr(value, "numpy") else value)
        if value.shape != self._value.shape:
            raise ValueError(f"cannot assign a value of shape {value.shape} to variable "
                             f"{self.name!r} of shape {self._value.shape}")
        self._value[...] = value
        return self

    def assign_add(self, delta) -> KerasVariable:
        self._value += np.asarray(delta.numpy() if hasattr(delta, "numpy") else delta)
        return self

    def assign_sub(self, delta) -> KerasVariable:
        self._value -= np.asarray(delta.numpy() if hasattr(delta, "numpy") else delta)
        return self

    def __repr__(self) -> str:
        return f"<KerasVariable {self.name!r} shape={self._value.shape} dtype={self._value.dtype}>"

    def __len__(self):
        return len(self._value)

    def __hash__(self):
        return id(self)


def get_value(x) -> np.ndarray:
    return np.array(x.numpy() if hasattr(x, "numpy") else x)


def set_value(x, value) -> None:
    x.assign(value)


def to_numpy(x) -> np.ndarray:
    """Tensors, variables and array-likes as an ndarray (no copy for ndarrays)."""
    if isinstance(x, np.ndarray):
        return x
    if isinstance(x, Tensor):
        return x.numpy()
    if isinstance(x, KerasVariable):
        return x._value
    return np.asarray(x)


# -- the logits behind a softmax/sigmoid output ---------------------------------------------------
# tf.keras remembers the input of a final softmax (``output._keras_logits``) so that cross-entropy
# on probabilities is computed from the logits, stably. Tensors have slots, so a side table does it.
_LOGITS: dict[int, tuple] = {}


def remember_logits(output: Tensor, logits, kind: str) -> None:
    if len(_LOGITS) > 256:
        _LOGITS.clear()
    _LOGITS[id(output)] = (weakref.ref(output), logits, kind)


def logits_of(output, kind: str | None = None):
    """The logits ``output`` was computed from by a softmax or sigmoid (of ``kind`` when given), or
    None. The cross-entropies take them whichever of the two made ``output``, as real Keras's
    ``_get_logits`` does with ``_keras_logits`` (tf_keras and Keras 3 on TensorFlow alike)."""
    entry = _LOGITS.get(id(output))
    if entry is None or entry[0]() is not output or (kind is not None and entry[2] != kind):
        return None
    return entry[1]


# -- the Keras mask a model attached to an output (Keras's ``_keras_mask``) ------------------------
_MASKS: dict[int, tuple] = {}


def remember_mask(output: Tensor, mask) -> None:
    import weakref

    if len(_MASKS) > 256:
        _MASKS.clear()
    _MASKS[id(output)] = (weakref.ref(output), mask)


def mask_of(output):
    """The mask ``remember_mask`` attached to ``output``, or None."""
    entry = _MASKS.get(id(output))
    if entry is None or entry[0]() is not output:
        return None
    return entry[1]


# -- the rest of the basics users call on keras.backend --------------------------------------------
_state.setdefault("image_data_format", "channels_last")


def image_data_format() -> str:
    """``"channels_last"`` (the only layout the engine's convolutions use) unless set."""
    return _state["image_data_format"]


def set_image_data_format(data_format: str) -> None:
    if data_format not in ("channels_last", "channels_first"):
        raise ValueError(f"data_format must be 'channels_first' or 'channels_last', got {data_format!r}")
    _state["image_data_format"] = data_format


def backend() -> str:
    """The name Keras reports for its backend: the engine stands where TensorFlow does."""
    return "tensorflow"


def int_shape(x):
    """The static shape as a tuple (None for unknown dimensions)."""
    shape = getattr(x, "shape", None)
    if shape is None:
        shape = np.shape(x)
    dims = shape.as_list() if hasattr(shape, "as_list") else shape
    return tuple(None if d is None else int(d) for d in dims)


def count_params(x) -> int:
    return int(np.prod(int_shape(x), dtype=np.int64))


def is_keras_tensor(x) -> bool:
    """Whether ``x`` is a symbolic layer output (a ``KerasTensor``; named, not imported: the layers
    import this module)."""
    return any(c.__name__ == "KerasTensor" for c in type(x).__mro__)


def batch_get_value(xs):
    return [get_value(x) for x in xs]


def batch_set_value(tuples) -> None:
    for x, value in tuples:
        set_value(x, value)
