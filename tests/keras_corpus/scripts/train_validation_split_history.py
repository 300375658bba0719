"""Training and evaluation guide: validation_split holds out the last fraction; History has
val_ metrics for every epoch; predict returns one row per sample."""
import keras
from keras import layers
from corpus import digits

(x_train, y_train), (x_test, y_test) = digits()
model = keras.Sequential([keras.Input(shape=(64,)), layers.Dense(32, activation="relu"),
                          layers.Dense(10, activation="softmax")])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy",
              metrics=["sparse_categorical_accuracy"])
history = model.fit(x_train, y_train, batch_size=64, epochs=3, validation_split=0.2, verbose=0)
predictions = model.predict(x_test[:3], verbose=0)

RESULT = {
    "keys": sorted(history.history),
    "lengths": [len(v) for v in history.history.values()],
    "params": history.params.get("epochs"),
    "predictions_shape": predictions.shape,
}
