"""Distributed tests share one small local Ray session per test module (2 CPUs, no dashboard, no
usage statistics), the digits as flat vectors, and a tiny MLP builder. The multi-node tests share
one real two-node cluster (``ray start``), started once per session and only if they run."""

from __future__ import annotations

import os

import numpy as np
import pytest

import engine as tf
from engine import keras


@pytest.fixture(autouse=True)
def _clean_keras():
    keras.backend.clear_session()
    keras.backend.set_floatx("float32")
    keras.utils.set_random_seed(0)
    yield


@pytest.fixture(scope="module")
def ray_session():
    ray = pytest.importorskip("ray", reason="Ray is the optional 'distributed' extra")
    os.environ["RAY_USAGE_STATS_ENABLED"] = "0"
    if ray.is_initialized():
        ray.shutdown()
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, configure_logging=False,
             object_store_memory=128 * 1024 * 1024)
    try:
        yield ray
    finally:
        ray.shutdown()


@pytest.fixture(scope="session")
def digits():
    """``(x_train, y_train), (x_test, y_test)``: 8x8 digits as 64 floats in [0, 1]."""
    (x, y), (xt, yt) = tf.datasets.digits.load_data()
    def flat(a):
        return a.reshape(len(a), -1).astype(np.float32) / 16.0
    return (flat(x), y.astype(np.int64)), (flat(xt), yt.astype(np.int64))



@pytest.fixture(scope="session")
def ray_cluster():
    """Two Ray nodes on this machine, ``node_a`` (the head) and ``node_b``, one CPU each."""
    pytest.importorskip("ray", reason="Ray is the optional 'distributed' extra")
    from tests.distribute.ray_cluster import LocalCluster

    cluster = LocalCluster(["node_a", "node_b"])
    try:
        yield cluster
    finally:
        cluster.stop()
