"""Metrics against real Keras 2 (tf_keras) and Keras 3: the same batches (with and without
sample weights) through update_state, the same result after each, reset_state, get_config."""

from __future__ import annotations

import numpy as np
import pytest

from tests.keras_api.peers import k2, k3, ours

RNG = np.random.default_rng(3)
N, C = 16, 6


def _batches(kind):
    out = []
    for i in range(3):
        if kind == "binary":
            y_true = RNG.integers(0, 2, (N, 1)).astype("float32")
            y_pred = RNG.uniform(size=(N, 1)).astype("float32")
        elif kind == "multilabel":
            y_true = RNG.integers(0, 2, (N, 3)).astype("float32")
            y_pred = RNG.uniform(size=(N, 3)).astype("float32")
        elif kind == "onehot":
            y_true = np.eye(C, dtype="float32")[RNG.integers(0, C, N)]
            y_pred = RNG.dirichlet(np.ones(C), N).astype("float32")
        elif kind == "sparse":
            y_true = RNG.integers(0, C, (N, 1)).astype("float32") if i % 2 else RNG.integers(0, C, N)
            y_pred = RNG.dirichlet(np.ones(C), N).astype("float32")
        else:  # regression
            y_true = RNG.normal(size=(N, 3)).astype("float32")
            y_pred = RNG.normal(size=(N, 3)).astype("float32")
        weight = RNG.uniform(0, 2, N).astype("float32") if i != 1 else None
        out.append((y_true, y_pred, weight))
    return out


CASES = [
    ("BinaryAccuracy", {}, "binary"),
    ("BinaryAccuracy", {"threshold": 0.7}, "binary"),
    ("BinaryAccuracy", {"threshold": 0.3}, "multilabel"),
    ("CategoricalAccuracy", {}, "onehot"),
    ("SparseCategoricalAccuracy", {}, "sparse"),
    ("TopKCategoricalAccuracy", {}, "onehot"),
    ("TopKCategoricalAccuracy", {"k": 2}, "onehot"),
    ("SparseTopKCategoricalAccuracy", {}, "sparse"),
    ("SparseTopKCategoricalAccuracy", {"k": 3}, "sparse"),
    ("MeanSquaredError", {}, "regression"),
    ("MeanAbsoluteError", {}, "regression"),
    ("Precision", {}, "binary"),
    ("Precision", {"thresholds": 0.3}, "multilabel"),
    ("Precision", {"thresholds": [0.2, 0.5, 0.8]}, "multilabel"),
    ("Precision", {"top_k": 2}, "multilabel"),
    ("Precision", {"class_id": 1}, "multilabel"),
    ("Recall", {}, "binary"),
    ("Recall", {"thresholds": [0.2, 0.5, 0.8]}, "multilabel"),
    ("Recall", {"top_k": 1}, "multilabel"),
    ("Recall", {"class_id": 2, "thresholds": 0.4}, "multilabel"),
    ("AUC", {}, "binary"),
    ("AUC", {"num_thresholds": 17}, "binary"),
    ("AUC", {"curve": "PR"}, "binary"),
    ("AUC", {"curve": "PR", "num_thresholds": 33}, "multilabel"),
    ("AUC", {"summation_method": "minoring"}, "binary"),
    ("AUC", {"curve": "PR", "summation_method": "majoring"}, "multilabel"),
    ("AUC", {"multi_label": True}, "multilabel"),
    ("AUC", {"multi_label": True, "curve": "PR", "label_weights": [0.2, 1.0, 0.5]}, "multilabel"),
    ("AUC", {"thresholds": [0.1, 0.4, 0.6, 0.9]}, "binary"),
]
IDS = [f"{n}-{'-'.join(f'{k}={v}' for k, v in kw.items()) or 'defaults'}-{kind}" for n, kw, kind in CASES]


def _result(metric):
    return np.asarray(metric.result(), dtype=np.float64)


def _check(name, kwargs, kind, lib):
    batches = _batches(kind)
    mine = getattr(ours.metrics, name)(**kwargs)
    ref = getattr(lib.metrics, name)(**kwargs)
    for y_true, y_pred, weight in batches:
        mine.update_state(y_true, y_pred, sample_weight=weight)
        ref.update_state(y_true, y_pred, sample_weight=weight)
        np.testing.assert_allclose(_result(mine), _result(ref), rtol=1e-5, atol=1e-6)
    mine.reset_state()
    ref.reset_state()
    np.testing.assert_allclose(_result(mine), _result(ref), atol=1e-7)
    y_true, y_pred, weight = batches[0]
    mine.update_state(y_true, y_pred)
    ref.update_state(y_true, y_pred)
    np.testing.assert_allclose(_result(mine), _result(ref), rtol=1e-5, atol=1e-6)
    return mine, ref


