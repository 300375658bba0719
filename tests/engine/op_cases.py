"""One gradient case per differentiable op (several where broadcasting matters): (id, function of
float64 tensors, input arrays, options for check_gradients)."""

from __future__ import annotations

import numpy as np

import engine as tf
from engine.framework.execute import apply_op

R = np.random.default_rng(7)


def rand(*shape, low=-1.0, high=1.0):
    return R.uniform(low, high, size=shape)


def away_from_zero(*shape):
    return R.uniform(0.2, 1.0, size=shape) * R.choice([-1.0, 1.0], size=shape)


def distinct(*shape):
    # Distinct values at least 0.05 apart, so max/min/sort-like ops have no near-ties.
    n = int(np.prod(shape))
    return (R.permutation(n) * 0.1 - n * 0.05).reshape(shape)


def positive(*shape):
    return R.uniform(0.5, 2.0, size=shape)


IDX = np.array([2, 0, 2, 1])
RELU_FEATURES = away_from_zero(3, 4)
LABELS = np.array([1, 0, 3])
NO_BATCH = {"batch_none": False}

CASES = [
    ("add", lambda x, y: x + y, [rand(3, 4), rand(3, 4)], {}),
    ("add_broadcast_row", lambda x, y: x + y, [rand(3, 4), rand(4)], {}),
    ("add_broadcast_both", lambda x, y: tf.add(x, y), [rand(3, 1), rand(1, 4)], NO_BATCH),
    ("sub_broadcast", lambda x, y: x - y, [rand(2, 3, 4), rand(3, 1)], {}),
    ("mul_broadcast", lambda x, y: x * y, [rand(2, 3), rand(3)], {}),
    ("mul_scalar", lambda x: x * 3.0, [rand(2, 3)], {}),
    ("div_broadcast", lambda x, y: x / y, [rand(2, 3), positive(3)], {}),
    ("rdiv_python", lambda x: 2.0 / x, [positive(4)], {}),
    ("pow", lambda x, y: tf.pow(x, y), [positive(3, 2), rand(3, 2)], {}),
    ("pow_operator", lambda x: x ** 3, [rand(4)], {}),
    ("neg", lambda x: -x, [rand(3)], {}),
    ("square", tf.square, [rand(2, 3)], {}),
    ("sqrt", tf.sqrt, [positive(2, 3)], {}),
    ("rsqrt", tf.rsqrt, [positive(4)], {}),
    ("exp", tf.exp, [rand(2, 3)], {}),
    ("log", tf.log, [positive(2, 3)], {}),
    ("log1p", tf.log1p, [positive(3)], {}),
    ("abs", tf.abs, [away_from_zero(2, 3)], {}),
    ("reciprocal", tf.reciprocal, [positive(3)], {}),
    ("sin", tf.sin, [rand(3)], {}),
    ("cos", tf.cos, [rand(3)], {}),
    ("maximum_broadcast", tf.maximum, [distinct(3, 4), distinct(4) + 0.025], {}),
    ("minimum", tf.minimum, [distinct(3, 2), distinct(3, 2).T.reshape(3, 2) + 0.025], {}),
    ("add_n", lambda x, y: tf.add_n([x, y, x]), [rand(2, 2), rand(2, 2)], {}),
    ("where", lambda x, y: tf.where(np.array([[True, False, True]]), x, y), [rand(2, 3), rand(2, 3)], {}),
    ("clip_by_value", lambda x: tf.clip_by_value(x, -0.5, 0.5),
     [np.array([[-0.9, -0.3, 0.1], [0.4, 0.8, -0.7]])], {}),
    ("clip_by_value_tensor_bounds", lambda x, lo, hi: tf.clip_by_value(x, lo, hi),
     [np.array([-0.9, -0.3, 0.1, 0.8]), np.array([-0.5, -0.5, -0.5, -0.5]), np.array([0.5, 0.5, 0.5, 0.5])],
     {}),
    ("cast_float32_roundtrip", lambda x: tf.cast(tf.cast(x, tf.float32), tf.float64) * x,
     [rand(3)], {"eps": 1e-3, "rtol": 1e-3, "atol": 1e-3}),
    ("matmul", tf.matmul, [rand(3, 4), rand(4, 2)], {}),
    ("matmul_transpose_a", lambda a, b: tf.matmul(a, b, transpose_a=True),
     [rand(4, 3), rand(4, 2)], NO_BATCH),
    ("matmul_transpose_b", lambda a, b: tf.matmul(a, b, transpose_b=True),
     [rand(3, 4), rand(2, 4)], NO_BATCH),
    ("matmul_transpose_both", lambda a, b: tf.matmul(a, b, transpose_a=True, transpose_b=True),
     [rand(4, 3), rand(2, 4)], NO_BATCH),
    ("matmul_batch_broadcast", tf.matmul, [rand(2, 3, 4), rand(4, 2)], {}),
    ("operator_matmul", lambda a, b: a @ b, [rand(2, 3), rand(3, 2)], {}),
    ("tensordot_vectors", lambda a, b: tf.tensordot(a, b, 1), [rand(3), rand(3)], NO_BATCH),
    ("tensordot_axes", lambda a, b: tf.tensordot(a, b, [[1, 2], [0, 1]]), [rand(2, 3, 4), rand(3, 4, 2)], {}),
    ("reduce_sum_all", tf.reduce_sum, [rand(2, 3)], {}),
    ("reduce_sum_axis", lambda x: tf.reduce_sum(x, axis=1), [rand(2, 3, 2)], {}),
    ("reduce_sum_keepdims", lambda x: tf.reduce_sum(x, axis=[0, 2], keepdims=True), [rand(2, 3, 2)], {}),
    ("reduce_sum_reduction_indices", lambda x: tf.reduce_sum(x, reduction_indices=[1]), [rand(3, 4)], {}),
    ("reduce_mean", lambda x: tf.reduce_mean(x, axis=0), [rand(4, 3)], {}),
    ("reduce_mean_all", tf.reduce_mean, [rand(4, 3)], {}),
    ("reduce_max", lambda x: tf.reduce_max(x, axis=1), [distinct(3, 4)], {}),
    ("reduce_min_keepdims", lambda x: tf.reduce_min(x, axis=0, keepdims=True), [distinct(3, 4)], {}),
    ("reduce_prod", lambda x: tf.reduce_prod(x, axis=1), [positive(3, 3)], {}),
    ("reshape", lambda x: tf.reshape(x, [3, -1]) * np.arange(4.0), [rand(2, 6)], NO_BATCH),
    ("transpose", lambda x: tf.transpose(x, [2, 0, 1]), [rand(2, 3, 4)], {}),
    ("transpose_default", tf.transpose, [rand(2, 3)], {}),
    ("concat", lambda x, y: tf.concat([x, y, x], axis=1), [rand(2, 3), rand(2, 2)], {}),
    ("concat_axis0", lambda x, y: tf.concat([x, y], axis=0), [rand(2, 3), rand(1, 3)], {}),
    ("stack", lambda x, y: tf.stack([x, y], axis=1), [rand(2, 3), rand(2, 3)], {}),
    ("unstack", lambda x: tf.unstack(x, axis=1)[2] * tf.unstack(x, axis=1)[0], [rand(2, 3)], {}),
    ("split_even", lambda x: tf.split(x, 2, axis=1)[1] * 2.0, [rand(3, 4)], {}),
    ("split_sizes", lambda x: tf.concat(tf.split(x, [1, 3], axis=1)[::-1], axis=1), [rand(2, 4)], {}),
    ("squeeze", lambda x: tf.squeeze(x, axis=1), [rand(3, 1, 2)], {}),
    ("expand_dims", lambda x: tf.expand_dims(x, 1) * np.ones((1, 2, 1)), [rand(3, 2)], {}),
    ("broadcast_to", lambda x: tf.broadcast_to(x, [3, 2, 4]), [rand(2, 1)], NO_BATCH),
    ("tile", lambda x: tf.tile(x, [2, 3]), [rand(2, 2)], NO_BATCH),
    ("gather", lambda p: tf.gather(p, IDX), [rand(3, 2)], {}),
    ("gather_axis1", lambda p: tf.gather(p, IDX, axis=1), [rand(2, 3)], {}),
    ("identity", tf.identity, [rand(3)], {}),
    ("slice_basic", lambda x: x[1:, ::2], [rand(3, 4)], {}),
    ("slice_int_newaxis", lambda x: x[:, 1][None] * x[:, 2][None], [rand(3, 4)], {}),
    ("slice_fancy_repeat", lambda x: x[np.array([0, 2, 0])], [rand(3, 2)], {}),
    ("sigmoid", tf.sigmoid, [rand(2, 3, low=-4, high=4)], {}),
    ("tanh", tf.tanh, [rand(2, 3)], {}),
    ("softplus", tf.nn.softplus, [rand(5)], {}),
    ("relu", tf.nn.relu, [away_from_zero(3, 4)], {}),
    ("leaky_relu", tf.nn.leaky_relu, [away_from_zero(3, 4)], {}),
    ("elu", tf.nn.elu, [away_from_zero(3, 4)], {}),
    ("softmax", tf.nn.softmax, [rand(3, 4)], {}),
    ("softmax_axis0", lambda x: tf.nn.softmax(x, axis=0), [rand(3, 4)], {}),
    ("log_softmax", tf.nn.log_softmax, [rand(3, 4)], {}),
    ("softmax_xent_both", lambda labels, logits: tf.nn.softmax_cross_entropy_with_logits(
        labels=labels, logits=logits), [tf.nn.softmax(rand(3, 4)).numpy(), rand(3, 4)], {}),
    ("sparse_softmax_xent", lambda logits: tf.nn.sparse_softmax_cross_entropy_with_logits(
        labels=LABELS, logits=logits), [rand(3, 4)], {}),
    ("sigmoid_xent", lambda labels, logits: tf.nn.sigmoid_cross_entropy_with_logits(
        labels=labels, logits=logits), [R.uniform(0, 1, (3, 2)), rand(3, 2, low=-3, high=3)], {}),
    ("bias_add", tf.nn.bias_add, [rand(2, 3), rand(3)], {}),
    ("l2_loss", tf.nn.l2_loss, [rand(3, 2)], {}),
    ("conv2d_valid", lambda x, f: tf.nn.conv2d(x, f, strides=1, padding="VALID"),
     [rand(2, 5, 5, 2), rand(3, 3, 2, 3)], {}),
    ("conv2d_same_strided", lambda x, f: tf.nn.conv2d(x, f, strides=[1, 2, 2, 1], padding="SAME"),
     [rand(1, 6, 5, 2), rand(3, 2, 2, 2)], {}),
    ("max_pool_valid", lambda x: tf.nn.max_pool2d(x, 2, 2, "VALID"), [distinct(2, 4, 4, 2)], {}),
    ("max_pool_same", lambda x: tf.nn.max_pool2d(x, 3, 2, "SAME"), [distinct(1, 5, 5, 1)], {}),
    ("avg_pool_same", lambda x: tf.nn.avg_pool2d(x, 3, 2, "SAME"), [rand(2, 5, 4, 2)], {}),
    ("avg_pool_valid", lambda x: tf.nn.avg_pool2d(x, 2, 2, "VALID"), [rand(1, 4, 4, 3)], {}),
    ("pad", lambda x: tf.pad(x, [[1, 0], [2, 1]]) * np.arange(6.0), [rand(2, 3)], NO_BATCH),
    ("cumsum", lambda x: tf.cumsum(x, axis=1), [rand(2, 4)], {}),
    ("cumsum_exclusive_reverse", lambda x: tf.cumsum(x, exclusive=True, reverse=True),
     [rand(4, 2)], NO_BATCH),
    ("reduce_logsumexp", lambda x: tf.reduce_logsumexp(x, axis=1), [rand(3, 4, low=-30, high=30)], {}),
    ("norm", lambda x: tf.norm(x, axis=1), [rand(3, 4)], {}),
    ("batch_normalization", lambda x, m, v, o, s: tf.nn.batch_normalization(x, m, v, o, s, 1e-3),
     [rand(4, 3), rand(3), positive(3), rand(3), rand(3)], {}),
    ("embedding_lookup", lambda p: tf.nn.embedding_lookup(p, np.array([[0, 2], [2, 2]])), [rand(3, 4)], {}),
    # The gradient ops are ops too: their own gradients (second order) are checked the same way.
    ("sum_like", lambda g: apply_op("SumLike", [g, np.zeros((3, 1))]), [rand(2, 3, 4)], NO_BATCH),
    ("broadcast_like", lambda g: apply_op("BroadcastLike", [g, np.zeros((2, 3))], axis=(1,), keepdims=False),
     [rand(2)], NO_BATCH),
    ("gather_grad", lambda g: apply_op("GatherGrad", [np.zeros((3, 2)), IDX, g], axis=0), [rand(4, 2)],
     NO_BATCH),
    ("strided_slice_grad", lambda g: apply_op("StridedSliceGrad", [np.zeros((3, 4)), g],
                                              key=(slice(1, None), slice(None, None, 2))), [rand(2, 2)],
     NO_BATCH),
    ("tile_grad", lambda g: apply_op("TileGrad", [np.zeros((2, 2)), g], multiples=(2, 3)), [rand(4, 6)],
     NO_BATCH),
    ("split_like", lambda g: apply_op("SplitLike", [g, np.zeros((2, 1)), np.zeros((2, 3))], axis=1)[1],
     [rand(2, 4)], NO_BATCH),
    ("relu_grad", lambda g: apply_op("ReluGrad", [g, RELU_FEATURES]), [rand(3, 4)], NO_BATCH),
    ("conv2d_backprop_input", lambda f, g: tf.nn.conv2d_backprop_input(
        np.array([1, 5, 5, 2], np.int32), f, g, 1, "VALID"), [rand(3, 3, 2, 2), rand(1, 3, 3, 2)], NO_BATCH),
    ("conv2d_backprop_filter", lambda x, g: tf.nn.conv2d_backprop_filter(
        x, np.array([2, 2, 1, 2], np.int32), g, 2, "SAME"), [rand(1, 4, 4, 1), rand(1, 2, 2, 2)], NO_BATCH),
    ("avg_pool_grad", lambda g: apply_op("AvgPoolGrad", [np.array([1, 4, 4, 1], np.int32), g],
                                         ksize=(1, 2, 2, 1), strides=(1, 2, 2, 1), padding="VALID"),
     [rand(1, 2, 2, 1)], NO_BATCH),
    # Control flow (tests/engine/test_control_flow.py compares them with TensorFlow too).
    ("cond", lambda x, y: tf.cond(tf.reduce_sum(x) > -100.0, lambda: tf.sin(x) * y, lambda: x + y),
     [rand(2, 3), rand(2, 3)], {}),
    ("switch_case", lambda x, y: tf.switch_case(tf.constant(1), [lambda: x + y, lambda: x * y * y]),
     [rand(2, 3), rand(2, 3)], NO_BATCH),
    ("while_loop", lambda x, w: tf.while_loop(lambda i, h: i < 3, lambda i, h: (i + 1, tf.tanh(h * w)),
                                              (0, x))[1], [rand(2, 3), rand(2, 3)], {}),
]

