"""The model-side pieces a user reaches for, against tf_keras and Keras 3: a custom layer's
symbolic output (from running its ``call``), ``model.input_shape``/``output_shape``,
initializers that return tensors, Loss objects on numpy arrays, ``compile(metrics=<one
Metric>)``, History after the user's callbacks, the rate ReduceLROnPlateau logs, and the
callbacks and progress bar of ``predict``."""

from __future__ import annotations

import contextlib
import io

import numpy as np
import pytest
import tensorflow

import engine
from tests.keras_training.peers import REAL, k2, k3, ours, same_weights, value

LIBS = {"keras2": (tensorflow, k2), "keras3": (tensorflow, k3), "ours": (engine, ours)}
RNG = np.random.default_rng(11)


def _custom_layers(tf, keras):
    class Doubled(keras.layers.Layer):  # a wider output than its input
        def call(self, x):
            return tf.concat([x, 2.0 * x], axis=-1)

    class RowSum(keras.layers.Layer):  # a lower rank
        def call(self, x):
            return tf.reduce_sum(x, axis=1)

    class Pairs(keras.layers.Layer):  # a reshape that keeps the batch unknown
        def call(self, x):
            return tf.reshape(x, (-1, x.shape[1] // 2, 2))

    class Split(keras.layers.Layer):  # two outputs
        def call(self, x):
            return x[:, :2], x[:, 2:]

    class Project(keras.layers.Layer):  # weights made in build
        def __init__(self, units, **kwargs):
            super().__init__(**kwargs)
            self.units = units

        def build(self, input_shape):
            self.w = self.add_weight(name="w", shape=(input_shape[-1], self.units), initializer="ones")

        def call(self, x):
            return tf.matmul(x, self.w)

    return Doubled, RowSum, Pairs, Split, Project


def _shapes(lib):
    tf, keras = LIBS[lib]
    doubled, row_sum, pairs, split, project = _custom_layers(tf, keras)
    x = keras.Input(shape=(6,))
    seq = keras.Input(shape=(5, 3))
    a, b = split()(x)
    outs = [doubled()(x), row_sum()(seq), pairs()(x), a, b, project(4)(doubled()(x))]
    model = keras.Model([x, seq], outs)
    return [tuple(t.shape) for t in outs], model


@pytest.mark.parametrize("real", sorted(REAL))
def test_a_custom_layers_symbolic_output_comes_from_its_call(real):
    expected, theirs = _shapes(real)
    got, mine = _shapes("ours")
    assert got == expected == [(None, 12), (None, 3), (None, 3, 2), (None, 2), (None, 4), (None, 4)]
    same_weights(theirs, mine)
    xs = [RNG.normal(size=(3, 6)).astype("f4"), RNG.normal(size=(3, 5, 3)).astype("f4")]
    for a, b in zip(mine.predict(xs), theirs.predict(xs, verbose=0), strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-6)


@pytest.mark.parametrize("real", sorted(REAL))
def test_a_subclassed_model_called_on_an_input(real):
    def build(lib):
        tf, keras = LIBS[lib]

        class Tower(keras.Model):
            def __init__(self):
                super().__init__()
                self.dense = keras.layers.Dense(3)

            def call(self, x):
                return tf.concat([self.dense(x), x], axis=-1)

        x = keras.Input(shape=(4,))
        return tuple(Tower()(x).shape)

    assert build("ours") == build(real) == (None, 7)


@pytest.mark.parametrize("real", sorted(REAL))
def test_model_input_and_output_shape(real):
    def shapes(lib):
        _, keras = LIBS[lib]
        seq = keras.Sequential([keras.Input(shape=(784,)), keras.layers.Dense(10)])
        a, b = keras.Input(shape=(3,)), keras.Input(shape=(4, 2))
        fun = keras.Model([a, b], [keras.layers.Dense(2)(a), keras.layers.Flatten()(b)])
        single = keras.Model(a, keras.layers.Dense(5)(a))
        return [seq.input_shape, seq.output_shape, fun.input_shape, fun.output_shape,
                single.input_shape, single.output_shape]

    def plain(s):
        return [plain(i) for i in s] if isinstance(s, list) else tuple(s)

    assert plain(shapes("ours")) == plain(shapes(real))


@pytest.mark.parametrize("real", sorted(REAL))
@pytest.mark.parametrize(("name", "kwargs", "shape"), [
    ("Zeros", {}, (3, 4)), ("Ones", {}, (2, 5)), ("Constant", {"value": 0.25}, (4,)),
    ("Identity", {"gain": 2.0}, (3, 3))])
def test_initializers_return_tensors(real, name, kwargs, shape):
    theirs = getattr(REAL[real].initializers, name)(**kwargs)(shape)
    mine = getattr(ours.initializers, name)(**kwargs)(shape)
    assert isinstance(mine, engine.Tensor)
    assert tuple(mine.shape) == tuple(theirs.shape) and mine.dtype.name == theirs.dtype.name
    np.testing.assert_array_equal(value(mine), value(theirs))


def test_random_initializers_return_tensors_of_the_shape_and_dtype():
    for name in ("glorot_uniform", "he_normal", "orthogonal", "random_normal", "truncated_normal"):
        t = ours.initializers.get(name)((6, 3), dtype="float32")
        assert isinstance(t, engine.Tensor) and tuple(t.shape) == (6, 3) and t.dtype.name == "float32"


PROBS = RNG.dirichlet(np.ones(4), 10).astype("float32")
LABELS = RNG.integers(0, 4, 10)
LOSS_CASES = [("CategoricalCrossentropy", {}, np.eye(4, dtype="float32")[LABELS], PROBS),
              ("CategoricalCrossentropy", {"from_logits": True}, np.eye(4, dtype="float32")[LABELS],
               np.log(PROBS)),
              ("SparseCategoricalCrossentropy", {}, LABELS, PROBS),
              ("BinaryCrossentropy", {}, (PROBS > 0.25).astype("float32"), PROBS),
              ("MeanSquaredError", {}, PROBS[::-1].copy(), PROBS),
              ("MeanAbsoluteError", {}, PROBS[::-1].copy(), PROBS)]


@pytest.mark.parametrize("real", sorted(REAL))
@pytest.mark.parametrize(("name", "kwargs", "y_true", "y_pred"), LOSS_CASES,
                         ids=[f"{c[0]}{'-logits' if c[1] else ''}" for c in LOSS_CASES])
def test_a_loss_object_takes_numpy_arrays(real, name, kwargs, y_true, y_pred):
    expected = value(getattr(REAL[real].losses, name)(**kwargs)(y_true, y_pred))
    got = getattr(ours.losses, name)(**kwargs)(y_true, y_pred)
    np.testing.assert_allclose(value(got), expected, rtol=1e-6)
    weights = np.linspace(0.5, 1.5, 10).astype("float32")
    np.testing.assert_allclose(value(getattr(ours.losses, name)(**kwargs)(y_true, y_pred, weights)),
                               value(getattr(REAL[real].losses, name)(**kwargs)(y_true, y_pred, weights)),
                               rtol=1e-6)


X = RNG.normal(size=(40, 5)).astype("float32")
Y = RNG.integers(0, 2, (40, 1)).astype("float32")


def _classifier(lib):
    _, keras = LIBS[lib]
    return keras.Sequential([keras.Input(shape=(5,)), keras.layers.Dense(1, activation="sigmoid")])


def test_compile_with_one_metric_alone_as_keras2_does():
    theirs, mine = _classifier("keras2"), _classifier("ours")
    same_weights(theirs, mine)
    for lib, model in (("keras2", theirs), ("ours", mine)):
        model.compile(optimizer=LIBS[lib][1].optimizers.SGD(learning_rate=0.1), loss="binary_crossentropy",
                      metrics=LIBS[lib][1].metrics.BinaryAccuracy(name="acc"))
    h_theirs = theirs.fit(X, Y, batch_size=8, epochs=2, shuffle=False, verbose=0).history
    h_mine = mine.fit(X, Y, batch_size=8, epochs=2, shuffle=False, verbose=0).history
    assert sorted(h_mine) == sorted(h_theirs) == ["acc", "loss"]
    for key in h_theirs:
        np.testing.assert_allclose(h_mine[key], h_theirs[key], rtol=1e-5)
    # Keras 3 asks for a list (we follow Keras 2, which takes one metric as it takes one loss)
    with pytest.raises(ValueError, match="list, tuple, or dict"):
        model3 = _classifier("keras3")
        model3.compile(optimizer="sgd", loss="binary_crossentropy", metrics=k3.metrics.BinaryAccuracy())
        model3.fit(X, Y, epochs=1, verbose=0)


@pytest.mark.parametrize("real", sorted(REAL))
def test_history_sees_what_other_callbacks_add_to_the_logs(real):
    def run(lib):
        _, keras = LIBS[lib]
        model = _classifier(lib)
        model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1), loss="binary_crossentropy")

        class Extra(keras.callbacks.Callback):
            def on_epoch_end(self, epoch, logs=None):
                logs["twice_loss"] = 2 * logs["loss"]

        history = model.fit(X, Y, batch_size=8, epochs=2, verbose=0, callbacks=[Extra()])
        assert model.history is history
        return history.history

    theirs, mine = run(real), run("ours")
    assert sorted(mine) == sorted(theirs) == ["loss", "twice_loss"]
    np.testing.assert_allclose(np.asarray(mine["twice_loss"]) / 2, mine["loss"])


