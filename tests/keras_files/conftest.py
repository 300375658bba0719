"""Both real Keras generations, imported once: ``tf_keras`` (Keras 2) and ``keras`` (Keras 3, on
whatever backend the run chose first). Every test starts from a clean session on all sides."""

from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402
import pytest  # noqa: E402
import tf_keras  # noqa: E402

from engine import keras as ours  # noqa: E402

REAL = {"tf_keras": tf_keras, "keras": keras}


@pytest.fixture(autouse=True)
def _clean_sessions():
    ours.backend.clear_session()
    ours.backend.set_floatx("float32")
    ours.utils.set_random_seed(0)
    tf_keras.backend.clear_session()
    keras.backend.clear_session()
    tf_keras.utils.set_random_seed(0)
    keras.utils.set_random_seed(0)
    yield


@pytest.fixture(params=sorted(REAL))
def real(request):
    return REAL[request.param]
