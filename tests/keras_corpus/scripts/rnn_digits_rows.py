"""Working with RNNs: read each 8x8 digit as 8 time steps of 8 pixels with an LSTM."""
import keras
from keras import layers
from corpus import digits

(x_train, y_train), (x_test, y_test) = digits()
x_train, x_test = x_train.reshape(-1, 8, 8), x_test.reshape(-1, 8, 8)
model = keras.Sequential([keras.Input(shape=(8, 8)), layers.LSTM(32), layers.Dense(10)])
model.compile(loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
              optimizer=keras.optimizers.Adam(1e-2), metrics=["accuracy"])
model.fit(x_train, y_train, batch_size=64, epochs=4, verbose=0)
_, acc = model.evaluate(x_test, y_test, verbose=0)

# Random init and shuffling differ: the accuracy is compared as a range around real Keras's.
TOLERANCE = {"accuracy": ("within", 0.08)}
RESULT = {"accuracy": acc}
