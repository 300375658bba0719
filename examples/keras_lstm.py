"""The seed's recurrent example: an Embedding feeding the seed's LSTM building block
(``activation="tanh", recurrent_activation="hard_sigmoid", recurrent_initializer="orthogonal"``,
dropout inside the layer), then a softmax classifier. The seed leaves the data open; here each
8x8 digit is read as a sentence of 64 "words", its pixel intensities 0..16, so the Embedding's
vocabulary is 17 (``mask_zero`` stays False: a blank pixel is a word here, not padding).

    python examples/keras_lstm.py [--logdir runs/keras_lstm] [--epochs 4]
"""

from __future__ import annotations

import argparse

from engine import keras
from engine.datasets import digits
from engine.keras.layers import Dense
from engine.keras.layers.embeddings import Embedding
from engine.keras.layers.recurrent import LSTM


def main(logdir: str, epochs: int = 4) -> float:
    (x_train, y_train), (x_test, y_test) = digits.load_data()
    x_train, x_test = x_train.reshape(-1, 64).astype("int32"), x_test.reshape(-1, 64).astype("int32")
    keras.utils.set_random_seed(0)
    input_dim, output_dim, units = 17, 16, 48

    model = keras.Sequential([
        Embedding(
            input_dim,                   # Volcabulary Size
            output_dim,                  # Ouptut vector length
            embeddings_initializer="uniform",
            mask_zero=False),            # sentences of varying lengt can be made same length this way
        LSTM(units,
             activation="tanh",
             recurrent_activation="hard_sigmoid",
             recurrent_initializer="orthogonal",
             recurrent_regularizer=None,
             bias_regularizer=None,
             dropout=0.0,
             recurrent_dropout=0.0,      # droput is defined within the layer
             return_sequences=False),    # returning intermediate values or not
        Dense(10, activation="softmax"),
    ])
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    model.fit(x_train, y_train, batch_size=64, epochs=epochs, validation_data=(x_test, y_test),
              callbacks=[keras.callbacks.TensorBoard(log_dir=logdir, histogram_freq=1, update_freq=5)])
    model.summary()
    acc = model.evaluate(x_test, y_test, verbose=0)[1]
    print(f"test accuracy: {acc:.4f}")
    return acc


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--logdir", default="runs/keras_lstm")
    parser.add_argument("--epochs", type=int, default=4)
    args = parser.parse_args()
    main(args.logdir, args.epochs)
