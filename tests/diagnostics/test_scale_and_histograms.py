"""The scale-aware and histogram checks on curves and histograms built to have (or not have)
each red flag: stuck at chance, a blow-up that stays flat, the learning-rate schedule, dead
ReLUs, saturation, vanishing and exploding gradients, and the reconciling into one diagnosis."""

from __future__ import annotations

import math

import numpy as np
import pytest

from board.diagnostics import checks as dx
from board.diagnostics.curves import Context, check_chance, check_loss_curve, check_lr_schedule
from board.diagnostics.histograms import check_activations, check_gradients

RNG = np.random.default_rng(0)
CONFIG = {"class_name": "Sequential", "config": {"layers": [
    {"class_name": "Dense", "config": {"name": "dense", "units": 32}},
    {"class_name": "Dense", "config": {"name": "dense_1", "units": 10, "activation": "softmax"}}]}}


def _curve(values):
    values = np.asarray(values, dtype=np.float64)
    return np.arange(values.size), values


def _hist(values, bins=30):
    counts, edges = np.histogram(values, bins=bins)
    return np.stack([edges[:-1], edges[1:], counts], axis=1).astype(np.float64)


def test_output_classes_from_the_keras_config():
    assert dx.output_classes(CONFIG) == (10, "dense_1")
    binary = {"config": {"layers": [{"class_name": "Dense", "config": {"name": "out", "units": 1}}]}}
    assert dx.output_classes(binary) == (2, "out")
    assert dx.output_classes({"nonsense": 1}) == (None, None)


def test_the_issue_lr_8_run_is_one_blow_up_not_also_too_low():
    """Loss about 230 from the first logged point, accuracy at chance: one error, the learning
    rate too high, and the best level is never above the start."""
    loss = _curve(np.concatenate([[113.9], 230 + RNG.normal(scale=2, size=29)]))
    acc = _curve(0.1 + RNG.normal(scale=0.01, size=30))
    runs = {"lr_8/train": ({"epoch_loss": loss, "epoch_accuracy": acc}, {}, CONFIG)}
    (f,) = dx.diagnose(runs)
    assert (f.kind, f.cause, f.severity) == ("stuck_at_chance", "learning_rate_too_high", "error")
    assert "too low" not in f.message and "Lower the learning rate" in f.advice
    rising = check_loss_curve("r", "loss", *loss)
    assert [x.kind for x in rising] == ["diverging"]
    assert rising[0].evidence["best"] <= rising[0].evidence["start"]
    assert "best 230" not in rising[0].message


def test_flat_loss_far_above_chance_is_a_blow_up():
    flat = _curve(230 + RNG.normal(scale=1, size=40))
    (f,) = check_loss_curve("r", "loss", *flat, Context(classes=10))
    assert (f.kind, f.cause) == ("diverging", "learning_rate_too_high") and "blew up" in f.message
    slow_curve = _curve(2.3 + RNG.normal(scale=0.005, size=40))
    (slow,) = check_loss_curve("r", "loss", *slow_curve, Context(classes=10))
    assert (slow.kind, slow.cause) == ("flat_loss", "learning_rate_too_low")
    converged = _curve(0.02 + RNG.normal(scale=1e-4, size=40))
    assert check_loss_curve("r", "loss", *converged, Context(classes=10)) == []


@pytest.mark.parametrize(("acc", "stuck"), [(0.1, True), (0.12, True), (0.3, False), (0.9, False)])
def test_stuck_at_chance_by_the_accuracy(acc, stuck):
    loss = _curve(np.linspace(2.9, 2.35, 20))  # falling, and still at chance
    accuracy = _curve(acc + RNG.normal(scale=0.005, size=20))
    found = check_chance("r", "loss", loss, "acc", accuracy, Context(classes=10))
    assert [f.kind for f in found] == (["stuck_at_chance"] if stuck else [])


def test_k_from_the_accuracy_floor_needs_the_loss_to_agree():
    acc = _curve(0.1 + RNG.normal(scale=0.005, size=20))
    (f,) = check_chance("r", "loss", _curve(np.full(20, 2.31)), "acc", acc, Context())
    assert f.evidence["classes"] == 10
    # an accuracy of 0.37 that never moved is not "chance for k=3" when the loss is 2.1
    acc3 = _curve(0.37 + RNG.normal(scale=0.005, size=20))
    assert check_chance("r", "loss", _curve(np.full(20, 2.1)), "acc", acc3, Context()) == []


