"""Transfer learning and fine-tuning: layer.trainable moves weights between trainable and
non-trainable, recursively for nested layers."""
import keras
from keras import layers

layer = layers.Dense(3)
layer.build((None, 4))
layer.trainable = False
inner_model = keras.Sequential([keras.Input(shape=(3,)), layers.Dense(3, activation="relu"),
                                layers.Dense(3, activation="relu")])
model = keras.Sequential([keras.Input(shape=(3,)), inner_model, layers.Dense(3, activation="sigmoid")])
model.trainable = False
frozen = inner_model.layers[0].trainable
model.trainable = True

RESULT = {
    "layer": (len(layer.weights), len(layer.trainable_weights), len(layer.non_trainable_weights)),
    "nested_frozen": frozen,
    "after_unfreeze": len(model.trainable_weights),
}
