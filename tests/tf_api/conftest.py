"""Real TensorFlow, the reference these tests compare ours with (a test-only peer)."""

import os

import pytest

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


@pytest.fixture(scope="session")
def real_tf():
    import tensorflow

    return tensorflow
