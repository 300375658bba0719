"""Every layer, activation, loss, metric, optimizer and initializer ``engine.keras`` has (its
registry, and the per-sample loss and metric functions of its modules) has a parity case, so a new
one without a case fails here, as a new op without a gradient case fails test_op_gradients."""

from __future__ import annotations

import inspect

import pytest

from engine.keras import losses, metrics
from engine.keras.saving import registry
from tests.keras_parity.activation_cases import ACTIVATIONS
from tests.keras_parity.harness import ours
from tests.keras_parity.initializer_cases import INITIALIZERS
from tests.keras_parity.layer_cases import LAYERS, NOT_A_CASE
from tests.keras_parity.loss_cases import LOSSES
from tests.keras_parity.metric_cases import METRICS
from tests.keras_parity.optimizer_cases import OPTIMIZERS
from tests.keras_parity.test_activations import ours_of


def registered(kind, extra=()):
    """The distinct objects registered under ``kind`` (aliases counted once), by a name."""
    out = {}
    for name, obj in list(registry.names(kind).items()) + list(extra):
        out.setdefault(id(obj), (name, obj))
    return dict(out.values())


def per_sample_functions(module):
    """The module's Keras functions ``f(y_true, y_pred, ...)``, under their own names."""
    return {name: fn for name, fn in vars(module).items() if inspect.isfunction(fn)
            and fn.__module__ == module.__name__ and fn.__name__ == name and not name.startswith("_")
            and list(inspect.signature(fn).parameters)[:2] == ["y_true", "y_pred"]}


def _layer_types(obj, seen):
    cls = type(obj)  # a case's own subclass (of Model, say) covers the engine's class it derives from
    seen.update(cls.__mro__ if not cls.__module__.startswith("engine.") else (cls,))
    cells = getattr(obj, "cells", None) or ([obj.cell] if hasattr(obj, "cell") else [])
    for sub in list(getattr(obj, "layers", None) or ()) + list(cells):  # an RNN's cells count too
        _layer_types(sub, seen)
    return seen


def missing(known, covered, reasons=()):
    covered_ids = {id(o) for o in covered}
    return sorted(name for name, obj in known.items() if id(obj) not in covered_ids and name not in reasons)


def test_every_layer_has_a_case():
    seen = set()
    for case in LAYERS:
        _layer_types(case.build(ours), seen)
    known = {name: cls for name, cls in registered("layer").items() if isinstance(cls, type)}
    gap = missing(known, seen, NOT_A_CASE)
    assert not gap, f"layers without a parity case: {gap}"
    stale = sorted(set(NOT_A_CASE) - set(known))
    assert not stale, f"NOT_A_CASE names what is not a registered layer: {stale}"


def test_every_activation_has_a_case():
    from engine.keras.activations import hard_sigmoid_keras3

    known = registered("activation", [("hard_sigmoid_keras3", hard_sigmoid_keras3)])
    gap = missing(known, [ours_of(c) for c in ACTIVATIONS])
    assert not gap, f"activations without a parity case: {gap}"


@pytest.mark.parametrize("kind, cases, module", [("loss", LOSSES, losses), ("metric", METRICS, metrics)])
def test_every_loss_and_metric_has_a_case(kind, cases, module):
    built = [c.build(ours) for c in cases]
    covered = [type(b) for b in built] + built
    known = {**registered(kind), **per_sample_functions(module)}
    gap = missing(known, covered)
    assert not gap, f"{kind} objects without a parity case: {gap}"


@pytest.mark.parametrize("kind, cases", [("optimizer", OPTIMIZERS), ("initializer", INITIALIZERS)])
def test_every_optimizer_and_initializer_has_a_case(kind, cases):
    gap = missing(registered(kind), [type(c.build(ours)) for c in cases])
    assert not gap, f"{kind}s without a parity case: {gap}"
