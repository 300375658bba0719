"""``tf.compat.v1.losses``: TF1's loss functions, ``(labels, predictions, weights=1.0, ...)`` ->
a scalar by default.

Each computes per-element losses in float32, multiplies them by ``weights`` (broadcast) and
reduces them as ``reduction`` says: by default the weighted sum divided by the number of
non-zero weights (``Reduction.SUM_BY_NONZERO_WEIGHTS``), zero when there are none. The result is
added to the graph's ``losses`` collection, which ``get_total_loss`` sums.
"""

from __future__ import annotations

from engine.compat.v1.state_ops import GraphKeys, add_to_collection, get_collection
from engine.framework import dtypes
from engine.framework.context import executing_eagerly, get_default_graph
from engine.framework.execute import convert
from engine.framework.tensor import Tensor
from engine.ops import array_ops, math_ops, nn_ops, reduction_ops


class Reduction:
    """How a weighted loss is reduced to what the function returns."""

    NONE = "none"
    SUM = "weighted_sum"
    SUM_OVER_BATCH_SIZE = "weighted_sum_over_batch_size"
    MEAN = "weighted_mean"
    SUM_BY_NONZERO_WEIGHTS = "weighted_sum_by_nonzero_weights"
    SUM_OVER_NONZERO_WEIGHTS = SUM_BY_NONZERO_WEIGHTS

    @classmethod
    def all(cls):
        return (cls.NONE, cls.SUM, cls.MEAN, cls.SUM_OVER_BATCH_SIZE, cls.SUM_OVER_NONZERO_WEIGHTS,
                cls.SUM_BY_NONZERO_WEIGHTS)

    @classmethod
    def validate(cls, key):
        if key not in cls.all():
            raise ValueError(f"Invalid Reduction Key {key}. Key should be one of {cls.all()}.")


def div_no_nan(x, y, name=None):
    """``x / y``, and 0 where ``y`` is 0 (no warning, no NaN, and a gradient of 0 there)."""
    zero = math_ops.equal(y, 0.0)
    safe = math_ops.where(zero, array_ops.ones_like(y), y)
    return math_ops.where(zero, array_ops.zeros_like(x * safe), x / safe, name=name)


def _float(x) -> Tensor:
    return math_ops.cast(convert(x), dtypes.float32)


def _num_elements(losses) -> Tensor:
    return math_ops.cast(array_ops.size(losses), losses.dtype)


def _num_present(losses, weights) -> Tensor:
    """How many elements of ``losses`` have a non-zero weight once ``weights`` is broadcast."""
    if isinstance(weights, float) and weights != 0.0:
        return _num_elements(losses)
    weights = _float(weights)
    present = math_ops.where(math_ops.equal(weights, 0.0), array_ops.zeros_like(weights),
                             array_ops.ones_like(weights))
    present = present * array_ops.ones_like(losses)
    return reduction_ops.reduce_sum(present)


def _check_weights(losses: Tensor, weights: Tensor) -> None:
    """TensorFlow's rule: weights of rank 0, or of the losses' rank, each dimension 1 or equal."""
    ls, ws = losses.shape, weights.shape
    if ls.rank is None or ws.rank is None or ws.rank == 0:
        return
    if ws.rank != ls.rank:
        raise ValueError(f"weights can not be broadcast to values. values.rank={ls.rank}. "
                         f"weights.rank={ws.rank}. values.shape={ls}. weights.shape={ws}.")
    for w, v in zip(ws.as_list(), ls.as_list(), strict=True):
        if w is not None and v is not None and w not in (1, v):
            raise ValueError(f"weights can not be broadcast to values. values.shape={ls}. "
                             f"weights.shape={ws}.")


def add_loss(loss, loss_collection=GraphKeys.LOSSES) -> None:
    if loss_collection and not executing_eagerly():
        add_to_collection(loss_collection, loss)


