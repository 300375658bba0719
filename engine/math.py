"""``tf.math``: the element-wise, reduction and comparison ops under their TF2 namespace."""

from engine.ops.array_ops import cumsum  # noqa: F401
from engine.ops.linalg_ops import reduce_std, reduce_variance, top_k  # noqa: F401
from engine.ops.math_ops import (  # noqa: F401 - re-exported
    abs,  # noqa: A004
    add,
    add_n,
    cos,
    divide,
    equal,
    exp,
    floor,
    floordiv,
    floormod,
    greater,
    greater_equal,
    less,
    less_equal,
    log,
    log1p,
    logical_and,
    logical_not,
    logical_or,
    maximum,
    minimum,
    multiply,
    negative,
    not_equal,
    pow,  # noqa: A004
    reciprocal,
    round,  # noqa: A004
    rsqrt,
    sigmoid,
    sign,
    sin,
    softplus,
    sqrt,
    square,
    subtract,
    tanh,
    truediv,
)
from engine.ops.reduction_ops import (  # noqa: F401
    argmax,
    argmin,
    reduce_all,
    reduce_any,
    reduce_logsumexp,
    reduce_max,
    reduce_mean,
    reduce_min,
    reduce_prod,
    reduce_sum,
)
