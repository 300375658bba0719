"""The seed's example: Dense(10, sigmoid) with categorical cross-entropy, SGD lr 0.5, momentum
0.9, 10 epochs on the digits. Real Keras uses the sigmoid's logits inside the loss."""
import keras
from keras import layers
from corpus import digits

(x_train, y_train), (x_test, y_test) = digits()
y_train = keras.utils.to_categorical(y_train, 10)
y_test = keras.utils.to_categorical(y_test, 10)
model = keras.Sequential()
model.add(keras.Input(shape=(64,)))
model.add(layers.Dense(64, activation="sigmoid"))
model.add(layers.Dense(10, activation="sigmoid"))
model.compile(
    loss="categorical_crossentropy",
    optimizer=keras.optimizers.SGD(learning_rate=0.5, momentum=0.9),
    metrics=["accuracy"],
)
history = model.fit(x_train, y_train, batch_size=128, epochs=10, verbose=0,
                    validation_data=(x_test, y_test))

# Seeds differ between sides: real Keras lands in 0.83-0.97; compared as that range.
RESULT = {"val_accuracy_ok": bool(history.history["val_accuracy"][-1] > 0.8)}
