"""Losses: per-sample functions (``categorical_crossentropy(y_true, y_pred)``) and the classes
``compile`` uses, which average over the batch (weighted by ``sample_weight`` when given)."""

from __future__ import annotations

import warnings

import numpy as np

from engine.framework.tensor import Tensor, eager
from engine.keras import backend
from engine.keras.saving import registry
from engine.ops import array_ops, math_ops, nn_ops, reduction_ops


def _t(x, like=None):
    if isinstance(x, Tensor):
        return x
    arr = np.asarray(x)
    if like is not None and arr.dtype != like.dtype.as_numpy_dtype and arr.dtype.kind == "f":
        arr = arr.astype(like.dtype.as_numpy_dtype)
    return eager(arr)


def _cached_logits(y_pred, from_logits, fn_name, op_type):
    """Keras's ``_get_logits``: an output made by a softmax or a sigmoid carries its logits, and the
    cross-entropy is computed from them (from_logits or not: Keras warns when it was set)."""
    logits = backend.logits_of(y_pred)
    if logits is None:
        return y_pred, from_logits
    if from_logits:
        warnings.warn(f'"`{fn_name}` received `from_logits=True`, but the `output` argument was '
                      f"produced by a {op_type} activation and thus does not represent logits. "
                      "Was this intended?", stacklevel=3)
    return logits, True


def _as_pred(y_pred):
    """Predictions as a tensor: numpy arrays and lists become floatx tensors (Keras 3's Loss
    converts to its dtype)."""
    if isinstance(y_pred, Tensor):
        return y_pred
    arr = np.asarray(y_pred)
    if arr.dtype.kind != "f" or arr.dtype == np.float64:
        arr = arr.astype(backend.floatx())
    return eager(arr)


def _clip_probs(p):
    eps = backend.epsilon()
    return math_ops.clip_by_value(p, eps, 1.0 - eps)


def categorical_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1):
    y_pred = _as_pred(y_pred)
    y_true = _t(y_true, y_pred)
    if y_true.dtype != y_pred.dtype:
        y_true = math_ops.cast(y_true, y_pred.dtype)
    if label_smoothing:
        k = y_pred.shape[-1]
        y_true = y_true * (1.0 - label_smoothing) + label_smoothing / k
    y_pred, from_logits = _cached_logits(y_pred, from_logits, "categorical_crossentropy", "Softmax")
    if from_logits:
        return nn_ops.softmax_cross_entropy_with_logits(labels=y_true, logits=y_pred)
    p = y_pred / reduction_ops.reduce_sum(y_pred, axis=axis, keepdims=True)
    return -reduction_ops.reduce_sum(y_true * math_ops.log(_clip_probs(p)), axis=axis)


def sparse_categorical_crossentropy(y_true, y_pred, from_logits=False, axis=-1):
    y_pred = _as_pred(y_pred)
    if isinstance(y_true, Tensor) and y_true._graph is not None:  # inside tf.function or a graph
        labels = y_true
        if labels.shape.rank == len(y_pred.shape) and labels.shape[-1] == 1:
            labels = array_ops.squeeze(labels, axis=-1)
        labels = math_ops.cast(labels, "int64")
    else:
        labels = np.asarray(y_true.numpy() if isinstance(y_true, Tensor) else y_true)
        if labels.ndim == len(y_pred.shape) and labels.shape[-1] == 1:
            labels = labels[..., 0]
        labels = eager(labels.astype(np.int64))
    y_pred, from_logits = _cached_logits(y_pred, from_logits, "sparse_categorical_crossentropy",
                                         "Softmax")
    if from_logits:
        return nn_ops.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=y_pred)
    # Keras 2 and 3 alike: the clipped probabilities' logs as logits, so they are renormalised
    return nn_ops.sparse_softmax_cross_entropy_with_logits(labels=labels,
                                                           logits=math_ops.log(_clip_probs(y_pred)))