# tf.linalg and tf.math.top_k (engine/ops/linalg_ops.py). Matrices near the identity stay well
# conditioned, so the finite differences of inv and det are accurate.
WELL_CONDITIONED = np.eye(3) + 0.3 * rand(3, 3)
CASES += [
    ("einsum_matmul", lambda a, b: tf.einsum("ij,jk->ik", a, b), [rand(2, 3), rand(3, 4)], {}),
    ("einsum_batch_ellipsis", lambda a, b: tf.einsum("...ij,...jk->...ik", a, b),
     [rand(2, 2, 3), rand(2, 3, 2)], NO_BATCH),
    ("einsum_summed_alone", lambda a, b: tf.einsum("ij,k->i", a, b), [rand(2, 3), rand(4)], NO_BATCH),
    ("einsum_implicit_output", lambda a: tf.einsum("ij", a), [rand(2, 3)], {}),
    ("einsum_three_operands", lambda a, b, c: tf.einsum("ij,jk,k->i", a, b, c),
     [rand(2, 3), rand(3, 2), rand(2)], NO_BATCH),
    ("matrix_inverse", tf.linalg.inv, [WELL_CONDITIONED], NO_BATCH),
    ("matrix_inverse_adjoint", lambda x: tf.linalg.inv(x, adjoint=True), [WELL_CONDITIONED], NO_BATCH),
    ("matrix_determinant_batch", tf.linalg.det, [np.stack([WELL_CONDITIONED, WELL_CONDITIONED.T])], {}),
    ("matrix_diag", tf.linalg.diag, [rand(2, 3)], {}),
    ("matrix_diag_part", tf.linalg.diag_part, [rand(2, 3, 3)], {}),
    ("top_k_values", lambda x: tf.math.top_k(x, k=2).values, [distinct(3, 4)], {}),
]

