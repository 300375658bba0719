"""The seed's saving and loading section: the architecture as JSON (and YAML) with the weights in
HDF5, then the whole model in one HDF5 file, optimizer state included, so training picks up
where it left off. Only the imports changed; the model is a small digits classifier and the
files go under ``--logdir`` (beside its TensorBoard logs).

    python examples/keras_saving.py [--logdir runs/keras_saving]
"""

from __future__ import annotations

import argparse
import os

import numpy as np

from engine import keras
from engine.datasets import digits
from engine.keras.callbacks import TensorBoard
from engine.keras.layers import Dense, Flatten
from engine.keras.models import Sequential, load_model, model_from_json, model_from_yaml


def main(logdir: str) -> None:
    (x_train, y_train), (x_test, y_test) = digits.load_data()
    x_train, x_test = x_train.astype("float32") / 16, x_test.astype("float32") / 16
    os.makedirs(logdir, exist_ok=True)
    keras.utils.set_random_seed(0)
    model = Sequential([Flatten(input_shape=(8, 8)), Dense(64, activation="relu"),
                        Dense(10, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(x_train, y_train, epochs=3, verbose=2, callbacks=[TensorBoard(log_dir=logdir)])
    trained, expected = model, model.predict(x_test)

    # Saving model as JSON and weights as HDF5
    json_string = model.to_json()  # alternative: to_yaml()
    yaml_string = model.to_yaml()
    model.save_weights(os.path.join(logdir, "weights.h5"))

    # Load from JSON and set weights
    model = model_from_json(json_string)
    model.load_weights(os.path.join(logdir, "weights.h5"))
    assert np.array_equal(model.predict(x_test), expected)
    model = model_from_yaml(yaml_string)
    model.load_weights(os.path.join(logdir, "weights.h5"))
    assert np.array_equal(model.predict(x_test), expected)

    # Saving model (architecture, weights and the optimizer's state)
    trained.save(os.path.join(logdir, "full_model.h5"))
    # Loading model
    model = load_model(os.path.join(logdir, "full_model.h5"))
    assert np.array_equal(model.predict(x_test), expected)

    # Training picks up where it left off: the reloaded model continues as the original would.
    resumed = TensorBoard(log_dir=os.path.join(logdir, "resumed"))
    model.fit(x_train, y_train, epochs=5, initial_epoch=3, shuffle=False, verbose=2, callbacks=[resumed])
    trained.fit(x_train, y_train, epochs=5, initial_epoch=3, shuffle=False, verbose=0)
    assert all(np.array_equal(a, b) for a, b in zip(model.get_weights(), trained.get_weights(), strict=True))
    print(f"resumed from full_model.h5: test accuracy {model.evaluate(x_test, y_test, verbose=0)[1]:.4f}")
    print("files:", sorted(f for f in os.listdir(logdir) if f.endswith(".h5")))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--logdir", default="runs/keras_saving")
    main(parser.parse_args().logdir)
