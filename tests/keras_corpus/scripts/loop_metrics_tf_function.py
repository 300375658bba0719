"""Writing a training loop from scratch (TensorFlow): a @tf.function train step updating a
metric; result() and reset_state() each epoch."""
import keras
from keras import layers
import tensorflow as tf
from corpus import digits, same_weights

(x_train, y_train), _ = digits()
model = keras.Sequential([keras.Input(shape=(64,)), layers.Dense(10)])
same_weights(model)
optimizer = keras.optimizers.Adam(learning_rate=1e-2)
loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
train_acc_metric = keras.metrics.SparseCategoricalAccuracy()


@tf.function
def train_step(x, y):
    with tf.GradientTape() as tape:
        logits = model(x, training=True)
        loss_value = loss_fn(y, logits)
    grads = tape.gradient(loss_value, model.trainable_weights)
    optimizer.apply_gradients(zip(grads, model.trainable_weights))
    train_acc_metric.update_state(y, logits)
    return loss_value


accuracies = []
for epoch in range(2):
    for start in range(0, 512, 128):
        train_step(x_train[start:start + 128], y_train[start:start + 128])
    accuracies.append(float(train_acc_metric.result()))
    train_acc_metric.reset_state()

# 8 Adam steps from the same weights, float32: accuracies are counts / 512, equal unless a logit
# ties within rounding; the kernel within 1e-4.
TOLERANCE = {"kernel": 1e-4}
RESULT = {"accuracies": accuracies, "kernel": model.layers[0].get_weights()[0]}
