"""The keras.io-style corpus: every script runs on real Keras 3, on real Keras 2 (tf_keras) when
it is generation-neutral, and on ours; our RESULT must equal each reference's (see compare.py).

A script's ``REFERENCES`` (default ``("keras3", "keras2")``) lists the real generations it is
written for; when both are listed, Keras 2 must also agree with Keras 3 (the script is truly
neutral). Scripts in ``pending/`` still fail on ours: their ``ours`` case is a strict xfail with
the divergence in ``PENDING`` (it fails the moment it passes: then move it to ``scripts/``);
their real-Keras cases are ordinary tests.
"""

from __future__ import annotations

import os
import pathlib

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

import keras  # noqa: E402,F401 - the peers, imported plainly: a missing peer is an error, not a skip
import pytest  # noqa: E402
import tensorflow  # noqa: E402,F401
import tf_keras  # noqa: E402,F401

from tests.keras_corpus import shim  # noqa: E402
from tests.keras_corpus.compare import differences  # noqa: E402
from tests.keras_corpus.corpus_files import constant, corpus_scripts  # noqa: E402
from tests.keras_corpus.pending_reasons import PENDING  # noqa: E402

HERE = pathlib.Path(__file__).resolve().parent
SCRIPTS, PENDING_SCRIPTS = corpus_scripts(HERE)
_CACHE: dict = {}


def _references(script):
    return tuple(constant(script, "REFERENCES", ("keras3", "keras2")))


def _result(script, side):
    key = (script, side)
    if key not in _CACHE:
        _CACHE[key] = shim.run(script, side)["RESULT"]
    return _CACHE[key]


def test_keras3_runs_on_tensorflow():
    """The TensorFlow-guide scripts (GradientTape loops, train_step) need Keras 3's TF backend."""
    assert keras.backend.backend() == "tensorflow"


def _cases():
    ours, real = [], []
    for script in SCRIPTS + PENDING_SCRIPTS:
        pending = script.parent.name == "pending"
        marks = [pytest.mark.xfail(strict=True, reason=PENDING.get(script.stem, "?"))] if pending else []
        ours.append(pytest.param(script, marks=marks, id=script.stem))
        real.extend(pytest.param(script, side, id=f"{script.stem}-{side}") for side in _references(script))
    return ours, real


OURS, REAL = _cases()


def test_corpus_is_large_and_bookkept():
    assert len(SCRIPTS) + len(PENDING_SCRIPTS) >= 40
    assert not {s.stem for s in SCRIPTS} & {s.stem for s in PENDING_SCRIPTS}
    assert {s.stem for s in PENDING_SCRIPTS} == set(PENDING), (
        "every pending script needs its reason, and only those"
    )
    readme = (HERE / "README.md").read_text()
    for script in SCRIPTS + PENDING_SCRIPTS:
        assert f"`{script.stem}`" in readme, f"{script.stem} is missing from README.md's table"


@pytest.mark.parametrize(("script", "side"), REAL)
def test_real_keras(script, side):
    """The script runs on this real generation; Keras 2 also agrees with Keras 3 when both apply."""
    result = _result(script, side)
    if side == "keras2" and "keras3" in _references(script):
        tolerance = constant(script, "TOLERANCE", {})
        assert not differences(result, _result(script, "keras3"), tolerance), (
            f"{script.stem} is not generation-neutral: list one generation in REFERENCES"
        )


@pytest.mark.parametrize("script", OURS)
def test_ours(script):
    """Our RESULT equals every real generation's the script is written for."""
    tolerance = constant(script, "TOLERANCE", {})
    ours = _result(script, "ours")
    problems = {side: differences(ours, _result(script, side), tolerance) for side in _references(script)}
    problems = {side: found for side, found in problems.items() if found}
    assert not problems, f"{script.stem} diverges from real Keras: {problems}"
