"""Linear algebra and the ops ``tf.linalg`` and ``tf.math`` add to the core: ``einsum``, matrix
inverse and determinant, diagonals, ``top_k``, variance and standard deviation. Each gradient is
written with engine ops, so it runs under a tape and in a graph alike."""

from __future__ import annotations

import collections
import string

import numpy as np

from engine.framework import dtypes
from engine.framework.execute import apply_op
from engine.framework.op_registry import register_op
from engine.framework.tensor import Tensor
from engine.ops import array_ops, math_ops, reduction_ops
from engine.ops.grad_util import unbroadcast


def _tensor(x):
    return x if isinstance(x, Tensor) else array_ops.convert(x)


# -- einsum --------------------------------------------------------------------------------------
def _explicit_equation(equation: str, ranks: list[int]) -> str:
    """``equation`` with spaces dropped, ``...`` spelt out as capital letters and the output
    written (numpy's implicit rule: the letters used once, in alphabetical order)."""
    equation = equation.replace(" ", "")
    lhs, arrow, out = equation.partition("->")
    operands = lhs.split(",")
    if len(operands) != len(ranks):
        raise ValueError(f"einsum equation {equation!r} names {len(operands)} operands, "
                         f"{len(ranks)} were given")
    if not arrow:
        counts = collections.Counter(c for term in operands for c in term if c.isalpha())
        out = ("..." if any("..." in t for t in operands) else "") + "".join(
            sorted(c for c, n in counts.items() if n == 1))
    if "..." in equation:
        if any(r is None for r in ranks):
            raise ValueError(f"einsum {equation!r}: '...' needs operands of known rank")
        ellipsis_rank = max(rank - len(term.replace("...", ""))
                            for term, rank in zip(operands, ranks, strict=True)
                            if "..." in term)
        spare = [c for c in string.ascii_uppercase if c not in equation][:ellipsis_rank]
        expanded = []
        for term, rank in zip(operands, ranks, strict=False):
            if "..." in term:
                k = rank - len(term.replace("...", ""))
                term = term.replace("...", "".join(spare[ellipsis_rank - k:]))
            expanded.append(term)
        operands, out = expanded, out.replace("...", "".join(spare))
    for term, rank in zip(operands, ranks, strict=False):
        if rank is not None and len(term) != rank:
            raise ValueError(f"einsum equation {equation!r}: subscripts {term!r} do not match an "
                             f"operand of rank {rank}")
    return ",".join(operands) + "->" + out


def _einsum(*arrays, equation):
    result = np.einsum(equation, *arrays, optimize=len(arrays) > 2)
    return np.asarray(result, dtype=np.result_type(*arrays))


def _einsum_grad(op, g):
    lhs, out = op.attrs["equation"].split("->")
    terms = lhs.split(",")
    grads = []
    for i, (term, x) in enumerate(zip(terms, op.inputs, strict=False)):
        if len(set(term)) != len(term):
            raise NotImplementedError(f"the gradient of einsum {op.attrs['equation']!r} with respect "
                                      f"to an operand with a repeated subscript ({term!r})")
        others = [(t, y) for j, (t, y) in enumerate(zip(terms, op.inputs, strict=False)) if j != i]
        available = set(out).union(*[set(t) for t, _ in others])
        kept = "".join(c for c in term if c in available)
        grad = einsum(",".join([out] + [t for t, _ in others]) + "->" + kept, g, *[y for _, y in others])
        for axis, c in enumerate(term):
            if c not in available:  # summed inside this operand alone: the gradient spreads over it
                grad = array_ops.expand_dims(grad, axis)
        if kept != term:
            grad = grad * array_ops.ones_like(x)
        grads.append(unbroadcast(grad, x))
    return grads


register_op("Einsum", _einsum, _einsum_grad)


def einsum(equation, *inputs, name=None, **unused):
    """``tf.einsum("ij,jk->ik", a, b)``: Einstein summation, ``...`` broadcasting included."""
    tensors = [_tensor(x) for x in inputs]
    ranks = [t.shape.rank for t in tensors]
    return apply_op("Einsum", tensors, name=name, equation=_explicit_equation(equation, ranks))


# -- inverse, determinant ------------------------------------------------------------------------
def _matrix_t(x):
    rank = x.shape.rank
    return array_ops.transpose(x, list(range(rank - 2)) + [rank - 1, rank - 2])


def _inverse_kernel(x, adjoint=False):
    if adjoint:
        x = np.swapaxes(x, -1, -2)
    try:
        return np.linalg.inv(x).astype(x.dtype)
    except np.linalg.LinAlgError:
        from engine.errors import InvalidArgumentError

        raise InvalidArgumentError(None, None, "Input is not invertible.") from None


def _inverse_grad(op, g):
    inv = op.outputs[0]
    if op.attrs["adjoint"]:  # y = inv(x^T): the transpose of the plain case's gradient
        return [-math_ops.matmul(math_ops.matmul(inv, g, transpose_b=True), inv)]
    return [-math_ops.matmul(math_ops.matmul(inv, g, transpose_a=True), inv, transpose_b=True)]


register_op("MatrixInverse", _inverse_kernel, _inverse_grad)


def inv(input, adjoint=False, name=None):  # noqa: A002 - TensorFlow's argument name
    """``tf.linalg.inv``: the inverse of each square matrix in the last two axes."""
    return apply_op("MatrixInverse", [_tensor(input)], name=name, adjoint=bool(adjoint))


def _det_kernel(x):
    return np.linalg.det(x).astype(x.dtype)


