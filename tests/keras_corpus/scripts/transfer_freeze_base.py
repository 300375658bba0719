"""Transfer learning and fine-tuning: a frozen base model under a new head; only the head trains."""
import keras
from keras import layers
import numpy as np
from corpus import digits, same_weights

(x_train, y_train), _ = digits()
base_model = keras.Sequential([keras.Input(shape=(64,)), layers.Dense(32, activation="relu"),
                               layers.Dense(16, activation="relu")])
same_weights(base_model)
base_model.trainable = False
inputs = keras.Input(shape=(64,))
x = base_model(inputs, training=False)
outputs = layers.Dense(10)(x)
model = keras.Model(inputs, outputs)
before = [w.copy() for w in base_model.get_weights()]
model.compile(optimizer=keras.optimizers.Adam(),
              loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
model.fit(x_train[:256], y_train[:256], epochs=1, verbose=0)

RESULT = {
    "trainable_weights": len(model.trainable_weights),
    "non_trainable_weights": len(model.non_trainable_weights),
    "base_unchanged": all(np.array_equal(a, b) for a, b in zip(before, base_model.get_weights())),
}
