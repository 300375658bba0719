"""Corpus runs trained by real Keras 3 and tf_keras, logged by their own TensorBoard callback
(``log_dir/train`` and ``log_dir/validation``, ``epoch_*`` or ``batch_*`` scalars, weight
histograms, the model config)."""

from __future__ import annotations

import os

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from tests.diagnostics.corpus import data  # noqa: E402


def _module(framework):
    if framework == "keras3":
        import keras
        return keras
    import tf_keras
    return tf_keras


def train(framework, logdir, shape="mlp", lr=0.01, optimizer="adam", epochs=10, units=32,
          samples=data.TRAIN, frozen=False, nan=False, shuffled=False, schedule=None,
          update_freq="epoch", batch_size=64):
    K = _module(framework)
    K.backend.clear_session()
    K.utils.set_random_seed(0)
    (x, y), validation = data.load(samples, nan=nan, shuffled=shuffled, image=shape == "cnn",
                                   sequence=shape == "lstm")
    L = K.layers
    if shape == "cnn":
        body = [K.Input((8, 8, 1)), L.Conv2D(8, 3, activation="relu"), L.Flatten()]
    elif shape == "lstm":
        body = [K.Input((8, 8)), L.LSTM(units)]
    else:
        body = [K.Input((64,)), L.Dense(units, activation="relu")]
    model = K.Sequential([*body, L.Dense(10, activation="softmax")])
    if frozen:
        model.layers[0].trainable = False
    steps = epochs * -(-len(x) // batch_size)
    if schedule == "exponential":  # to 1/100 every 3 epochs: nothing left after 5
        lr = K.optimizers.schedules.ExponentialDecay(lr,
            decay_steps=3 * len(x) // batch_size, decay_rate=0.01)
    elif schedule == "cosine":  # to 0 at the very last step: healthy
        lr = K.optimizers.schedules.CosineDecay(lr, decay_steps=steps)
    opt = (K.optimizers.Adam(learning_rate=lr) if optimizer == "adam"
           else K.optimizers.SGD(learning_rate=lr, momentum=0.9 if schedule == "cosine" else 0.0))
    model.compile(optimizer=opt, loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(x, y, epochs=epochs, batch_size=batch_size, verbose=0, validation_data=validation,
              callbacks=[K.callbacks.TensorBoard(log_dir=str(logdir), histogram_freq=1,
                                                 update_freq=update_freq)])
