"""Every differentiable op's gradient against central finite differences (float64), eagerly and
in a graph (with and without a None batch axis), which also checks eager == graph values."""

from __future__ import annotations

import numpy as np
import pytest

import engine as tf
from engine.framework.op_registry import registered_ops
from tests.engine.gradcheck import check_gradients
from tests.engine.op_cases import CASES, COVERED_ELSEWHERE, NOT_DIFFERENTIABLE


@pytest.mark.parametrize("fn, inputs, options", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_gradient_matches_finite_differences(fn, inputs, options):
    check_gradients(fn, inputs, **options)


def test_every_op_has_a_gradient_case_or_a_reason():
    covered = set()
    for _, fn, inputs, _ in CASES:
        with tf.Graph().as_default() as g:
            fn(*[tf.placeholder(tf.float64, np.shape(x)) for x in inputs])
        covered.update(op.type for op in g.get_operations())
    core = {name for name, op in registered_ops().items() if _is_core(op)}
    missing = sorted(core - covered - set(NOT_DIFFERENTIABLE) - set(COVERED_ELSEWHERE))
    assert not missing, f"ops with neither a gradient case nor a reason: {missing}"


CORE_MODULES = ("engine.framework.", "engine.train.", "engine.ops.array_ops", "engine.ops.conv_ops",
                "engine.ops.control_ops", "engine.ops.grad_util", "engine.ops.math_ops", "engine.ops.nn_ops",
                "engine.ops.random_ops", "engine.ops.reduction_ops", "engine.ops.summary_ops")


def _is_core(op_def) -> bool:
    """Ops of the engine core. Keras's fused ops (RNN cells, ...) are registered by Keras's own
    modules and checked by its tests with the same helper (tests/engine/gradcheck.py)."""
    return op_def.kernel.__module__.startswith(CORE_MODULES)


def test_non_differentiable_ops_really_have_no_gradient():
    ops = registered_ops()
    with_grad = [name for name in NOT_DIFFERENTIABLE if name in ops and ops[name].grad is not None]
    assert with_grad == [], with_grad
