"""tf.data guide with the custom-training-loop guide: batches of a shuffled, repeated dataset
feed a GradientTape loop; the epoch ends when the dataset does."""
import numpy as np
import tensorflow as tf

rng = np.random.default_rng(6)
x = rng.normal(size=(64, 3)).astype(np.float32)
true_w = np.array([[2.0], [-1.0], [0.5]], np.float32)
y = x @ true_w + 0.3

train_dataset = tf.data.Dataset.from_tensor_slices((x, y)).batch(16)

w = tf.Variable(np.zeros((3, 1), np.float32))
b = tf.Variable(np.zeros((1,), np.float32))
optimizer = tf.keras.optimizers.SGD(learning_rate=0.1)

epoch_losses = []
for epoch in range(5):
    losses = []
    for step, (x_batch, y_batch) in enumerate(train_dataset):
        with tf.GradientTape() as tape:
            pred = tf.matmul(x_batch, w) + b
            loss = tf.reduce_mean(tf.square(pred - y_batch))
        grads = tape.gradient(loss, [w, b])
        optimizer.apply_gradients(zip(grads, [w, b]))
        losses.append(float(loss))
    epoch_losses.append(losses)

RESULT = {"steps": step + 1, "epoch_losses": epoch_losses, "w": w.numpy(), "b": b.numpy()}
TOLERANCE = {"epoch_losses": 1e-4, "w": 1e-4, "b": 1e-4}  # 20 compounded float32 SGD steps