def compute_weighted_loss(losses, weights=1.0, scope=None, loss_collection=GraphKeys.LOSSES,
                          reduction=Reduction.SUM_BY_NONZERO_WEIGHTS):
    """``losses * weights``, reduced as ``reduction`` says, in ``losses``' own dtype."""
    Reduction.validate(reduction)
    with get_default_graph().name_scope(scope or "weighted_loss"):
        losses = convert(losses)
        input_dtype = losses.dtype
        losses = math_ops.cast(losses, dtypes.float32)
        weights_t = _float(weights)
        _check_weights(losses, weights_t)
        weighted = losses * weights_t
        if reduction == Reduction.NONE:
            loss = weighted
        else:
            loss = reduction_ops.reduce_sum(weighted)
            if reduction == Reduction.MEAN:
                loss = div_no_nan(loss, reduction_ops.reduce_sum(array_ops.ones_like(losses) * weights_t),
                                  name="value")
            elif reduction == Reduction.SUM_BY_NONZERO_WEIGHTS:
                loss = div_no_nan(loss, _num_present(losses, weights), name="value")
            elif reduction == Reduction.SUM_OVER_BATCH_SIZE:
                loss = div_no_nan(loss, _num_elements(losses), name="value")
        loss = math_ops.cast(loss, input_dtype)
        add_loss(loss, loss_collection)
        return loss


def _pair(labels, predictions, what=("labels", "predictions")):
    if labels is None:
        raise ValueError(f"Argument `{what[0]}` must not be None.")
    if predictions is None:
        raise ValueError(f"Argument `{what[1]}` must not be None.")
    predictions, labels = _float(predictions), _float(labels)
    if not predictions.shape.is_compatible_with(labels.shape):
        raise ValueError(f"Shapes {predictions.shape} and {labels.shape} are incompatible")
    return labels, predictions


def _loss(name, scope, weights, loss_collection, reduction, make):
    with get_default_graph().name_scope(scope or name) as entered:
        return compute_weighted_loss(make(), weights, entered, loss_collection, reduction)


def absolute_difference(labels, predictions, weights=1.0, scope=None, loss_collection=GraphKeys.LOSSES,
                        reduction=Reduction.SUM_BY_NONZERO_WEIGHTS):
    labels, predictions = _pair(labels, predictions)
    return _loss("absolute_difference", scope, weights, loss_collection, reduction,
                 lambda: math_ops.abs(predictions - labels))


def mean_squared_error(labels, predictions, weights=1.0, scope=None, loss_collection=GraphKeys.LOSSES,
                       reduction=Reduction.SUM_BY_NONZERO_WEIGHTS):
    labels, predictions = _pair(labels, predictions)
    return _loss("mean_squared_error", scope, weights, loss_collection, reduction,
                 lambda: math_ops.square(predictions - labels))


def huber_loss(labels, predictions, weights=1.0, delta=1.0, scope=None, loss_collection=GraphKeys.LOSSES,
               reduction=Reduction.SUM_BY_NONZERO_WEIGHTS):
    """Quadratic within ``delta`` of the label, linear beyond."""
    labels, predictions = _pair(labels, predictions)

    def losses():
        abs_error = math_ops.abs(predictions - labels)
        quadratic = math_ops.minimum(abs_error, delta)
        return 0.5 * (quadratic * quadratic) + delta * (abs_error - quadratic)
    return _loss("huber_loss", scope, weights, loss_collection, reduction, losses)


def log_loss(labels, predictions, weights=1.0, epsilon=1e-7, scope=None, loss_collection=GraphKeys.LOSSES,
             reduction=Reduction.SUM_BY_NONZERO_WEIGHTS):
    """Binary cross-entropy of probabilities ``predictions``."""
    labels, predictions = _pair(labels, predictions)
    return _loss("log_loss", scope, weights, loss_collection, reduction,
                 lambda: -(labels * math_ops.log(predictions + epsilon))
                 - (1 - labels) * math_ops.log(1 - predictions + epsilon))


def hinge_loss(labels, logits, weights=1.0, scope=None, loss_collection=GraphKeys.LOSSES,
               reduction=Reduction.SUM_BY_NONZERO_WEIGHTS):
    """``max(0, 1 - y * logits)`` with labels 0/1 read as -1/+1."""
    labels, logits = _pair(labels, logits, ("labels", "logits"))
    return _loss("hinge_loss", scope, weights, loss_collection, reduction,
                 lambda: nn_ops.relu(1.0 - (2.0 * labels - 1.0) * logits))


