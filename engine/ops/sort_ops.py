"""``top_k``: the ``k`` largest entries along the last axis and their indices, sorted
(TensorFlow's ``TopKV2``); its gradient scatters the values' gradient back to their positions."""

from __future__ import annotations

import numpy as np

from engine.framework.execute import apply_op
from engine.framework.op_registry import register_op


def _top_k(x, k, sorted=True):  # noqa: A002 - TensorFlow's attribute name
    if k > x.shape[-1]:
        raise ValueError(f"top_k: k={k} is larger than the last axis of shape {x.shape}")
    # A stable sort of the negated values: ties keep the lower index first, as TensorFlow does.
    order = np.argsort(-x, axis=-1, kind="stable")[..., :k]
    return np.take_along_axis(x, order, axis=-1), order.astype(np.int32)


def _top_k_grad_kernel(x, indices, g):
    out = np.zeros(x.shape, dtype=g.dtype)
    np.put_along_axis(out, indices.astype(np.int64), g, axis=-1)
    return out


register_op("TopKV2", _top_k,
            lambda op, g, _: [apply_op("TopKV2Grad", [op.inputs[0], op.outputs[1], g])], num_outputs=2)
register_op("TopKV2Grad", _top_k_grad_kernel)


def top_k(input, k=1, sorted=True, name=None):  # noqa: A002
    """``(values, indices)`` of the ``k`` largest entries along the last axis."""
    return apply_op("TopKV2", [input], name=name, k=int(k), sorted=bool(sorted))
