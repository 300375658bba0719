"""Runs trained by our own engine that provoke each red flag are flagged with the right kind;
a well-tuned MLP on the digits produces no finding at all."""

from __future__ import annotations

import numpy as np
import pytest

import engine
from board.data.provider import DataProvider
from board.diagnostics.monitor import HealthMonitor
from board.ingest.multiplexer import Multiplexer
from engine import keras
from engine.datasets import digits


@pytest.fixture(scope="module")
def data():
    (xt, yt), (xv, yv) = digits.load_data()
    return (xt.reshape(-1, 64).astype("float32") / 16, yt), (xv.reshape(-1, 64).astype("float32") / 16, yv)


def _train(logdir, data, lr=0.01, optimizer="adam", epochs=15, activation="relu", units=32,
           frozen=False, samples=None, inject_nan=False, update_freq="epoch"):
    engine.random.set_seed(0)
    (x, y), validation = data
    if samples:
        x, y = x[:samples], y[:samples]
    if inject_nan:
        x = x.copy()
        x[100] = np.nan
    model = keras.Sequential([keras.layers.Dense(units, activation=activation, input_shape=(64,)),
                              keras.layers.Dense(10, activation="softmax")])
    model.layers[0].trainable = not frozen
    opt = (keras.optimizers.Adam(learning_rate=lr) if optimizer == "adam"
           else keras.optimizers.SGD(learning_rate=lr))
    model.compile(optimizer=opt, loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(x, y, epochs=epochs, batch_size=64, verbose=0, validation_data=validation,
              callbacks=[keras.callbacks.TensorBoard(log_dir=str(logdir), histogram_freq=1,
                                                     update_freq=update_freq)])
    return model


def _findings(logdir):
    multiplexer = Multiplexer({"": str(logdir)})
    multiplexer.reload()
    return HealthMonitor(DataProvider(multiplexer)).findings()


def _kinds(findings):
    return {(f.run, f.kind) for f in findings}


def test_well_tuned_mlp_has_no_finding(tmp_path, data):
    model = _train(tmp_path, data)
    (_, _), (xv, yv) = data
    assert model.evaluate(xv, yv, verbose=0)[1] > 0.9  # it really is healthy
    assert _findings(tmp_path) == []


def test_learning_rate_of_10_diverges(tmp_path, data):
    _train(tmp_path, data, lr=10.0, optimizer="sgd", activation="tanh", update_freq=1)
    findings = _findings(tmp_path)
    high = [f for f in findings if f.cause == "learning_rate_too_high"]
    loss = [f for f in high if f.kind in ("stuck_at_chance", "diverging", "nonfinite")]
    assert loss and all(f.severity == "error" for f in loss)
    assert any("batch_loss" in f.tags for f in loss)
    assert {f.cause for f in findings} == {"learning_rate_too_high"}  # the weights agree
    assert not any(f.cause == "learning_rate_too_low" for f in findings)


def test_learning_rate_of_1e_7_is_flat(tmp_path, data):
    _train(tmp_path, data, lr=1e-7, optimizer="sgd")
    findings = _findings(tmp_path)
    kinds = _kinds(findings)
    # Loss at ln 10 and accuracy at 1/10 from the start: stuck at chance, the loss never moved.
    assert ("train", "stuck_at_chance") in kinds and ("train", "not_learning") in kinds
    assert {f.cause for f in findings} == {"learning_rate_too_low"}


def test_frozen_layer_does_not_learn(tmp_path, data):
    model = _train(tmp_path, data, frozen=True)
    findings = _findings(tmp_path)
    tag = f"{model.layers[0].name}/kernel_0/histogram"  # tf_keras's tag for the weight's histogram
    assert [(f.kind, f.tag) for f in findings] == [("not_learning", tag)]


def test_tiny_training_set_overfits(tmp_path, data):
    _train(tmp_path, data, samples=30, units=256, epochs=60)
    overfitting = [f for f in _findings(tmp_path) if f.kind == "overfitting"]
    assert [(f.run, f.tag) for f in overfitting] == [("validation", "epoch_loss")]


def test_nan_in_the_loss_is_an_error(tmp_path, data):
    with pytest.warns(RuntimeWarning, match="NaN or infinite"):  # the weight histograms
        _train(tmp_path, data, inject_nan=True)
    nonfinite = [f for f in _findings(tmp_path) if f.kind == "nonfinite"]
    assert ("train", "epoch_loss") in {(f.run, f.tag) for f in nonfinite}
    assert all(f.severity == "error" and f.step == 0 for f in nonfinite if f.tag == "epoch_loss")