# The fused Keras kernels (one op per Dense layer, embedding lookup, activation or whole recurrent
# sequence), called by op type so the cases do not depend on which module defines them. Masks,
# ids and dropout masks are constants; every float input the op differentiates is checked.
B, T, D, U = 2, 3, 2, 2
SEQ_MASK = np.array([[1.0, 1.0, 1.0], [1.0, 1.0, 0.0]])  # the second sequence has a padded last step
REC_MASK = np.array([[2.0, 0.0], [2.0, 2.0]])  # recurrent dropout at rate 0.5: kept units scaled by 2
ALL_ONES_MASK, NO_DROPOUT = np.ones((B, T)), np.ones((B, U))
DENSE_X = np.array([[0.6, -0.4, 0.9], [-0.7, 0.5, 0.3]])
DENSE_B = np.array([0.35, -0.45])  # with DENSE_K: every pre-activation at least 0.1 from relu's kink
DENSE_K = np.array([[0.5, 0.2], [-0.3, 0.8], [0.4, -0.6]])


def _seq_out(hseq, *finals):
    """All of a recurrent op's outputs as one (B, n) tensor."""
    return tf.concat([tf.reshape(hseq, [B, -1]), *finals], axis=1)


def _rnn(op_type, n_finals, mask, rec_mask, **attrs):
    def fn(x, *states_and_weights):
        outs = apply_op(op_type, [x, *states_and_weights, mask, rec_mask], **attrs)
        return _seq_out(*outs[:1 + n_finals])
    return fn


