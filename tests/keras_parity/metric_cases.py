"""The metric table: ``metric(id, build(lib), data)``, ``data`` as for losses (``loss_data``), or
``values`` for the aggregating metrics (``Mean``), or ``labels`` for ``Accuracy`` (exact equality).
A class is updated over three batches (one with sample weights), read, reset and updated again;
a function gives per-sample values. Every metric class and function needs a case."""

from __future__ import annotations

from tests.keras_parity.harness import Case


def metric(id, build, data, gens=("keras2", "keras3")):
    return Case(id, build, data, gens)


METRICS = [
    metric("Mean", lambda k: k.metrics.Mean(), "values"),
    metric("Accuracy", lambda k: k.metrics.Accuracy(), "labels"),
    metric("BinaryAccuracy", lambda k: k.metrics.BinaryAccuracy(), "binary"),
    metric("BinaryAccuracy-threshold", lambda k: k.metrics.BinaryAccuracy(threshold=0.7), "binary"),
    metric("BinaryAccuracy-soft-labels", lambda k: k.metrics.BinaryAccuracy(), "binary-soft"),
    metric("BinaryAccuracy-column", lambda k: k.metrics.BinaryAccuracy(), "binary-column"),
    metric("BinaryAccuracy-seq", lambda k: k.metrics.BinaryAccuracy(), "binary-seq"),
    metric("CategoricalAccuracy", lambda k: k.metrics.CategoricalAccuracy(), "probs"),
    metric("CategoricalAccuracy-seq", lambda k: k.metrics.CategoricalAccuracy(), "probs-seq"),
    metric("SparseCategoricalAccuracy", lambda k: k.metrics.SparseCategoricalAccuracy(), "sparse"),
    metric("SparseCategoricalAccuracy-column", lambda k: k.metrics.SparseCategoricalAccuracy(),
           "sparse-column"),
    metric("SparseCategoricalAccuracy-seq", lambda k: k.metrics.SparseCategoricalAccuracy(), "sparse-seq"),
    metric("MeanSquaredError", lambda k: k.metrics.MeanSquaredError(), "regression"),
    metric("MeanSquaredError-seq", lambda k: k.metrics.MeanSquaredError(), "regression-seq"),
    # tf_keras 2.21 itself fails on these labels with per-sample weights (it squeezes the batch axis)
    metric("MeanSquaredError-column", lambda k: k.metrics.MeanSquaredError(), "regression-column",
         gens=("keras3",)),
    metric("MeanAbsoluteError", lambda k: k.metrics.MeanAbsoluteError(), "regression"),
    metric("MeanAbsoluteError-seq", lambda k: k.metrics.MeanAbsoluteError(), "regression-seq"),
    # the functions: per-sample values
    # Keras 2's averages the last axis; Keras 3's is per element (its class averages both the same)
    metric("binary_accuracy", lambda k: k.metrics.binary_accuracy, "binary", gens=("keras2",)),
    metric("categorical_accuracy", lambda k: k.metrics.categorical_accuracy, "probs"),
    metric("sparse_categorical_accuracy", lambda k: k.metrics.sparse_categorical_accuracy, "sparse"),
    metric("sparse_categorical_accuracy-column", lambda k: k.metrics.sparse_categorical_accuracy,
           "sparse-column"),
    metric("mean_squared_error", lambda k: k.metrics.mean_squared_error, "regression"),
    metric("mean_absolute_error", lambda k: k.metrics.mean_absolute_error, "regression"),
    # k13-api's metrics (their fuller cases are in tests/keras_api/test_metrics.py)
    metric("Sum", lambda k: k.metrics.Sum(), "values"),
    metric("Precision", lambda k: k.metrics.Precision(), "binary"),
    metric("Recall", lambda k: k.metrics.Recall(), "binary"),
    metric("AUC", lambda k: k.metrics.AUC(), "binary"),
    metric("TopKCategoricalAccuracy", lambda k: k.metrics.TopKCategoricalAccuracy(k=2), "probs"),
    metric("SparseTopKCategoricalAccuracy", lambda k: k.metrics.SparseTopKCategoricalAccuracy(k=2), "sparse"),
    metric("MeanMetricWrapper", lambda k: k.metrics.MeanMetricWrapper(k.metrics.mean_squared_error),
           "regression"),
]
