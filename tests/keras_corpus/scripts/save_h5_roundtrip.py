"""Serialization and saving: model.save("model.h5") then keras.models.load_model, compiled."""
import os
import tempfile
import keras
from keras import layers
import numpy as np
from corpus import digits, same_weights

(x_train, y_train), (x_test, y_test) = digits()
model = keras.Sequential([keras.Input(shape=(64,)), layers.Dense(16, activation="relu"),
                          layers.Dense(10, activation="softmax")])
same_weights(model)
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
model.fit(x_train[:128], y_train[:128], epochs=1, shuffle=False, verbose=0)
path = os.path.join(tempfile.mkdtemp(), "model.h5")
model.save(path)
reconstructed = keras.models.load_model(path)

RESULT = {
    "same_predictions": bool(np.allclose(model.predict(x_test, verbose=0),
                                         reconstructed.predict(x_test, verbose=0), atol=1e-6)),
    "layer_names": [layer.name for layer in reconstructed.layers],
    "optimizer": type(reconstructed.optimizer).__name__,
    "evaluate": reconstructed.evaluate(x_test, y_test, verbose=0),
}
