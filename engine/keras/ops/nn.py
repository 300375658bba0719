"""``keras.ops``'s neural-network ops (Keras 3's ``keras.ops.nn`` and ``keras.ops.math``, which it
also puts at the top of ``keras.ops``): activations, one_hot, top_k and the cross-entropies,
computed as Keras 3's TensorFlow backend computes them (a softmax or sigmoid output's logits are
used when a cross-entropy is given its probabilities)."""

from __future__ import annotations

from engine.keras import activations, backend
from engine.keras.ops.core import float_type, keras_op, standardize_dtype, tensor
from engine.ops import array_ops, linalg_ops, math_ops, nn_ops, reduction_ops


def _float(x):
    return tensor(x, float_type(x))


# -- activations -----------------------------------------------------------------------------------
@keras_op
def relu(x):
    return nn_ops.relu(_float(x))


@keras_op
def relu6(x):
    return nn_ops.relu6(_float(x))


@keras_op
def sigmoid(x):
    return activations.sigmoid(_float(x))


@keras_op
def softmax(x, axis=-1):
    x = _float(x)
    if axis is None:  # over every axis at once
        flat = activations.softmax(array_ops.reshape(x, [-1]))
        return array_ops.reshape(flat, list(x.shape))
    if axis == -1 or axis == x.shape.rank - 1:
        return activations.softmax(x)
    return nn_ops.softmax(x, axis=int(axis))


@keras_op
def log_softmax(x, axis=-1):
    x = _float(x)
    if axis is None:
        flat = nn_ops.log_softmax(array_ops.reshape(x, [-1]))
        return array_ops.reshape(flat, list(x.shape))
    return nn_ops.log_softmax(x, axis=int(axis))


@keras_op
def elu(x, alpha=1.0):
    return activations.elu(_float(x), alpha)


@keras_op
def leaky_relu(x, negative_slope=0.2):
    return nn_ops.leaky_relu(_float(x), negative_slope)


@keras_op
def silu(x):
    x = _float(x)
    return x * math_ops.sigmoid(x)


swish = silu


@keras_op
def gelu(x, approximate=True):
    return activations.gelu(_float(x), approximate=approximate)


@keras_op
def softplus(x):
    return math_ops.softplus(_float(x))


@keras_op
def softsign(x):
    return activations.softsign(_float(x))


@keras_op
def hard_sigmoid(x):
    """Keras 3's: ``relu6(x + 3) / 6``."""
    return activations.hard_sigmoid_keras3(_float(x))


# -- encodings and selection -----------------------------------------------------------------------
@keras_op
def one_hot(x, num_classes, axis=-1, dtype=None, sparse=False):
    if sparse:
        raise NotImplementedError("keras.ops.one_hot(sparse=True) is not supported")
    x = tensor(x)
    if not x.dtype.is_integer:
        x = array_ops.cast(x, "int32")
    return array_ops.one_hot(x, int(num_classes), axis=int(axis), dtype=standardize_dtype(dtype))


@keras_op
def top_k(x, k, sorted=True):  # noqa: A002 - Keras's name
    """``(values, indices)`` of the ``k`` largest entries along the last axis (int32 indices)."""
    return linalg_ops.top_k(tensor(x), int(k), sorted=sorted)


@keras_op
def in_top_k(targets, predictions, k):
    _, indices = linalg_ops.top_k(tensor(predictions), int(k))
    targets = array_ops.expand_dims(tensor(targets, "int32"), -1)
    return reduction_ops.reduce_any(math_ops.equal(indices, targets), axis=-1)


# -- cross-entropies -------------------------------------------------------------------------------
def _logits(output, from_logits, kind, fn_name):
    """Keras 3's ``_get_logits``: the logits a softmax or sigmoid output was computed from."""
    logits = backend.logits_of(output, kind)
    if logits is None:
        return output, from_logits
    if from_logits:
        import warnings

        warnings.warn(f'"`{fn_name}` received `from_logits=True`, but the `output` argument was '
                      f"produced by a {kind} activation and thus does not represent logits. Was this "
                      "intended?", stacklevel=3)
    return logits, True


def _same_shape(target, output, what):
    if target.shape.rank != output.shape.rank:
        raise ValueError(f"Arguments `target` and `output` must have the same rank (ndim). Received: "
                         f"target.shape={tuple(target.shape)}, output.shape={tuple(output.shape)}")
    for a, b in zip(target.shape, output.shape, strict=True):
        if a is not None and b is not None and a != b:
            raise ValueError(f"Arguments `target` and `output` must have the same shape{what}. Received: "
                             f"target.shape={tuple(target.shape)}, output.shape={tuple(output.shape)}")


def _clip(p):
    eps = backend.epsilon()
    return math_ops.clip_by_value(p, eps, 1.0 - eps)


@keras_op
def binary_crossentropy(target, output, from_logits=False):
    """Element-wise binary cross-entropy (no reduction), as Keras 3's ``ops.binary_crossentropy``."""
    output = tensor(output)
    output, from_logits = _logits(output, from_logits, "sigmoid", "binary_crossentropy")
    output = _float(output)
    target = tensor(target, output.dtype)
    _same_shape(target, output, "")
    if from_logits:
        return nn_ops.sigmoid_cross_entropy_with_logits(labels=target, logits=output)
    output = _clip(output)
    return -(target * math_ops.log(output) + (1.0 - target) * math_ops.log(1.0 - output))


@keras_op
def categorical_crossentropy(target, output, from_logits=False, axis=-1):
    """Cross-entropy over ``axis`` between one-hot (or soft) targets and a distribution."""
    output = tensor(output)
    if target is None or output.shape.rank is not None and output.shape.rank < 1:
        raise ValueError("Arguments `target` and `output` must be at least rank 1.")
    output, from_logits = _logits(output, from_logits, "softmax", "categorical_crossentropy")
    output = _float(output)
    target = tensor(target, output.dtype)
    _same_shape(target, output, "")
    axis = int(axis) % output.shape.rank
    if from_logits:
        if axis != output.shape.rank - 1:
            perm = [i for i in range(output.shape.rank) if i != axis] + [axis]
            target, output = array_ops.transpose(target, perm), array_ops.transpose(output, perm)
        return nn_ops.softmax_cross_entropy_with_logits(labels=target, logits=output)
    output = output / reduction_ops.reduce_sum(output, axis=axis, keepdims=True)
    return -reduction_ops.reduce_sum(target * math_ops.log(_clip(output)), axis=axis)


@keras_op
def sparse_categorical_crossentropy(target, output, from_logits=False, axis=-1):
    """Cross-entropy between integer class targets and a distribution over the last axis."""
    output = tensor(output)
    if axis != -1 and axis != output.shape.rank - 1:
        raise ValueError(f"Only axis=-1 is currently supported. Received: axis={axis}")
    output, from_logits = _logits(output, from_logits, "softmax", "sparse_categorical_crossentropy")
    output = _float(output)
    target = tensor(target)
    if not target.dtype.is_integer:
        target = array_ops.cast(target, "int64")
    if target.shape.rank == output.shape.rank and target.shape[-1] == 1:
        target = array_ops.squeeze(target, axis=-1)
    if target.shape.rank != output.shape.rank - 1:
        raise ValueError("Argument `output` must have rank (ndim) `target.ndim - 1`. Received: "
                         f"target.shape={tuple(target.shape)}, output.shape={tuple(output.shape)}")
    if not from_logits:
        output = math_ops.log(_clip(output))
    return nn_ops.sparse_softmax_cross_entropy_with_logits(labels=target, logits=output)
