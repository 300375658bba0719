"""The TensorFlow-guide corpus: every script runs on real TensorFlow and on ours, and our RESULT
must equal TensorFlow's (``tests/keras_corpus/compare.py``: structure exactly, floats to a
tolerance the script may widen in ``TOLERANCE``, saying why).

Scripts in ``pending/`` do not pass on ours yet: their ``ours`` case is a strict xfail with the
reason in ``pending_reasons.PENDING`` (it fails the moment it passes: then move the script to
``scripts/``); their TensorFlow case is an ordinary test."""

from __future__ import annotations

import ast
import os
import pathlib

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

import pytest  # noqa: E402
import tensorflow  # noqa: E402,F401 - the peer, imported plainly: a missing peer is an error, not a skip

from tests.keras_corpus.compare import differences  # noqa: E402
from tests.keras_corpus.corpus_files import constant, corpus_scripts  # noqa: E402
from tests.tf_corpus import shim  # noqa: E402
from tests.tf_corpus.pending_reasons import PENDING  # noqa: E402

HERE = pathlib.Path(__file__).resolve().parent
SCRIPTS, PENDING_SCRIPTS = corpus_scripts(HERE)
_CACHE: dict = {}


def _result(script, side):
    key = (script, side)
    if key not in _CACHE:
        _CACHE[key] = shim.run(script, side)
    return _CACHE[key]


def _ours_cases():
    cases = []
    for script in SCRIPTS + PENDING_SCRIPTS:
        pending = script.parent.name == "pending"
        marks = [pytest.mark.xfail(strict=True, reason=PENDING.get(script.stem, "?"))] if pending else []
        cases.append(pytest.param(script, marks=marks, id=script.stem))
    return cases


def test_corpus_is_bookkept():
    assert len(SCRIPTS) >= 25  # issue 14: at least 25 tensorflow.org-style scripts
    assert not {s.stem for s in SCRIPTS} & {s.stem for s in PENDING_SCRIPTS}
    assert {s.stem for s in PENDING_SCRIPTS} == set(PENDING), (
        "every pending script needs its reason, and only those"
    )
    readme = (HERE / "README.md").read_text()
    for script in SCRIPTS + PENDING_SCRIPTS:
        assert f"`{script.stem}`" in readme, f"{script.stem} is missing from README.md's table"
        assert ast.get_docstring(ast.parse(script.read_text())), f"{script.stem} says which guide it follows"


@pytest.mark.parametrize("script", SCRIPTS + PENDING_SCRIPTS, ids=lambda s: s.stem)
def test_tensorflow(script):
    """The script runs on real TensorFlow and fills RESULT."""
    assert _result(script, "tf")


@pytest.mark.parametrize("script", _ours_cases())
def test_ours(script):
    """Our RESULT equals TensorFlow's."""
    tolerance = constant(script, "TOLERANCE", {})
    found = differences(_result(script, "ours"), _result(script, "tf"), tolerance)
    assert not found, f"{script.stem} diverges from TensorFlow: {found}"


def test_an_isolated_run_gives_what_an_in_process_run_gives():
    """``ISOLATE = True`` scripts run in a fresh process; the harness returns the same RESULT."""
    script = HERE / "scripts" / "data_basic_mechanics.py"
    assert shim._run_isolated(script, "ours") == _result(script, "ours")
