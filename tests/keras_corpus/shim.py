"""Run a corpus script as if ``keras`` (and ``tensorflow``) were one side's package.

A side is ``ours`` (``engine.keras`` as ``keras``, ``engine`` as ``tensorflow``), ``keras3`` (real
Keras 3 and TensorFlow) or ``keras2`` (``tf_keras`` as ``keras``, real TensorFlow). ``run`` swaps
the ``keras*``/``tensorflow*`` entries of ``sys.modules`` for the side's modules, runs the script
with runpy, puts every entry back and returns the script's ``RESULT``. Scripts also import
``corpus`` (the helpers below, bound to the side): ``corpus.digits()`` and ``same_weights(model)``.
"""

from __future__ import annotations

import contextlib
import gzip
import importlib
import pathlib
import pkgutil
import runpy
import sys
import types

import numpy as np

SIDES = ("ours", "keras3", "keras2")
DIGITS = pathlib.Path(__file__).resolve().parents[2] / "engine" / "datasets" / "data" / "digits.csv.gz"
_HIDDEN = ("keras", "tensorflow", "corpus")
_KERAS2_SUBMODULES = (
    "activations", "backend", "callbacks", "constraints", "initializers", "layers", "losses", "metrics",
    "models", "optimizers", "optimizers.schedules", "preprocessing", "regularizers", "saving", "utils",
    "applications", "datasets", "mixed_precision",
)


def _hidden(name: str) -> bool:
    return any(name == root or name.startswith(root + ".") for root in _HIDDEN)


def _alias(prefix: str, as_name: str) -> dict:
    """Every loaded module named ``prefix`` or ``prefix.*``, renamed under ``as_name``."""
    return {
        as_name + name[len(prefix) :]: module
        for name, module in list(sys.modules.items())
        if module is not None and (name == prefix or name.startswith(prefix + "."))
    }


def _ours_modules() -> dict:
    import engine
    import engine.keras

    # Load every engine.keras module now, so an import under the alias finds the loaded module
    # instead of executing the file a second time as ``keras.<something>`` (duplicate classes).
    for info in pkgutil.walk_packages(engine.keras.__path__, "engine.keras."):
        importlib.import_module(info.name)
    modules = _alias("engine.keras", "keras")
    modules["tensorflow"] = engine
    modules["tensorflow.keras"] = engine.keras
    return modules


def _keras2_modules() -> dict:
    for sub in _KERAS2_SUBMODULES:
        importlib.import_module("tf_keras." + sub)
    modules = _alias("tf_keras", "keras")
    modules.update(_alias("tensorflow", "tensorflow"))
    return modules


def _keras3_modules() -> dict:
    import keras
    import tensorflow

    for sub in ("ops", "random", "optimizers.schedules", "saving", "preprocessing", "applications"):
        importlib.import_module("keras." + sub)
    return {
        **_alias("keras", "keras"),
        **_alias("tensorflow", "tensorflow"),
        "tensorflow": tensorflow,
        "keras": keras,
    }


_MODULES = {"ours": _ours_modules, "keras3": _keras3_modules, "keras2": _keras2_modules}


def _corpus_module(side: str, keras) -> types.ModuleType:
    """The helpers a script may call; the same numbers on every side."""
    corpus = types.ModuleType("corpus")
    corpus.SIDE = side

    def digits(flat=True):
        """The bundled 8x8 digits, split as ``engine.datasets.digits.load_data()`` splits them,
        scaled to [0, 1]; read straight from the package's file (no engine import)."""
        with gzip.open(DIGITS, "rt") as f:
            table = np.loadtxt(f, delimiter=",", dtype=np.float64)
        x = (table[:, :64] / 16.0).astype("float32")
        y = table[:, 64].astype("int64")
        order = np.random.default_rng(113).permutation(len(y))
        x, y = x[order], y[order]
        if not flat:
            x = x.reshape(-1, 8, 8, 1)
        n_test = int(round(len(y) * 0.2))
        return (x[n_test:], y[n_test:]), (x[:n_test], y[:n_test])

    def same_weights(model, seed=0):
        """Give ``model`` the same weights on every side: values its initializer draws at random
        (non-constant arrays) are replaced, in ``get_weights`` order, by seeded uniform values with
        a Glorot-sized range; constant arrays (zero biases, unit gammas, moving stats) are kept."""
        new = []
        for i, w in enumerate(model.get_weights()):
            w = np.asarray(w)
            if w.size and np.ptp(w) > 0:
                fan_in = int(np.prod(w.shape[:-1])) if w.ndim > 1 else w.shape[0]
                limit = np.sqrt(6.0 / (fan_in + w.shape[-1]))
                w = np.random.default_rng(seed * 1000 + i).uniform(-limit, limit, w.shape).astype(w.dtype)
            new.append(w)
        model.set_weights(new)
        return model

    def seed(value=0):
        keras.utils.set_random_seed(value)

    corpus.digits, corpus.same_weights, corpus.seed = digits, same_weights, seed
    return corpus


@contextlib.contextmanager
def as_keras(side: str):
    """``sys.modules`` with ``side``'s packages under the names ``keras`` and ``tensorflow``."""
    modules = _MODULES[side]()
    saved = {name: module for name, module in sys.modules.items() if _hidden(name)}
    for name in saved:
        del sys.modules[name]
    sys.modules.update(modules)
    sys.modules["corpus"] = _corpus_module(side, modules["keras"])
    try:
        modules["keras"].backend.clear_session()
        yield modules["keras"]
    finally:
        for name in [name for name in sys.modules if _hidden(name)]:
            del sys.modules[name]
        sys.modules.update(saved)


def run(script: pathlib.Path, side: str) -> dict:
    """The ``RESULT`` dict that ``script`` fills when run on ``side``."""
    with as_keras(side) as keras:
        keras.utils.set_random_seed(0)
        namespace = runpy.run_path(str(script), run_name="__corpus__")
    if not isinstance(namespace.get("RESULT"), dict) or not namespace["RESULT"]:
        raise AssertionError(f"{script.name} on {side} did not fill RESULT")
    return namespace


def plain(value):
    """Outcomes in comparable Python form: tensors and arrays to nested lists, TensorShapes and
    tuples to lists, numpy scalars to Python numbers, dict keys kept."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if hasattr(value, "as_list") and not isinstance(value, (list, tuple)):
        return value.as_list()
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if hasattr(value, "numpy") and not isinstance(value, np.ndarray):
        value = value.numpy()
    if isinstance(value, np.ndarray):
        return plain(value.tolist())
    if isinstance(value, np.generic):
        return value.item()
    return value
