"""MirroredStrategy and ParameterServerStrategy on a local 2-CPU Ray cluster, on the digits."""

from __future__ import annotations

import os
import re

import numpy as np
import pytest

import engine as tf
from engine import keras
from tests.distribute.helpers import make_mlp, max_abs_diff


def compile_sgd(model):
    model.compile(optimizer=keras.optimizers.SGD(0.1, momentum=0.9), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    return model


class TestMirrored:
    """One 2-replica strategy for these tests; it is gone before the parameter-server tests need
    the CPUs."""

    @pytest.fixture(scope="class")
    @classmethod
    def mirrored(cls, ray_session):
        strategy = tf.distribute.MirroredStrategy(num_replicas=2)
        yield strategy
        strategy.shutdown()


    def test_mirrored_reports_its_replicas(self, mirrored):
        assert mirrored.num_replicas_in_sync == 2
        assert len(mirrored.actors) == 2


    @pytest.mark.parametrize("batch_size", [64, 33])  # 33: every batch splits unevenly, 17 + 16
    def test_mirrored_matches_single_process_training(self, mirrored, digits, batch_size):
        (x, y), (xt, yt) = digits
        single = compile_sgd(make_mlp())
        single.fit(x, y, batch_size=batch_size, epochs=3, verbose=0)  # shuffled: the same order below
        with mirrored.scope():
            model = compile_sgd(make_mlp())
        history = model.fit(x, y, batch_size=batch_size, epochs=3, verbose=0)

        assert max_abs_diff(model.get_weights(), single.get_weights()) < 1e-5
        for replica in mirrored.replica_weights():  # every copy took the same steps
            assert max_abs_diff(replica, model.get_weights()) == 0.0
        assert history.history["loss"][-1] == pytest.approx(single.history.history["loss"][-1], abs=1e-5)
        assert history.history["accuracy"] == pytest.approx(single.history.history["accuracy"], abs=1e-9)
        loss, acc = model.evaluate(xt, yt, verbose=0)
        s_loss, s_acc = single.evaluate(xt, yt, verbose=0)
        assert (loss, acc) == pytest.approx((s_loss, s_acc), abs=1e-5)
        assert np.abs(model.predict(xt, batch_size=50) - single.predict(xt)).max() < 1e-5


    def test_mirrored_adam_with_sample_weights_matches_single_process(self, mirrored, digits):
        (x, y), _ = digits
        x, y = x[:400], y[:400]
        sw = np.random.default_rng(1).random(len(x)).astype(np.float32)

        def build():
            m = make_mlp(hidden=16)
            m.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
            return m
        single = build()
        single.fit(x, y, sample_weight=sw, batch_size=40, epochs=2, shuffle=False, verbose=0)
        with mirrored.scope():
            model = build()
        model.fit(x, y, sample_weight=sw, batch_size=40, epochs=2, shuffle=False, verbose=0)
        assert max_abs_diff(model.get_weights(), single.get_weights()) < 1e-5


    def test_mirrored_sees_weights_the_user_set_between_fits(self, mirrored, digits):
        (x, y), _ = digits
        x, y = x[:256], y[:256]
        start = make_mlp(seed=3).get_weights()
        single = compile_sgd(make_mlp())
        single.fit(x, y, batch_size=64, epochs=1, shuffle=False, verbose=0)
        with mirrored.scope():
            model = compile_sgd(make_mlp())
        model.fit(x, y, batch_size=64, epochs=1, shuffle=False, verbose=0)
        for m in (single, model):
            m.set_weights(start)
            m.fit(x, y, batch_size=64, epochs=1, shuffle=False, verbose=0)
        assert max_abs_diff(model.get_weights(), single.get_weights()) < 1e-5


    def test_mirrored_follows_a_learning_rate_schedule(self, mirrored, digits):
        (x, y), _ = digits
        x, y = x[:320], y[:320]

        def run(model):
            compile_sgd(model).fit(x, y, batch_size=32, epochs=3, shuffle=False, verbose=0, callbacks=[
                keras.callbacks.LearningRateScheduler(lambda epoch: 0.2 / (1 + epoch))])
            return model
        single = run(make_mlp())
        with mirrored.scope():
            model = make_mlp()
        run(model)
        assert model.optimizer.learning_rate == pytest.approx(0.2 / 3)
        assert max_abs_diff(model.get_weights(), single.get_weights()) < 1e-5
        for replica in mirrored.replica_weights():
            assert max_abs_diff(replica, model.get_weights()) == 0.0

    def test_mirrored_masked_per_step_loss_matches_single_process(self, mirrored):
        """Embedding(mask_zero=True) -> LSTM(return_sequences) -> per-step softmax: the loss is a
        mean over real steps, so replicas are weighted by their real steps, not their rows."""
        rng = np.random.default_rng(0)
        ids = rng.integers(1, 6, (40, 7))
        for row, length in enumerate(rng.integers(1, 8, 40)):
            ids[row, length:] = 0  # padding: slices get different numbers of real steps
        y = rng.integers(0, 3, (40, 7))

        def build():
            keras.utils.set_random_seed(0)
            model = keras.Sequential([keras.layers.Embedding(6, 4, mask_zero=True),
                                      keras.layers.LSTM(5, return_sequences=True),
                                      keras.layers.Dense(3, activation="softmax")])
            model.compile(keras.optimizers.SGD(0.5), "sparse_categorical_crossentropy", metrics=["accuracy"])
            return model
        single = build()
        h1 = single.fit(ids, y, batch_size=10, epochs=2, shuffle=False, verbose=0)
        with mirrored.scope():
            model = build()
        h2 = model.fit(ids, y, batch_size=10, epochs=2, shuffle=False, verbose=0)
        assert max_abs_diff(model.get_weights(), single.get_weights()) < 1e-5
        assert h2.history["loss"] == pytest.approx(h1.history["loss"], abs=1e-5)
        assert h2.history["accuracy"] == pytest.approx(h1.history["accuracy"], abs=1e-9)
        expected = single.evaluate(ids, y, verbose=0)
        assert model.evaluate(ids, y, verbose=0) == pytest.approx(expected, abs=1e-5)

    def test_mirrored_batch_normalization_averages_moving_statistics(self, mirrored, digits):
        (x, y), _ = digits
        with mirrored.scope():
            keras.utils.set_random_seed(0)
            model = keras.Sequential([keras.layers.Dense(16, input_shape=(64,)),
                                      keras.layers.BatchNormalization(), keras.layers.Activation("relu"),
                                      keras.layers.Dense(10, activation="softmax")])
            model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
        model.fit(x[:512], y[:512], batch_size=64, epochs=2, verbose=0)
        moving = [w for w in model.non_trainable_weights]
        assert moving and all(np.all(np.isfinite(w.numpy())) for w in moving)
        for replica in mirrored.replica_weights():
            assert max_abs_diff(replica, model.get_weights()) == 0.0


    def test_only_the_chief_writes_tensorboard_logs(self, mirrored, digits, tmp_path):
        (x, y), _ = digits
        with mirrored.scope():
            model = compile_sgd(make_mlp())
        model.fit(x[:256], y[:256], batch_size=64, epochs=2, validation_split=0.25, verbose=0,
                  callbacks=[keras.callbacks.TensorBoard(log_dir=str(tmp_path), histogram_freq=1)])
        files = sorted(tmp_path.rglob("events.out.tfevents.*"))
        assert files, "the chief wrote no event file"
        pids = {int(re.match(r"events\.out\.tfevents\.\d+\.[^.]+(?:\.[^.]+)*?\.(\d+)\.", f.name).group(1))
                for f in files if re.match(r"events\.out\.tfevents\.\d+\..*\.(\d+)\.", f.name)}
        assert pids == {os.getpid()}, f"event files from other processes: {[f.name for f in files]}"
        runs = {f.parent.relative_to(tmp_path).as_posix() for f in files}
        assert runs <= {"train", "validation"} and len(files) == len(runs)


# -- parameter servers ----------------------------------------------------------------------------
def fit_adam(model, digits, epochs=8):
    (x, y), (xt, yt) = digits
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(x, y, batch_size=32, epochs=epochs, verbose=0)
    return model.evaluate(xt, yt, verbose=0)[1]


def test_parameter_servers_reach_single_process_accuracy(ray_session, digits):
    single_acc = fit_adam(make_mlp(hidden=64), digits)
    strategy = tf.distribute.experimental.ParameterServerStrategy(num_workers=2, num_ps=1)
    try:
        assert strategy.num_workers == 2 and strategy.num_ps == 1
        with strategy.scope():
            model = make_mlp(hidden=64)
            acc = fit_adam(model, digits)
        (x, _), (xt, _) = digits
        assert model.predict(xt).shape == (len(xt), 10)
    finally:
        strategy.shutdown()
    assert single_acc > 0.9
    assert acc >= single_acc - 0.02, f"parameter servers {acc:.4f}, one process {single_acc:.4f}"
    assert model.optimizer.iterations > 0  # the servers' optimizer state came back to the model


def test_variables_are_sharded_over_the_servers(ray_session, digits):
    (x, y), (xt, yt) = digits
    strategy = tf.distribute.experimental.ParameterServerStrategy(num_workers=1, num_ps=2)
    try:
        with strategy.scope():
            model = make_mlp(hidden=16)
            model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
        placement = strategy.variable_placement(model)
        assert set(placement.values()) == {0, 1}
        before = model.get_weights()
        model.fit(x[:320], y[:320], batch_size=32, epochs=1, verbose=0)
        after = model.get_weights()
        # every variable moved, so both servers applied updates
        assert all(not np.array_equal(a, b) for a, b in zip(before, after, strict=True))
    finally:
        strategy.shutdown()


SEED_SNIPPET = """
ps_strategy = tf.distribute.experimental.ParameterServerStrategy(num_workers=2)
with ps_strategy.scope:
    # this is keras syntax in tf, activation funciton are form tf now
    model = tf.keras.Sequential([
        tf.keras.layers.Flatten(input_shape=(28,28)),
        tf.keras.layers.Dense(128, activation=tf.nn.relu),
        tf.keras.layers.Dense(10, activation=tf.nn.softmax),
    ])
    # this is keras syntax in tf

    model.compile(  optimizer='adam',
                    loss='sparse_categorical_crossentropy',
                    metrics=['accuracy'])

    model.fit(train_images,train_labels,epochs=5)

test_loss, test_acc = model.evaluate(test_images,test_labels)
"""


def test_the_seeds_snippet_runs(ray_session):
    """The seed's program with its typos fixed (``reul``, the second ``Flatten``) and its body
    indented under ``with ps_strategy.scope:`` as its comment asks."""
    (x, y), (xt, yt) = tf.datasets.digits.load_data()
    rows = (np.arange(28) * 8) // 28
    def enlarge(a):
        return a[:, rows][:, :, rows].astype(np.float32) / 16.0
    namespace = {"tf": tf, "train_images": enlarge(x), "train_labels": y,
                 "test_images": enlarge(xt), "test_labels": yt}
    try:
        exec(compile(SEED_SNIPPET, "seed", "exec"), namespace)  # noqa: S102 - the seed's own code
    finally:
        if "ps_strategy" in namespace:
            namespace["ps_strategy"].shutdown()
    assert namespace["test_acc"] > 0.85


# -- BackupAndRestore under a strategy ----------------------------------------------------------------
class JobStoppedError(Exception):
    pass


class InterruptAt(keras.callbacks.Callback):
    """Raises after batch ``batch`` of epoch ``epoch``: the job stops as a preempted one would."""

    def __init__(self, epoch, batch):
        super().__init__()
        self.at, self.epoch = (epoch, batch), 0

    def on_epoch_begin(self, epoch, logs=None):
        self.epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        if (self.epoch, batch) == self.at:
            raise JobStoppedError


def interrupted_then_resumed(make_strategy, x, y, backup, save_freq):
    """Weights and resumed epochs of a fit interrupted in epoch 2, then run again (a new model, a
    new strategy: a restarted job) with the same BackupAndRestore."""
    def fit(callbacks):
        strategy = make_strategy()
        try:
            if strategy is None:
                model = compile_sgd(make_mlp())
            else:
                with strategy.scope():
                    model = compile_sgd(make_mlp())
            history = model.fit(x, y, batch_size=32, epochs=4, shuffle=False, verbose=0, callbacks=[
                keras.callbacks.BackupAndRestore(str(backup), save_freq=save_freq), *callbacks])
            return model.get_weights(), history.epoch
        finally:
            if strategy is not None:
                strategy.shutdown()
    with pytest.raises(JobStoppedError):
        fit([InterruptAt(epoch=2, batch=6)])
    assert (backup / "training_metadata.json").exists()
    return fit([])


@pytest.mark.parametrize("kind,save_freq", [("ps", "epoch"), ("ps", 4), ("mirrored", 4)])
def test_backup_and_restore_resumes_a_distributed_fit_as_one_process_does(ray_session, digits, tmp_path,
                                                                          kind, save_freq):
    """One worker makes the parameter servers' steps sequential, so every run is comparable to
    the last digit; a batch-level backup under parameter servers waits for the steps in flight."""
    (x, y), _ = digits
    x, y = x[:320], y[:320]  # 10 steps an epoch
    reference, ref_epochs = interrupted_then_resumed(lambda: None, x, y, tmp_path / "one", save_freq)
    if kind == "ps":
        def make():
            return tf.distribute.experimental.ParameterServerStrategy(num_workers=1, num_ps=1)
    else:
        def make():
            return tf.distribute.MirroredStrategy(num_replicas=2)
    weights, epochs = interrupted_then_resumed(make, x, y, tmp_path / kind, save_freq)
    assert epochs == ref_epochs == [2, 3]  # epoch 2 runs again, from the backup written last
    assert max_abs_diff(weights, reference) < 1e-6
    if save_freq == "epoch":
        straight = compile_sgd(make_mlp())
        straight.fit(x, y, batch_size=32, epochs=4, shuffle=False, verbose=0)
        assert max_abs_diff(weights, straight.get_weights()) < 1e-6
    assert not (tmp_path / kind).exists()


@pytest.mark.parametrize("bad", [False, None, 0, -3, True, "batch"])
def test_backup_and_restore_rejects_a_save_freq_that_never_saves(tmp_path, bad):
    with pytest.raises(ValueError, match="save_freq"):
        keras.callbacks.BackupAndRestore(str(tmp_path), save_freq=bad)
