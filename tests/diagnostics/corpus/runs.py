"""The corpus: each run's name, the framework that trains it, its label (what is wrong with
it, or "healthy") and how it is trained. Each label expects one cause from the diagnostics."""

from __future__ import annotations

import collections
import os
import time
from dataclasses import dataclass, field

# label -> the cause a diagnosis must name (None: no finding at all)
EXPECTED = {
    "healthy": None,
    "lr_too_high": "learning_rate_too_high",
    "lr_too_low": "learning_rate_too_low",
    "frozen_layer": "layer_not_learning",
    "dead_relu": "dead_relu",
    "tiny_training_set": "overfitting",
    "nan_inputs": "nonfinite_values",
    "label_noise": "label_noise",
    "schedule_to_zero": "lr_schedule_decayed",
    "exploding_rnn": "exploding_gradients",
    "vanishing_gradients": "vanishing_gradients",
    "saturated_tanh": "saturated_activations",
}
FRAMEWORKS = ("keras3", "tf_keras", "torch", "engine")


@dataclass(frozen=True)
class Run:
    name: str
    framework: str
    label: str
    options: dict = field(default_factory=dict)


def _runs():
    out = []

    def add(framework, label, name, **options):
        out.append(Run(f"{framework}-{name}", framework, label, options))

    for fw in ("keras3", "tf_keras"):
        add(fw, "healthy", "mlp")
        add(fw, "lr_too_high", "sgd_lr10", lr=10.0, optimizer="sgd")
        add(fw, "lr_too_low", "sgd_lr1e-6", lr=1e-6, optimizer="sgd")
        add(fw, "frozen_layer", "frozen_dense", frozen=True)
        add(fw, "nan_inputs", "nan_pixel", nan=True)
    add("keras3", "healthy", "lstm_per_batch", shape="lstm", lr=0.02, epochs=6, update_freq=2)
    add("keras3", "schedule_to_zero", "exponential_decay", schedule="exponential", epochs=10)
    add("tf_keras", "healthy", "cnn", shape="cnn", epochs=8)
    add("tf_keras", "healthy", "cosine_to_zero", lr=0.1, optimizer="sgd", schedule="cosine")
    add("tf_keras", "tiny_training_set", "30_samples", samples=30, units=256, epochs=40)
    add("tf_keras", "label_noise", "shuffled_labels", shuffled=True, units=256, epochs=30)

    add("torch", "healthy", "mlp")
    add("torch", "healthy", "deep_mlp", depth=3)
    add("torch", "healthy", "cnn", shape="cnn", epochs=6)
    add("torch", "healthy", "lstm", shape="lstm", lr=0.02, epochs=8)
    add("torch", "lr_too_high", "sgd_lr10", lr=10.0, optimizer="sgd")
    add("torch", "lr_too_low", "sgd_lr1e-6", lr=1e-6, optimizer="sgd")
    add("torch", "frozen_layer", "frozen_fc", frozen=True)
    add("torch", "dead_relu", "bias_minus_10", bias=-10.0)
    add("torch", "tiny_training_set", "30_samples", samples=30, units=256, epochs=60)
    add("torch", "nan_inputs", "nan_pixel", nan=True)
    add("torch", "label_noise", "shuffled_labels", shuffled=True, units=256, epochs=30)
    add("torch", "schedule_to_zero", "step_lr", schedule="step", epochs=10)
    add("torch", "exploding_rnn", "relu_rnn", shape="rnn", units=32, init_scale=1.5, lr=1e-3, epochs=4)
    add("torch", "vanishing_gradients", "deep_sigmoid", act="sigmoid", depth=8, optimizer="sgd", lr=0.1)
    add("torch", "saturated_tanh", "tanh_init_x100", act="tanh", init_scale=100.0)

    add("engine", "healthy", "mlp")
    add("engine", "healthy", "mlp_per_batch", update_freq=1, epochs=6)
    add("engine", "healthy", "lstm", shape="lstm", lr=0.02, epochs=6)
    add("engine", "lr_too_high", "sgd_lr10", lr=10.0, optimizer="sgd")
    add("engine", "lr_too_low", "sgd_lr1e-6", lr=1e-6, optimizer="sgd")
    add("engine", "frozen_layer", "frozen_dense", frozen=True)
    add("engine", "dead_relu", "bias_minus_10", bias=-10.0)
    add("engine", "tiny_training_set", "30_samples", samples=30, units=256, epochs=40)
    add("engine", "nan_inputs", "nan_pixel", nan=True)
    add("engine", "label_noise", "shuffled_labels", shuffled=True, units=256, epochs=30)
    add("engine", "schedule_to_zero", "exponential_decay", schedule="exponential")
    add("engine", "saturated_tanh", "tanh_init_x5", activation="tanh", init_scale=5.0)
    return out


RUNS = _runs()


def trainer(framework):
    if framework in ("keras3", "tf_keras"):
        from tests.diagnostics.corpus import keras_runs

        return lambda logdir, **o: keras_runs.train(framework, logdir, **o)
    if framework == "torch":
        from tests.diagnostics.corpus import torch_runs

        return torch_runs.train
    from tests.diagnostics.corpus import engine_runs

    return engine_runs.train


def generate(logdir, runs=RUNS) -> dict:
    """Train every run into ``logdir/<name>``; returns seconds per framework."""
    seconds = collections.Counter()
    threads = None
    if any(r.framework == "torch" for r in runs):  # one core, as the budget says
        import torch

        threads = torch.get_num_threads()
        torch.set_num_threads(1)
    try:
        _train_all(logdir, runs, seconds)
    finally:
        if threads is not None:
            torch.set_num_threads(threads)
    return dict(seconds)


def _train_all(logdir, runs, seconds):
    import warnings

    for run in runs:
        start = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # NaN weights, Keras's retracing notes
            trainer(run.framework)(os.path.join(str(logdir), run.name), **run.options)
        seconds[run.framework] += time.perf_counter() - start
