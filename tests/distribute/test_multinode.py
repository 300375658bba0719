"""The strategies on a real two-node Ray cluster (``ray start --head`` plus ``ray start
--address``, see ``ray_cluster.py``), joined with ``address=`` and with ``RAY_ADDRESS``: actors land
on both nodes and training gives the weights one process gives. Then the loss of a whole node
mid-epoch: a clear error naming the node, no hang, and ``BackupAndRestore`` resuming on the node
that is left to the weights of an uninterrupted run."""

from __future__ import annotations

import time

import numpy as np
import pytest

import engine as tf
from engine import keras
from tests.distribute.helpers import make_mlp, max_abs_diff

EXACT = 1e-6


@pytest.fixture
def driver(ray_cluster):
    """Both nodes up, and this process not connected to any Ray session before or after."""
    import ray

    if ray.is_initialized():
        ray.shutdown()
    ray_cluster.ensure("node_a", "node_b")
    yield ray_cluster
    ray.shutdown()


def node_labels(ray) -> dict[str, str]:
    """Ray node id -> the custom resource naming it (``node_a`` / ``node_b``)."""
    out = {}
    for n in ray.nodes():
        if n["Alive"]:
            out[n["NodeID"]] = next((k for k in n["Resources"] if k in ("node_a", "node_b")), "?")
    return out


def actor_nodes(ray, members) -> list[str]:
    """Where each actor runs, asked of the actor itself."""
    labels = node_labels(ray)
    refs = [m.handle.__ray_call__.remote(lambda self: __import__("ray").get_runtime_context().get_node_id())
            for m in members]
    return [labels[node_id] for node_id in ray.get(refs, timeout=60)]


def sgd(model):
    model.compile(optimizer=keras.optimizers.SGD(0.1, momentum=0.9), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    return model


def single_process(x, y, epochs, **fit):
    model = sgd(make_mlp())
    model.fit(x, y, batch_size=64, epochs=epochs, shuffle=False, verbose=0, **fit)
    return model


def test_mirrored_replicas_on_both_nodes_joined_by_address(driver, digits):
    import ray

    (x, y), (xt, yt) = digits
    x, y = x[:640], y[:640]
    strategy = tf.distribute.MirroredStrategy(num_replicas=2, address=driver.address, step_timeout=60)
    try:
        assert ray.get_runtime_context().gcs_address.endswith(f":{driver.port}")
        assert sorted(actor_nodes(ray, strategy._members)) == ["node_a", "node_b"]
        assert len({m.node_id for m in strategy._members}) == 2  # what the strategy itself recorded
        with strategy.scope():
            model = sgd(make_mlp())
        model.fit(x, y, batch_size=64, epochs=2, shuffle=False, verbose=0)
        single = single_process(x, y, epochs=2)
        assert max_abs_diff(model.get_weights(), single.get_weights()) < EXACT
        for replica in strategy.replica_weights():
            assert max_abs_diff(replica, model.get_weights()) == 0.0
        assert np.abs(model.predict(xt[:100]) - single.predict(xt[:100])).max() < EXACT
    finally:
        strategy.shutdown()


def test_parameter_server_and_worker_on_different_nodes_joined_by_ray_address(driver, digits, monkeypatch):
    """One worker and one server of one CPU each: they must go to different nodes, and with one
    worker the steps are sequential, so the weights are one process's."""
    import ray

    (x, y), _ = digits
    x, y = x[:640], y[:640]
    monkeypatch.setenv("RAY_ADDRESS", driver.address)
    strategy = tf.distribute.experimental.ParameterServerStrategy(num_workers=1, num_ps=1, cpus_per_ps=1,
                                                                  step_timeout=60)
    try:
        assert ray.get_runtime_context().gcs_address.endswith(f":{driver.port}")
        assert sorted(actor_nodes(ray, strategy._members)) == ["node_a", "node_b"]
        with strategy.scope():
            model = sgd(make_mlp())
        model.fit(x, y, batch_size=64, epochs=2, shuffle=False, verbose=0)
        assert max_abs_diff(model.get_weights(), single_process(x, y, epochs=2).get_weights()) < EXACT
    finally:
        strategy.shutdown()


def test_a_strategy_does_not_silently_train_on_another_cluster(driver):
    import ray

    ray.init(address=driver.address, log_to_driver=False, configure_logging=False)
    with pytest.raises(ValueError, match=r"already connected to the Ray cluster at .*ray.shutdown\(\)"):
        tf.distribute.MirroredStrategy(num_replicas=1, address="127.0.0.1:1")


class KillNode(keras.callbacks.Callback):
    """Kills every process of a node (its raylet, object store and the actor on it) mid-epoch."""

    def __init__(self, cluster, name, epoch, batch):
        super().__init__()
        self.cluster, self.name, self.at = cluster, name, (epoch, batch)
        self.epoch, self.killed_at = 0, None

    def on_epoch_begin(self, epoch, logs=None):
        self.epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        if (self.epoch, batch) == self.at and self.killed_at is None:
            assert self.cluster.kill_node(self.name)
            self.killed_at = time.monotonic()


def test_a_lost_node_is_named_and_backup_and_restore_resumes_on_the_survivor(driver, digits, tmp_path):
    import ray

    (x, y), _ = digits
    x, y = x[:640], y[:640]  # 10 steps an epoch
    backup = tmp_path / "backup"
    uninterrupted = single_process(x, y, epochs=3)

    strategy = tf.distribute.MirroredStrategy(num_replicas=2, address=driver.address, step_timeout=60)
    lost = dict(zip(actor_nodes(ray, strategy._members), strategy._members, strict=True))["node_b"]
    with strategy.scope():
        model = sgd(make_mlp())
    kill = KillNode(driver, "node_b", epoch=1, batch=4)
    with pytest.raises(tf.distribute.DistributedTrainingError) as failure:
        model.fit(x, y, batch_size=64, epochs=3, shuffle=False, verbose=0,
                  callbacks=[keras.callbacks.BackupAndRestore(str(backup)), kill])
    waited = time.monotonic() - kill.killed_at
    message = str(failure.value)
    assert f"replica {lost.index} " in message and lost.node_id[:8] in message, message
    assert f"node {lost.node_id[:8]} at {lost.node_ip} (node_b) was lost" in message, message
    assert waited < 30, f"the error took {waited:.1f} s"
    assert strategy.actors == []
    assert (backup / "training_metadata.json").exists()  # epoch 0's backup survived the failure

    # the job is started again on what is left: a new strategy and a new model, the same callback
    survivor = tf.distribute.MirroredStrategy(num_replicas=1, step_timeout=60)
    try:
        assert actor_nodes(ray, survivor._members) == ["node_a"]
        with survivor.scope():
            resumed = sgd(make_mlp())  # the initial weights again; the backup supplies the rest
        history = resumed.fit(x, y, batch_size=64, epochs=3, shuffle=False, verbose=0,
                              callbacks=[keras.callbacks.BackupAndRestore(str(backup))])
    finally:
        survivor.shutdown()
    assert history.epoch == [1, 2]  # epoch 1, interrupted, runs again from epoch 0's backup
    assert max_abs_diff(resumed.get_weights(), uninterrupted.get_weights()) < EXACT
    assert not backup.exists()  # a fit that finishes deletes its backup