def binary_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1):
    y_pred = _as_pred(y_pred)
    y_true = _t(y_true, y_pred)
    if y_true.dtype != y_pred.dtype:
        y_true = math_ops.cast(y_true, y_pred.dtype)
    if tuple(y_true.shape) != tuple(y_pred.shape) and len(y_true.shape) == len(y_pred.shape) - 1:
        y_true = array_ops.expand_dims(y_true, -1)
    if label_smoothing:
        y_true = y_true * (1.0 - label_smoothing) + 0.5 * label_smoothing
    y_pred, from_logits = _cached_logits(y_pred, from_logits, "binary_crossentropy", "Sigmoid")
    if from_logits:
        per = nn_ops.sigmoid_cross_entropy_with_logits(labels=y_true, logits=y_pred)
    else:
        p = _clip_probs(y_pred)
        per = -(y_true * math_ops.log(p) + (1.0 - y_true) * math_ops.log(1.0 - p))
    return reduction_ops.reduce_mean(per, axis=axis)


def _match(y_true, y_pred):
    y_pred = _as_pred(y_pred)
    y_true = _t(y_true, y_pred)
    if y_true.dtype != y_pred.dtype:
        y_true = math_ops.cast(y_true, y_pred.dtype)
    if len(y_true.shape) == len(y_pred.shape) - 1:
        y_true = array_ops.expand_dims(y_true, -1)
    return y_true


def mean_squared_error(y_true, y_pred):
    y_true = _match(y_true, y_pred)
    return reduction_ops.reduce_mean(math_ops.square(y_pred - y_true), axis=-1)


def mean_absolute_error(y_true, y_pred):
    y_true = _match(y_true, y_pred)
    return reduction_ops.reduce_mean(math_ops.abs(y_pred - y_true), axis=-1)


mse = MSE = mean_squared_error
mae = MAE = mean_absolute_error


class Loss:
    """A loss for ``compile``: ``loss(y_true, y_pred, sample_weight)`` is the batch mean."""

    fn = None

    def __init_subclass__(cls, register=True, **kwargs):
        super().__init_subclass__(**kwargs)
        registry.register_subclass("loss", cls, register)

    def __init__(self, reduction="sum_over_batch_size", name=None, **fn_kwargs):
        self.reduction = reduction
        self.name = name or _snake(type(self).__name__)
        self.fn_kwargs = fn_kwargs

    def __call__(self, y_true, y_pred, sample_weight=None, mask=None):
        per_sample = _as_pred(self.call(y_true, _as_pred(y_pred)))
        if mask is not None and len(per_sample.shape) > 1 and np.shape(mask) == tuple(per_sample.shape):
            return self._masked(per_sample, np.asarray(mask), sample_weight)
        if sample_weight is not None:
            per_sample = per_sample * eager(_weights_like(sample_weight, per_sample))
        if self.reduction == "none":  # Keras keeps every axis the loss function returned (batch, time)
            return per_sample
        total = reduction_ops.reduce_sum(per_sample)
        if self.reduction == "sum":
            return total
        size = int(np.prod(per_sample.shape))  # sum_over_batch_size: over every value, time steps too
        return total / float(max(size, 1))

    def _masked(self, values, mask, sample_weight):
        """Keras 3's masked reduction: padded steps (mask 0, from Embedding(mask_zero=True))
        count for nothing, and the mean is over the real steps."""
        weights = mask.astype(values.dtype.as_numpy_dtype)
        if sample_weight is not None:
            sw = np.asarray(sample_weight, dtype=weights.dtype).reshape((-1,) + (1,) * (weights.ndim - 1))
            weights = weights * sw
        weighted = values * eager(weights)
        if self.reduction == "none":
            return weighted
        total = reduction_ops.reduce_sum(weighted)
        if self.reduction == "sum":
            return total
        return total / max(float(mask.sum()), 1.0)

    def call(self, y_true, y_pred):
        return type(self).fn(y_true, y_pred, **self.fn_kwargs)

    def get_config(self):
        return {"name": self.name, "reduction": self.reduction, **self.fn_kwargs}

    @classmethod
    def from_config(cls, config):
        return cls(**{k: v for k, v in config.items() if k not in ("fn", "dtype")})


