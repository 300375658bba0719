"""What a user's own classes need, against real Keras 2 and 3: ``register_keras_serializable``
(the ``"package>name"`` they are saved under, and ``.h5`` files that carry them loaded both ways),
a ``Metric`` whose state is made with ``add_variable``/``add_weight``, and the ``get`` resolvers."""

from __future__ import annotations

import numpy as np
import pytest

from tests.keras_api.peers import k2, k3, ours

X = np.random.default_rng(6).normal(size=(5, 3)).astype("float32")
_SCALES = {}


def _scale_class(keras, package="CorpusTest"):
    """A custom layer registered on ``keras`` (once per side: registering twice warns in Keras)."""
    if keras not in _SCALES:
        @keras.utils.register_keras_serializable(package=package)
        class Scale(keras.layers.Layer):
            def __init__(self, factor=2.0, **kwargs):
                super().__init__(**kwargs)
                self.factor = factor

            def call(self, x):
                return x * self.factor

            def get_config(self):
                return {**super().get_config(), "factor": self.factor}

        _SCALES[keras] = Scale
    return _SCALES[keras]


def _model(keras):
    inputs = keras.Input(shape=(3,))
    outputs = _scale_class(keras)(3.0)(keras.layers.Dense(2, name="dense")(inputs))
    model = keras.Model(inputs, outputs)
    rng = np.random.default_rng(0)
    model.set_weights([rng.normal(size=w.shape).astype("float32") for w in model.get_weights()])
    return model


@pytest.mark.parametrize("keras", [k2, k3], ids=["keras2", "keras3"])
def test_registered_names_are_keras_names(keras):
    ours_cls, real_cls = _scale_class(ours), _scale_class(keras)
    assert ours.saving.get_registered_name(ours_cls) == keras.utils.get_registered_name(real_cls)
    assert ours.utils.get_registered_object("CorpusTest>Scale") is ours_cls
    assert keras.utils.get_registered_object("CorpusTest>Scale") is real_cls
    assert ours.saving.get_registered_object("Nothing>Here") is None
    assert "CorpusTest>Scale" in ours.saving.get_custom_objects()


@pytest.mark.parametrize("keras", [k2, k3], ids=["keras2", "keras3"])
def test_h5_files_with_a_registered_layer_load_both_ways(keras, tmp_path):
    theirs = _model(keras)
    theirs.save(tmp_path / "theirs.h5")
    loaded = ours.models.load_model(tmp_path / "theirs.h5")
    assert type(loaded.layers[-1]) is _scale_class(ours) and loaded.layers[-1].factor == 3.0
    np.testing.assert_allclose(loaded.predict(X, verbose=0), theirs.predict(X, verbose=0), rtol=1e-6)

    mine = _model(ours)
    mine.save(tmp_path / "ours.h5")
    back = keras.models.load_model(tmp_path / "ours.h5", compile=False)
    assert type(back.layers[-1]) is _scale_class(keras)
    np.testing.assert_allclose(back.predict(X, verbose=0), mine.predict(X, verbose=0), rtol=1e-6)


def test_register_refuses_a_bad_package():
    with pytest.raises(ValueError, match="package"):
        ours.saving.register_keras_serializable(package="a>b")


def _true_positives(keras, keras3_api):
    class TruePositives(keras.metrics.Metric):
        def __init__(self, name="tp", **kwargs):
            super().__init__(name=name, **kwargs)
            if keras3_api:
                self.count = self.add_variable(shape=(), name="count", initializer="zeros")
            else:
                self.count = self.add_weight(name="count", initializer="zeros")

        def update_state(self, y_true, y_pred, sample_weight=None):
            hits = keras.ops.cast(keras.ops.equal(keras.ops.cast(y_true, "int32"),
                                                  keras.ops.cast(y_pred > 0.5, "int32")), "float32")
            if sample_weight is not None:
                hits = hits * keras.ops.cast(sample_weight, "float32")
            self.count.assign_add(keras.ops.sum(hits))

        def result(self):
            return self.count

    return TruePositives()


def _tf_keras_metric():
    import tensorflow as tf

    class TruePositives(k2.metrics.Metric):
        def __init__(self, name="tp", **kwargs):
            super().__init__(name=name, **kwargs)
            self.count = self.add_weight(name="count", initializer="zeros")

        def update_state(self, y_true, y_pred, sample_weight=None):
            hits = tf.cast(tf.equal(tf.cast(y_true, "int32"), tf.cast(y_pred > 0.5, "int32")), "float32")
            if sample_weight is not None:
                hits = hits * tf.cast(sample_weight, "float32")
            self.count.assign_add(tf.reduce_sum(hits))

        def result(self):
            return self.count

    return TruePositives()


@pytest.mark.parametrize("keras3_api", [True, False], ids=["add_variable", "add_weight"])
def test_a_metric_with_its_own_state_counts_as_in_keras(keras3_api):
    rng = np.random.default_rng(9)
    y_true = rng.integers(0, 2, (12, 1)).astype("float32")
    y_pred = rng.uniform(size=(12, 1)).astype("float32")
    weight = rng.uniform(size=(12, 1)).astype("float32")
    real = _true_positives(k3, True) if keras3_api else _tf_keras_metric()
    mine = _true_positives(ours, keras3_api)
    for m in (real, mine):
        m.update_state(y_true, y_pred)
        m.update_state(y_true, y_pred, sample_weight=weight)
    np.testing.assert_allclose(float(np.asarray(mine.result())), float(real.result()), rtol=1e-6)
    assert len(mine.variables) == len(real.variables) == 1
    mine.reset_state()
    real.reset_state()
    assert float(np.asarray(mine.result())) == float(real.result()) == 0.0


def test_a_metric_with_its_own_state_in_evaluate():
    rng = np.random.default_rng(10)
    x, y = rng.normal(size=(20, 3)).astype("float32"), rng.integers(0, 2, (20, 1)).astype("float32")
    scores = {}
    for side, keras in (("ours", ours), ("keras3", k3)):
        model = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(1, activation="sigmoid")])
        model.set_weights([np.full((3, 1), 0.3, "float32"), np.zeros(1, "float32")])
        model.compile(loss="binary_crossentropy", metrics=[_true_positives(keras, True)])
        scores[side] = model.evaluate(x, y, batch_size=8, verbose=0, return_dict=True)
    assert sorted(scores["ours"]) == sorted(scores["keras3"])
    np.testing.assert_allclose(scores["ours"]["tp"], scores["keras3"]["tp"], rtol=1e-6)


@pytest.mark.parametrize(("module", "name"), [("losses", "mse"), ("losses", "categorical_crossentropy"),
                                              ("metrics", "mae"), ("activations", "relu")])
def test_get_resolves_names_as_keras_does(module, name):
    """The same numbers. (For a loss function's name Keras returns the per-sample function, ours a
    Loss object that averages it over the batch: the mean is compared.)"""
    got = getattr(ours, module).get(name)
    want = getattr(k3, module).get(name)
    a = np.linspace(0.1, 0.9, 6, dtype="float32").reshape(2, 3)
    b = a[::-1].copy()
    if module == "activations":
        np.testing.assert_allclose(np.asarray(got(a - 0.5)), np.asarray(want(a - 0.5)), rtol=1e-6)
    elif module == "metrics":
        got.update_state(a, b)
        want.update_state(a, b)
        np.testing.assert_allclose(float(got.result()), float(want.result()), rtol=1e-6)
    else:
        np.testing.assert_allclose(np.asarray(got(a, b)), np.mean(np.asarray(want(a, b))), rtol=1e-6)
