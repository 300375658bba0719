"""Callbacks against Keras 3: BackupAndRestore resuming an interrupted fit, TerminateOnNaN,
LambdaCallback's hooks."""

from __future__ import annotations

import numpy as np
import pytest

from tests.keras_api.peers import k2, k3, ours

RNG = np.random.default_rng(5)
X = RNG.normal(size=(32, 4)).astype("float32")
Y = RNG.integers(0, 3, 32)


class _InterruptError(Exception):
    pass


def _model(lib, weights=None, activation="relu"):
    model = lib.Sequential([lib.Input((4,)), lib.layers.Dense(8, activation=activation), lib.layers.Dense(3)])
    if weights is not None:
        model.set_weights(weights)
    model.compile(lib.optimizers.Adam(0.01), lib.losses.SparseCategoricalCrossentropy(from_logits=True))
    return model


def _interrupt_at(lib, epoch):
    def stop(e, logs):
        if e == epoch:
            raise _InterruptError

    return lib.callbacks.LambdaCallback(on_epoch_begin=stop)


@pytest.mark.parametrize("save_freq", ["epoch", 3])
def test_backup_and_restore_resumes_exactly(tmp_path, save_freq):
    weights = _model(ours).get_weights()
    straight = _model(ours, weights)
    straight.fit(X, Y, epochs=5, batch_size=8, shuffle=False, verbose=0)

    runs = {}
    for lib in (ours, k3):
        backup = tmp_path / lib.__name__
        model = _model(lib, weights)
        with pytest.raises(_InterruptError):
            model.fit(X, Y, epochs=5, batch_size=8, shuffle=False, verbose=0,
                      callbacks=[lib.callbacks.BackupAndRestore(str(backup), save_freq=save_freq),
                                 _interrupt_at(lib, 3)])
        assert backup.exists()  # an interrupted fit leaves its backup
        fresh = _model(lib, weights)  # a new process: the initial weights again
        history = fresh.fit(X, Y, epochs=5, batch_size=8, shuffle=False, verbose=0,
                            callbacks=[lib.callbacks.BackupAndRestore(str(backup), save_freq=save_freq)])
        assert not backup.exists()  # a fit that finishes deletes it
        runs[lib.__name__] = (history.epoch, fresh.get_weights())
    # A batch-level backup records the epochs completed when it was written: the last one, after
    # epoch 2's last batch, says 2, so Keras (and we) run epoch 2 again from its end weights
    assert runs["keras"][0] == runs[ours.__name__][0] == ([3, 4] if save_freq == "epoch" else [2, 3, 4])
    if save_freq == "epoch":
        for a, b in zip(runs[ours.__name__][1], straight.get_weights(), strict=True):
            np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-7)  # the optimizer state came back too
    for a, b in zip(runs[ours.__name__][1], runs["keras"][1], strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-5)


def test_backup_kept_when_asked(tmp_path):
    model = _model(ours)
    model.fit(X, Y, epochs=2, verbose=0,
              callbacks=[ours.callbacks.BackupAndRestore(str(tmp_path / "b"), delete_checkpoint=False)])
    assert (tmp_path / "b" / "training_metadata.json").exists()
    with pytest.raises(ValueError):
        ours.callbacks.BackupAndRestore("")
    with pytest.raises(ValueError):
        ours.callbacks.BackupAndRestore(str(tmp_path), save_freq="batch")


def test_terminate_on_nan_stops_at_the_same_batch():
    """Keras 2 stops at the batch whose loss is not finite (tf_keras checks stop_training after
    every batch)."""
    x = X.copy()
    x[20] = np.nan
    seen = {}
    for lib in (ours, k2):
        model = _model(lib, activation="tanh")  # carries the NaN to the loss on both sides
        batches = []
        record = lib.callbacks.LambdaCallback(on_batch_end=lambda b, logs, out=batches: out.append(b))
        model.fit(x, Y, epochs=3, batch_size=4, shuffle=False, verbose=0,
                  callbacks=[lib.callbacks.TerminateOnNaN(), record])
        seen[lib.__name__] = batches
    assert seen[ours.__name__] == seen["tf_keras"] == list(range(6))


def test_lambda_callback_hooks_in_order():
    calls = {}
    for lib in (ours, k3):
        log = []
        names = ("on_epoch_begin", "on_epoch_end", "on_batch_begin", "on_batch_end", "on_train_begin",
                 "on_train_end")
        hooks = {name: (lambda *a, n=name, out=log, **k: out.append(n)) for name in names}
        _model(lib).fit(X, Y, epochs=2, batch_size=16, verbose=0,
                        callbacks=[lib.callbacks.LambdaCallback(**hooks)])
        calls[lib.__name__] = log
    assert calls[ours.__name__] == calls["keras"]
