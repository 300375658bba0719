"""Keras's own ops, which TensorFlow's core does not define: ``HardSigmoid``, the exact
``KerasGelu``, the fused ``KerasDense`` and the ``KerasEmbedding`` lookup. Each is one registered
op with its numpy kernel beside its gradient (see ``engine.framework.op_registry``); the
activations' math is ``activation_ops``'. The recurrent layers' ops are in ``rnn_ops``."""

from __future__ import annotations

import numpy as np

from engine.framework import context
from engine.framework.execute import apply_op
from engine.framework.op_registry import register_op
from engine.framework.tensor import Tensor
from engine.ops import activation_ops


# -- hard_sigmoid: clip(slope * x + 0.5, 0, 1); Keras 2's slope is 0.2, Keras 3's 1/6 -------------------
def _hard_sigmoid_grad(op, g):
    return [apply_op("HardSigmoidGrad", [op.inputs[0], g], slope=op.attrs["slope"])]


def _hard_sigmoid_grad_kernel(x, g, slope=activation_ops.KERAS2_HARD_SIGMOID_SLOPE):
    return (g * activation_ops.hard_sigmoid_derivative(x, slope)).astype(g.dtype, copy=False)


register_op("HardSigmoid", activation_ops.hard_sigmoid, _hard_sigmoid_grad)
register_op("HardSigmoidGrad", _hard_sigmoid_grad_kernel)


def hard_sigmoid(x, slope=activation_ops.KERAS2_HARD_SIGMOID_SLOPE):
    return apply_op("HardSigmoid", [x], slope=float(slope))


# -- gelu: x * Phi(x) with the exact normal CDF -----------------------------------------------------
_gelu = activation_ops.gelu


def _gelu_grad_kernel(x, g):
    return (g * activation_ops.gelu_derivative(x)).astype(g.dtype, copy=False)


register_op("KerasGelu", _gelu, lambda op, g: [apply_op("KerasGeluGrad", [op.inputs[0], g])])
register_op("KerasGeluGrad", _gelu_grad_kernel)


def gelu(x):
    return apply_op("KerasGelu", [x])


# -- Dense: activation(x @ kernel + bias) in one op -------------------------------------------------
# Fusing the bias and a relu into the product saves three ops and two temporaries per layer, and
# ``input_grad=False`` (the layer reads data no tape watches) skips the product that would give
# the input's gradient, a third of a first layer's backward work.
def _dense(x, kernel, bias, activation="linear", input_grad=True):
    y = x @ kernel
    y += bias
    if activation == "relu":
        activation_ops.relu(y, out=y)
    return y


def _dense_grad(op, g):
    x, kernel, bias = op.inputs
    attrs = op.attrs
    outs = apply_op("KerasDenseGrad", [x, kernel, op.outputs[0], g], activation=attrs["activation"],
                    input_grad=attrs["input_grad"])
    if attrs["input_grad"]:
        return list(outs)
    return [None, outs[0], outs[1]]


def _dense_grad_kernel(x, kernel, y, g, activation="linear", input_grad=True):
    if activation == "relu":
        g = g * activation_ops.derivative("relu", y)
    dk = x.T @ g
    db = g.sum(axis=0)
    if input_grad:
        return g @ kernel.T, dk, db
    return dk, db


register_op("KerasDense", _dense, _dense_grad)
register_op("KerasDenseGrad", _dense_grad_kernel,
            num_outputs=lambda n, attrs: 3 if attrs.get("input_grad", True) else 2)


def dense(x, kernel, bias, activation="linear"):
    """``x @ kernel + bias`` (then relu when ``activation == "relu"``) for 2-D ``x``."""
    return apply_op("KerasDense", [x, kernel, bias], activation=activation, input_grad=_watched(x))


def _watched(x) -> bool:
    """Whether a gradient may be asked of ``x``: it is symbolic, or an active tape tracks it."""
    if not isinstance(x, Tensor) or x._graph is not None:
        return True
    for tape in context.active_tapes():
        tracked = getattr(tape, "_tracked", None)
        if tracked is None or id(x) in tracked:
            return True
    return False


# -- Embedding lookup -----------------------------------------------------------------------------------
# The gradient of a lookup sums the rows of the upstream gradient per id. ``np.add.at`` does that
# one row at a time; sorting the ids once and summing runs with ``np.add.reduceat`` is one pass.
def _embedding_grad_kernel(params, ids, g):
    flat_ids = ids.reshape(-1)
    rows = g.reshape(flat_ids.size, -1)
    out = np.zeros(params.shape, dtype=g.dtype)
    if flat_ids.size == 0:
        return out
    order = np.argsort(flat_ids, kind="stable")
    sorted_ids = flat_ids[order]
    starts = np.flatnonzero(np.r_[True, sorted_ids[1:] != sorted_ids[:-1]])
    out[sorted_ids[starts]] = np.add.reduceat(rows[order], starts, axis=0)
    return out


register_op("KerasEmbedding", lambda params, ids: params[ids],
            lambda op, g: [apply_op("KerasEmbeddingGrad", [op.inputs[0], op.inputs[1], g]), None])
register_op("KerasEmbeddingGrad", _embedding_grad_kernel)


def embedding_lookup(params, ids):
    """``params[ids]`` for integer ``ids`` of any shape."""
    return apply_op("KerasEmbedding", [params, ids])