def sigmoid_cross_entropy(multi_class_labels, logits, weights=1.0, label_smoothing=0, scope=None,
                          loss_collection=GraphKeys.LOSSES, reduction=Reduction.SUM_BY_NONZERO_WEIGHTS):
    """Per-element sigmoid cross-entropy; ``label_smoothing`` pulls the labels towards 1/2."""
    if multi_class_labels is None:
        raise ValueError("Argument `multi_class_labels` must not be None.")
    if logits is None:
        raise ValueError("Argument `logits` must not be None.")
    logits = convert(logits)
    labels = math_ops.cast(convert(multi_class_labels), logits.dtype)
    if not logits.shape.is_compatible_with(labels.shape):
        raise ValueError(f"Shapes {logits.shape} and {labels.shape} are incompatible")
    if label_smoothing > 0:
        labels = labels * (1 - label_smoothing) + 0.5 * label_smoothing
    return _loss("sigmoid_cross_entropy_loss", scope, weights, loss_collection, reduction,
                 lambda: nn_ops.sigmoid_cross_entropy_with_logits(labels=labels, logits=logits))


def softmax_cross_entropy(onehot_labels, logits, weights=1.0, label_smoothing=0, scope=None,
                          loss_collection=GraphKeys.LOSSES, reduction=Reduction.SUM_BY_NONZERO_WEIGHTS):
    """Per-example softmax cross-entropy; ``label_smoothing`` pulls the labels towards
    1/num_classes."""
    if onehot_labels is None:
        raise ValueError("Argument `onehot_labels` must not be None.")
    if logits is None:
        raise ValueError("Argument `logits` must not be None.")
    logits = convert(logits)
    labels = math_ops.cast(convert(onehot_labels), logits.dtype)
    if not logits.shape.is_compatible_with(labels.shape):
        raise ValueError(f"Shapes {logits.shape} and {labels.shape} are incompatible")
    if label_smoothing > 0:
        num_classes = math_ops.cast(array_ops.shape(labels)[-1], logits.dtype)
        labels = labels * (1.0 - label_smoothing) + label_smoothing / num_classes
    return _loss("softmax_cross_entropy_loss", scope, weights, loss_collection, reduction,
                 lambda: nn_ops.softmax_cross_entropy_with_logits_v2(labels=labels, logits=logits))


def _squeeze_last(t: Tensor, rank_diff: int) -> Tensor:
    return array_ops.squeeze(t, [-1]) if rank_diff == 1 else t


def sparse_softmax_cross_entropy(labels, logits, weights=1.0, scope=None, loss_collection=GraphKeys.LOSSES,
                                 reduction=Reduction.SUM_BY_NONZERO_WEIGHTS):
    """Softmax cross-entropy of class ids ``labels`` (``[batch]`` or ``[batch, 1]``)."""
    if labels is None:
        raise ValueError("Argument `labels` must not be None.")
    if logits is None:
        raise ValueError("Argument `logits` must not be None.")
    labels, logits = convert(labels), convert(logits)
    if labels.shape.rank is not None and logits.shape.rank is not None:
        labels = _squeeze_last(labels, labels.shape.rank - logits.shape.rank + 1)
        if not isinstance(weights, (int, float)):
            weights = convert(weights)
            if weights.shape.rank is not None:
                weights = _squeeze_last(weights, weights.shape.rank - labels.shape.rank)
    return _loss("sparse_softmax_cross_entropy_loss", scope, weights, loss_collection, reduction,
                 lambda: nn_ops.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits))


def get_losses(scope=None, loss_collection=GraphKeys.LOSSES) -> list:
    return get_collection(loss_collection, scope)


def get_regularization_losses(scope=None) -> list:
    return get_collection(GraphKeys.REGULARIZATION_LOSSES, scope)


def get_regularization_loss(scope=None, name="total_regularization_loss"):
    losses = get_regularization_losses(scope)
    if losses:
        return math_ops.add_n(losses, name=name)
    return array_ops.constant(0.0)


def get_total_loss(add_regularization_losses=True, name="total_loss", scope=None):
    """The sum of every loss the loss functions added (and the regularization losses)."""
    losses = get_losses(scope=scope)
    if add_regularization_losses:
        losses += get_regularization_losses(scope)
    if not losses:
        raise ValueError("No losses found in the `losses` collection: compute a tf.losses.* loss first")
    return math_ops.add_n(losses, name=name)


__all__ = [
    "Reduction", "absolute_difference", "add_loss", "compute_weighted_loss", "get_losses",
    "get_regularization_loss", "get_regularization_losses", "get_total_loss", "hinge_loss", "huber_loss",
    "log_loss", "mean_squared_error", "sigmoid_cross_entropy", "softmax_cross_entropy",
    "sparse_softmax_cross_entropy",
]
