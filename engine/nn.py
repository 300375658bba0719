"""``tf.nn``: activations, softmax, cross-entropy losses, dropout, convolution and pooling."""

from engine.ops.conv_ops import (
    avg_pool,
    avg_pool2d,
    conv2d,
    conv2d_backprop_filter,
    conv2d_backprop_input,
    max_pool,
    max_pool2d,
)
from engine.ops.linalg_ops import top_k
from engine.ops.nn_ops import (
    batch_normalization,
    bias_add,
    dropout,
    elu,
    embedding_lookup,
    l2_loss,
    leaky_relu,
    log_softmax,
    moments,
    relu,
    relu6,
    sigmoid,
    sigmoid_cross_entropy_with_logits,
    silu,
    softmax,
    softmax_cross_entropy_with_logits,
    softmax_cross_entropy_with_logits_v2,
    softplus,
    softsign,
    sparse_softmax_cross_entropy_with_logits,
    swish,
    tanh,
)

__all__ = [
    "batch_normalization", "embedding_lookup", "silu", "softsign", "swish",
    "avg_pool", "avg_pool2d", "bias_add", "conv2d", "conv2d_backprop_filter", "conv2d_backprop_input",
    "dropout", "elu", "l2_loss", "leaky_relu", "log_softmax", "max_pool", "max_pool2d", "moments", "relu",
    "relu6", "sigmoid", "sigmoid_cross_entropy_with_logits", "softmax", "softmax_cross_entropy_with_logits",
    "softmax_cross_entropy_with_logits_v2", "softplus", "sparse_softmax_cross_entropy_with_logits", "tanh",
    "top_k",
]