CASES += [
    ("keras_dense_linear", lambda x, k, b: apply_op("KerasDense", [x, k, b], activation="linear",
                                                    input_grad=True), [rand(4, 3), rand(3, 2), rand(2)], {}),
    ("keras_dense_relu", lambda x, k, b: apply_op("KerasDense", [x, k, b], activation="relu",
                                                  input_grad=True),
     [DENSE_X, DENSE_K, DENSE_B], NO_BATCH),
    ("keras_dense_no_input_grad", lambda k, b: apply_op("KerasDense", [DENSE_X, k, b], activation="relu",
                                                       input_grad=False), [DENSE_K, DENSE_B], NO_BATCH),
    ("keras_embedding", lambda p: apply_op("KerasEmbedding", [p, np.array([[0, 2, 2], [3, 0, 1]])]),
     [rand(4, 3)], NO_BATCH),
    ("hard_sigmoid", lambda x: apply_op("HardSigmoid", [x], slope=0.2),
     [np.array([[-3.0, -2.0, -0.4], [0.3, 1.9, 2.8]])], {}),
    ("hard_sigmoid_keras3", lambda x: apply_op("HardSigmoid", [x], slope=1.0 / 6.0),
     [np.array([-3.5, -2.5, 0.2, 2.9, 3.2])], {}),
    ("keras_gelu", lambda x: apply_op("KerasGelu", [x]), [rand(2, 4, low=-3, high=3)], {}),
    ("relu6", tf.nn.relu6, [distinct(3, 4) * 15 + 2.025], {}),
    ("keras_lstm", _rnn("KerasLSTM", 2, SEQ_MASK, REC_MASK, activation="tanh",
                        recurrent_activation="sigmoid"),
     [rand(B, T, D), rand(B, U), rand(B, U), rand(D, 4 * U), rand(U, 4 * U), rand(4 * U)], NO_BATCH),
    ("keras_lstm_linear_unmasked", _rnn("KerasLSTM", 2, ALL_ONES_MASK, NO_DROPOUT, activation="linear",
                             recurrent_activation="sigmoid"),
     [rand(B, T, D), rand(B, U), rand(B, U), rand(D, 4 * U), rand(U, 4 * U), rand(4 * U)], NO_BATCH),
    ("keras_gru", _rnn("KerasGRU", 1, SEQ_MASK, REC_MASK, activation="tanh", recurrent_activation="sigmoid"),
     [rand(B, T, D), rand(B, U), rand(D, 3 * U), rand(U, 3 * U), rand(2, 3 * U)], NO_BATCH),
    ("keras_gru_v1", _rnn("KerasGRUv1", 1, SEQ_MASK, REC_MASK, activation="tanh",
                          recurrent_activation="sigmoid"),
     [rand(B, T, D), rand(B, U), rand(D, 3 * U), rand(U, 3 * U), rand(3 * U)], NO_BATCH),
    ("keras_simple_rnn", _rnn("KerasSimpleRNN", 1, SEQ_MASK, REC_MASK, activation="tanh"),
     [rand(B, T, D), rand(B, U), rand(D, U), rand(U, U), rand(U)], NO_BATCH),
]


