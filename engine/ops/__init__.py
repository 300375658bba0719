"""The ops, grouped by family; each module registers its ops with
``engine.framework.op_registry.register_op`` (kernel and gradient side by side) and exposes the
TensorFlow-named functions that call them:

- ``math_ops``: arithmetic, comparisons, casts, where/clip, matmul/tensordot, sigmoid/tanh.
- ``reduction_ops``: reduce_sum/mean/max/min/prod, argmax/argmin.
- ``array_ops``: constant, zeros/ones/fill, reshape/transpose/concat/stack/split, gather,
  one_hot, slicing, tile.
- ``nn_ops``: relu family, softmax, cross-entropy losses, dropout; ``conv_ops``: conv2d and
  pooling with their backprop ops; ``random_ops``: seeded random tensors.
- ``control_ops``: no_op and group; ``grad_util``: the shared gradient helpers (``unbroadcast``).
- ``operators``: ``+``, ``*``, ``@``, ``[]``, comparisons... on ``Tensor`` and ``Variable``,
  installed when this package is imported (the framework's ``Tensor`` does not import the ops).
- ``activation_ops``: the activation functions' numpy math, once; ``fused_ops``, ``rnn_ops``,
  ``lstm_ops`` and ``gru_ops``: Keras's own ops (hard_sigmoid, exact gelu, fused Dense, Embedding
  lookup; SimpleRNN, LSTM, GRU).
"""

# Imported for what they do on import: Keras's ops are registered wherever the ops are, and
# Tensor gets its operators.
from engine.ops import autograph_ops, fused_ops, operators  # noqa: F401
