"""Transfer learning and fine-tuning: train the head, unfreeze the base, recompile with a low
learning rate and fine-tune end to end."""
import keras
from keras import layers
from corpus import digits, same_weights

(x_train, y_train), (x_test, y_test) = digits()
base_model = keras.Sequential([keras.Input(shape=(64,)), layers.Dense(32, activation="relu")])
base_model.trainable = False
inputs = keras.Input(shape=(64,))
outputs = layers.Dense(10)(base_model(inputs, training=False))
model = keras.Model(inputs, outputs)
same_weights(model)
model.compile(optimizer=keras.optimizers.Adam(1e-2),
              loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=["accuracy"])
model.fit(x_train, y_train, epochs=2, verbose=0)
head_trained = model.evaluate(x_test, y_test, verbose=0)[1]
base_model.trainable = True
model.compile(optimizer=keras.optimizers.Adam(1e-3),
              loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=["accuracy"])
model.fit(x_train, y_train, epochs=2, verbose=0)
fine_tuned = model.evaluate(x_test, y_test, verbose=0)[1]

# Shuffling differs between sides: accuracy compared as a range around real Keras's.
TOLERANCE = {"head": ("within", 0.06), "fine_tuned": ("within", 0.05)}
RESULT = {"head": head_trained, "fine_tuned": fine_tuned, "trainable": len(model.trainable_weights)}
