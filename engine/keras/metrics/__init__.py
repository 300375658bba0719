"""Streaming metrics, computed in numpy on each batch's predictions: ``update_state``,
``result``, ``reset_state``, ``get_config``. ``"accuracy"`` picks binary, categorical or sparse
categorical accuracy from the loss and output shape, as Keras does. Modules as Keras 3's:
``base_metric`` (Metric, Mean, Sum, MeanMetricWrapper), ``accuracy_metrics`` (the accuracies,
top-k, MSE/MAE), ``confusion_metrics`` (Precision, Recall, AUC)."""

from __future__ import annotations

from engine.keras.metrics.accuracy_metrics import (
    Accuracy,
    BinaryAccuracy,
    CategoricalAccuracy,
    MeanAbsoluteError,
    MeanSquaredError,
    SparseCategoricalAccuracy,
    SparseTopKCategoricalAccuracy,
    TopKCategoricalAccuracy,
    binary_accuracy,
    categorical_accuracy,
    mean_absolute_error,
    mean_squared_error,
    sparse_categorical_accuracy,
    sparse_top_k_categorical_accuracy,
    top_k_categorical_accuracy,
)
from engine.keras.metrics.base_metric import Mean, MeanMetricWrapper, Metric, Sum
from engine.keras.metrics.confusion_metrics import AUC, Precision, Recall
from engine.keras.saving import registry

for _cls, _names in ((BinaryAccuracy, ("binary_accuracy",)), (CategoricalAccuracy, ("categorical_accuracy",)),
                     (SparseCategoricalAccuracy, ("sparse_categorical_accuracy",)),
                     (MeanSquaredError, ("mean_squared_error", "mse")),
                     (MeanAbsoluteError, ("mean_absolute_error", "mae")),
                     (TopKCategoricalAccuracy, ("top_k_categorical_accuracy",)),
                     (SparseTopKCategoricalAccuracy, ("sparse_top_k_categorical_accuracy",)),
                     (Precision, ("precision",)), (Recall, ("recall",)), (AUC, ("auc",)),
                     (Mean, ("mean",)), (Sum, ("sum",))):
    registry.register("metric", _cls, *_names)


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


def serialize(metric) -> dict:
    return registry.serialize("metric", metric)


def deserialize(config, custom_objects=None) -> Metric:
    with registry.custom_object_scope(custom_objects):
        return registry.deserialize("metric", config)


mse = MSE = mean_squared_error
mae = MAE = mean_absolute_error

__all__ = ["AUC", "Accuracy", "BinaryAccuracy", "CategoricalAccuracy", "Mean", "MeanAbsoluteError",
           "MeanMetricWrapper", "MeanSquaredError", "Metric", "Precision", "Recall",
           "SparseCategoricalAccuracy", "SparseTopKCategoricalAccuracy", "Sum", "TopKCategoricalAccuracy",
           "binary_accuracy", "categorical_accuracy", "deserialize", "get", "mae", "mean_absolute_error",
           "mean_squared_error", "mse", "serialize", "sparse_categorical_accuracy",
           "sparse_top_k_categorical_accuracy", "top_k_categorical_accuracy"]
