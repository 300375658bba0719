"""The serialization guide: to_json / model_from_json keep the architecture, not the weights."""
import json
import keras
from keras import layers

model = keras.Sequential([keras.Input(shape=(4,)), layers.Dense(3, activation="relu", name="d1"),
                          layers.Dense(1, name="d2")])
json_config = model.to_json()
new_model = keras.models.model_from_json(json_config)

RESULT = {
    "class_name": json.loads(json_config)["class_name"],
    "layers": [layer.name for layer in new_model.layers],
    "params": new_model.count_params(),
    "units": [layer.units for layer in new_model.layers],
}
