"""``tf.function``: trace a Python function into a graph once per input signature, then run the
cached execution plan on each call (what Keras's ``fit`` can use to drop per-op Python overhead).

Tensor and ndarray arguments become placeholders; other arguments are part of the signature.
Ops with side effects made while tracing (variable assignments, optimizer updates) run on every
call, before the outputs are read. A ``GradientTape`` inside the function differentiates the
graph with ``tf.gradients``.
"""

from __future__ import annotations

import functools

import numpy as np

from engine.framework import autograph, dtypes
from engine.framework.func_graph import NOT_EFFECTS as _NOT_EFFECTS
from engine.framework.graph import Graph
from engine.framework.placeholder import placeholder
from engine.framework.session import _compile, _execute, _flatten
from engine.framework.tensor import Tensor, TensorLike, eager
from engine.framework.tensor_shape import TensorShape



class TensorSpec:
    """The shape (``None`` for any size) and dtype an argument of a ``tf.function`` must have."""

    def __init__(self, shape, dtype=dtypes.float32, name=None):
        self.shape = TensorShape(shape)
        self.dtype = dtypes.as_dtype(dtype)
        self.name = name

    def __repr__(self) -> str:
        return f"TensorSpec(shape={self.shape}, dtype=tf.{self.dtype.name})"


class _Trace:
    __slots__ = ("graph", "plan", "rebuild_out", "eager_out", "n_effects")

    def __init__(self, graph, plan, rebuild_out, eager_out, n_effects):
        self.graph, self.plan, self.rebuild_out = graph, plan, rebuild_out
        self.eager_out, self.n_effects = eager_out, n_effects


class Function:
    """A traced function; see ``function``."""

    def __init__(self, python_function, input_signature=None, reduce_retracing=False, autograph=True):
        self.python_function = python_function
        self.autograph = autograph
        self.input_signature = input_signature
        self.reduce_retracing = reduce_retracing
        self._traces: dict[tuple, _Trace] = {}
        functools.update_wrapper(self, python_function)

    @property
    def trace_count(self) -> int:
        return len(self._traces)

    def __get__(self, instance, owner):
        if instance is None:
            return self
        bound = self.__dict__.setdefault("_bound", {})
        key = id(instance)
        if key not in bound:
            bound[key] = Function(self.python_function.__get__(instance, owner), self.input_signature,
                                  self.reduce_retracing, self.autograph)
        return bound[key]

    def __call__(self, *args, **kwargs):
        if not kwargs and self.input_signature is None and not self.reduce_retracing:
            fast = self._fast_key(args)
            if fast is not None and fast[0] in self._traces:
                return self._run(self._traces[fast[0]], fast[1])
        leaves, rebuild = _flatten([list(args), kwargs])
        arrays, key, specs = [], [], []
        for i, leaf in enumerate(leaves):
            if isinstance(leaf, Tensor) and leaf._graph is None:
                leaf = leaf._value
            if isinstance(leaf, np.ndarray):
                spec = self._spec_for(len(specs), leaf)
                arrays.append(leaf)
                specs.append((i, spec))
                key.append((tuple(spec.shape) if spec.shape.rank is not None else None, spec.dtype.name))
                if self.input_signature is None and not self.reduce_retracing:
                    key[-1] = (leaf.shape, leaf.dtype.name)  # the same key _fast_key makes
            elif isinstance(leaf, (TensorLike, Tensor)):
                key.append(("object", id(leaf)))
            else:
                key.append(("static", repr(leaf)))
        key = tuple(key)
        trace = self._traces.get(key)
        if trace is None:
            trace = self._traces[key] = self._trace(leaves, rebuild, specs)
        return self._run(trace, arrays)

    def _fast_key(self, args):
        """(key, arrays) when every argument is an array or eager tensor, else None."""
        key, arrays = [], []
        for a in args:
            if type(a) is Tensor and a._graph is None:
                a = a._value
            if type(a) is not np.ndarray:
                return None
            arrays.append(a)
            key.append((a.shape, a.dtype.name))
        return tuple(key), arrays

    def _run(self, trace, arrays):
        values = _execute(trace.plan, arrays)[trace.n_effects:]
        it = iter(values)
        out = [next(it) if symbolic else value for symbolic, value in trace.eager_out]
        return trace.rebuild_out([eager(np.asarray(v)) if isinstance(v, (np.ndarray, np.generic)) else v
                                  for v in out])

    def _spec_for(self, index, array) -> TensorSpec:
        if self.input_signature is not None:
            return self.input_signature[index]
        shape = array.shape
        if self.reduce_retracing and shape:
            shape = (None, *shape[1:])
        return TensorSpec(shape, array.dtype)

    def _trace(self, leaves, rebuild, specs) -> _Trace:
        graph = Graph()
        leaves = list(leaves)
        with graph.as_default():
            placeholders = []
            for i, spec in specs:
                ph = placeholder(spec.dtype, spec.shape, name=spec.name or f"arg{len(placeholders)}")
                placeholders.append(ph)
                leaves[i] = ph
            args, kwargs = rebuild(leaves)
            fn = autograph.convert(self.python_function) if self.autograph else self.python_function
            outputs = fn(*args, **kwargs)
        flat_out, rebuild_out = _flatten(outputs)
        effects = [op for op in graph.get_operations()
                   if op.op_def.stateful and op.op_def.type not in _NOT_EFFECTS and not op.attrs.get("_initializer")]
        fetch, eager_out = list(effects), []
        for leaf in flat_out:
            if isinstance(leaf, TensorLike):
                leaf = leaf._graph_tensor(graph)
            if isinstance(leaf, Tensor) and leaf._graph is graph:
                fetch.append(leaf)
                eager_out.append((True, None))
            else:
                eager_out.append((False, leaf))
        plan = _compile(fetch, placeholders)
        return _Trace(graph, plan, rebuild_out, eager_out, len(effects))


def function(func=None, input_signature=None, autograph=True, jit_compile=None, reduce_retracing=False,
             experimental_relax_shapes=False):
    """``@tf.function``: run ``func`` as a traced graph. Retraces for a new argument shape or
    dtype (or any shape when ``reduce_retracing``/``experimental_relax_shapes`` frees the batch
    axis)."""
    relax = reduce_retracing or experimental_relax_shapes
    if func is None:
        return lambda f: Function(f, input_signature, relax, autograph)
    return Function(func, input_signature, relax, autograph)