def _weights_like(sample_weight, values):
    """Sample weights brought to the rank of the per-sample values, as Keras's
    squeeze_or_expand_to_same_rank: (batch, 1) loses its axis, (batch,) on (batch, time) gains one."""
    w = np.asarray(backend.to_numpy(sample_weight), dtype=values.dtype.as_numpy_dtype)
    rank = len(values.shape)
    if w.ndim == rank + 1 and w.shape[-1] == 1:
        w = w[..., 0]
    if w.ndim < rank:
        w = w.reshape(w.shape + (1,) * (rank - w.ndim))
    return w


def _snake(name):
    return backend._snake(name)


class CategoricalCrossentropy(Loss):
    fn = staticmethod(categorical_crossentropy)

    def __init__(self, from_logits=False, label_smoothing=0.0, axis=-1, reduction="sum_over_batch_size",
                 name="categorical_crossentropy"):
        super().__init__(reduction, name, from_logits=from_logits, label_smoothing=label_smoothing)


class SparseCategoricalCrossentropy(Loss):
    fn = staticmethod(sparse_categorical_crossentropy)

    def __init__(self, from_logits=False, ignore_class=None, reduction="sum_over_batch_size",
                 name="sparse_categorical_crossentropy"):
        super().__init__(reduction, name, from_logits=from_logits)


class BinaryCrossentropy(Loss):
    fn = staticmethod(binary_crossentropy)

    def __init__(self, from_logits=False, label_smoothing=0.0, axis=-1, reduction="sum_over_batch_size",
                 name="binary_crossentropy"):
        super().__init__(reduction, name, from_logits=from_logits, label_smoothing=label_smoothing)


class MeanSquaredError(Loss):
    fn = staticmethod(mean_squared_error)

    def __init__(self, reduction="sum_over_batch_size", name="mean_squared_error"):
        super().__init__(reduction, name)


class MeanAbsoluteError(Loss):
    fn = staticmethod(mean_absolute_error)

    def __init__(self, reduction="sum_over_batch_size", name="mean_absolute_error"):
        super().__init__(reduction, name)


class LossFunctionWrapper(Loss, register=False):
    """A plain function ``f(y_true, y_pred)`` used as a loss."""

    def __init__(self, fn, name=None, reduction="sum_over_batch_size"):
        super().__init__(reduction, name or getattr(fn, "__name__", "loss"))
        self._fn = fn

    def call(self, y_true, y_pred):
        return self._fn(y_true, _t(y_pred))


registry.register("loss", CategoricalCrossentropy, "categorical_crossentropy")
registry.register("loss", SparseCategoricalCrossentropy, "sparse_categorical_crossentropy")
registry.register("loss", BinaryCrossentropy, "binary_crossentropy")
registry.register("loss", MeanSquaredError, "mean_squared_error", "mse", "MSE")
registry.register("loss", MeanAbsoluteError, "mean_absolute_error", "mae", "MAE")
_FUNCTIONS = {categorical_crossentropy: CategoricalCrossentropy,
              sparse_categorical_crossentropy: SparseCategoricalCrossentropy,
              binary_crossentropy: BinaryCrossentropy, mean_squared_error: MeanSquaredError,
              mean_absolute_error: MeanAbsoluteError}


def _from_callable(fn) -> Loss:
    """Keras's loss functions as their classes; any other ``f(y_true, y_pred)`` wrapped."""
    cls = _FUNCTIONS.get(fn)
    return cls() if cls is not None else LossFunctionWrapper(fn)


registry.define_kind("loss", Loss, from_callable=_from_callable)


def get(identifier) -> Loss:
    return registry.get("loss", identifier)


def serialize(loss):
    if isinstance(loss, Loss) and registry.find("loss", type(loss).__name__) is type(loss):
        return registry.serialize("loss", loss)
    return getattr(loss, "name", None)
