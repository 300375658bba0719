"""The functional API guide: inputs -> Dense -> Dense -> outputs, trained on the digits."""
import keras
from keras import layers
from corpus import digits

inputs = keras.Input(shape=(64,), name="img")
x = layers.Dense(64, activation="relu")(inputs)
x = layers.Dense(64, activation="relu")(x)
outputs = layers.Dense(10)(x)
model = keras.Model(inputs=inputs, outputs=outputs, name="digits_model")

(x_train, y_train), (x_test, y_test) = digits()
model.compile(
    loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    optimizer=keras.optimizers.RMSprop(),
    metrics=["accuracy"],
)
history = model.fit(x_train, y_train, batch_size=64, epochs=4, validation_split=0.2, verbose=0)
test_scores = model.evaluate(x_test, y_test, verbose=0)

# Random init and shuffling differ: accuracy compared as a range around real Keras's.
TOLERANCE = {"test_accuracy": ("within", 0.05)}
RESULT = {
    "name": model.name,
    "input_shape": tuple(inputs.shape),
    "params": model.count_params(),
    "history_keys": sorted(history.history),
    "test_accuracy": test_scores[1],
}
