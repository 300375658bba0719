"""``keras.ops``: Keras 3's op namespace, the one its guides' custom layers and losses call
(``keras.ops.matmul(inputs, self.w)``). Each op runs on the engine's differentiable ops, so a
``GradientTape`` sees through it; works on eager tensors, variables, numpy arrays and Python
values, inside a TF1 graph, and on a functional model's ``KerasTensor``\\ s (the call becomes a
node of the model, ``core.OpLayer``), where ``+``, ``*``, ``[]``... work as well.

Modules: ``core`` (dtype rules, conversion, symbolic dispatch, cast/shape/cond), ``numpy_math``
(element-wise math, comparisons, reductions), ``numpy_array`` (creation, shapes, take), ``nn``
(activations, one_hot, top_k, the cross-entropies); ``keras_tensor`` gives KerasTensors their
operators.
"""

from engine.keras.ops import keras_tensor
from engine.keras.ops.core import (
    cast,
    cond,
    convert_to_numpy,
    convert_to_tensor,
    dtype,
    is_tensor,
    shape,
    stop_gradient,
)
from engine.keras.ops.nn import (
    binary_crossentropy,
    categorical_crossentropy,
    elu,
    gelu,
    hard_sigmoid,
    in_top_k,
    leaky_relu,
    log_softmax,
    one_hot,
    relu,
    relu6,
    sigmoid,
    silu,
    softmax,
    softplus,
    softsign,
    sparse_categorical_crossentropy,
    swish,
    top_k,
)
from engine.keras.ops.numpy_array import (
    arange,
    broadcast_to,
    concatenate,
    expand_dims,
    eye,
    flatten,
    full,
    full_like,
    get_item,
    identity,
    ndim,
    ones,
    ones_like,
    pad,
    ravel,
    repeat,
    reshape,
    size,
    split,
    squeeze,
    stack,
    take,
    tile,
    transpose,
    unstack,
    zeros,
    zeros_like,
)
from engine.keras.ops.numpy_math import (
    abs,  # noqa: A004 - Keras's names
    absolute,
    add,
    all,  # noqa: A004
    amax,
    amin,
    any,  # noqa: A004
    argmax,
    argmin,
    clip,
    cos,
    cumsum,
    divide,
    dot,
    equal,
    exp,
    floor,
    floor_divide,
    greater,
    greater_equal,
    less,
    less_equal,
    log,
    log1p,
    logical_and,
    logical_not,
    logical_or,
    logical_xor,
    logsumexp,
    matmul,
    max,  # noqa: A004
    maximum,
    mean,
    min,  # noqa: A004
    minimum,
    mod,
    multiply,
    negative,
    nonzero,
    norm,
    not_equal,
    power,
    prod,
    reciprocal,
    round,  # noqa: A004
    rsqrt,
    sign,
    sin,
    sqrt,
    square,
    std,
    subtract,
    sum,  # noqa: A004
    tanh,
    true_divide,
    var,
    where,
)

keras_tensor.install()

__all__ = [
    "abs", "absolute", "add", "all", "amax", "amin", "any", "arange", "argmax", "argmin",
    "binary_crossentropy", "broadcast_to", "cast", "categorical_crossentropy", "clip",
    "concatenate", "cond", "convert_to_numpy", "convert_to_tensor", "cos", "cumsum", "divide",
    "dot", "dtype", "elu", "equal", "exp", "expand_dims", "eye", "flatten", "floor", "floor_divide",
    "full", "full_like", "gelu", "get_item", "greater", "greater_equal", "hard_sigmoid", "identity",
    "in_top_k", "is_tensor", "leaky_relu", "less", "less_equal", "log", "log1p", "log_softmax",
    "logical_and", "logical_not", "logical_or", "logical_xor", "logsumexp", "matmul", "max",
    "maximum", "mean", "min", "minimum", "mod", "multiply", "ndim", "negative", "nonzero", "norm",
    "not_equal", "one_hot", "ones", "ones_like", "pad", "power", "prod", "ravel", "reciprocal",
    "relu", "relu6", "repeat", "reshape", "round", "rsqrt", "shape", "sigmoid", "sign", "silu",
    "sin", "size", "softmax", "softplus", "softsign", "sparse_categorical_crossentropy", "split",
    "sqrt", "square", "squeeze", "stack", "std", "stop_gradient", "subtract", "sum", "swish",
    "take", "tanh", "tile", "top_k", "transpose", "true_divide", "unstack", "var", "where", "zeros",
    "zeros_like"
]
