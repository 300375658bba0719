"""Accuracy metrics (binary, categorical, sparse categorical, top-k) and the regression means
(MSE, MAE), each a function of ``(y_true, y_pred)`` and a ``MeanMetricWrapper`` over it."""

from __future__ import annotations

import numpy as np

from engine.keras.metrics.base_metric import MeanMetricWrapper


def _labels_like(y_true, y_pred):
    y_true = np.asarray(y_true)
    if y_true.ndim == y_pred.ndim and y_true.shape[-1] == 1 and y_pred.shape[-1] != 1:
        y_true = y_true[..., 0]
    return y_true


def binary_accuracy(y_true, y_pred, threshold=0.5):
    y_pred = np.asarray(y_pred)
    y_true = np.asarray(y_true).reshape(y_pred.shape) if np.size(y_true) == y_pred.size else y_true
    # Keras compares the labels themselves with the thresholded predictions: a soft label (0.7)
    # matches neither 0 nor 1
    return (np.asarray(y_true) == (y_pred > threshold).astype(y_pred.dtype)).mean(axis=-1)


def categorical_accuracy(y_true, y_pred):
    return (np.argmax(y_true, axis=-1) == np.argmax(y_pred, axis=-1)).astype(np.float64)


def sparse_categorical_accuracy(y_true, y_pred):
    labels = _labels_like(y_true, np.asarray(y_pred))
    return (labels.astype(np.int64) == np.argmax(y_pred, axis=-1)).astype(np.float64)


def _in_top_k(labels, y_pred, k):
    """TensorFlow's ``in_top_k``: the label's score is beaten by fewer than ``k`` others (ties at
    the boundary count as in)."""
    y_pred = np.asarray(y_pred, dtype=np.float64)
    flat = y_pred.reshape(-1, y_pred.shape[-1])
    labels = np.asarray(labels, dtype=np.int64).reshape(-1)
    target = flat[np.arange(flat.shape[0]), labels]
    beaten = (flat > target[:, None]).sum(axis=-1)
    return (beaten < k).astype(np.float64).reshape(y_pred.shape[:-1])


def top_k_categorical_accuracy(y_true, y_pred, k=5):
    return _in_top_k(np.argmax(y_true, axis=-1), y_pred, k)


def sparse_top_k_categorical_accuracy(y_true, y_pred, k=5):
    return _in_top_k(_labels_like(y_true, np.asarray(y_pred)), y_pred, k)


def _same_rank(y_true, y_pred):
    """Keras's squeeze_or_expand_to_same_rank: labels of rank n-1 get a trailing axis."""
    y_true = np.asarray(y_true)
    if np.size(y_true) == y_pred.size:
        return y_true.reshape(y_pred.shape)
    if y_true.ndim == y_pred.ndim - 1:
        return y_true[..., None]
    return y_true


def mean_squared_error(y_true, y_pred):
    y_pred = np.asarray(y_pred)
    return np.square(y_pred - _same_rank(y_true, y_pred)).mean(axis=-1)


def mean_absolute_error(y_true, y_pred):
    y_pred = np.asarray(y_pred)
    return np.abs(y_pred - _same_rank(y_true, y_pred)).mean(axis=-1)


class BinaryAccuracy(MeanMetricWrapper):
    """How often ``y_pred > threshold`` agrees with the 0/1 label."""

    fn = staticmethod(binary_accuracy)

    def __init__(self, name="binary_accuracy", dtype=None, threshold=0.5):
        super().__init__(name=name, dtype=dtype, threshold=threshold)
        self.threshold = threshold


class CategoricalAccuracy(MeanMetricWrapper):
    fn = staticmethod(categorical_accuracy)

    def __init__(self, name="categorical_accuracy", dtype=None):
        super().__init__(name=name, dtype=dtype)


class SparseCategoricalAccuracy(MeanMetricWrapper):
    fn = staticmethod(sparse_categorical_accuracy)

    def __init__(self, name="sparse_categorical_accuracy", dtype=None):
        super().__init__(name=name, dtype=dtype)


class TopKCategoricalAccuracy(MeanMetricWrapper):
    """How often the one-hot label's class is among the ``k`` highest scores."""

    fn = staticmethod(top_k_categorical_accuracy)

    def __init__(self, k=5, name="top_k_categorical_accuracy", dtype=None):
        super().__init__(name=name, dtype=dtype, k=k)
        self.k = k


class SparseTopKCategoricalAccuracy(MeanMetricWrapper):
    """How often the integer label is among the ``k`` highest scores."""

    fn = staticmethod(sparse_top_k_categorical_accuracy)

    def __init__(self, k=5, name="sparse_top_k_categorical_accuracy", dtype=None):
        super().__init__(name=name, dtype=dtype, k=k)
        self.k = k


class MeanSquaredError(MeanMetricWrapper):
    fn = staticmethod(mean_squared_error)

    def __init__(self, name="mean_squared_error", dtype=None):
        super().__init__(name=name, dtype=dtype)


class MeanAbsoluteError(MeanMetricWrapper):
    fn = staticmethod(mean_absolute_error)

    def __init__(self, name="mean_absolute_error", dtype=None):
        super().__init__(name=name, dtype=dtype)


class Accuracy(MeanMetricWrapper):
    """Exact equality of labels and predictions (``keras.metrics.Accuracy``)."""

    def __init__(self, name="accuracy", dtype=None):
        super().__init__(name=name, dtype=dtype)

    def values(self, y_true, y_pred):
        return (np.asarray(y_true).reshape(y_pred.shape) == y_pred).astype(np.float64)
