"""Callbacks: ModelCheckpoint with save_best_only writes the model when val_loss improves."""
import os
import tempfile
import keras
from keras import layers
import numpy as np

folder = tempfile.mkdtemp()
x = np.linspace(-1, 1, 40).reshape(20, 2).astype("float32")
y = x.sum(axis=1, keepdims=True)
model = keras.Sequential([keras.Input(shape=(2,)), layers.Dense(1)])
model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
callbacks = [keras.callbacks.ModelCheckpoint(filepath=os.path.join(folder, "model_{epoch}.h5"),
                                             save_best_only=True, monitor="val_loss", verbose=0)]
model.fit(x, y, epochs=3, batch_size=20, validation_data=(x, y), callbacks=callbacks, verbose=0)
restored = keras.models.load_model(os.path.join(folder, "model_3.h5"), compile=False)

RESULT = {"files": sorted(os.listdir(folder)),
          "restored_same": bool(np.allclose(restored.predict(x, verbose=0), model.predict(x, verbose=0)))}
