"""Training and evaluation guide: compile with several metrics given as strings and objects."""
import keras
from keras import layers
import numpy as np
from corpus import same_weights

x = np.linspace(-1, 1, 60).reshape(20, 3).astype("float32")
y = (x.sum(axis=1, keepdims=True) > 0).astype("float32")
model = keras.Sequential([keras.Input(shape=(3,)), layers.Dense(1, activation="sigmoid")])
same_weights(model)
model.compile(optimizer="sgd", loss="binary_crossentropy",
              metrics=["accuracy", keras.metrics.AUC(name="auc"), keras.metrics.Precision(name="precision"),
                       keras.metrics.Recall(name="recall")])
scores = model.evaluate(x, y, verbose=0, return_dict=True)

# AUC uses 200 thresholds on both sides; the trapezoid sum is exact to float32 rounding.
TOLERANCE = {"scores": 1e-5}
RESULT = {"keys": sorted(scores), "scores": [scores[k] for k in sorted(scores)]}
