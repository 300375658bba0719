"""Training and evaluation guide: sample_weight in evaluate and fit weighs each sample's loss."""
import keras
from keras import layers
import numpy as np
from corpus import digits, same_weights

(x_train, y_train), _ = digits()
x, y = x_train[:200], y_train[:200]
sample_weight = np.ones(shape=(len(y),))
sample_weight[y == 5] = 2.0
model = keras.Sequential([keras.Input(shape=(64,)), layers.Dense(10, activation="softmax")])
same_weights(model)
model.compile(optimizer=keras.optimizers.SGD(0.05), loss="sparse_categorical_crossentropy")
plain = model.evaluate(x, y, batch_size=200, verbose=0)
weighted = model.evaluate(x, y, sample_weight=sample_weight, batch_size=200, verbose=0)
history = model.fit(x, y, sample_weight=sample_weight, batch_size=200, epochs=2, shuffle=False, verbose=0)

RESULT = {"plain": plain, "weighted": weighted, "fit_losses": history.history["loss"]}
