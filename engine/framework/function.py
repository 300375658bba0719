"""``tf.function``: trace a Python function into a graph once per input signature, then run the
cached execution plan on each call (what Keras's ``fit`` can use to drop per-op Python overhead).

Tensor and ndarray arguments become placeholders; other arguments are part of the signature.
Ops with side effects made while tracing (variable assignments, optimizer updates) run on every
call, before the outputs are read. A ``GradientTape`` inside the function differentiates the
graph with ``tf.gradients``.
"""

from __future__ import annotations

import functools
import inspect

import numpy as np

from engine.framework import autograph, dtypes
from engine.framework.func_graph import NOT_EFFECTS as _NOT_EFFECTS
from engine.framework.graph import Graph
from engine.framework.placeholder import placeholder
from engine.framework.session import _compile, _execute, _flatten
from engine.framework.tensor import Tensor, TensorLike, eager
from engine.framework.tensor_shape import TensorShape

# Set by ``tf.summary.trace_on``: called as ``run_observer(function, trace, arrays)`` in place of
# executing a trace's plan, it must run it and return what ``_execute`` returns.
run_observer = None


class TensorSpec:
    """The shape (``None`` for any size) and dtype an argument of a ``tf.function`` must have."""

    def __init__(self, shape, dtype=dtypes.float32, name=None):
        self.shape = TensorShape(shape)
        self.dtype = dtypes.as_dtype(dtype)
        self.name = name

    def __repr__(self) -> str:  # TensorFlow's: TensorSpec(shape=(None, 3), dtype=tf.float32, name=None)
        shape = "<unknown>" if self.shape.rank is None else str(tuple(self.shape))
        return f"TensorSpec(shape={shape}, dtype=tf.{self.dtype.name}, name={self.name!r})"

    def __eq__(self, other) -> bool:
        return (isinstance(other, TensorSpec) and self.dtype == other.dtype and self.name == other.name
                and self.shape.rank == other.shape.rank and tuple(self.shape) == tuple(other.shape))

    def __hash__(self) -> int:
        return hash((tuple(self.shape), self.shape.rank, self.dtype.name, self.name))

    def is_compatible_with(self, other) -> bool:
        """Same dtype and a shape that can hold ``other``'s (a spec, tensor or array)."""
        dtype = dtypes.as_dtype(other.dtype)
        return dtype == self.dtype and self.shape.is_compatible_with(TensorShape(other.shape))


