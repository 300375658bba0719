"""Training and evaluation guide: class_weight gives class 5 twice the weight during fit."""
import keras
from keras import layers
from corpus import digits, same_weights

(x_train, y_train), _ = digits()
x, y = x_train[:200], y_train[:200]
class_weight = {i: 1.0 for i in range(10)}
class_weight[5] = 2.0
model = keras.Sequential([keras.Input(shape=(64,)), layers.Dense(10, activation="softmax")])
same_weights(model)
model.compile(optimizer=keras.optimizers.SGD(0.05), loss="sparse_categorical_crossentropy")
history = model.fit(x, y, class_weight=class_weight, batch_size=200, epochs=2, shuffle=False, verbose=0)

RESULT = {"fit_losses": history.history["loss"], "bias": model.layers[0].get_weights()[1]}
