"""The loss table: ``loss(id, build(lib), data)``; ``data`` names the batch (``loss_data``): one-hot
labels and probabilities (``probs``) or logits, integer labels (``sparse``...), 0/1 targets
(``binary``...), real targets (``regression``), with a ``-seq`` suffix for (batch, time, classes)
outputs. A class is checked under each reduction, with and without ``sample_weight``; a function
gives per-sample values. Every loss class and function ``engine.keras.losses`` has needs a case."""

from __future__ import annotations

from functools import partial

from tests.keras_parity.harness import Case


def loss(id, build, data, gens=("keras2", "keras3")):
    return Case(id, build, data, gens)


LOSSES = [
    loss("CategoricalCrossentropy", lambda k: k.losses.CategoricalCrossentropy(), "probs"),
    loss("CategoricalCrossentropy-logits", lambda k: k.losses.CategoricalCrossentropy(from_logits=True),
         "logits"),
    loss("CategoricalCrossentropy-smoothing",
         lambda k: k.losses.CategoricalCrossentropy(label_smoothing=0.1), "probs"),
    loss("CategoricalCrossentropy-logits-smoothing",
         lambda k: k.losses.CategoricalCrossentropy(from_logits=True, label_smoothing=0.2), "logits"),
    loss("CategoricalCrossentropy-seq", lambda k: k.losses.CategoricalCrossentropy(), "probs-seq"),
    loss("SparseCategoricalCrossentropy", lambda k: k.losses.SparseCategoricalCrossentropy(), "sparse"),
    loss("SparseCategoricalCrossentropy-logits",
         lambda k: k.losses.SparseCategoricalCrossentropy(from_logits=True), "sparse-logits"),
    loss("SparseCategoricalCrossentropy-column", lambda k: k.losses.SparseCategoricalCrossentropy(),
         "sparse-column"),
    loss("SparseCategoricalCrossentropy-seq", lambda k: k.losses.SparseCategoricalCrossentropy(),
         "sparse-seq"),
    loss("BinaryCrossentropy", lambda k: k.losses.BinaryCrossentropy(), "binary"),
    loss("BinaryCrossentropy-logits", lambda k: k.losses.BinaryCrossentropy(from_logits=True),
         "binary-logits"),
    loss("BinaryCrossentropy-smoothing", lambda k: k.losses.BinaryCrossentropy(label_smoothing=0.1),
         "binary"),
    loss("BinaryCrossentropy-column", lambda k: k.losses.BinaryCrossentropy(), "binary-column"),
    loss("BinaryCrossentropy-seq", lambda k: k.losses.BinaryCrossentropy(), "binary-seq"),
    loss("MeanSquaredError", lambda k: k.losses.MeanSquaredError(), "regression"),
    loss("MeanSquaredError-seq", lambda k: k.losses.MeanSquaredError(), "regression-seq"),
    # tf_keras 2.21 itself fails on these labels with per-sample weights (it squeezes the batch axis)
    loss("MeanSquaredError-column", lambda k: k.losses.MeanSquaredError(), "regression-column",
         gens=("keras3",)),
    loss("BinaryCrossentropy-soft-labels", lambda k: k.losses.BinaryCrossentropy(), "binary-soft"),
    loss("MeanAbsoluteError", lambda k: k.losses.MeanAbsoluteError(), "regression"),
    loss("MeanAbsoluteError-seq", lambda k: k.losses.MeanAbsoluteError(), "regression-seq"),
    # the functions: per-sample values
    loss("categorical_crossentropy", lambda k: k.losses.categorical_crossentropy, "probs"),
    loss("categorical_crossentropy-seq", lambda k: k.losses.categorical_crossentropy, "probs-seq"),
    loss("sparse_categorical_crossentropy", lambda k: k.losses.sparse_categorical_crossentropy, "sparse"),
    loss("binary_crossentropy", lambda k: k.losses.binary_crossentropy, "binary"),
    loss("mean_squared_error", lambda k: k.losses.mean_squared_error, "regression"),
    loss("mean_squared_error-seq", lambda k: k.losses.mean_squared_error, "regression-seq"),
    loss("mean_absolute_error", lambda k: k.losses.mean_absolute_error, "regression"),
    loss("categorical_crossentropy-logits-smoothing",
         lambda k: partial(k.losses.categorical_crossentropy, from_logits=True, label_smoothing=0.1),
         "logits"),
    loss("sparse_categorical_crossentropy-logits",
         lambda k: partial(k.losses.sparse_categorical_crossentropy, from_logits=True), "sparse-logits"),
    loss("sparse_categorical_crossentropy-seq", lambda k: k.losses.sparse_categorical_crossentropy,
         "sparse-seq"),
    loss("binary_crossentropy-logits-smoothing",
         lambda k: partial(k.losses.binary_crossentropy, from_logits=True, label_smoothing=0.2),
         "binary-logits"),
    loss("binary_crossentropy-seq", lambda k: k.losses.binary_crossentropy, "binary-seq"),
]
