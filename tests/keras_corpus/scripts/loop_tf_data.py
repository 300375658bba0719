"""Writing a training loop from scratch (TensorFlow): batches from tf.data.Dataset."""
import keras
from keras import layers
import tensorflow as tf
from corpus import digits, same_weights

(x_train, y_train), _ = digits()
train_dataset = tf.data.Dataset.from_tensor_slices((x_train[:256], y_train[:256])).batch(64)
model = keras.Sequential([keras.Input(shape=(64,)), layers.Dense(10)])
same_weights(model)
optimizer = keras.optimizers.SGD(learning_rate=0.5)
loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
losses = []
for step, (x_batch_train, y_batch_train) in enumerate(train_dataset):
    with tf.GradientTape() as tape:
        loss_value = loss_fn(y_batch_train, model(x_batch_train, training=True))
    grads = tape.gradient(loss_value, model.trainable_weights)
    optimizer.apply_gradients(zip(grads, model.trainable_weights))
    losses.append(float(loss_value))

RESULT = {"steps": step + 1, "losses": losses}
