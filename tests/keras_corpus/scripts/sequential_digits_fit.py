"""The Sequential guide's training loop on the bundled digits: compile, fit, evaluate."""
import keras
from keras import layers
from corpus import digits

(x_train, y_train), (x_test, y_test) = digits()
model = keras.Sequential(
    [
        keras.Input(shape=(64,)),
        layers.Dense(32, activation="relu"),
        layers.Dense(10, activation="softmax"),
    ]
)
model.compile(
    optimizer=keras.optimizers.Adam(learning_rate=1e-2),
    loss="sparse_categorical_crossentropy",
    metrics=["accuracy"],
)
history = model.fit(x_train, y_train, batch_size=64, epochs=5, verbose=0)
loss, acc = model.evaluate(x_test, y_test, verbose=0)

# Random initialisation and shuffling differ between sides: accuracy is compared as a range.
TOLERANCE = {"test_accuracy": ("within", 0.05)}
RESULT = {
    "history_keys": sorted(history.history),
    "epochs": len(history.history["loss"]),
    "test_accuracy": acc,
}
