"""The Sequential model guide: a feature extractor over every intermediate layer's output."""
import keras
from keras import layers
import numpy as np
from corpus import same_weights

initial_model = keras.Sequential(
    [
        keras.Input(shape=(8, 8, 1)),
        layers.Conv2D(4, 3, strides=1, activation="relu"),
        layers.Conv2D(4, 3, strides=1, activation="relu", name="my_intermediate_layer"),
        layers.Conv2D(4, 3, strides=1, activation="relu"),
    ]
)
same_weights(initial_model)
feature_extractor = keras.Model(
    inputs=initial_model.inputs,
    outputs=[layer.output for layer in initial_model.layers],
)
x = np.linspace(0, 1, 2 * 8 * 8).reshape(2, 8, 8, 1).astype("float32")
features = feature_extractor(x)
one = keras.Model(
    inputs=initial_model.inputs,
    outputs=initial_model.get_layer(name="my_intermediate_layer").output,
)

RESULT = {
    "shapes": [tuple(f.shape) for f in features],
    "last_sum": float(np.sum(np.asarray(features[-1]))),
    "intermediate": np.asarray(one(x)).round(5).tolist(),
}