@pytest.mark.parametrize(("name", "kwargs", "kind"), CASES, ids=IDS)
def test_matches_keras3(name, kwargs, kind):
    mine, ref = _check(name, kwargs, kind, k3)
    config, theirs = mine.get_config(), ref.get_config()
    for key in theirs:
        if key != "name" and (key != "thresholds" or kwargs.get("thresholds") is not None):
            assert key in config, key
            want, got = theirs[key], config[key]
            if isinstance(want, (list, tuple, np.ndarray)) or hasattr(want, "numpy"):
                np.testing.assert_allclose(np.asarray(got, float), np.asarray(want, float), rtol=1e-6)
            else:
                assert got == want, key
    again = type(mine).from_config(config)
    assert again.get_config() == config
    # Keras 3's own config builds ours and gives the same numbers
    built = type(mine).from_config(theirs)
    y_true, y_pred, weight = _batches(kind)[0]
    built.update_state(y_true, y_pred, sample_weight=weight)
    ref.reset_state()
    ref.update_state(y_true, y_pred, sample_weight=weight)
    np.testing.assert_allclose(_result(built), _result(ref), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize(("name", "kwargs", "kind"), CASES, ids=IDS)
def test_matches_keras2(name, kwargs, kind):
    _check(name, kwargs, kind, k2)


SHAPES = (((5,), (5,)), ((4, 3), (4,)), ((4, 3), (4, 3)), ((6,), None), ((2, 3), (2, 1)), ((3, 2), None),
          ((), None))
# Keras 2's Mean counts every element of a multi-dimensional batch, Keras 3 (which we follow) each
# sample once; they agree on one-dimensional batches
SHAPES_1D = (((5,), (5,)), ((6,), None), ((4,), (4, 1)), ((), None))


@pytest.mark.parametrize("name", ["Mean", "Sum"])
@pytest.mark.parametrize("lib", [k2, k3], ids=["k2", "k3"])
def test_reducing_metrics(name, lib):
    mine, ref = getattr(ours.metrics, name)(), getattr(lib.metrics, name)()
    shapes = SHAPES if lib is k3 or name == "Sum" else SHAPES_1D
    for shape, wshape in shapes:
        values = RNG.normal(size=shape).astype("float32")
        weight = None if wshape is None else RNG.uniform(0, 2, wshape).astype("float32")
        mine.update_state(values, sample_weight=weight)
        ref.update_state(values, sample_weight=weight)
        np.testing.assert_allclose(_result(mine), _result(ref), rtol=1e-5, atol=1e-6)
    mine.reset_state()
    ref.reset_state()
    assert float(_result(mine)) == float(_result(ref)) == 0.0
    assert mine.get_config() == {"name": name.lower(), "dtype": "float32"} == {
        k: v for k, v in ref.get_config().items() if k in ("name", "dtype")}


@pytest.mark.parametrize("identifier", ["auc", "precision", "recall", "top_k_categorical_accuracy",
                                        "sparse_top_k_categorical_accuracy", "mse", "mae", "binary_accuracy",
                                        "mean", "sum"])
def test_string_identifiers(identifier):
    mine, ref = ours.metrics.get(identifier), k3.metrics.get(identifier)
    if isinstance(ref, k3.metrics.Metric):
        assert type(mine).__name__ == type(ref).__name__
    else:  # Keras 3 gives the function for "mse"/"mae"/"binary_accuracy"...; compile wraps it
        assert type(mine).fn.__name__ == ref.__name__


def test_unnamed_metrics_are_numbered():
    ours.backend.clear_session()
    k3.backend.clear_session()
    for cls in ("AUC", "Precision", "AUC"):
        assert getattr(ours.metrics, cls)().name == getattr(k3.metrics, cls)().name
    assert ours.metrics.AUC(name="roc").name == "roc"


def test_compile_with_new_metrics():
    ours.backend.clear_session()
    k3.backend.clear_session()
    x = RNG.normal(size=(32, 4)).astype("float32")
    y = (x[:, :1] > 0).astype("float32")
    model = ours.Sequential([ours.Input((4,)), ours.layers.Dense(1, activation="sigmoid")])
    model.compile("sgd", "binary_crossentropy", metrics=["auc", ours.metrics.Precision(), "recall"])
    logs = model.evaluate(x, y, verbose=0, return_dict=True)
    ref = k3.Sequential([k3.Input((4,)), k3.layers.Dense(1, activation="sigmoid")])
    ref.set_weights(model.get_weights())
    ref.compile("sgd", "binary_crossentropy", metrics=["auc", k3.metrics.Precision(), "recall"])
    theirs = ref.evaluate(x, y, verbose=0, return_dict=True)
    assert sorted(logs) == sorted(theirs)
    for key in ("auc", "precision", "recall"):
        assert logs[key] == pytest.approx(theirs[key], rel=1e-5, abs=1e-6), key