# Ops without a gradient (registered with grad=None), and why. The coverage test fails on any
# registered op that has neither a case above nor an entry here or in COVERED_ELSEWHERE.
NOT_DIFFERENTIABLE = {
    "Assert": "tf.debugging's check: no output",
    "RandomShuffle": "random; TensorFlow registers no gradient for it either",
    "Multinomial": "integer samples",
    "ArgMax": "integer output", "ArgMin": "integer output", "Equal": "boolean output",
    "NotEqual": "boolean output", "Less": "boolean output", "LessEqual": "boolean output",
    "Greater": "boolean output", "GreaterEqual": "boolean output", "LogicalAnd": "boolean",
    "LogicalOr": "boolean", "LogicalNot": "boolean", "Any": "boolean", "All": "boolean",
    "OneHot": "integer input", "Shape": "metadata",
    "Size": "metadata", "Rank": "metadata", "Where": "coordinates", "Sign": "piecewise constant",
    "Floor": "piecewise constant", "Round": "piecewise constant", "FloorDiv": "piecewise constant",
    "FloorMod": "integer arithmetic", "StopGradient": "blocks gradients by definition",
    "ZerosLike": "constant output", "OnesLike": "constant output", "Fill": "constant output",
    "IotaLast": "constant output", "Const": "no inputs", "Placeholder": "no inputs",
    "RandomStandardNormal": "random", "RandomUniform": "random", "TruncatedNormal": "random",
    "MaxPoolGrad": "second-order max pooling is not needed",
    # The fused Keras kernels' backward ops: Keras's layers are differentiated once (no second order).
    **{f"{op}Grad": f"backward kernel of {op}, differentiated once" for op in (
        "HardSigmoid", "KerasDense", "KerasEmbedding", "KerasGelu", "KerasLSTM", "KerasGRU", "KerasGRUv1",
        "KerasSimpleRNN")},
    "VariableV2": "state (tests/engine/test_variables.py)",
    "Assign": "state", "AssignAdd": "state",
    "AssignSub": "state", "ApplyGradientDescent": "optimizer update", "ApplyMomentum": "optimizer update",
    "ApplyAdam": "optimizer update", "Mul_beta_power": "optimizer update", "NoOp": "no outputs",
    "ScalarSummary": "serialized output", "HistogramSummary": "serialized output",
    "TextSummary": "serialized output", "MergeSummary": "serialized output",
    "ImageSummary": "serialized output", "AudioSummaryV2": "serialized output",
    "TensorSummaryV2": "serialized output", "WriteSummary": "writes an event",
    "IteratorGetNext": "input data (tests/data/test_tf1_iterators.py)", "MakeIterator": "no outputs",
    "WhileGrad": "the backward loop of While, differentiated once",
    "ReadKerasVariable": "no inputs (gradients collect at its output: the Keras weight)",
    "EagerPyFunc": "an opaque Python function, as in TensorFlow without a custom gradient",
    "PrintV2": "no outputs", "Range": "integer sequence from its bounds",
}

# Differentiable ops whose gradient is checked by another test file.
COVERED_ELSEWHERE = {
    "ReadVariable": "test_variables.py: gradients reach Variables through W/read",
    **{op: "test_control_flow.py: the stateful variant (a branch or body with an assignment) of the "
           "op checked here" for op in ("If", "Case", "While")},
}
