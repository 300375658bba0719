"""keras.io's "Customizing what happens in fit()" guide, its examples in our own words, run on
real Keras and on ours with the same initial weights and batches: the histories, evaluations
and predictions must agree. Keras 3's version of the guide (``compute_loss``, a loop over
``self.metrics``) runs against Keras 3 on TensorFlow; Keras 2's (``compiled_loss``,
``compiled_metrics``) against tf_keras, since Keras 3's shims for those are deprecated and treat
the loss tracker differently."""

from __future__ import annotations

import numpy as np
import pytest
import tensorflow

import engine
from tests.keras_training.peers import k2, k3, ours, same_weights

RNG = np.random.default_rng(3)
X = RNG.normal(size=(70, 8)).astype("float32")
Y = (X @ RNG.normal(size=(8, 1)) + 0.1 * RNG.normal(size=(70, 1))).astype("float32")
SW = RNG.uniform(0.2, 2.0, 70).astype("float32")
LIBS = {"keras2": (tensorflow, k2), "keras3": (tensorflow, k3), "ours": (engine, ours)}


# -- Keras 3's guide --------------------------------------------------------------------------------
def keras3_simple(tf, keras):
    class CustomModel(keras.Model):
        def train_step(self, data):
            x, y = data
            with tf.GradientTape() as tape:
                y_pred = self(x, training=True)
                loss = self.compute_loss(y=y, y_pred=y_pred)
            gradients = tape.gradient(loss, self.trainable_variables)
            self.optimizer.apply_gradients(zip(gradients, self.trainable_variables, strict=True))
            for metric in self.metrics:
                if metric.name == "loss":
                    metric.update_state(loss)
                else:
                    metric.update_state(y, y_pred)
            return {m.name: m.result() for m in self.metrics}

    return CustomModel


def keras3_sample_weight(tf, keras):
    class CustomModel(keras.Model):
        def train_step(self, data):
            if len(data) == 3:
                x, y, sample_weight = data
            else:
                sample_weight = None
                x, y = data
            with tf.GradientTape() as tape:
                y_pred = self(x, training=True)
                loss = self.compute_loss(y=y, y_pred=y_pred, sample_weight=sample_weight)
            gradients = tape.gradient(loss, self.trainable_variables)
            self.optimizer.apply_gradients(zip(gradients, self.trainable_variables, strict=True))
            for metric in self.metrics:
                if metric.name == "loss":
                    metric.update_state(loss)
                else:
                    metric.update_state(y, y_pred, sample_weight=sample_weight)
            return {m.name: m.result() for m in self.metrics}

    return CustomModel


def keras3_test_step(tf, keras):
    class CustomModel(keras.Model):
        def test_step(self, data):
            x, y = data
            y_pred = self(x, training=False)
            loss = self.compute_loss(y=y, y_pred=y_pred)
            for metric in self.metrics:
                if metric.name == "loss":
                    metric.update_state(loss)
                else:
                    metric.update_state(y, y_pred)
            return {m.name: m.result() for m in self.metrics}

    return CustomModel


def own_metrics(tf, keras):
    """The guide's lower-level example: no compiled loss, the model's own trackers."""
    class CustomModel(keras.Model):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.loss_tracker = keras.metrics.Mean(name="loss")
            self.mae_metric = keras.metrics.MeanAbsoluteError(name="mae")

        def train_step(self, data):
            x, y = data
            with tf.GradientTape() as tape:
                y_pred = self(x, training=True)
                loss = keras.losses.mean_squared_error(y, y_pred)
            gradients = tape.gradient(loss, self.trainable_variables)
            self.optimizer.apply_gradients(zip(gradients, self.trainable_variables, strict=True))
            self.loss_tracker.update_state(loss)
            self.mae_metric.update_state(y, y_pred)
            return {"loss": self.loss_tracker.result(), "mae": self.mae_metric.result()}

        @property
        def metrics(self):
            return [self.loss_tracker, self.mae_metric]

    return CustomModel


