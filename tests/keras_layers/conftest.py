"""Layer parity tests start from a clean slate: float32, fresh layer names, a fixed seed."""

from __future__ import annotations

import pytest

from engine import keras


@pytest.fixture(autouse=True)
def _clean_keras():
    keras.backend.clear_session()
    keras.backend.set_floatx("float32")
    keras.utils.set_random_seed(0)
    yield
    keras.backend.set_floatx("float32")
