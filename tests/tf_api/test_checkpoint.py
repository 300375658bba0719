"""tf.train.Checkpoint and CheckpointManager: the paths, counters and kept files real TensorFlow
gives, and restores that resume exactly."""

from __future__ import annotations

import os

import numpy as np
import pytest

import engine as tf


def _manager_session(lib, directory):
    step = lib.Variable(0, dtype=lib.int64)
    w = lib.Variable(np.zeros(3, np.float32))
    ckpt = lib.train.Checkpoint(step=step, w=w)
    manager = lib.train.CheckpointManager(ckpt, directory, max_to_keep=2)
    seen = [manager.latest_checkpoint]
    for i in range(4):
        step.assign_add(1)
        w.assign(np.full(3, i, np.float32))
        seen.append(os.path.relpath(manager.save(), directory))
    seen.append([os.path.relpath(p, directory) for p in manager.checkpoints])
    seen.append(os.path.relpath(lib.train.latest_checkpoint(directory), directory))
    seen.append(int(ckpt.save_counter.numpy()))
    seen.append(os.path.relpath(manager.save(checkpoint_number=100), directory))
    # a new program resumes from the latest checkpoint
    step2, w2 = lib.Variable(0, dtype=lib.int64), lib.Variable(np.ones(3, np.float32))
    ckpt2 = lib.train.Checkpoint(step=step2, w=w2)
    manager2 = lib.train.CheckpointManager(ckpt2, directory, max_to_keep=2)
    ckpt2.restore(manager2.latest_checkpoint).assert_consumed()
    seen.append((int(step2.numpy()), w2.numpy().tolist(), int(ckpt2.save_counter.numpy())))
    return seen


def test_checkpoint_manager_matches_tensorflow(real_tf, tmp_path):
    assert _manager_session(tf, str(tmp_path / "ours")) == _manager_session(real_tf, str(tmp_path / "theirs"))


def test_only_the_kept_checkpoints_stay_on_disk(tmp_path):
    ckpt = tf.train.Checkpoint(v=tf.Variable(1.0))
    manager = tf.train.CheckpointManager(ckpt, str(tmp_path), max_to_keep=3)
    for _ in range(5):
        manager.save()
    assert sorted(os.listdir(tmp_path)) == ["checkpoint", "ckpt-3.npz", "ckpt-4.npz", "ckpt-5.npz"]


def test_save_and_write_paths_match_tensorflow(real_tf, tmp_path):
    for lib, sub in ((tf, "ours"), (real_tf, "theirs")):
        ckpt = lib.train.Checkpoint(v=lib.Variable(2.0))
        prefix = str(tmp_path / sub / "model")
        assert ckpt.save(prefix) == prefix + "-1"
        assert ckpt.save(prefix) == prefix + "-2"
        assert ckpt.write(prefix + "-plain") == prefix + "-plain"
        assert lib.train.latest_checkpoint(str(tmp_path / sub)) == prefix + "-2"


def test_a_mismatched_program_is_reported_by_assert_consumed(real_tf, tmp_path):
    for lib, sub in ((tf, "ours"), (real_tf, "theirs")):
        path = lib.train.Checkpoint(a=lib.Variable(1.0), b=lib.Variable(2.0)).save(str(tmp_path / sub / "c"))
        status = lib.train.Checkpoint(a=lib.Variable(0.0)).restore(path)
        with pytest.raises(AssertionError):
            status.assert_consumed()
        status.expect_partial()


def test_restoring_a_missing_checkpoint_raises_not_found(real_tf, tmp_path):
    for lib in (tf, real_tf):
        with pytest.raises(lib.errors.NotFoundError):
            lib.train.Checkpoint(a=lib.Variable(1.0)).restore(str(tmp_path / "nothing-1"))
    assert tf.train.Checkpoint(a=tf.Variable(1.0)).restore(None).expect_partial() is not None


def test_modules_lists_and_dicts_are_walked(tmp_path):
    class Net(tf.Module):
        def __init__(self):
            super().__init__()
            self.layers = [tf.Variable(np.ones(2, np.float32)), {"k": tf.Variable(3.0)}]

    net = Net()
    path = tf.train.Checkpoint(net=net).save(str(tmp_path / "n"))
    net.layers[0].assign([5.0, 6.0])
    net.layers[1]["k"].assign(0.0)
    tf.train.Checkpoint(net=net).restore(path).assert_consumed()
    np.testing.assert_array_equal(net.layers[0].numpy(), [1.0, 1.0])
    assert float(net.layers[1]["k"].numpy()) == 3.0


def _keras_program(seed):
    tf.random.set_seed(seed)
    model = tf.keras.Sequential([tf.keras.layers.Dense(8, activation="relu", input_shape=(4,)),
                                 tf.keras.layers.Dense(1)])
    optimizer = tf.keras.optimizers.Adam(0.05)
    return model, optimizer


def _train(model, optimizer, steps, x, y):
    for _ in range(steps):
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(tf.square(model(x) - y))
        grads = tape.gradient(loss, model.trainable_weights)
        optimizer.apply_gradients(zip(grads, model.trainable_weights, strict=False))


def test_a_keras_model_and_optimizer_resume_exactly(tmp_path):
    """Train 6 steps straight, or 3 steps + checkpoint + a fresh program restored + 3 steps: the
    weights agree to the last bit (Adam's moments and step count come back too)."""
    rng = np.random.default_rng(0)
    x, y = rng.standard_normal((16, 4)).astype(np.float32), rng.standard_normal((16, 1)).astype(np.float32)
    straight, opt = _keras_program(1)
    _train(straight, opt, 6, x, y)

    first, opt1 = _keras_program(1)
    _train(first, opt1, 3, x, y)
    manager = tf.train.CheckpointManager(tf.train.Checkpoint(model=first, optimizer=opt1), str(tmp_path), 1)
    manager.save()

    resumed, opt2 = _keras_program(99)  # different initial weights, an optimizer that never stepped
    resumed(x)  # built, as Keras programs are before restoring
    tf.train.Checkpoint(model=resumed, optimizer=opt2).restore(manager.latest_checkpoint).assert_consumed()
    assert int(opt2.iterations) == 3
    _train(resumed, opt2, 3, x, y)
    for a, b in zip(straight.get_weights(), resumed.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)