def compute_loss_override(tf, keras):
    """Only ``compute_loss`` overridden: fit's own step uses it (and tracks what it returns)."""
    class CustomModel(keras.Model):
        def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
            return tf.reduce_mean(tf.abs(y - y_pred)) + 0.5 * tf.reduce_mean(tf.square(y - y_pred))

    return CustomModel


# -- Keras 2's guide --------------------------------------------------------------------------------
def keras2_simple(tf, keras):
    class CustomModel(keras.Model):
        def train_step(self, data):
            x, y = data
            with tf.GradientTape() as tape:
                y_pred = self(x, training=True)
                loss = self.compiled_loss(y, y_pred, regularization_losses=self.losses)
            gradients = tape.gradient(loss, self.trainable_variables)
            self.optimizer.apply_gradients(zip(gradients, self.trainable_variables, strict=True))
            self.compiled_metrics.update_state(y, y_pred)
            return {m.name: m.result() for m in self.metrics}

    return CustomModel


def keras2_sample_weight(tf, keras):
    class CustomModel(keras.Model):
        def train_step(self, data):
            if len(data) == 3:
                x, y, sample_weight = data
            else:
                sample_weight = None
                x, y = data
            with tf.GradientTape() as tape:
                y_pred = self(x, training=True)
                loss = self.compiled_loss(y, y_pred, sample_weight=sample_weight,
                                          regularization_losses=self.losses)
            gradients = tape.gradient(loss, self.trainable_variables)
            self.optimizer.apply_gradients(zip(gradients, self.trainable_variables, strict=True))
            self.compiled_metrics.update_state(y, y_pred, sample_weight=sample_weight)
            return {m.name: m.result() for m in self.metrics}

    return CustomModel


def keras2_test_step(tf, keras):
    class CustomModel(keras.Model):
        def test_step(self, data):
            x, y = data
            y_pred = self(x, training=False)
            self.compiled_loss(y, y_pred, regularization_losses=self.losses)
            self.compiled_metrics.update_state(y, y_pred)
            return {m.name: m.result() for m in self.metrics}

    return CustomModel


def _build(lib, example, compiled_loss=True, regularized=False):
    tf, keras = LIBS[lib]
    cls = example(tf, keras)
    inputs = keras.Input(shape=(8,))
    penalty = keras.regularizers.l2(0.01) if regularized else None
    hidden = keras.layers.Dense(6, activation="tanh", kernel_regularizer=penalty)(inputs)
    outputs = keras.layers.Dense(1)(hidden)
    model = cls(inputs, outputs)
    if compiled_loss:
        model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.01), loss="mse", metrics=["mae"])
    else:
        model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.01))
    return model


def _fit_both(real, example, compiled_loss=True, regularized=False, **fit_kwargs):
    theirs = _build(real, example, compiled_loss, regularized)
    mine = _build("ours", example, compiled_loss, regularized)
    same_weights(theirs, mine)
    kwargs = {"batch_size": 16, "epochs": 3, "shuffle": False, "verbose": 0, **fit_kwargs}
    return theirs, mine, theirs.fit(X, Y, **kwargs).history, mine.fit(X, Y, **kwargs).history


def _same_history(h_theirs, h_mine):
    assert sorted(h_mine) == sorted(h_theirs)
    for key in h_theirs:
        np.testing.assert_allclose(h_mine[key], h_theirs[key], rtol=2e-5, atol=1e-6, err_msg=key)


CASES = [("keras3", keras3_simple, True, {}), ("keras3", keras3_sample_weight, True, {"sample_weight": SW}),
         ("keras3", own_metrics, False, {}), ("keras3", compute_loss_override, True, {}),
         ("keras2", keras2_simple, True, {}), ("keras2", keras2_sample_weight, True, {"sample_weight": SW}),
         ("keras2", own_metrics, False, {})]


@pytest.mark.parametrize(("real", "example", "compiled", "fit_kwargs"), CASES,
                         ids=[f"{c[0]}-{c[1].__name__}" for c in CASES])