def _det_grad(op, g):
    x, det = op.inputs[0], op.outputs[0]
    scale = array_ops.expand_dims(array_ops.expand_dims(g * det, -1), -1)
    return [scale * inv(x, adjoint=True)]


register_op("MatrixDeterminant", _det_kernel, _det_grad)


def det(input, name=None):  # noqa: A002
    """``tf.linalg.det``: the determinant of each square matrix in the last two axes."""
    return apply_op("MatrixDeterminant", [_tensor(input)], name=name)


def solve(matrix, rhs, adjoint=False, name=None):
    """``tf.linalg.solve``: X with ``matrix @ X = rhs`` (through the inverse, differentiable)."""
    return math_ops.matmul(inv(matrix, adjoint=adjoint), rhs, name=name)


# -- diagonals -----------------------------------------------------------------------------------
def _diag_kernel(x):
    out = np.zeros(x.shape + x.shape[-1:], dtype=x.dtype)
    idx = np.arange(x.shape[-1])
    out[..., idx, idx] = x
    return out


def _diag_part_kernel(x):
    return np.array(np.diagonal(x, axis1=-2, axis2=-1), copy=True)


register_op("MatrixDiagV3", _diag_kernel, lambda op, g: [diag_part(g)])
register_op("MatrixDiagPartV3", _diag_part_kernel, lambda op, g: [_diag_like(g, op.inputs[0])])


def _diag_like(g, x):
    """``g`` (the diagonals) laid on the diagonals of a zero tensor shaped like ``x``."""
    return diag(g) if x.shape[-1] == x.shape[-2] else array_ops.pad(
        diag(g), _pad_to_rect(x))


def _pad_to_rect(x):
    rows, cols = x.shape[-2], x.shape[-1]
    n = min(rows, cols)
    return [[0, 0]] * (x.shape.rank - 2) + [[0, rows - n], [0, cols - n]]


def diag(diagonal, name=None, **unused):
    """``tf.linalg.diag``: a batch of diagonal matrices from a batch of diagonals."""
    return apply_op("MatrixDiagV3", [_tensor(diagonal)], name=name)


def diag_part(input, name=None, **unused):  # noqa: A002
    """``tf.linalg.diag_part``: the main diagonal of each matrix in the last two axes."""
    return apply_op("MatrixDiagPartV3", [_tensor(input)], name=name)


def trace(x, name=None):
    """``tf.linalg.trace``: the sum of each matrix's main diagonal."""
    return reduction_ops.reduce_sum(diag_part(x), axis=-1, name=name)


def eye(num_rows, num_columns=None, batch_shape=None, dtype=dtypes.float32, name=None):
    """``tf.eye``: an identity matrix (or a batch of them)."""
    dtype = dtypes.as_dtype(dtype)
    matrix = np.eye(int(num_rows), int(num_columns or num_rows), dtype=dtype.as_numpy_dtype)
    if batch_shape is not None:
        matrix = np.broadcast_to(matrix, tuple(int(d) for d in batch_shape) + matrix.shape).copy()
    return array_ops.constant(matrix, name=name or "eye")


def matrix_transpose(a, name="matrix_transpose", conjugate=False):
    """``tf.linalg.matrix_transpose``: swap the last two axes."""
    return _matrix_t(_tensor(a))


# -- top_k ---------------------------------------------------------------------------------------
TopKV2 = collections.namedtuple("TopKV2", ["values", "indices"])


def _top_k_kernel(x, k, sorted=True):  # noqa: A002 - TensorFlow's attribute name
    if k > x.shape[-1]:
        from engine.errors import InvalidArgumentError

        raise InvalidArgumentError(None, None, f"input must have at least k={k} columns; it has "
                                               f"{x.shape[-1]}")
    indices = np.argsort(-x, axis=-1, kind="stable")[..., :k]  # ties: the lower index first, as TF
    return np.take_along_axis(x, indices, axis=-1), indices.astype(np.int32)


def _top_k_grad(op, g_values, g_indices):
    x, indices = op.inputs[0], op.outputs[1]
    depth = x.shape[-1]
    spread = array_ops.one_hot(indices, depth, dtype=g_values.dtype)
    return [reduction_ops.reduce_sum(array_ops.expand_dims(g_values, -1) * spread, axis=-2)]


register_op("TopKV2", _top_k_kernel, _top_k_grad, num_outputs=2)


def top_k(input, k=1, sorted=True, name=None, **unused):  # noqa: A002
    """``tf.math.top_k``: the ``k`` largest values of the last axis and their indices."""
    x = _tensor(input)
    if x.shape[-1] is None:
        raise ValueError("top_k needs a known last dimension")
    values, indices = apply_op("TopKV2", [x], name=name, k=int(k), sorted=bool(sorted))
    return TopKV2(values, indices)


# -- moments -------------------------------------------------------------------------------------
def reduce_variance(input_tensor, axis=None, keepdims=False, name=None):
    """``tf.math.reduce_variance``: the population variance (divides by N, as TensorFlow)."""
    x = _tensor(input_tensor)
    mean = reduction_ops.reduce_mean(x, axis=axis, keepdims=True)
    return reduction_ops.reduce_mean(math_ops.square(x - mean), axis=axis, keepdims=keepdims, name=name)


def reduce_std(input_tensor, axis=None, keepdims=False, name=None):
    """``tf.math.reduce_std``: the square root of ``reduce_variance``."""
    return math_ops.sqrt(reduce_variance(input_tensor, axis=axis, keepdims=keepdims), name=name)
