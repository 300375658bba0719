"""A functional model built with ``outputs={...}``, against tf_keras and Keras 3: calls and
``predict`` return a dict in the given key order, ``model.outputs``/``output_names`` follow the
sorted keys, ``compile`` takes losses, loss weights and metrics keyed by output name, ``fit`` and
``evaluate`` take target dicts (and lists in the sorted order), and the config keeps the dict."""

from __future__ import annotations

import numpy as np
import pytest

from tests.keras_training.peers import REAL, ours, same_weights

RNG = np.random.default_rng(5)
X = {"a": RNG.normal(size=(12, 3)).astype("f4"), "b": RNG.normal(size=(12, 2)).astype("f4")}
Y = {"zeta": RNG.normal(size=(12, 1)).astype("f4"),
     "alpha": np.eye(3, dtype="f4")[RNG.integers(0, 3, 12)]}


def _model(keras):
    a, b = keras.Input(shape=(3,), name="a"), keras.Input(shape=(2,), name="b")
    x = keras.layers.Dense(4, activation="tanh", name="trunk")(keras.layers.concatenate([a, b]))
    # keys equal to the layer names, so both generations name the logs alike; given unsorted
    zeta = keras.layers.Dense(1, name="zeta")(x)
    alpha = keras.layers.Dense(3, activation="softmax", name="alpha")(x)
    return keras.Model({"a": a, "b": b}, {"zeta": zeta, "alpha": alpha})


def _compiled(keras, seed_model=None):
    model = _model(keras)
    if seed_model is not None:
        same_weights(seed_model, model)
    model.compile(optimizer=keras.optimizers.SGD(0.1),
                  loss={"zeta": "mse", "alpha": keras.losses.CategoricalCrossentropy()},
                  loss_weights={"zeta": 1.0, "alpha": 0.5},
                  metrics={"alpha": ["accuracy"], "zeta": [keras.metrics.MeanAbsoluteError()]})
    return model


@pytest.mark.parametrize("real", sorted(REAL))
def test_structure_and_predict(real):
    theirs, mine = _model(REAL[real]), _model(ours)
    same_weights(theirs, mine)
    assert [tuple(t.shape) for t in mine.outputs] == [tuple(t.shape) for t in theirs.outputs] == [
        (None, 3), (None, 1)]
    assert list(mine.output_names) == list(theirs.output_names) == ["alpha", "zeta"]
    got, expected = mine.predict(X, verbose=0), theirs.predict(X, verbose=0)
    assert isinstance(got, dict) and list(got) == list(expected) == ["zeta", "alpha"]
    for k in expected:
        np.testing.assert_allclose(got[k], expected[k], rtol=1e-5, atol=1e-6)
    called = mine(X)
    assert list(called) == ["zeta", "alpha"]
    np.testing.assert_allclose(called["alpha"].numpy(), expected["alpha"], rtol=1e-5, atol=1e-6)
    assert list(mine.predict_on_batch(X)) == ["zeta", "alpha"]
    config = mine.get_config()
    assert config["output_layers"] == theirs.get_config()["output_layers"] == {
        "zeta": ["zeta", 0, 0], "alpha": ["alpha", 0, 0]}
    again = ours.Model.from_config(config)
    again.set_weights(mine.get_weights())
    assert list(again.predict(X, verbose=0)) == ["zeta", "alpha"]
    loaded = ours.models.model_from_json(theirs.to_json())  # their config, read by ours
    loaded.set_weights(theirs.get_weights())
    np.testing.assert_allclose(loaded.predict(X, verbose=0)["zeta"], expected["zeta"], rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("real", sorted(REAL))
def test_fit_and_evaluate_with_dicts(real):
    keras = REAL[real]
    theirs = _compiled(keras)
    mine = _compiled(ours, theirs)
    expected = theirs.evaluate(X, Y, batch_size=12, verbose=0, return_dict=True)
    got = mine.evaluate(X, Y, batch_size=12, verbose=0, return_dict=True)
    expected.pop("compile_metrics", None)
    assert set(got) == set(expected) >= {"loss", "zeta_loss", "alpha_loss", "alpha_accuracy",
                                         "zeta_mean_absolute_error"}
    for k in expected:
        np.testing.assert_allclose(got[k], expected[k], rtol=1e-5, atol=1e-6, err_msg=k)
    h_theirs = theirs.fit(X, Y, epochs=3, batch_size=4, shuffle=False, verbose=0).history
    h_mine = mine.fit(X, Y, epochs=3, batch_size=4, shuffle=False, verbose=0).history
    for k in ("loss", "zeta_loss", "alpha_loss"):
        np.testing.assert_allclose(h_mine[k], h_theirs[k], rtol=1e-4, atol=1e-6, err_msg=k)
    listed = [Y["alpha"], Y["zeta"]]  # a list of targets follows model.outputs' (sorted) order
    np.testing.assert_allclose(mine.evaluate(X, listed, batch_size=12, verbose=0)[0],
                               theirs.evaluate(X, listed, batch_size=12, verbose=0)[0], rtol=1e-5)


@pytest.mark.parametrize("real", sorted(REAL))
def test_an_output_the_loss_dict_leaves_out_has_no_loss(real):
    theirs = _model(REAL[real])
    mine = _model(ours)
    same_weights(theirs, mine)
    for m in (theirs, mine):
        m.compile(optimizer="sgd", loss={"zeta": "mse"})
    expected = theirs.evaluate(X, Y, batch_size=12, verbose=0, return_dict=True)
    got = mine.evaluate(X, Y, batch_size=12, verbose=0, return_dict=True)
    np.testing.assert_allclose(got["loss"], expected["loss"], rtol=1e-5)
    if real == "keras2":  # Keras 3 logs the lone loss only as "loss"
        assert got == pytest.approx(expected, rel=1e-5)


def test_a_loss_for_no_output_is_refused():
    model = _model(ours)  # Keras 3 refuses it too (Keras 2 ignores the entry)
    model.compile(optimizer="sgd", loss={"zeta": "mse", "beta": "mse"})
    with pytest.raises(ValueError, match="beta"):
        model.fit(X, Y, verbose=0)
