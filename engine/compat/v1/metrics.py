"""``tf.compat.v1.metrics``: streaming metrics as TF1 builds them in a graph.

Each returns ``(value, update_op)``: ``update_op`` adds a batch to local ``total``/``count``
variables (run ``tf.local_variables_initializer()`` first) and returns the metric so far;
``value`` reads it without updating. The variables live in the scope ``accuracy/`` (``mean/``...),
in the ``local_variables`` and ``metric_variables`` collections.
"""

from __future__ import annotations

import numpy as np

from engine.compat.v1.losses import div_no_nan
from engine.compat.v1.state_ops import GraphKeys, add_to_collections
from engine.compat.v1.variable_scope import variable_scope
from engine.framework import dtypes
from engine.framework.context import executing_eagerly, get_default_graph
from engine.framework.execute import convert
from engine.framework.variables import Variable
from engine.ops import array_ops, math_ops, reduction_ops


def _metric_variable(shape, dtype, name) -> Variable:
    """A zero counter named in the current name scope (``accuracy/total``, ``accuracy_1/total``)."""
    return Variable(np.zeros(shape, dtypes.as_dtype(dtype).as_numpy_dtype), trainable=False, name=name,
                    collections=[GraphKeys.LOCAL_VARIABLES, GraphKeys.METRIC_VARIABLES])


def _squeeze_to(values, reference):
    """Drop a trailing size-1 dimension so ``[batch, 1]`` meets ``[batch]`` (TF's
    ``remove_squeezable_dimensions``)."""
    vr, rr = values.shape.rank, reference.shape.rank
    if vr is not None and rr is not None and vr == rr + 1 and values.shape.as_list()[-1] == 1:
        return array_ops.squeeze(values, [-1])
    return values


def mean(values, weights=None, metrics_collections=None, updates_collections=None, name=None):
    """The (weighted) mean of every value seen so far."""
    if executing_eagerly():
        raise RuntimeError("tf.metrics.mean is not supported when eager execution is enabled.")
    with variable_scope(name, "mean"):
        values = math_ops.cast(convert(values), dtypes.float32)
        total = _metric_variable([], dtypes.float32, "total")
        count = _metric_variable([], dtypes.float32, "count")
        if weights is None:
            num_values = math_ops.cast(array_ops.size(values), dtypes.float32)
        else:
            weights = _squeeze_to(math_ops.cast(convert(weights), dtypes.float32), values)
            weights = weights * array_ops.ones_like(values)
            values = values * weights
            num_values = reduction_ops.reduce_sum(weights)
        update_total = total.assign_add(reduction_ops.reduce_sum(values))
        with get_default_graph().control_dependencies([values]):
            update_count = count.assign_add(num_values)
        value = div_no_nan(total.read_value(), count.read_value(), name="value")
        update_op = div_no_nan(update_total, update_count, name="update_op")
        if metrics_collections:
            add_to_collections(metrics_collections, value)
        if updates_collections:
            add_to_collections(updates_collections, update_op)
        return value, update_op


def accuracy(labels, predictions, weights=None, metrics_collections=None, updates_collections=None,
             name=None):
    """How often ``predictions`` equals ``labels`` (class ids: ``tf.argmax`` logits first)."""
    if executing_eagerly():
        raise RuntimeError("tf.metrics.accuracy is not supported when eager execution is enabled.")
    labels, predictions = convert(labels), convert(predictions)
    predictions = _squeeze_to(predictions, labels)
    labels = _squeeze_to(labels, predictions)
    if not predictions.shape.is_compatible_with(labels.shape):
        raise ValueError(f"Shapes {predictions.shape} and {labels.shape} are incompatible")
    if labels.dtype != predictions.dtype:
        predictions = math_ops.cast(predictions, labels.dtype)
    is_correct = math_ops.cast(math_ops.equal(predictions, labels), dtypes.float32)
    return mean(is_correct, weights, metrics_collections, updates_collections, name or "accuracy")


def mean_absolute_error(labels, predictions, weights=None, metrics_collections=None,
                        updates_collections=None, name=None):
    labels, predictions = math_ops.cast(convert(labels), dtypes.float32), math_ops.cast(
        convert(predictions), dtypes.float32)
    return mean(math_ops.abs(predictions - labels), weights, metrics_collections, updates_collections,
                name or "mean_absolute_error")


def mean_squared_error(labels, predictions, weights=None, metrics_collections=None,
                       updates_collections=None, name=None):
    labels, predictions = math_ops.cast(convert(labels), dtypes.float32), math_ops.cast(
        convert(predictions), dtypes.float32)
    return mean(math_ops.square(predictions - labels), weights, metrics_collections, updates_collections,
                name or "mean_squared_error")


__all__ = ["accuracy", "mean", "mean_absolute_error", "mean_squared_error"]
