"""The metric base class and the reducing metrics (``Mean``, ``Sum``, and ``MeanMetricWrapper``,
which averages a function of ``y_true`` and ``y_pred``). State is kept in float64 numpy scalars;
``result()`` is a Python float (an array for metrics with several thresholds)."""

from __future__ import annotations

import functools
import inspect

import numpy as np

from engine.framework.tensor import Tensor
from engine.keras import backend
from engine.keras.saving import registry
from engine.ops import script_ops


def to_np(x):
    return backend.to_numpy(x)


def _symbolic(x) -> bool:
    return isinstance(x, Tensor) and x._graph is not None


def _deferred_in_graphs(update):
    """``update_state`` that, given symbolic tensors (inside ``tf.function`` or a TF1 graph), adds
    a node running it on their values each time the graph runs: the state stays numpy."""
    if getattr(update, "_defers", False):
        return update

    @functools.wraps(update)
    def update_state(self, *args, **kwargs):
        names = list(kwargs)
        values = [*args, *kwargs.values()]
        if not any(_symbolic(v) for v in values):
            return update(self, *args, **kwargs)
        tensors = [i for i, v in enumerate(values) if isinstance(v, Tensor)]

        def run(*arrays):
            filled = list(values)
            for i, a in zip(tensors, arrays, strict=True):
                filled[i] = a
            update(self, *filled[:len(args)], **dict(zip(names, filled[len(args):], strict=True)))

        return script_ops.py_function(run, [values[i] for i in tensors], Tout=None,
                                      name=f"{self.name}_update_state")

    update_state._defers = True
    return update_state


def broadcast_weights(sample_weight, values):
    """Keras's sample-weight broadcasting: a weight per sample spreads over that sample's values
    (trailing axes added or a trailing 1 dropped until the ranks agree)."""
    w = np.asarray(to_np(sample_weight), dtype=np.float64)
    while w.ndim > values.ndim and w.shape[-1] == 1:
        w = w[..., 0]
    while w.ndim < values.ndim:
        w = w[..., None]
    return np.broadcast_to(w, values.shape)


def _accepting_mask(update_state):
    """A subclass's ``update_state(y_true, y_pred, sample_weight=None)`` that also takes (and
    drops) the ``mask=`` the training loop passes, as Keras wraps it."""
    params = inspect.signature(update_state).parameters
    if "mask" in params or any(p.kind is p.VAR_KEYWORD for p in params.values()):
        return update_state

    @functools.wraps(update_state)
    def wrapped(self, *args, mask=None, **kwargs):
        return update_state(self, *args, **kwargs)

    return wrapped


class Metric:
    """The base of every metric. The engine's keep their state in numpy scalars; a user's subclass
    creates its state with ``add_variable`` (Keras 3) or ``add_weight`` (both) and updates it with
    ``assign``/``assign_add`` in ``update_state``, as the keras.io guides write it."""

    def __init_subclass__(cls, register=True, **kwargs):
        super().__init_subclass__(**kwargs)
        registry.register_subclass("metric", cls, register)
        if "update_state" in cls.__dict__:
            cls.update_state = _deferred_in_graphs(_accepting_mask(cls.__dict__["update_state"]))

    def __init__(self, name=None, dtype=None):
        # Unnamed metrics are numbered as Keras numbers them: auc, auc_1, ...
        self.name = name or backend.unique_name(type(self).__name__)
        self.dtype = dtype or "float32"
        self._metric_variables = []
        # The engine's metrics set up their state in reset_state; a user's reset_state reads the
        # variables its __init__ has yet to create (Keras never calls it from __init__).
        if type(self).reset_state.__module__.startswith("engine."):
            self.reset_state()
        else:
            Metric.reset_state(self)

    def add_variable(self, shape=(), initializer="zeros", dtype=None, aggregation="sum", name=None):
        """A state variable of this metric (Keras 3), reset to zeros by ``reset_state``."""
        from engine.keras import initializers

        if isinstance(shape, str):  # Keras 2's add_weight(name, shape=...)
            shape, name = (), shape
        shape = tuple(int(d) for d in (shape if isinstance(shape, (tuple, list)) else (shape,)))
        dtype = dtype or self.dtype
        value = initializers.get(initializer or "zeros")(shape, dtype)
        var = backend.KerasVariable(value, f"{self.name}/{name or 'variable'}", trainable=False, dtype=dtype)
        self._metric_variables.append(var)
        return var

    def add_weight(self, name=None, shape=(), initializer="zeros", dtype=None, aggregation="sum",
                   synchronization=None):
        """Keras 2's ``add_weight(name, shape=...)`` and Keras 3's ``add_weight(shape, ...)``."""
        if name is not None and not isinstance(name, str):  # Keras 3's first argument is the shape
            name, shape = None, name
        return self.add_variable(shape, initializer, dtype, aggregation, name)

    def reset_state(self):
        self._total = 0.0
        self._count = 0.0
        for var in getattr(self, "_metric_variables", ()):
            var.assign(np.zeros(var.shape, var.dtype.as_numpy_dtype))

    reset_states = reset_state

    def update_state(self, y_true, y_pred, sample_weight=None, mask=None):
        values = np.asarray(self.values(to_np(y_true), to_np(y_pred)), dtype=np.float64)
        if mask is not None and values.ndim > 1 and np.shape(mask) == values.shape:
            weights = np.asarray(mask, np.float64)  # padded steps count for nothing
            if sample_weight is not None:
                weights = weights * broadcast_weights(sample_weight, values)
        else:
            weights = None if sample_weight is None else broadcast_weights(sample_weight, values)
        self._accumulate(values, weights)

    def _accumulate(self, values, weights):
        """Keras's weighted mean: every value counts (a sequence's steps too), weighted."""
        if weights is None:
            self._total += float(values.sum())
            self._count += values.size
        else:
            self._total += float((values * weights).sum())
            self._count += float(weights.sum())

    update_state = _deferred_in_graphs(update_state)

    def values(self, y_true, y_pred):  # pragma: no cover - interface
        raise NotImplementedError

    def result(self) -> float:
        return self._total / self._count if self._count else 0.0

    def __call__(self, *args, **kwargs):
        self.update_state(*args, **kwargs)
        return self.result()

    @property
    def variables(self):
        if self._metric_variables:
            return list(self._metric_variables)
        return [np.float32(self._total), np.float32(self._count)]

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