def test_custom_train_step_trains_as_in_real_keras(real, example, compiled, fit_kwargs):
    theirs, mine, h_theirs, h_mine = _fit_both(real, example, compiled, **fit_kwargs)
    _same_history(h_theirs, h_mine)
    for mine_layer, their_layer in zip(mine.layers, theirs.layers, strict=True):
        for a, b in zip(mine_layer.get_weights(), their_layer.get_weights(), strict=True):
            np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-6)


@pytest.mark.parametrize("real", ["keras2", "keras3"])
def test_the_builtin_step_with_regularization_and_validation(real):
    """No override: fit's own train_step and test_step, an L2 penalty and a validation split,
    the same as real Keras's."""
    theirs, mine, h_theirs, h_mine = _fit_both(real, lambda tf, keras: keras.Model, regularized=True,
                                               validation_split=0.2)
    _same_history(h_theirs, h_mine)


@pytest.mark.parametrize(("real", "example"), [("keras3", keras3_test_step), ("keras2", keras2_test_step)])
def test_custom_test_step_evaluates_as_in_real_keras(real, example):
    theirs, mine = _build(real, example), _build("ours", example)
    same_weights(theirs, mine)
    expected = theirs.evaluate(X, Y, batch_size=16, verbose=0, return_dict=True)
    got = mine.evaluate(X, Y, batch_size=16, verbose=0, return_dict=True)
    assert sorted(got) == sorted(expected)
    for key in expected:
        np.testing.assert_allclose(got[key], expected[key], rtol=1e-5, err_msg=key)
    np.testing.assert_allclose(mine.evaluate(X, Y, batch_size=16, verbose=0),
                               theirs.evaluate(X, Y, batch_size=16, verbose=0), rtol=1e-5)


def test_an_override_is_not_ignored():
    """The bug this replaces: fit ran its own step whatever the model defined."""
    calls = []

    class Counting(ours.Model):
        def train_step(self, data):
            calls.append(len(data[0]))
            return super().train_step(data)

    inputs = ours.Input(shape=(8,))
    model = Counting(inputs, ours.layers.Dense(1)(inputs))
    model.compile("sgd", "mse")
    model.fit(X, Y, batch_size=32, epochs=1, verbose=0)
    assert calls == [32, 32, 6]