@pytest.mark.parametrize("real", sorted(REAL))
def test_reduce_lr_on_plateau_logs_the_rate_each_epoch_ran_with(real):
    """A min_delta no epoch but the first can beat: the rate halves after every epoch from the
    second on, and each epoch's logs hold the rate it ran with, not the halved one. Keras
    2 logs it as ``lr``, Keras 3 as ``learning_rate`` (we follow Keras 2's name)."""
    def run(lib, model):
        keras = LIBS[lib][1]
        model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.4), loss="binary_crossentropy")
        cb = keras.callbacks.ReduceLROnPlateau(monitor="loss", factor=0.5, patience=1, min_delta=10.0)
        return model.fit(X, Y, batch_size=8, epochs=4, shuffle=False, verbose=0, callbacks=[cb]).history

    theirs, mine = _classifier(real), _classifier("ours")
    same_weights(theirs, mine)
    h_theirs, h_mine = run(real, theirs), run("ours", mine)
    key = "lr" if real == "keras2" else "learning_rate"
    np.testing.assert_allclose(h_mine["lr"], h_theirs[key], rtol=1e-6)
    np.testing.assert_allclose(h_mine["lr"], [0.4, 0.4, 0.2, 0.1], rtol=1e-6)
    np.testing.assert_allclose(h_mine["loss"], h_theirs["loss"], rtol=1e-5)


