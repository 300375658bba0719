"""``Tensor``: an eager value wrapping an ndarray, or a symbolic output of a graph ``Operation``.

One class serves both modes (as ``tf.Tensor`` does for ``EagerTensor``): an eager tensor has a
``_value``; a symbolic one has an ``op`` in a ``graph`` and only a static ``shape``.
"""

from __future__ import annotations

import numpy as np

from engine.framework import context, dtypes
from engine.framework.tensor_shape import TensorShape


class TensorLike:
    """Objects ops accept in place of a tensor (Variables): they convert themselves."""

    def _eager_tensor(self) -> Tensor:  # pragma: no cover - interface
        raise NotImplementedError

    def _graph_tensor(self, graph) -> Tensor:  # pragma: no cover - interface
        raise NotImplementedError


class _Operators:
    """What tensors and variables share: Python's operators (``+``, ``@``, ``[]``, ``<``...).
    ``engine.ops.operators`` installs them when the ops package is imported, each routed through
    a registered op; this module does not know the ops."""

    __slots__ = ()
    __array_priority__ = 100


class Tensor(_Operators):
    """A multi-dimensional value. Eager: ``.numpy()`` gives the ndarray. Symbolic: evaluate it with
    ``Session.run(t)`` or ``t.eval()``."""

    __slots__ = ("_value", "_graph", "op", "value_index", "_shape", "_dtype", "_probe", "__weakref__")

    def __init__(self, value=None, *, op=None, value_index=0, shape=None, dtype=None, probe=None):
        self._value = value
        self.op = op
        self.value_index = value_index
        if op is None:
            self._graph = None
            self._shape = None
            self._dtype = None
        else:
            self._graph = op.graph
            self._shape = TensorShape(shape)
            self._dtype = dtypes.as_dtype(dtype)
        self._probe = probe

    # -- what both modes share -------------------------------------------------------------------
    @property
    def shape(self) -> TensorShape:
        if self._value is not None:
            return TensorShape(self._value.shape)
        return self._shape

    def get_shape(self) -> TensorShape:
        return self.shape

    @property
    def ndim(self):
        return self.shape.rank

    @property
    def dtype(self) -> dtypes.DType:
        if self._dtype is None:
            self._dtype = dtypes.as_dtype(self._value.dtype)
        return self._dtype

    @property
    def graph(self):
        return self._graph

    @property
    def is_symbolic(self) -> bool:
        return self._graph is not None

    @property
    def name(self) -> str:
        if self.op is None:
            raise AttributeError("an eager tensor has no name; names belong to graph tensors")
        return f"{self.op.name}:{self.value_index}"

    @property
    def consumers(self):
        if self.op is None:
            return []
        return [op for op in self.op.graph.get_operations() if any(t is self for t in op.inputs)]

    def set_shape(self, shape) -> None:
        if not self.shape.is_compatible_with(shape):
            raise ValueError(f"shape {self.shape} is not compatible with {TensorShape(shape)}")
        if self._graph is not None:
            self._shape = TensorShape(shape)

    # -- eager values ----------------------------------------------------------------------------
    def numpy(self) -> np.ndarray:
        if self._value is None:
            raise ValueError(
                f"tensor {self.name!r} is symbolic (part of a graph) and has no value yet: evaluate it "
                f"with sess.run({self.op.name!r}'s tensor, feed_dict=...) or tensor.eval() inside a Session"
            )
        return self._value

    def eval(self, feed_dict=None, session=None):
        """The value of this tensor in ``session`` (default: the default session)."""
        if self._value is not None and self._graph is None:
            return self._value
        return context.session_for(session, self).run(self, feed_dict=feed_dict)

    def __array__(self, dtype=None, copy=None):
        value = self.numpy()
        return value if dtype is None else value.astype(dtype)

    def __len__(self):
        shape = self.shape
        if not shape or shape[0] is None:
            raise TypeError(f"len() of a tensor of shape {shape} is not defined")
        return shape[0]

    def __iter__(self):
        n = len(self)
        for i in range(n):
            yield self[i]

    def __bool__(self):
        if self._graph is not None:
            raise TypeError(
                "a symbolic tensor has no truth value while the graph is built; use tf.where or "
                "evaluate it in a Session first"
            )
        return bool(self._value)

    def __float__(self):
        return float(self.numpy())

    def __int__(self):
        return int(self.numpy())

    def __index__(self):
        return int(self.numpy())

    def __hash__(self):
        return id(self)

    def __repr__(self) -> str:
        if self._graph is not None:
            return f"<tf.Tensor {self.name!r} shape={self.shape} dtype={self.dtype.name}>"
        return f"<tf.Tensor: shape={self.shape}, dtype={self.dtype.name}, numpy={self._value!r}>"

    def __str__(self) -> str:
        if self._graph is not None:
            return repr(self)
        return f"tf.Tensor({self._value}, shape={self.shape}, dtype={self.dtype.name})"


def eager(value: np.ndarray) -> Tensor:
    """An eager tensor over ``value`` (no copy, no checks: the fast path of op execution)."""
    t = Tensor.__new__(Tensor)
    t._value = value
    t._graph = None
    t.op = None
    t.value_index = 0
    t._shape = None
    t._dtype = None
    t._probe = None
    return t


def to_array(value, dtype=None) -> np.ndarray:
    """``value`` as an ndarray the way TensorFlow converts Python values: Python floats become
    float32 and Python ints int32 unless ``dtype`` says otherwise; numpy arrays keep their dtype."""
    np_dtype = dtypes.numpy_dtype(dtype)
    if isinstance(value, Tensor):
        value = value.numpy()
    if isinstance(value, np.ndarray | np.generic):
        array = np.asarray(value)
        if np_dtype is not None and array.dtype != np_dtype:
            array = array.astype(np_dtype)
        return array
    array = np.asarray(value, dtype=np_dtype)
    if np_dtype is None:
        if array.dtype == np.float64:
            array = array.astype(np.float32)
        elif array.dtype == np.int64:
            array = array.astype(np.int32)
        elif array.dtype.kind in "USO":
            array = array.astype(object)
    return array


def convert_to_tensor(value, dtype=None) -> Tensor:
    """A Tensor from a Tensor, Variable, ndarray or Python value. A tensor of another dtype than
    ``dtype`` is an error (as in TensorFlow): use ``tf.cast``."""
    if isinstance(value, Tensor):
        if dtype is not None and value.dtype != dtypes.as_dtype(dtype):
            raise TypeError(
                f"expected a {dtypes.as_dtype(dtype).name} tensor, got {value.dtype.name}: "
                f"convert it with tf.cast(x, tf.{dtypes.as_dtype(dtype).name})"
            )
        return value
    if isinstance(value, TensorLike):
        graph = context.explicit_graph()
        return value._eager_tensor() if graph is None else value._graph_tensor(graph)
    return eager(to_array(value, dtype))