@pytest.mark.parametrize("real", ["keras2", "keras3"])
def test_predict_step_override(real):
    def example(tf, keras):
        class Rounded(keras.Model):
            def predict_step(self, data):
                x = data[0] if isinstance(data, tuple) else data
                return {"raw": self(x, training=False), "sign": tf.sign(self(x, training=False))}
        return Rounded

    theirs, mine = _build(real, example), _build("ours", example)
    same_weights(theirs, mine)
    expected, got = theirs.predict(X, batch_size=16, verbose=0), mine.predict(X, batch_size=16)
    assert sorted(got) == sorted(expected)
    for key in expected:
        np.testing.assert_allclose(got[key], expected[key], rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("real", ["keras2", "keras3"])
def test_metrics_and_names_after_fit(real):
    theirs, mine, _, _ = _fit_both(real, lambda tf, keras: keras.Model, epochs=1)
    assert [m.name for m in mine.metrics][:1] == ["loss"]
    flat_theirs = mine.metrics_names if real == "keras2" else ["loss", "mae"]  # Keras 3 nests "mae"
    assert mine.metrics_names == flat_theirs == ["loss", "mae"]
    if real == "keras2":
        assert theirs.metrics_names == mine.metrics_names
    mine.reset_metrics()
    theirs.reset_metrics()
    assert mine.get_metrics_result() == {"loss": 0.0, "mae": 0.0}
    assert {k: float(v) for k, v in theirs.get_metrics_result().items()} == {"loss": 0.0, "mae": 0.0}


# -- the guide's end-to-end GAN, with its noise drawn from one numpy stream shared by all sides ----
LATENT = 3
NOISE = np.random.default_rng(5).normal(size=(64, LATENT)).astype("float32")
REAL_SAMPLES = (np.random.default_rng(6).normal(size=(48, 4)) * 0.5 + 1.0).astype("float32")


def gan_class(tf, keras):
    class GAN(keras.Model):
        def __init__(self, discriminator, generator, latent_dim):
            super().__init__()
            self.discriminator = discriminator
            self.generator = generator
            self.latent_dim = latent_dim
            self.d_loss_tracker = keras.metrics.Mean(name="d_loss")
            self.g_loss_tracker = keras.metrics.Mean(name="g_loss")
            self.step = 0

        @property
        def metrics(self):
            return [self.d_loss_tracker, self.g_loss_tracker]

        def compile(self, d_optimizer, g_optimizer, loss_fn):
            super().compile(run_eagerly=True)  # real Keras: the step counter must not be traced
            self.d_optimizer = d_optimizer
            self.g_optimizer = g_optimizer
            self.loss_fn = loss_fn

        def _noise(self, n):  # the guide draws tf.random.normal; one shared stream here
            start = (self.step * 16) % len(NOISE)
            return tf.constant(NOISE[start:start + n])

        def train_step(self, real_images):
            batch_size = int(real_images.shape[0])
            generated = self.generator(self._noise(batch_size))
            combined = tf.concat([generated, real_images], axis=0)
            labels = tf.concat([tf.ones((batch_size, 1)), tf.zeros((batch_size, 1))], axis=0)
            with tf.GradientTape() as tape:
                d_loss = self.loss_fn(labels, self.discriminator(combined))
            grads = tape.gradient(d_loss, self.discriminator.trainable_weights)
            self.d_optimizer.apply_gradients(zip(grads, self.discriminator.trainable_weights, strict=True))
            misleading = tf.zeros((batch_size, 1))
            with tf.GradientTape() as tape:
                g_loss = self.loss_fn(misleading, self.discriminator(self.generator(self._noise(batch_size))))
            grads = tape.gradient(g_loss, self.generator.trainable_weights)
            self.g_optimizer.apply_gradients(zip(grads, self.generator.trainable_weights, strict=True))
            self.step += 1
            self.d_loss_tracker.update_state(d_loss)
            self.g_loss_tracker.update_state(g_loss)
            return {"d_loss": self.d_loss_tracker.result(), "g_loss": self.g_loss_tracker.result()}

    return GAN


def _gan(lib):
    tf, keras = LIBS[lib]
    discriminator = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(8, activation="relu"),
                                      keras.layers.Dense(1)], name="discriminator")
    generator = keras.Sequential([keras.Input(shape=(LATENT,)), keras.layers.Dense(8, activation="relu"),
                                  keras.layers.Dense(4)], name="generator")
    gan = gan_class(tf, keras)(discriminator, generator, LATENT)
    gan.compile(d_optimizer=keras.optimizers.SGD(learning_rate=0.05),
                g_optimizer=keras.optimizers.SGD(learning_rate=0.05),
                loss_fn=keras.losses.BinaryCrossentropy(from_logits=True))
    return gan


@pytest.mark.parametrize("real", ["keras2", "keras3"])
def test_the_guides_gan_trains_as_in_real_keras(real):
    theirs, mine = _gan(real), _gan("ours")
    for a, b in ((theirs.discriminator, mine.discriminator), (theirs.generator, mine.generator)):
        b.set_weights(a.get_weights())
    h_theirs = theirs.fit(REAL_SAMPLES, batch_size=16, epochs=3, shuffle=False, verbose=0).history
    h_mine = mine.fit(REAL_SAMPLES, batch_size=16, epochs=3, shuffle=False, verbose=0).history
    _same_history(h_theirs, h_mine)
    for a, b in ((theirs.generator, mine.generator), (theirs.discriminator, mine.discriminator)):
        for wa, wb in zip(a.get_weights(), b.get_weights(), strict=True):
            np.testing.assert_allclose(wb, wa, rtol=1e-4, atol=1e-6)
