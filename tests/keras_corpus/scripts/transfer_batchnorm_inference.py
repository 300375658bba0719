"""Transfer learning and fine-tuning: BatchNormalization in a frozen base runs in inference mode
and its moving statistics stay put during fit."""
import keras
from keras import layers
import numpy as np
from corpus import digits, same_weights

(x_train, y_train), _ = digits()
base_model = keras.Sequential([keras.Input(shape=(64,)), layers.Dense(16), layers.BatchNormalization(),
                               layers.Activation("relu")])
same_weights(base_model)
base_model.trainable = False
inputs = keras.Input(shape=(64,))
outputs = layers.Dense(10)(base_model(inputs, training=False))
model = keras.Model(inputs, outputs)
model.compile(optimizer="adam", loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
moving_before = base_model.layers[1].get_weights()[2].copy()
model.fit(x_train[:128], y_train[:128], epochs=1, verbose=0)

RESULT = {
    "bn_weights": len(base_model.layers[1].weights),
    "bn_trainable": len(base_model.layers[1].trainable_weights),
    "moving_mean_unchanged": bool(np.array_equal(moving_before, base_model.layers[1].get_weights()[2])),
}