def reduce_to_samplewise(values, sample_weight, reduce_fn):
    """Keras 3's ``reduce_to_samplewise_values``: the values reduced (``reduce_fn`` over the
    trailing axes) to one per sample, already weighted, and the weight each sample carries
    (None when unweighted)."""
    values = np.asarray(to_np(values), dtype=np.float64)
    weights = None
    if sample_weight is not None:
        weights = np.asarray(to_np(sample_weight), dtype=np.float64)
        if values.ndim == weights.ndim + 1 and values.shape[-1] == 1:
            values = values[..., 0]
        elif weights.ndim == values.ndim + 1 and weights.shape[-1] == 1:
            weights = weights[..., 0]
        if values.ndim > weights.ndim:
            values = reduce_fn(values, axis=tuple(range(weights.ndim, values.ndim)))
        weights = np.broadcast_to(weights, values.shape)
        values = values * weights
        if weights.ndim > 1:
            weights = weights.mean(axis=tuple(range(1, weights.ndim)))
    if values.ndim > 1:
        values = reduce_fn(values, axis=tuple(range(1, values.ndim)))
    return values, weights


class Mean(Metric):
    """The weighted mean of the values given (``update_state(values, sample_weight)``), as
    Keras 3 takes it: values of rank > 1 count once per sample (their mean), where Keras 2
    counted each element."""

    def __init__(self, name="mean", dtype=None):
        super().__init__(name, dtype)

    def update_state(self, values, sample_weight=None):
        values, weights = reduce_to_samplewise(values, sample_weight, np.mean)
        self._total += float(values.sum())
        if weights is not None:
            self._count += float(weights.sum())
        else:
            self._count += values.shape[0] if values.ndim else 1


class Sum(Metric):
    """The weighted sum of the values given."""

    def __init__(self, name="sum", dtype=None):
        super().__init__(name, dtype)

    def update_state(self, values, sample_weight=None):
        values, _ = reduce_to_samplewise(values, sample_weight, np.sum)
        self._total += float(values.sum())

    def result(self) -> float:
        return self._total


class MeanMetricWrapper(Metric):
    """The mean of ``fn(y_true, y_pred, **kwargs)`` per sample (``keras.metrics.MeanMetricWrapper``)."""

    fn = None

    def __init__(self, fn=None, name=None, dtype=None, **kwargs):
        if fn is not None:
            self._fn = fn
        self._fn_kwargs = kwargs
        super().__init__(name or getattr(fn, "__name__", None), dtype)

    def values(self, y_true, y_pred):
        fn = getattr(self, "_fn", None) or type(self).fn
        return to_np(fn(y_true, y_pred, **self._fn_kwargs))

    def get_config(self):
        return {**super().get_config(), **self._fn_kwargs}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


_Fn = MeanMetricWrapper  # the name the engine used before


def _from_callable(fn) -> Metric:
    return MeanMetricWrapper(fn, name=getattr(fn, "__name__", "metric"))


registry.define_kind("metric", Metric, from_name=lambda cls, name: cls(name=name),
                     from_callable=_from_callable)
