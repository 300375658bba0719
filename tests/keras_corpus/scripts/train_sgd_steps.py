"""Training and evaluation guide: a few SGD epochs from fixed weights, no shuffling: the same
losses and the same final weights on every side."""
import keras
from keras import layers
from corpus import digits, same_weights

(x_train, y_train), _ = digits()
x_train, y_train = x_train[:256], y_train[:256]
model = keras.Sequential([keras.Input(shape=(64,)), layers.Dense(16, activation="tanh"),
                          layers.Dense(10, activation="softmax")])
same_weights(model)
model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1, momentum=0.9),
              loss="sparse_categorical_crossentropy")
history = model.fit(x_train, y_train, batch_size=64, epochs=3, shuffle=False, verbose=0)

# 12 momentum steps in float32 compound rounding differences: 1e-4.
TOLERANCE = {"losses": 1e-4, "kernel": 1e-4}
RESULT = {"losses": history.history["loss"], "kernel": model.layers[-1].get_weights()[0]}
