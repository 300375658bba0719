"""What goes wrong, and how it is reported: a replica, worker or server that dies mid-training
names itself and stops the strategy (no hang); asking for too much fails at once; shutdown frees
the cluster; unsupported settings say so."""

from __future__ import annotations

import time

import numpy as np
import pytest

import engine as tf
from engine import keras
from tests.distribute.helpers import make_mlp


def free_cpus(ray, want=2.0, wait=15.0) -> float:
    """The cluster's free CPUs once stopped actors have given theirs back (or ``wait`` passed)."""
    deadline = time.monotonic() + wait
    while True:
        have = ray.available_resources().get("CPU", 0.0)
        if have >= want or time.monotonic() > deadline:
            return have
        time.sleep(0.1)


class Crash(keras.callbacks.Callback):
    """Makes one actor's process exit (as a killed or crashed machine would) after a few batches."""

    def __init__(self, actor, at_batch=3):
        super().__init__()
        self.actor, self.at_batch = actor, at_batch

    def on_train_batch_end(self, batch, logs=None):
        if batch == self.at_batch:
            self.actor.crash.remote()


def compiled(model):
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def test_a_replica_that_dies_is_named_and_nothing_hangs(ray_session, digits):
    (x, y), _ = digits
    strategy = tf.distribute.MirroredStrategy(num_replicas=2)
    with strategy.scope():
        model = compiled(make_mlp())
    started = time.monotonic()
    try:
        named = r"replica 1 \(Ray actor \w+, pid \d+"
        with pytest.raises(tf.distribute.DistributedTrainingError, match=named):
            model.fit(x, y, batch_size=32, epochs=2, verbose=0, callbacks=[Crash(strategy.actors[1])])
        assert time.monotonic() - started < 60
        assert strategy.actors == []  # the survivors were stopped too
        assert free_cpus(ray_session) == 2.0
        with pytest.raises(tf.distribute.DistributedTrainingError, match="no longer be used.*replica 1"):
            model.fit(x, y, epochs=1, verbose=0)
    finally:
        strategy.shutdown()  # harmless after a failure


def test_a_parameter_server_worker_that_dies_is_named(ray_session, digits):
    (x, y), _ = digits
    strategy = tf.distribute.experimental.ParameterServerStrategy(num_workers=2, num_ps=1)
    with strategy.scope():
        model = compiled(make_mlp())
    try:
        with pytest.raises(tf.distribute.DistributedTrainingError, match=r"worker 1 \(Ray actor"):
            model.fit(x, y, batch_size=32, epochs=2, verbose=0,
                      callbacks=[Crash(strategy._workers[1].handle)])
    finally:
        strategy.shutdown()
    assert free_cpus(ray_session) == 2.0


def test_a_parameter_server_that_dies_is_named(ray_session, digits):
    (x, y), _ = digits
    strategy = tf.distribute.experimental.ParameterServerStrategy(num_workers=2, num_ps=1)
    with strategy.scope():
        model = compiled(make_mlp())
    server = strategy._servers[0].handle
    try:
        with pytest.raises(tf.distribute.DistributedTrainingError, match=r"parameter server 0 \(Ray actor"):
            model.fit(x, y, batch_size=32, epochs=2, verbose=0, callbacks=[Crash(server)])
    finally:
        strategy.shutdown()
    assert free_cpus(ray_session) == 2.0


def test_more_replicas_than_cpus_fails_at_once(ray_session):
    started = time.monotonic()
    with pytest.raises(ValueError, match=r"3 replicas need 3 CPUs but the Ray cluster has 2 free"):
        tf.distribute.MirroredStrategy(num_replicas=3)
    with pytest.raises(ValueError, match="3 workers and 1 parameter servers need 3 CPUs"):
        tf.distribute.experimental.ParameterServerStrategy(num_workers=3)
    assert time.monotonic() - started < 30
    assert free_cpus(ray_session) == 2.0


