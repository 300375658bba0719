"""Callbacks: CSVLogger writes one row per epoch with every logged metric."""
import csv
import os
import tempfile
import keras
from keras import layers
import numpy as np

path = os.path.join(tempfile.mkdtemp(), "training.log")
x = np.zeros((6, 2), dtype="float32")
y = np.zeros((6, 1), dtype="float32")
model = keras.Sequential([keras.Input(shape=(2,)), layers.Dense(1)])
model.compile(optimizer="sgd", loss="mse", metrics=["mae"])
model.fit(x, y, epochs=3, validation_data=(x, y), callbacks=[keras.callbacks.CSVLogger(path)], verbose=0)
with open(path) as f:
    rows = list(csv.DictReader(f))

RESULT = {"columns": sorted(rows[0]), "epochs": [row["epoch"] for row in rows]}
