"""Keras ``fit``/``evaluate``/``predict`` on a tf.data.Dataset or a Python generator: ours
reaches what it reaches on the same arrays, and what real Keras 3 reaches on TensorFlow's
tf.data with the same weights (losses, batches per epoch, the out-of-data warning)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from tests.data.peers import SIDES
from tests.keras_training.peers import k3, ours

RNG = np.random.default_rng(0)
X = RNG.normal(size=(60, 4)).astype("float32")
Y = (X[:, 0] + X[:, 1] > 0).astype("int64") + (X[:, 2] > 1).astype("int64")
W = RNG.uniform(0.5, 1.5, size=60).astype("float32")
KERAS = {"ours": ours, "tf": k3}


def _model(keras, inputs_named=False):
    if inputs_named:
        a = keras.Input((2,), name="a")
        b = keras.Input((2,), name="b")
        h = keras.layers.Concatenate()([a, b])
        out = keras.layers.Dense(3, activation="softmax")(keras.layers.Dense(5, activation="tanh")(h))
        model = keras.Model({"a": a, "b": b}, out)
    else:
        model = keras.Sequential(
            [
                keras.Input((4,)),
                keras.layers.Dense(5, activation="tanh"),
                keras.layers.Dense(3, activation="softmax"),
            ]
        )
    weights = [
        np.random.default_rng(i).uniform(-0.5, 0.5, w.shape).astype("float32")
        for i, w in enumerate(model.get_weights())
    ]
    model.set_weights(weights)
    model.compile(
        optimizer=keras.optimizers.SGD(learning_rate=0.1),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    return model


class _Batches:
    """Counts the batches of each epoch (a Callback of the side's Keras)."""

    def __new__(cls, keras):
        class Counter(keras.callbacks.Callback):
            def __init__(self):
                super().__init__()
                self.per_epoch = []

            def on_epoch_begin(self, epoch, logs=None):
                self.per_epoch.append(0)

            def on_train_batch_end(self, batch, logs=None):
                self.per_epoch[-1] += 1

        return Counter()


def _fit(side, build, **kwargs):
    keras, tf = KERAS[side], SIDES[side]
    model = _model(keras, kwargs.pop("inputs_named", False))
    counter = _Batches(keras)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        history = model.fit(build(tf), verbose=0, callbacks=[counter], **kwargs)
    ran_out = sum("ran out of data" in str(w.message) for w in caught)
    return model, history.history, counter.per_epoch, ran_out


def _close(a, b):
    assert a.keys() == b.keys()
    for k in a:
        np.testing.assert_allclose(a[k], b[k], rtol=2e-5, atol=1e-6, err_msg=k)


def test_fit_on_a_dataset_reaches_what_fit_on_arrays_reaches():
    on_arrays = _model(ours)
    arrays = on_arrays.fit(
        X, Y, batch_size=8, epochs=3, shuffle=False, verbose=0, validation_data=(X[:20], Y[:20])
    ).history
    model, history, per_epoch, _ = _fit(
        "ours",
        lambda tf: tf.data.Dataset.from_tensor_slices((X, Y)).batch(8),
        epochs=3,
        validation_data=SIDES["ours"].data.Dataset.from_tensor_slices((X[:20], Y[:20])).batch(32),
    )
    _close(history, arrays)
    assert per_epoch == [8, 8, 8]
    for a, b in zip(model.get_weights(), on_arrays.get_weights(), strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(
        model.evaluate(X, Y, verbose=0), on_arrays.evaluate(X, Y, verbose=0), rtol=1e-6
    )


CASES = {
    "dataset": (lambda tf: tf.data.Dataset.from_tensor_slices((X, Y)).batch(8), {"epochs": 2}),
    "dataset_sample_weight": (
        lambda tf: tf.data.Dataset.from_tensor_slices((X, Y, W)).batch(16),
        {"epochs": 2},
    ),
    "dataset_mapped_and_cached": (
        lambda tf: (
            tf.data.Dataset.from_tensor_slices((X, Y))
            .map(lambda x, y: (x * 0.5, y))
            .cache()
            .batch(10)
            .prefetch(tf.data.AUTOTUNE)
        ),
        {"epochs": 2},
    ),
    "repeat_with_steps_per_epoch": (
        lambda tf: tf.data.Dataset.from_tensor_slices((X, Y)).batch(8).repeat(),
        {"epochs": 3, "steps_per_epoch": 5},
    ),
    "steps_per_epoch_past_the_data": (
        lambda tf: tf.data.Dataset.from_tensor_slices((X, Y)).batch(8).take(5),
        {"epochs": 2, "steps_per_epoch": 7},
    ),
    "steps_per_epoch_in_step_with_the_data": (
        lambda tf: tf.data.Dataset.from_tensor_slices((X, Y)).batch(15),
        {"epochs": 3, "steps_per_epoch": 2},
    ),
    "unknown_length": (
        lambda tf: tf.data.Dataset.from_tensor_slices((X, Y)).filter(lambda x, y: y < 2).batch(8),
        {"epochs": 2},
    ),
    "validation_dataset_with_steps": (
        lambda tf: tf.data.Dataset.from_tensor_slices((X, Y)).batch(12),
        {"epochs": 2, "validation_steps": 2, "validation_data": "repeat"},
    ),
    "dict_inputs": (
        lambda tf: tf.data.Dataset.from_tensor_slices(({"a": X[:, :2], "b": X[:, 2:]}, Y)).batch(10),
        {"epochs": 2, "inputs_named": True},
    ),
    "shuffled_multiset": (
        lambda tf: tf.data.Dataset.from_tensor_slices((X, Y)).shuffle(60).batch(60),
        {"epochs": 1},
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_fit_matches_real_keras(name):
    build, kwargs = CASES[name]
    got = {}
    for side in ("ours", "tf"):
        args = dict(kwargs)
        if args.get("validation_data") == "repeat":
            args["validation_data"] = (
                SIDES[side].data.Dataset.from_tensor_slices((X[:30], Y[:30])).batch(10).repeat()
            )
        got[side] = _fit(side, build, **args)
    (m1, h1, b1, w1), (m2, h2, b2, w2) = got["ours"], got["tf"]
    _close(h1, h2)
    assert b1 == b2
    assert w1 == w2
    x = {"a": X[:, :2], "b": X[:, 2:]} if kwargs.get("inputs_named") else X
    np.testing.assert_allclose(m1.predict(x, verbose=0), m2.predict(x, verbose=0), rtol=1e-4, atol=1e-5)


def test_generator_with_steps_per_epoch_matches_real_keras():
    def batches():
        while True:
            for i in range(0, 60, 12):
                yield X[i : i + 12], Y[i : i + 12]

    results = {side: _fit(side, lambda tf: batches(), epochs=2, steps_per_epoch=5) for side in ("ours", "tf")}
    _close(results["ours"][1], results["tf"][1])
    assert results["ours"][2] == results["tf"][2] == [5, 5]


def test_finite_generator_without_steps_sees_keras_peeked_batches_again():
    def batches():
        for i in range(0, 60, 12):
            yield X[i : i + 12], Y[i : i + 12]

    results = {side: _fit(side, lambda tf: batches(), epochs=3) for side in ("ours", "tf")}
    _close(results["ours"][1], results["tf"][1])
    assert results["ours"][2] == results["tf"][2] == [5, 2, 2]
    assert results["ours"][3] == results["tf"][3]


def test_evaluate_and_predict_take_datasets_like_keras():
    for side in ("ours", "tf"):
        tf = SIDES[side]
        model = _model(KERAS[side])
        ds = tf.data.Dataset.from_tensor_slices((X, Y)).batch(16)
        loss, acc = model.evaluate(ds, verbose=0)
        ref_loss, ref_acc = model.evaluate(X, Y, batch_size=16, verbose=0)
        assert loss == pytest.approx(ref_loss, rel=1e-6) and acc == pytest.approx(ref_acc)
        steps = model.evaluate(ds.repeat(), steps=2, verbose=0, return_dict=True)
        assert steps["loss"] == pytest.approx(model.evaluate(X[:32], Y[:32], verbose=0)[0], rel=1e-6)
        assert model.predict(ds, verbose=0).shape == (60, 3)  # (x, y) elements: x is predicted
        assert model.predict(ds.map(lambda x, y: x), verbose=0).shape == (60, 3)
        assert model.predict(ds.repeat(), steps=3, verbose=0).shape == (48, 3)


@pytest.mark.parametrize("side", ["ours", "tf"])
def test_what_keras_refuses_with_a_dataset(side):
    tf, keras = SIDES[side], KERAS[side]
    model = _model(keras)
    ds = tf.data.Dataset.from_tensor_slices((X, Y)).batch(8)
    with pytest.raises(ValueError, match="`y` should not be passed"):
        model.fit(ds, y=Y, verbose=0)
    with pytest.raises(ValueError, match="`validation_split` is only supported for tensors or NumPy arrays"):
        model.fit(ds, validation_split=0.2, verbose=0)
    with pytest.raises(ValueError, match="the generator must return a tuple"):
        model.fit((x for x in X), verbose=0)