class _Trace:
    __slots__ = ("graph", "plan", "rebuild_out", "eager_out", "n_effects", "structured_outputs")

    def __init__(self, graph, plan, rebuild_out, eager_out, n_effects, structured_outputs=None):
        self.graph, self.plan, self.rebuild_out = graph, plan, rebuild_out
        self.eager_out, self.n_effects = eager_out, n_effects
        self.structured_outputs = structured_outputs


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
        trace, arrays = self._lookup(args, kwargs)
        if trace is None:  # called while another trace is built: inlined, as TensorFlow inlines it
            return self._python(*args, **kwargs)
        return self._run(trace, arrays)

    experimental_get_tracing_count = trace_count.fget

    def _python(self, *args, **kwargs):
        fn = autograph.convert(self.python_function) if self.autograph else self.python_function
        return fn(*args, **kwargs)

    def get_concrete_function(self, *args, **kwargs):
        """The trace for these arguments (arrays, tensors, or ``tf.TensorSpec``s; by default the
        ``input_signature``), made if needed: callable, with its ``graph``."""
        if not args and not kwargs and self.input_signature is not None:
            args = tuple(self.input_signature)
        trace, _ = self._lookup(args, kwargs)
        if trace is None:
            raise ValueError("get_concrete_function cannot be called while another function is traced")
        return ConcreteFunction(self, trace)

    def _lookup(self, args, kwargs):
        """(the trace for these arguments, made if needed, and the arrays it is fed), or (None, None)
        when an argument is a symbolic tensor."""
        leaves, rebuild = _flatten([list(args), kwargs])
        if any(isinstance(leaf, Tensor) and leaf._graph is not None for leaf in leaves):
            return None, None
        arrays, key, specs = [], [], []
        for i, leaf in enumerate(leaves):
            if isinstance(leaf, Tensor) and leaf._graph is None:
                leaf = leaf._value
            if isinstance(leaf, TensorSpec):
                spec = self.input_signature[len(specs)] if self.input_signature is not None else leaf
                arrays.append(None)
                specs.append((i, spec))
                key.append((tuple(spec.shape) if spec.shape.rank is not None else None, spec.dtype.name))
            elif isinstance(leaf, np.ndarray):
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
            trace = self._traces[key] = self._trace(leaves, rebuild, specs, self._leaf_names(args, kwargs))
        return trace, arrays

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
        if run_observer is not None:  # tf.summary.trace_on: collect this trace's graph (and time it)
            values = run_observer(self, trace, arrays)[trace.n_effects:]
        else:
            values = _execute(trace.plan, arrays)[trace.n_effects:]
        it = iter(values)
        out = [next(it) if symbolic else value for symbolic, value in trace.eager_out]
        return trace.rebuild_out([eager(np.asarray(v)) if isinstance(v, (np.ndarray, np.generic)) else v
                                  for v in out])

    def _spec_for(self, index, array) -> TensorSpec:
        if self.input_signature is not None:
            if index >= len(self.input_signature):
                raise TypeError(f"this tf.function's input_signature has {len(self.input_signature)} "
                                f"tensors; it was called with more tensor arguments")
            spec = self.input_signature[index]
            if not spec.shape.is_compatible_with(array.shape):
                raise ValueError(f"argument {index} has shape {array.shape}, not compatible with "
                                 f"{spec} of the input_signature")
            return spec
        shape = array.shape
        if self.reduce_retracing and shape:
            shape = (None, *shape[1:])
        return TensorSpec(shape, array.dtype)

    def _leaf_names(self, args, kwargs) -> list:
        """A name per flattened argument, as TensorFlow names a function's inputs: the Python
        parameter's name (``x``; a nested argument's parts ``x``, ``x_1``...; by the graph)."""
        try:
            params = [p.name for p in inspect.signature(self.python_function).parameters.values()
                      if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
        except (TypeError, ValueError):
            params = []
        names = []
        for i, arg in enumerate(args):
            names += [params[i] if i < len(params) else f"args_{i}"] * len(_flatten(arg)[0])
        for key, value in kwargs.items():
            names += [key] * len(_flatten(value)[0])
        return names

    def _trace(self, leaves, rebuild, specs, names=()) -> _Trace:
        graph = Graph()
        graph.function_graph = True  # TensorFlow 2 semantics inside: tensors compare element-wise
        leaves = list(leaves)
        with graph.as_default():
            placeholders = []
            for i, spec in specs:
                default = names[i] if i < len(names) else f"arg{len(placeholders)}"
                ph = placeholder(spec.dtype, spec.shape, name=spec.name or default)
                placeholders.append(ph)
                leaves[i] = ph
            args, kwargs = rebuild(leaves)
            outputs = self._python(*args, **kwargs)
        flat_out, rebuild_out = _flatten(outputs)
        effects = [op for op in graph.get_operations()
                   if op.op_def.stateful and op.op_def.type not in _NOT_EFFECTS
                   and not op.attrs.get("_initializer")]
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
        return _Trace(graph, plan, rebuild_out, eager_out, len(effects), outputs)


class ConcreteFunction:
    """One trace of a ``tf.function``: ``graph``, its ``inputs`` (placeholders) and
    ``structured_outputs``; calling it runs the trace on tensors of its input shapes."""

    def __init__(self, function, trace):
        self._function, self._trace = function, trace
        self.graph = trace.graph
        self.inputs = [op.outputs[0] for op in trace.graph.get_operations() if op.type == "Placeholder"]

    @property
    def structured_outputs(self):
        return self._trace.structured_outputs

    def __call__(self, *args):
        arrays = [np.asarray(a.numpy() if isinstance(a, (Tensor, TensorLike)) else a) for a in args]
        if len(arrays) != len(self.inputs):
            raise TypeError(f"this concrete function takes {len(self.inputs)} tensors, got {len(arrays)}")
        return self._function._run(self._trace, arrays)

    def __repr__(self) -> str:
        return f"<ConcreteFunction {self._function.__name__}({', '.join(t.name for t in self.inputs)})>"


def function(func=None, input_signature=None, autograph=True, jit_compile=None, reduce_retracing=False,
             experimental_relax_shapes=False):
    """``@tf.function``: run ``func`` as a traced graph. Retraces for a new argument shape or
    dtype (or any shape when ``reduce_retracing``/``experimental_relax_shapes`` frees the batch
    axis)."""
    relax = reduce_retracing or experimental_relax_shapes
    if func is None:
        return lambda f: Function(f, input_signature, relax, autograph)
    return Function(func, input_signature, relax, autograph)
