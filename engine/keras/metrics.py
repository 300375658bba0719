"""Streaming metrics, computed in numpy on each batch's predictions: ``update_state``,
``result``, ``reset_state``. ``"accuracy"`` picks binary, categorical or sparse categorical
accuracy from the loss and output shape, as Keras does."""

from __future__ import annotations

import numpy as np

from engine.keras import backend
from engine.keras.saving import registry


def _np(x):
    return backend.to_numpy(x)


class Metric:
    def __init_subclass__(cls, register=True, **kwargs):
        super().__init_subclass__(**kwargs)
        registry.register_subclass("metric", cls, register)

    def __init__(self, name=None, dtype=None):
        self.name = name or backend._snake(type(self).__name__)
        self.reset_state()

    def reset_state(self):
        self._total = 0.0
        self._count = 0.0

    reset_states = reset_state

    def update_state(self, y_true, y_pred, sample_weight=None, mask=None):
        values = np.asarray(self.values(_np(y_true), _np(y_pred)), dtype=np.float64)
        if mask is not None and values.ndim > 1 and np.shape(mask) == values.shape:
            weights = np.asarray(mask, np.float64)  # padded steps count for nothing
            if sample_weight is not None:
                weights = weights * _weights_like(sample_weight, values)
        else:
            weights = None if sample_weight is None else _weights_like(sample_weight, values)
        self._accumulate(values, weights)

    def _accumulate(self, values, weights):
        """Keras's weighted mean: every value counts (a sequence's steps too), weighted."""
        if weights is None:
            self._total += float(values.sum())
            self._count += values.size
        else:
            self._total += float((values * weights).sum())
            self._count += float(weights.sum())

    def values(self, y_true, y_pred):  # pragma: no cover - interface
        raise NotImplementedError

    def result(self) -> float:
        return self._total / self._count if self._count else 0.0

    def __call__(self, y_true, y_pred, sample_weight=None):
        self.update_state(y_true, y_pred, sample_weight)
        return self.result()

    def get_config(self):
        return {"name": self.name}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


class Mean(Metric):
    def update_state(self, values, sample_weight=None):
        values = np.asarray(_np(values), dtype=np.float64)
        self._accumulate(values, None if sample_weight is None else _weights_like(sample_weight, values))


def _weights_like(sample_weight, values):
    """Sample weights broadcast over ``values`` as Keras does: (batch, 1) squeezed, (batch,) over
    (batch, time) given the trailing axes."""
    w = np.asarray(_np(sample_weight), dtype=np.float64)
    if w.ndim == values.ndim + 1 and w.shape[-1] == 1:
        w = w[..., 0]
    if w.ndim < values.ndim:
        w = w.reshape(w.shape + (1,) * (values.ndim - w.ndim))
    return np.broadcast_to(w, values.shape)


def _labels_like(y_true, y_pred):
    y_true = np.asarray(y_true)
    if y_true.ndim == y_pred.ndim and y_true.shape[-1] == 1 and y_pred.shape[-1] != 1:
        y_true = y_true[..., 0]
    return y_true


def binary_accuracy(y_true, y_pred, threshold=0.5):
    y_true = np.asarray(y_true).reshape(y_pred.shape) if np.size(y_true) == y_pred.size else y_true
    # Keras compares the labels themselves with the thresholded predictions: a soft label (0.7)
    # matches neither 0 nor 1
    return (np.asarray(y_true) == (y_pred > threshold).astype(y_pred.dtype)).mean(axis=-1)


def categorical_accuracy(y_true, y_pred):
    return (np.argmax(y_true, axis=-1) == np.argmax(y_pred, axis=-1)).astype(np.float64)


def sparse_categorical_accuracy(y_true, y_pred):
    labels = _labels_like(y_true, y_pred)
    return (labels.astype(np.int64) == np.argmax(y_pred, axis=-1)).astype(np.float64)


def _same_rank(y_true, y_pred):
    """Keras's squeeze_or_expand_to_same_rank: labels of rank n-1 get a trailing axis."""
    y_true = np.asarray(y_true)
    if np.size(y_true) == y_pred.size:
        return y_true.reshape(y_pred.shape)
    if y_true.ndim == y_pred.ndim - 1:
        return y_true[..., None]
    return y_true


def mean_squared_error(y_true, y_pred):
    return np.square(y_pred - _same_rank(y_true, y_pred)).mean(axis=-1)


def mean_absolute_error(y_true, y_pred):
    return np.abs(y_pred - _same_rank(y_true, y_pred)).mean(axis=-1)


class _Fn(Metric):
    fn = None

    def values(self, y_true, y_pred):
        return type(self).fn(y_true, y_pred)


class BinaryAccuracy(_Fn):
    def __init__(self, name="binary_accuracy", dtype=None, threshold=0.5):
        self.threshold = threshold
        super().__init__(name)

    def values(self, y_true, y_pred):
        return binary_accuracy(y_true, y_pred, self.threshold)


class CategoricalAccuracy(_Fn):
    fn = staticmethod(categorical_accuracy)

    def __init__(self, name="categorical_accuracy", dtype=None):
        super().__init__(name)


class SparseCategoricalAccuracy(_Fn):
    fn = staticmethod(sparse_categorical_accuracy)

    def __init__(self, name="sparse_categorical_accuracy", dtype=None):
        super().__init__(name)


class MeanSquaredError(_Fn):
    fn = staticmethod(mean_squared_error)

    def __init__(self, name="mean_squared_error", dtype=None):
        super().__init__(name)


class MeanAbsoluteError(_Fn):
    fn = staticmethod(mean_absolute_error)

    def __init__(self, name="mean_absolute_error", dtype=None):
        super().__init__(name)


class Accuracy(_Fn):
    """Exact equality of labels and predictions (``keras.metrics.Accuracy``)."""

    def __init__(self, name="accuracy", dtype=None):
        super().__init__(name)

    def values(self, y_true, y_pred):
        return (np.asarray(y_true).reshape(y_pred.shape) == y_pred).astype(np.float64)


for _cls, _names in ((BinaryAccuracy, ("binary_accuracy",)), (CategoricalAccuracy, ("categorical_accuracy",)),
                     (SparseCategoricalAccuracy, ("sparse_categorical_accuracy",)),
                     (MeanSquaredError, ("mean_squared_error", "mse")),
                     (MeanAbsoluteError, ("mean_absolute_error", "mae"))):
    registry.register("metric", _cls, *_names)


def _from_callable(fn) -> Metric:
    m = _Fn(name=getattr(fn, "__name__", "metric"))
    m.values = lambda y_true, y_pred: _np(fn(y_true, y_pred))
    return m


registry.define_kind("metric", Metric, from_name=lambda cls, name: cls(name=name),
                     from_callable=_from_callable)


def get(identifier, loss=None, output_shape=None) -> Metric:
    """A metric object; ``"accuracy"``/``"acc"`` is resolved against the loss as Keras does."""
    if isinstance(identifier, str) and identifier in ("accuracy", "acc"):
        loss_name = getattr(loss, "name", str(loss))
        if "sparse_categorical" in loss_name:
            cls = SparseCategoricalAccuracy
        elif "binary" in loss_name or (output_shape is not None and output_shape[-1] == 1):
            cls = BinaryAccuracy
        else:
            cls = CategoricalAccuracy
        return cls(name=identifier)
    return registry.get("metric", identifier)


mse = MSE = mean_squared_error
mae = MAE = mean_absolute_error