def test_schedule_to_nothing_but_not_cosine_to_the_end():
    steps = np.arange(20)
    loss = _curve(np.concatenate([np.linspace(2.3, 0.8, 3), np.full(17, 0.8)]))
    (f,) = check_lr_schedule("r", "lr", (steps, 0.1 * 0.05 ** steps), loss)
    assert f.kind == "lr_decayed" and f.evidence["dead_step"] == 3
    cosine = 0.05 * (1 + np.cos(np.pi * steps / 19))
    assert check_lr_schedule("r", "lr", (steps, cosine), loss) == []
    assert check_lr_schedule("r", "lr", (steps, np.full(20, 1e-6)), loss) == []


def test_dead_relu_and_saturation_from_activation_histograms():
    healthy = [(s, _hist(np.maximum(RNG.normal(size=4000), 0))) for s in range(3)]
    assert check_activations("r", "activations/fc1", healthy) == []
    dead = [(s, _hist(np.maximum(RNG.normal(-3, 1, size=4000), 0))) for s in range(3)]
    (f,) = check_activations("r", "activations/fc1", dead)
    assert (f.kind, f.cause, f.evidence["since_step"]) == ("dead_relu", "dead_relu", 0)
    zeros = [(0, np.array([[0.0, 0.0, 100.0]]))]
    assert check_activations("r", "activations/fc1", zeros)[0].kind == "dead_relu"
    tanh_ok = [(0, _hist(np.tanh(RNG.normal(size=4000))))]
    assert check_activations("r", "tanh/out", tanh_ok) == []
    (sat,) = check_activations("r", "tanh/act", [(0, _hist(np.tanh(RNG.normal(scale=30, size=4000))))])
    assert sat.kind == "saturated" and sat.evidence["fraction"] > 0.9
    softmax = [(0, _hist(np.concatenate([np.full(900, 1e-4), np.full(100, 0.999)])))]
    assert check_activations("r", "dense_1/activations", softmax, output_layer="dense_1") == []


def _grads(scales):
    return [(s, _hist(RNG.normal(scale=scale, size=2000))) for s, scale in enumerate(scales)]


def test_gradient_histograms():
    healthy = {"grad/fc1.weight": _grads([0.01] * 4), "grad/fc2.weight": _grads([0.03] * 4)}
    assert check_gradients("r", healthy) == []
    vanishing = {"grad/fc1.weight": _grads([1e-8] * 4), "grad/fc9.weight": _grads([0.03] * 4)}
    (f,) = check_gradients("r", vanishing)
    assert (f.kind, f.tag) == ("vanishing_gradients", "grad/fc1.weight") and f.evidence["ratio"] < 1e-3
    exploding = {"rnn.weight_hh.grad": _grads([0.01, 0.1, 10, 500]), "grad/out.weight": _grads([0.01] * 4)}
    (f,) = check_gradients("r", exploding)
    assert f.kind == "exploding_gradients" and f.evidence["growth"] > 100


def test_a_dead_relu_run_is_one_story():
    """The flat loss, the stuck accuracy and the still weights of a run whose ReLUs died all
    name the dead ReLUs as their cause; each tag carries one diagnosis."""
    n = 30
    scalars = {"loss": _curve(np.full(n, 2.303) + RNG.normal(scale=1e-3, size=n)),
               "accuracy": _curve(np.full(n, 0.1))}
    w = RNG.uniform(-0.1, 0.1, 3000)
    histograms = {"activations/fc1": [(s, np.array([[0.0, 0.0, 500.0]])) for s in range(3)],
                  "fc1.weight": [(s, _hist(w)) for s in range(3)]}
    found = dx.diagnose({"run": (scalars, histograms)})
    assert {f.cause for f in found} == {"dead_relu"}
    tags = [t for f in found for t in f.tags]
    assert sorted(tags) == sorted(set(tags)) and "loss" in tags and "fc1.weight" in tags
    assert dx.primary(found).kind == "stuck_at_chance" and math.isclose(
        dx.primary(found).evidence["chance_loss"], math.log(10))
