"""tf.data guide, Using tf.data with tf.keras: fit, evaluate and predict on datasets, a repeated
dataset with steps_per_epoch, a dataset of features alone for predict."""
import numpy as np
import tensorflow as tf

rng = np.random.default_rng(5)
images = rng.uniform(size=(96, 6, 6)).astype(np.float32)
labels = (images.mean(axis=(1, 2)) > 0.5).astype(np.int64) + (images[:, 0, 0] > 0.8).astype(np.int64)

fmnist_train_ds = tf.data.Dataset.from_tensor_slices((images, labels))
fmnist_train_ds = fmnist_train_ds.batch(32)

model = tf.keras.Sequential([
    tf.keras.Input((6, 6)),
    tf.keras.layers.Flatten(),
    tf.keras.layers.Dense(3),
])
model.set_weights([np.random.default_rng(i).uniform(-0.3, 0.3, w.shape).astype(np.float32)
                   for i, w in enumerate(model.get_weights())])
model.compile(optimizer=tf.keras.optimizers.SGD(learning_rate=0.5),
              loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True),
              metrics=["accuracy"])

history = model.fit(fmnist_train_ds, epochs=2, verbose=0)
repeated = model.fit(fmnist_train_ds.repeat(), epochs=2, steps_per_epoch=4, verbose=0)
loss, accuracy = model.evaluate(fmnist_train_ds, verbose=0)

predict_ds = tf.data.Dataset.from_tensor_slices(images).batch(32)
result = model.predict(predict_ds, steps=2, verbose=0)
result_all = model.predict(fmnist_train_ds, verbose=0)

RESULT = {"history": history.history, "repeated": repeated.history, "loss": loss, "accuracy": accuracy,
          "predict_shape": list(result.shape), "predict_all_shape": list(result_all.shape),
          "logits_row0": result[0]}
# 14 compounded float32 SGD steps
TOLERANCE = {"history": {"loss": 1e-4}, "repeated": {"loss": 1e-4}, "loss": 1e-4, "logits_row0": 1e-4}
