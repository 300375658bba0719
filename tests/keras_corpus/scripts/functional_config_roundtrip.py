"""The serialization guide: get_config / from_config rebuild the same functional architecture."""
import keras
from keras import layers
import numpy as np

inputs = keras.Input(shape=(6,), name="features")
x = layers.Dense(5, activation="tanh", name="hidden")(inputs)
outputs = layers.Dense(2, activation="softmax", name="probs")(x)
model = keras.Model(inputs, outputs, name="small")
config = model.get_config()
config_keys = sorted(k for k in config if k in ("name", "layers", "input_layers", "output_layers"))
new_model = keras.Model.from_config(config)
new_model.set_weights(model.get_weights())
data = np.linspace(-2, 2, 18).reshape(3, 6).astype("float32")

RESULT = {
    "config_keys": config_keys,
    "name": new_model.name,
    "layer_names": [layer.name for layer in new_model.layers],
    "same_predictions": bool(np.allclose(model.predict(data, verbose=0), new_model.predict(data, verbose=0))),
    "hidden_units": new_model.get_layer("hidden").get_config()["units"],
    "activation": new_model.get_layer("probs").get_config()["activation"],
}