def _predict_events(k, verbose):
    """The hooks ``predict`` calls, with each batch's outputs' shape, and what it prints."""
    events = []

    class Recorder(k.callbacks.Callback):
        def on_predict_begin(self, logs=None):
            events.append(("begin", logs))

        def on_predict_batch_begin(self, batch, logs=None):
            events.append(("batch_begin", batch))

        def on_predict_batch_end(self, batch, logs=None):
            events.append(("batch_end", batch, sorted(logs), value(logs["outputs"]).shape))

        def on_predict_end(self, logs=None):
            events.append(("end", logs))

    model = k.Sequential([k.Input((3,)), k.layers.Dense(2)])
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        model.predict(np.zeros((70, 3), "float32"), batch_size=32, callbacks=[Recorder()], verbose=verbose)
    return events, printed.getvalue()


@pytest.mark.parametrize("real", sorted(REAL))
def test_predict_calls_the_callbacks_with_each_batchs_outputs_as_keras(real):
    theirs, _ = _predict_events(REAL[real], 0)
    ours_events, _ = _predict_events(ours, 0)
    assert ours_events == theirs
    assert [e[3] for e in theirs if e[0] == "batch_end"] == [(32, 2), (32, 2), (6, 2)]


def test_predict_prints_a_progress_bar_by_default_as_keras():
    for k in (REAL["keras2"], ours):
        _, printed = _predict_events(k, "auto")
        assert "3/3 [==============================]" in printed, k.__name__
    assert _predict_events(ours, 0)[1] == ""
