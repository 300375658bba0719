"""Every differentiable op's gradient against central finite differences (float64), eagerly and
in a graph (with and without a None batch axis), which also checks eager == graph values; and
every registered op, whatever its kernel (a numpy ufunc, a function, a fused Keras kernel), has
a case here or a stated reason not to."""

from __future__ import annotations

import importlib
import pkgutil

import numpy as np
import pytest

import engine as tf
import engine.keras  # noqa: F401  (registers the fused Keras kernels)
import engine.ops
from engine.framework.op_registry import registered_ops
from tests.engine.gradcheck import check_gradients
from tests.engine.op_cases import CASES, COVERED_ELSEWHERE, NOT_DIFFERENTIABLE


@pytest.mark.parametrize("fn, inputs, options", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_gradient_matches_finite_differences(fn, inputs, options):
    check_gradients(fn, inputs, **options)


def all_registered_ops() -> dict:
    """The registry once every module that registers ops is loaded: engine, engine.keras and every
    module of engine.ops (an op module nothing imports yet still counts)."""
    for module in pkgutil.walk_packages(engine.ops.__path__, "engine.ops."):
        importlib.import_module(module.name)
    return registered_ops()


def ops_in_cases() -> set[str]:
    """Op types in the graphs the cases build, where the gradient check reaches them."""
    covered = set()
    for _, fn, inputs, _ in CASES:
        with tf.Graph().as_default() as g:
            fn(*[tf.placeholder(tf.float64, np.shape(x)) for x in inputs])
        covered.update(op.type for op in g.get_operations())
    return covered


def test_every_registered_op_has_a_gradient_case_or_a_reason():
    ops = all_registered_ops()
    differentiable = {name for name, op in ops.items() if op.grad is not None}
    covered = ops_in_cases() | set(COVERED_ELSEWHERE)
    missing_case = sorted(differentiable - covered)
    missing_reason = sorted(set(ops) - differentiable - set(NOT_DIFFERENTIABLE))
    assert not (missing_case or missing_reason), (
        f"differentiable ops without a gradient case in op_cases.py: {missing_case}; "
        f"ops without a gradient and without a stated reason in NOT_DIFFERENTIABLE: {missing_reason}")


def test_the_reason_tables_name_registered_ops_truthfully():
    ops = all_registered_ops()
    stale = sorted((set(NOT_DIFFERENTIABLE) | set(COVERED_ELSEWHERE)) - set(ops))
    assert not stale, f"listed but not registered: {stale}"
    with_grad = sorted(name for name in NOT_DIFFERENTIABLE if ops[name].grad is not None)
    assert not with_grad, f"listed as non-differentiable but registered with a gradient: {with_grad}"
    without_grad = sorted(name for name in COVERED_ELSEWHERE if ops[name].grad is None)
    assert not without_grad, f"listed as covered elsewhere but registered without a gradient: {without_grad}"
    reasons = {**NOT_DIFFERENTIABLE, **COVERED_ELSEWHERE}
    blank = sorted(name for name, why in reasons.items() if not why.strip())
    assert not blank, f"entries without a reason: {blank}"
