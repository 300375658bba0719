"""Training and evaluation guide: evaluate() a fixed-weight model's loss and accuracy on the digits."""
import keras
from keras import layers
from corpus import digits, same_weights

(x_train, y_train), (x_test, y_test) = digits()
model = keras.Sequential([keras.Input(shape=(64,)), layers.Dense(16, activation="relu"),
                          layers.Dense(10, activation="softmax")])
same_weights(model)
model.compile(optimizer="rmsprop", loss="sparse_categorical_crossentropy",
              metrics=["sparse_categorical_accuracy"])
loss, acc = model.evaluate(x_test, y_test, batch_size=50, verbose=0)
results = model.evaluate(x_test, y_test, verbose=0, return_dict=True)

RESULT = {"loss": loss, "accuracy": acc, "dict_keys": sorted(results), "dict_loss": results["loss"]}