@pytest.mark.parametrize("bad", [0, -1, 1.5, "2", True])
def test_replica_counts_must_be_positive_integers(ray_session, bad):
    with pytest.raises(ValueError, match="num_replicas must be a positive integer"):
        tf.distribute.MirroredStrategy(num_replicas=bad)


def test_shutdown_stops_the_actors_and_the_strategy(ray_session, digits):
    (x, y), _ = digits
    strategy = tf.distribute.MirroredStrategy(num_replicas=2)
    assert ray_session.available_resources().get("CPU", 0.0) == 0.0
    with strategy.scope():
        model = compiled(make_mlp())
    model.fit(x[:64], y[:64], batch_size=32, verbose=0)
    trained = model.get_weights()
    strategy.shutdown()
    assert ray_session.available_resources().get("CPU", 0.0) == 2.0  # freed when shutdown returns
    with pytest.raises(tf.distribute.DistributedTrainingError, match="shut down"):
        model.fit(x[:64], y[:64], verbose=0)
    with pytest.raises(tf.distribute.DistributedTrainingError, match="shut down"):
        with strategy.scope():
            pass
    assert all(np.array_equal(a, b) for a, b in zip(model.get_weights(), trained, strict=True))
    # evaluating and predicting need no actors: they run here, on the trained weights
    local = compiled(make_mlp())
    local.set_weights(trained)
    assert model.evaluate(x, y, verbose=0) == local.evaluate(x, y, verbose=0)
    assert np.array_equal(model.predict(x[:10]), local.predict(x[:10]))


def test_unsupported_settings_say_so(ray_session, digits):
    (x, y), _ = digits
    with pytest.raises(NotImplementedError, match="cluster_resolver"):
        tf.distribute.experimental.ParameterServerStrategy(object())
    strategy = tf.distribute.MirroredStrategy(num_replicas=2)
    try:
        with strategy.scope():
            model = make_mlp()
            model.compile(optimizer="sgd", loss=keras.losses.SparseCategoricalCrossentropy(reduction="sum"))
        with pytest.raises(NotImplementedError, match="reduction='sum'"):
            model.fit(x[:64], y[:64], verbose=0)
        with pytest.raises(NotImplementedError, match="model.fit"):
            strategy.run(lambda: None)
    finally:
        strategy.shutdown()


def test_a_replica_that_hangs_becomes_an_error_after_step_timeout(ray_session, digits):
    (x, y), _ = digits
    strategy = tf.distribute.MirroredStrategy(num_replicas=2, step_timeout=3)
    try:
        with strategy.scope():
            model = compiled(make_mlp())
        model.fit(x[:64], y[:64], batch_size=32, verbose=0)
        strategy.actors[0].__ray_call__.remote(lambda actor: time.sleep(60))  # busy for a minute
        started = time.monotonic()
        late = r"replica 0 \(Ray actor .* did not answer within 3 s"
        with pytest.raises(tf.distribute.DistributedTimeoutError, match=late):  # a TimeoutError too
            model.fit(x[:64], y[:64], batch_size=32, verbose=0)
        assert time.monotonic() - started < 30
        assert strategy.actors == []
    finally:
        strategy.shutdown()
    assert free_cpus(ray_session) == 2.0


def test_an_exception_inside_a_replica_is_passed_on_with_its_name(ray_session, digits):
    (x, y), _ = digits
    strategy = tf.distribute.MirroredStrategy(num_replicas=2)
    try:
        with strategy.scope():
            model = compiled(make_mlp())
        model.fit(x[:64], y[:64], batch_size=32, verbose=0)

        def break_model(actor):
            actor.model._compute_loss = None
        ray_session.get(strategy.actors[1].__ray_call__.remote(break_model))
        with pytest.raises(tf.distribute.DistributedTrainingError,
                           match=r"replica 1 \(Ray actor .*\) raised while computing gradients.*TypeError"):
            model.fit(x[:64], y[:64], batch_size=32, verbose=0)
        assert len(strategy.actors) == 2  # not a death: the strategy keeps its actors
    finally:
        strategy.shutdown()
