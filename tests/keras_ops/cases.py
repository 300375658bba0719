"""The ``keras.ops`` cases both sides run: (id, op name, arguments, keyword arguments, the
positions of the float arguments whose gradient is compared; empty: not differentiable)."""

from __future__ import annotations

import numpy as np

R = np.random.default_rng(11)


def f32(*shape, low=-2.0, high=2.0):
    return R.uniform(low, high, size=shape).astype("float32")


def positive(*shape):
    return R.uniform(0.3, 2.0, size=shape).astype("float32")


def distinct(*shape):
    n = int(np.prod(shape))
    return ((R.permutation(n) - n / 2) * 0.1).reshape(shape).astype("float32")


def probs(*shape):
    return R.dirichlet(np.ones(shape[-1]), shape[:-1]).astype("float32")


A, B, V = f32(3, 4), f32(3, 4), f32(4)
INTS = np.array([[1, -2, 3], [4, 0, -6]], dtype="int32")
ONE_HOT = np.eye(4, dtype="float32")[[0, 3, 1]]

CASES = [
    # arithmetic and promotion
    ("add", "add", [A, B], {}, [0, 1]),
    ("add_broadcast", "add", [A, V], {}, [0, 1]),
    ("add_python_float", "add", [A, 1.5], {}, [0]),
    ("add_int_float", "add", [INTS, 1.5], {}, []),
    ("add_f32_f64", "add", [A, np.ones(4)], {}, []),
    ("subtract", "subtract", [A, B], {}, [0, 1]),
    ("multiply", "multiply", [A, V], {}, [0, 1]),
    ("multiply_int_scalar", "multiply", [INTS, 2], {}, []),
    ("divide", "divide", [A, positive(3, 4)], {}, [0, 1]),
    ("divide_ints", "divide", [INTS, 4], {}, []),
    ("power", "power", [positive(3, 4), f32(3, 4)], {}, [0, 1]),
    ("power_int", "power", [INTS, 2], {}, []),
    ("square", "square", [A], {}, [0]),
    ("square_int", "square", [INTS], {}, []),
    ("sqrt", "sqrt", [positive(2, 3)], {}, [0]),
    ("sqrt_int", "sqrt", [np.array([1, 4, 9], "int32")], {}, []),
    ("exp", "exp", [A], {}, [0]),
    ("log", "log", [positive(3, 2)], {}, [0]),
    ("abs", "abs", [distinct(3, 4)], {}, [0]),
    ("sign", "sign", [distinct(2, 3)], {}, []),
    ("negative", "negative", [A], {}, [0]),
    ("maximum", "maximum", [distinct(3, 4), distinct(3, 4).T.reshape(3, 4) + 0.05], {}, [0, 1]),
    ("minimum", "minimum", [distinct(3, 4), 0.05], {}, [0]),
    ("clip", "clip", [A, -0.5, 0.7], {}, [0]),
    ("clip_int", "clip", [INTS, 0, 3], {}, []),
    ("matmul", "matmul", [A, f32(4, 2)], {}, [0, 1]),
    ("matmul_batch", "matmul", [f32(2, 3, 4), f32(4, 5)], {}, [0, 1]),
    ("matmul_vector", "matmul", [A, V], {}, [0, 1]),
    ("tanh", "tanh", [A], {}, [0]),
    # reductions
    ("mean", "mean", [A], {}, [0]),
    ("mean_axis", "mean", [A], {"axis": -1}, [0]),
    ("mean_keepdims", "mean", [f32(2, 3, 4)], {"axis": (0, 2), "keepdims": True}, [0]),
    ("mean_int", "mean", [INTS], {}, []),
    ("sum", "sum", [A], {"axis": 0}, [0]),
    ("sum_bool", "sum", [np.array([True, False, True])], {}, []),
    ("max", "max", [distinct(3, 4)], {"axis": 1}, [0]),
    ("min", "min", [distinct(3, 4)], {}, [0]),
    ("argmax", "argmax", [distinct(3, 4)], {"axis": 1}, []),
    ("argmax_flat", "argmax", [distinct(3, 4)], {}, []),
    ("argmin", "argmin", [distinct(3, 4)], {"axis": 0}, []),
    ("norm", "norm", [A], {}, [0]),
    ("norm_axis", "norm", [A], {"axis": -1, "keepdims": True}, [0]),
    ("norm_l1", "norm", [distinct(3, 4)], {"ord": 1, "axis": 1}, [0]),
    ("norm_int", "norm", [np.array([3, 4], "int32")], {}, []),
    ("logsumexp", "logsumexp", [A], {"axis": -1}, [0]),
    ("var", "var", [A], {"axis": 0}, [0]),
    ("std", "std", [A], {}, [0]),
    ("any", "any", [np.array([[0, 1], [0, 0]])], {"axis": 1}, []),
    ("all", "all", [np.array([[1, 1], [0, 1]])], {"axis": 1}, []),
    # shapes and creation
    ("reshape", "reshape", [A], {"newshape": (2, -1)}, [0]),
    ("transpose", "transpose", [f32(2, 3, 4)], {"axes": (2, 0, 1)}, [0]),
    ("transpose_default", "transpose", [A], {}, [0]),
    ("expand_dims", "expand_dims", [A], {"axis": 1}, [0]),
    ("expand_dims_negative", "expand_dims", [A], {"axis": -1}, [0]),
    ("squeeze", "squeeze", [f32(3, 1, 4)], {"axis": 1}, [0]),
    ("squeeze_all", "squeeze", [f32(1, 3, 1)], {}, [0]),
    ("concatenate", "concatenate", [[A, B]], {"axis": 1}, []),
    ("stack", "stack", [[A, B]], {"axis": 1}, []),
    ("take", "take", [A, np.array([2, 0, 2])], {"axis": 1}, [0]),
    ("take_flat", "take", [A, np.array([0, 5, 11])], {}, [0]),
    ("cast", "cast", [A, "int32"], {}, []),
    ("cast_float", "cast", [INTS, "float32"], {}, []),
    ("convert_to_tensor_float", "convert_to_tensor", [1.5], {}, []),
    ("convert_to_tensor_int", "convert_to_tensor", [[1, 2]], {}, []),
    ("convert_to_tensor_f64", "convert_to_tensor", [np.ones(2)], {}, []),
    ("convert_to_tensor_dtype", "convert_to_tensor", [[1, 2]], {"dtype": "float32"}, []),
    ("ones", "ones", [(2, 3)], {}, []),
    ("zeros_int", "zeros", [(2,)], {"dtype": "int32"}, []),
    ("ones_like", "ones_like", [INTS], {}, []),
    ("zeros_like", "zeros_like", [A], {"dtype": "float64"}, []),
    ("full", "full", [(2, 2), 3.0], {}, []),
    ("arange", "arange", [5], {}, []),
    ("tile", "tile", [V, (2, 1)], {}, [0]),
    ("repeat", "repeat", [A, 2], {"axis": 0}, [0]),
    ("split", "split", [f32(4, 6), 3], {"axis": 1}, []),
    # selection and logic
    ("where", "where", [A > 0, A, B], {}, [1, 2]),
    ("where_scalars", "where", [np.array([True, False]), 1, 0.5], {}, []),
    ("equal", "equal", [INTS, np.array([1, 0, 3], "int32")], {}, []),
    ("not_equal", "not_equal", [A, 0.0], {}, []),
    ("greater", "greater", [A, B], {}, []),
    ("greater_equal", "greater_equal", [INTS, 0], {}, []),
    ("less", "less", [A, 0.5], {}, []),
    ("less_equal", "less_equal", [A, B], {}, []),
    ("logical_and", "logical_and", [np.array([1, 0, 1]), np.array([1, 1, 0])], {}, []),
    ("logical_or", "logical_or", [np.array([True, False]), np.array([False, False])], {}, []),
    ("logical_not", "logical_not", [np.array([True, False])], {}, []),
    ("logical_xor", "logical_xor", [np.array([True, False]), np.array([True, True])], {}, []),
    # nn
    ("relu", "relu", [distinct(3, 4)], {}, [0]),
    ("relu6", "relu6", [distinct(3, 4) * 3], {}, [0]),
    ("sigmoid", "sigmoid", [A], {}, [0]),
    ("softmax", "softmax", [A], {}, [0]),
    ("softmax_axis0", "softmax", [A], {"axis": 0}, [0]),
    ("log_softmax", "log_softmax", [A], {}, [0]),
    ("elu", "elu", [distinct(3, 4)], {}, [0]),
    ("leaky_relu", "leaky_relu", [distinct(3, 4)], {"negative_slope": 0.1}, [0]),
    ("silu", "silu", [A], {}, [0]),
    ("gelu", "gelu", [A], {}, [0]),
    ("gelu_exact", "gelu", [A], {"approximate": False}, [0]),
    ("softplus", "softplus", [A], {}, [0]),
    ("one_hot", "one_hot", [np.array([0, 2, 1]), 3], {}, []),
    ("one_hot_axis0", "one_hot", [np.array([0, 2]), 3], {"axis": 0}, []),
    ("top_k", "top_k", [distinct(3, 5), 2], {}, [0]),
    ("binary_crossentropy", "binary_crossentropy",
     [np.array([[1.0, 0.0, 1.0]], "float32"), R.uniform(0.05, 0.95, (1, 3)).astype("float32")], {}, [1]),
    ("binary_crossentropy_logits", "binary_crossentropy", [ONE_HOT, f32(3, 4)], {"from_logits": True},
     [0, 1]),
    ("categorical_crossentropy", "categorical_crossentropy", [ONE_HOT, probs(3, 4)], {}, [1]),
    ("categorical_crossentropy_logits", "categorical_crossentropy", [ONE_HOT, f32(3, 4)],
     {"from_logits": True}, [1]),
    ("sparse_categorical_crossentropy", "sparse_categorical_crossentropy",
     [np.array([0, 3, 1]), probs(3, 4)], {}, [1]),
    ("sparse_categorical_crossentropy_logits", "sparse_categorical_crossentropy",
     [np.array([[0], [3], [1]]), f32(3, 4)], {"from_logits": True}, [1]),
]
