"""Working with preprocessing layers: adapt a Normalization layer, put it first in the model, fit."""
import keras
from keras import layers
from corpus import digits

(x_train, y_train), (x_test, y_test) = digits()
normalizer = layers.Normalization()
normalizer.adapt(x_train)
model = keras.Sequential([keras.Input(shape=(64,)), normalizer, layers.Dense(10, activation="softmax")])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
model.fit(x_train, y_train, epochs=3, batch_size=64, verbose=0)
_, acc = model.evaluate(x_test, y_test, verbose=0)

# Random init and shuffling differ: accuracy compared as a range around real Keras's.
TOLERANCE = {"accuracy": ("within", 0.05)}
RESULT = {"accuracy": acc, "non_trainable": len(model.non_trainable_weights)}
