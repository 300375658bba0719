"""Run a TensorFlow-guide script with ``tensorflow`` being one side's package.

Sides: ``ours`` (``engine`` as ``tensorflow``, ``engine.keras`` as ``tf.keras``/``keras``) and
``tf`` (real TensorFlow, whose ``tf.keras`` is Keras 3). The module swap is the Keras corpus's
(``tests/keras_corpus/shim.py``); this adds the TensorFlow seed, a scratch directory for scripts
that write files (``corpus.scratch()``), and a fresh process for scripts that set process-wide
state a later script must not inherit (``ISOLATE = True`` in the script: TF1's
``disable_eager_execution``, for one). ``run`` returns the script's ``RESULT``."""

from __future__ import annotations

import json
import os
import pathlib
import runpy
import subprocess
import sys
import tempfile

from tests.keras_corpus import shim as keras_shim
from tests.keras_corpus.shim import plain

SIDES = ("ours", "tf")
_KERAS_SIDE = {"ours": "ours", "tf": "keras3"}
ROOT = pathlib.Path(__file__).resolve().parents[2]


def _run_here(script: pathlib.Path, side: str) -> dict:
    with tempfile.TemporaryDirectory() as scratch, keras_shim.as_keras(_KERAS_SIDE[side]) as keras:
        sys.modules["corpus"].scratch = lambda: pathlib.Path(scratch)
        keras.utils.set_random_seed(0)
        sys.modules["tensorflow"].random.set_seed(0)
        namespace = runpy.run_path(str(script), run_name="__corpus__")
        result = namespace.get("RESULT")
        if not isinstance(result, dict) or not result:
            raise AssertionError(f"{script.name} on {side} did not fill RESULT")
        return plain(result)


def _run_isolated(script: pathlib.Path, side: str) -> dict:
    with tempfile.TemporaryDirectory() as out_dir:
        out = pathlib.Path(out_dir) / "result.json"
        code = ("import json, pathlib, sys; from tests.tf_corpus import shim; "
                "pathlib.Path(sys.argv[3]).write_text(json.dumps(shim._run_here(pathlib.Path(sys.argv[1]), "
                "sys.argv[2])))")
        env = {**os.environ, "PYTHONPATH": str(ROOT), "TF_CPP_MIN_LOG_LEVEL": "2"}
        done = subprocess.run([sys.executable, "-c", code, str(script), side, str(out)], cwd=ROOT, env=env,
                              capture_output=True, text=True, timeout=600)
        if done.returncode != 0:
            raise AssertionError(f"{script.name} on {side} failed:\n{done.stderr[-4000:]}")
        return json.loads(out.read_text())


def isolated(script: pathlib.Path) -> bool:
    import ast

    for node in ast.parse(script.read_text()).body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "ISOLATE" for t in node.targets):
            return bool(ast.literal_eval(node.value))
    return False


def run(script: pathlib.Path, side: str) -> dict:
    """The plain form (``keras_corpus.shim.plain``) of the ``RESULT`` ``script`` fills on ``side``."""
    return _run_isolated(script, side) if isolated(script) else _run_here(script, side)
