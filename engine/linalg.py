"""``tf.linalg``: matrix products, inverses, determinants, diagonals and norms."""

from engine.ops.linalg_ops import (  # noqa: F401 - re-exported
    det,
    diag,
    diag_part,
    einsum,
    eye,
    inv,
    matrix_transpose,
    solve,
    trace,
)
from engine.ops.math_ops import matmul, tensordot  # noqa: F401
from engine.ops.reduction_ops import norm  # noqa: F401

adjoint = matrix_transpose  # real matrices: the adjoint is the transpose
transpose = matrix_transpose
