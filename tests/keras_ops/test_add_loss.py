"""``Layer.add_loss`` against real Keras 3: the losses a call adds are in ``model.losses`` (this
call's only, none from building the model), ``fit`` and ``evaluate`` add them to the compiled
loss, a custom loop adds ``sum(model.losses)``, and layers nested as attributes pass theirs up."""

from __future__ import annotations

import numpy as np
import pytest

import engine as tf_ours
from tests.keras_api.peers import k3, ours, tf

X = np.random.default_rng(4).normal(size=(8, 3)).astype("float32")
Y = np.random.default_rng(5).normal(size=(8, 1)).astype("float32")
SIDES = (("ours", ours), ("keras3", k3))


def _activity_layer(keras):
    class ActivityRegularization(keras.layers.Layer):
        def __init__(self, rate=1e-2, **kwargs):
            super().__init__(**kwargs)
            self.rate = rate

        def call(self, inputs):
            self.add_loss(self.rate * keras.ops.mean(keras.ops.square(inputs)))
            return inputs

    return ActivityRegularization


def _model(keras):
    inputs = keras.Input(shape=(3,))
    h = keras.layers.Dense(4, name="hidden")(inputs)
    h = _activity_layer(keras)(0.5)(h)
    outputs = keras.layers.Dense(1, name="out")(h)
    model = keras.Model(inputs, outputs)
    rng = np.random.default_rng(1)
    model.set_weights([rng.normal(size=w.shape).astype("float32") * 0.5 for w in model.get_weights()])
    return model


def test_building_the_model_collects_no_loss_and_a_call_collects_one():
    for _, keras in SIDES:
        model = _model(keras)
        assert model.losses == []
        model(X)
        model(X[:4])
        assert len(model.losses) == 1  # the second call's: each call starts afresh
    got = float(np.asarray(_called(_model(ours), X[:4]).losses[0]))
    want = float(_called(_model(k3), X[:4]).losses[0])
    np.testing.assert_allclose(got, want, rtol=1e-6)


def _called(model, x):
    model(x)
    return model


def test_fit_and_evaluate_add_the_layer_losses_as_keras3_does():
    results = {}
    for side, keras in SIDES:
        model = _model(keras)
        model.compile(optimizer=keras.optimizers.SGD(0.05), loss="mse")
        history = model.fit(X, Y, epochs=3, batch_size=4, shuffle=False, verbose=0)
        results[side] = (history.history["loss"], model.evaluate(X, Y, verbose=0), model.get_weights())
    np.testing.assert_allclose(results["ours"][0], results["keras3"][0], rtol=1e-5)
    np.testing.assert_allclose(results["ours"][1], results["keras3"][1], rtol=1e-5)
    for got, want in zip(results["ours"][2], results["keras3"][2], strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


def test_a_custom_loop_adds_model_losses_with_the_same_gradients():
    ours_model, real_model = _model(ours), _model(k3)
    with tf_ours.GradientTape() as tape:
        loss = tf_ours.reduce_mean(tf_ours.square(ours_model(X) - Y)) + tf_ours.add_n(ours_model.losses)
    got = tape.gradient(loss, ours_model.trainable_weights)
    with tf.GradientTape() as tape:
        real_loss = tf.reduce_mean(tf.square(real_model(X) - Y)) + tf.add_n(real_model.losses)
    want = tape.gradient(real_loss, real_model.trainable_weights)
    np.testing.assert_allclose(float(loss), float(real_loss), rtol=1e-6)
    for g, w in zip(got, want, strict=True):
        np.testing.assert_allclose(np.asarray(g), w.numpy(), rtol=1e-5, atol=1e-6)


def _nested(keras):
    activity = _activity_layer(keras)

    class Block(keras.layers.Layer):
        def __init__(self):
            super().__init__()
            self.dense = keras.layers.Dense(2, kernel_initializer="ones",
                                            kernel_regularizer=keras.regularizers.L2(0.1))
            self.penalties = [activity(0.1), activity(0.2)]

        def call(self, inputs):
            x = self.penalties[0](self.dense(inputs))
            self.add_loss(keras.ops.sum(x) * 0.0 + 1.0)
            return self.penalties[1](x)

    class Net(keras.Model):
        def __init__(self):
            super().__init__()
            self.block = Block()

        def call(self, inputs):
            self.add_loss(keras.ops.mean(inputs))
            return self.block(inputs)

    return Net()


def test_nested_layers_and_models_pass_their_losses_up():
    values = {}
    for side, keras in SIDES:
        net = _nested(keras)
        net(X)
        net(X)
        values[side] = sorted(float(np.asarray(v)) for v in net.losses)
        assert len(net.block.weights) == 2 and len(net.trainable_weights) == 2
    np.testing.assert_allclose(values["ours"], values["keras3"], rtol=1e-6)


def test_add_loss_refuses_what_is_not_a_tensor():
    layer = ours.layers.Layer()
    with pytest.raises(ValueError, match="add_loss"):
        layer.add_loss("a string")


def test_layers_held_in_attributes_and_lists_are_tracked_and_frozen_together():
    counts = {}
    for side, keras in SIDES:
        net = _nested(keras)
        net(X)
        block = net.block
        before = (len(block.weights), len(block.trainable_weights), len(block.non_trainable_weights))
        block.trainable = False
        after = (len(block.trainable_weights), len(block.non_trainable_weights), len(net.trainable_weights),
                 block.dense.trainable, block.penalties[0].trainable)
        counts[side] = before, after
    assert counts["ours"] == counts["keras3"]
