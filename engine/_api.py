"""The names ``import engine as tf`` gives (``tf.constant``, ``tf.GradientTape``, ``tf.keras``...),
in one module that both ``engine`` and ``engine.compat.v1``/``v2`` import: so the compat
namespaces get every name without importing the ``engine`` package that contains them.
``engine/__init__.py`` adds ``compat`` itself."""

from engine import data, datasets, debugging, errors, io, linalg, math, nn, random, summary, train
from engine.compat.v1 import layers, losses, metrics  # TF1's tf.layers, tf.losses, tf.metrics
from engine.compat.v1.init_ops import (
    constant_initializer,
    glorot_normal_initializer,
    glorot_uniform_initializer,
    ones_initializer,
    random_normal_initializer,
    random_uniform_initializer,
    truncated_normal_initializer,
    variance_scaling_initializer,
    zeros_initializer,
)
from engine.compat.v1.losses import div_no_nan
from engine.compat.v1.state_ops import (
    GraphKeys,
    add_to_collection,
    add_to_collections,
    assign,
    assign_add,
    assign_sub,
    get_collection,
    get_collection_ref,
    local_variables,
    local_variables_initializer,
    model_variables,
    placeholder_with_default,
)
from engine.compat.v1.v2_behavior import disable_v2_behavior, enable_v2_behavior
from engine.compat.v1.variable_scope import (
    AUTO_REUSE,
    VariableScope,
    get_local_variable,
    get_variable,
    get_variable_scope,
    variable_scope,
)
from engine.framework.dtypes import (
    DType,
    as_dtype,
    bool_,
    double,
    float16,
    float32,
    float64,
    half,
    int8,
    int16,
    int32,
    int64,
    string,
    uint8,
    uint16,
    uint32,
    uint64,
)
from engine.framework.function import TensorSpec, function
from engine.framework.gradients import gradients
from engine.framework.graph import (
    Graph,
    Operation,
    control_dependencies,
    disable_eager_execution,
    enable_eager_execution,
    executing_eagerly,
    get_default_graph,
    name_scope,
    reset_default_graph,
)
from engine.framework.placeholder import placeholder
from engine.framework.session import InteractiveSession, Session, get_default_session
from engine.framework.tape import GradientTape
from engine.framework.tensor import Tensor, convert_to_tensor
from engine.framework.tensor_shape import TensorShape
from engine.framework.tensor_util import make_ndarray, make_tensor_proto
from engine.framework.variables import (
    Variable,
    global_variables,
    global_variables_initializer,
    initialize_all_variables,
    trainable_variables,
    variables_initializer,
)
from engine.module import Module
from engine.ops.array_ops import (
    broadcast_to,
    concat,
    constant,
    cumsum,
    expand_dims,
    fill,
    gather,
    identity,
    one_hot,
    ones,
    ones_like,
    pad,
    rank,
    reshape,
    shape,
    size,
    split,
    squeeze,
    stack,
    stop_gradient,
    strided_slice,
    tile,
    transpose,
    unstack,
    zeros,
    zeros_like,
)
from engine.ops.cond_ops import case, cond, switch_case
from engine.ops.control_ops import group, no_op
from engine.ops.linalg_ops import einsum, eye
from engine.ops.logging_ops import print_ as print  # noqa: A004 - TensorFlow's name
from engine.ops.math_ops import (
    abs,  # noqa: A004 - TensorFlow's name
    add,
    add_n,
    cast,
    clip_by_value,
    cos,
    divide,
    equal,
    exp,
    floor,
    greater,
    greater_equal,
    less,
    less_equal,
    log,
    log1p,
    logical_and,
    logical_not,
    logical_or,
    matmul,
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
    sqrt,
    square,
    subtract,
    tanh,
    tensordot,
    truediv,
    where,
)
from engine.ops.random_ops import random_normal, random_uniform, set_random_seed, truncated_normal
from engine.ops.reduction_ops import (
    argmax,
    argmin,
    norm,
    reduce_all,
    reduce_any,
    reduce_logsumexp,
    reduce_max,
    reduce_mean,
    reduce_min,
    reduce_prod,
    reduce_sum,
)
from engine.ops.script_ops import py_function
from engine.ops.sequence_ops import range  # noqa: A004
from engine.ops.while_ops import while_loop

float = float32  # noqa: A001 - np-style alias some TF1 code uses
bool = bool_  # noqa: A001
sub = subtract
mul = multiply
div = divide
neg = negative
__version__ = "0.1.0"

from engine import keras  # noqa: E402,F401,I001 - tf.keras; it builds on everything above
from engine import distribute  # noqa: E402,F401,I001 - tf.distribute (Ray only when a strategy is made)

__all__ = [
    "DType", "Graph", "GradientTape", "InteractiveSession", "Operation", "Session", "Tensor", "TensorShape",
    "TensorSpec",
    "Variable", "abs", "add", "add_n", "argmax", "argmin", "as_dtype", "bool_", "broadcast_to", "cast",
    "clip_by_value", "concat", "constant", "control_dependencies", "convert_to_tensor", "cos",
    "data", "datasets", "errors",
    "disable_eager_execution", "divide", "double", "enable_eager_execution", "equal", "executing_eagerly",
    "exp", "expand_dims", "fill", "float16", "float32", "float64", "floor", "function", "gather",
    "get_default_graph",
    "get_default_session", "global_variables", "global_variables_initializer", "gradients", "greater",
    "greater_equal", "group", "half", "identity", "initialize_all_variables", "int8", "int16", "int32",
    "int64", "less", "less_equal", "log", "log1p", "logical_and", "logical_not", "logical_or", "math",
    "matmul",
    "maximum", "minimum", "multiply", "name_scope", "negative", "nn", "no_op", "not_equal", "one_hot",
    "ones", "ones_like", "placeholder", "pow", "random", "random_normal", "random_uniform", "rank",
    "reciprocal", "reduce_max", "reduce_mean", "reduce_min", "reduce_prod", "reduce_sum",
    "reset_default_graph",
    "reshape", "round", "rsqrt", "set_random_seed", "shape", "sigmoid", "sign", "sin", "size", "split",
    "sqrt", "square", "squeeze", "stack", "stop_gradient", "string", "strided_slice", "subtract",
    "summary", "tanh", "tensordot", "tile", "train", "trainable_variables", "transpose", "truediv",
    "truncated_normal", "uint8", "uint16", "uint32", "uint64", "unstack", "variables_initializer", "where",
    "zeros", "zeros_like", "cumsum", "norm", "pad", "reduce_all", "reduce_any", "reduce_logsumexp",
    # TF1's variable sharing, state functions, collections and layers/losses/metrics modules
    "AUTO_REUSE", "GraphKeys", "VariableScope", "add_to_collection", "add_to_collections", "assign",
    "assign_add", "assign_sub", "constant_initializer", "disable_v2_behavior", "div_no_nan",
    "enable_v2_behavior", "get_collection", "get_collection_ref", "get_local_variable", "get_variable",
    "get_variable_scope", "glorot_normal_initializer", "glorot_uniform_initializer", "layers",
    "local_variables", "local_variables_initializer", "losses", "make_ndarray", "make_tensor_proto",
    "metrics", "model_variables", "ones_initializer", "placeholder_with_default",
    "random_normal_initializer", "random_uniform_initializer", "truncated_normal_initializer",
    "variable_scope", "variance_scaling_initializer", "zeros_initializer",
    "Module", "debugging", "einsum", "eye", "io", "linalg",
    "case", "cond", "switch_case", "while_loop", "print", "py_function", "range",
]

