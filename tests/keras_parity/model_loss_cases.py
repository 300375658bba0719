"""Models with a loss on their output: ``model_loss(id, build(lib), inputs, loss(lib), targets)``
(see ``harness.check_model_loss``): the loss and its gradients with respect to every weight, the
numbers one training step applies. A softmax or sigmoid output feeding a cross-entropy is
computed from the cached logits on every side."""

from __future__ import annotations

from tests.keras_parity.harness import ints, layer

B = 4


def model_loss(id, build, inputs, loss, targets, gens=("keras2", "keras3"), training=(False, True),
               config=True):
    case = layer(id, build, inputs, gens=gens, training=training, config=config)
    case.opts.update(loss=loss, targets=targets)
    return case


def _mlp(k, activation):
    return k.Sequential([k.Input(shape=(6,)), k.layers.Dense(5, activation="tanh"),
                         k.layers.Dense(4, activation=activation)])


def _seq(k):
    return k.Sequential([k.Input(shape=(5,), dtype="int32"), k.layers.Embedding(9, 3),
                         k.layers.LSTM(4, return_sequences=True), k.layers.Dense(3, activation="softmax")])


def _cnn(k):
    return k.Sequential([k.Input(shape=(6, 6, 1)), k.layers.Conv2D(3, 3, activation="relu"),
                         k.layers.MaxPooling2D(), k.layers.Flatten(),
                         k.layers.Dense(2, activation="softmax")])


MODEL_LOSSES = [
    model_loss("softmax-CCE", lambda k: _mlp(k, "softmax"), (B, 6),
               lambda k: k.losses.CategoricalCrossentropy(), "onehot"),
    model_loss("softmax-SCCE", lambda k: _mlp(k, "softmax"), (B, 6),
               lambda k: k.losses.SparseCategoricalCrossentropy(), "sparse"),
    model_loss("logits-SCCE", lambda k: _mlp(k, None), (B, 6),
               lambda k: k.losses.SparseCategoricalCrossentropy(from_logits=True), "sparse"),
    model_loss("sigmoid-BCE", lambda k: _mlp(k, "sigmoid"), (B, 6),
               lambda k: k.losses.BinaryCrossentropy(), "binary"),
    model_loss("relu-MSE", lambda k: _mlp(k, "relu"), (B, 6), lambda k: k.losses.MeanSquaredError(), "real"),
    model_loss("linear-MAE", lambda k: _mlp(k, None), (B, 6), lambda k: k.losses.MeanAbsoluteError(), "real"),
    model_loss("LSTM-seq-SCCE", _seq, ints((B, 5), 9),
               lambda k: k.losses.SparseCategoricalCrossentropy(), "sparse"),
    model_loss("CNN-CCE", _cnn, (B, 6, 6, 1), lambda k: k.losses.CategoricalCrossentropy(), "onehot"),
]
