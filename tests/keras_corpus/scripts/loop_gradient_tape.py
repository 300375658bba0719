"""Writing a training loop from scratch (TensorFlow): GradientTape, loss_fn, apply_gradients,
over numpy batches of the digits, from fixed weights."""
import keras
from keras import layers
import tensorflow as tf
from corpus import digits, same_weights

(x_train, y_train), _ = digits()
inputs = keras.Input(shape=(64,), name="digits")
x1 = layers.Dense(32, activation="relu")(inputs)
outputs = layers.Dense(10, name="predictions")(x1)
model = keras.Model(inputs=inputs, outputs=outputs)
same_weights(model)
optimizer = keras.optimizers.SGD(learning_rate=0.1)
loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)

losses = []
for step in range(5):
    x_batch, y_batch = x_train[step * 64:(step + 1) * 64], y_train[step * 64:(step + 1) * 64]
    with tf.GradientTape() as tape:
        logits = model(x_batch, training=True)
        loss_value = loss_fn(y_batch, logits)
    grads = tape.gradient(loss_value, model.trainable_weights)
    optimizer.apply_gradients(zip(grads, model.trainable_weights))
    losses.append(float(loss_value))

RESULT = {"losses": losses, "n_grads": len(grads), "iterations": int(optimizer.iterations.numpy())}
