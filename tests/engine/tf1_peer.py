"""Run TF1-style cases on real TensorFlow and on ours, so a test compares the two.

A case is a function ``case_<name>(tf)`` in a test module, written once against the
``tf.compat.v1`` API and returning plain values (numpy arrays, numbers, strings, tuples, dicts).
On ours it runs in-process inside a fresh ``Graph`` (no process-wide switch flipped); on real
TensorFlow all of a module's cases run in one subprocess (``tensorflow.compat.v1`` with
``disable_v2_behavior()``, each case in a fresh graph), because TF's graph mode is global state
that would leak into the eager tests sharing this process. A case that raises returns
``("raised", type name, message)`` on both sides."""

from __future__ import annotations

import importlib
import os
import pickle
import subprocess
import sys

import numpy as np

from tests.conftest import ROOT


def _call(case, tf):
    try:
        return case(tf)
    except Exception as exc:  # noqa: BLE001 - the error is the outcome being compared
        return ("raised", type(exc).__name__, str(exc))


def raised(outcome) -> bool:
    """Whether a case's outcome is the ``("raised", type, message)`` of an exception."""
    return isinstance(outcome, tuple) and len(outcome) == 3 and isinstance(outcome[0], str) and \
        outcome[0] == "raised"


def run_ours(case):
    import engine
    import engine.compat.v1 as tf1

    with engine.Graph().as_default():
        return _call(case, tf1)


def cases_of(module) -> dict:
    return {name[len("case_"):]: fn for name, fn in vars(module).items()
            if name.startswith("case_") and callable(fn)}


def run_real(module_name: str, tmp_dir) -> dict:
    """Every case of ``module_name`` on real TensorFlow: {case name: its outcome}."""
    out = os.path.join(str(tmp_dir), "real.pickle")
    env = {**os.environ, "TF_USE_LEGACY_KERAS": "1", "TF_CPP_MIN_LOG_LEVEL": "3", "CUDA_VISIBLE_DEVICES": "",
           "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    result = subprocess.run([sys.executable, "-m", "tests.engine.tf1_peer", module_name, out], cwd=ROOT,
                            env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-4000:]
    with open(out, "rb") as f:
        return pickle.load(f)


def assert_same(ours, theirs, atol=1e-6, path="result"):
    """The same structure; numbers equal to ``atol`` (relative too, for large values)."""
    if isinstance(theirs, dict):
        assert isinstance(ours, dict) and sorted(ours) == sorted(theirs), f"{path}: {ours!r} vs {theirs!r}"
        for key in theirs:
            assert_same(ours[key], theirs[key], atol, f"{path}[{key!r}]")
    elif isinstance(theirs, (list, tuple)):
        assert isinstance(ours, (list, tuple)) and len(ours) == len(theirs), f"{path}: {ours!r} vs {theirs!r}"
        for i, (a, b) in enumerate(zip(ours, theirs, strict=True)):
            assert_same(a, b, atol, f"{path}[{i}]")
    elif isinstance(theirs, (str, bytes, bool, type(None))):
        assert ours == theirs, f"{path}: ours {ours!r}, TensorFlow {theirs!r}"
    else:
        a, b = np.asarray(ours), np.asarray(theirs)
        assert a.shape == b.shape, f"{path}: shape {a.shape} vs TensorFlow's {b.shape}"
        if b.dtype == object or b.dtype.kind in "SU":
            assert a.tolist() == b.tolist(), f"{path}: ours {a!r}, TensorFlow {b!r}"
            return
        np.testing.assert_allclose(a.astype(np.float64), b.astype(np.float64), rtol=atol, atol=atol,
                                   err_msg=path)


def _main(module_name: str, out: str) -> None:
    import tensorflow.compat.v1 as tf

    tf.disable_v2_behavior()
    module = importlib.import_module(module_name)
    results = {}
    for name, case in cases_of(module).items():
        with tf.Graph().as_default():
            tf.set_random_seed(0)
            results[name] = _call(case, tf)
    with open(out, "wb") as f:
        pickle.dump(results, f)


if __name__ == "__main__":
    _main(sys.argv[1], sys.argv[2])
