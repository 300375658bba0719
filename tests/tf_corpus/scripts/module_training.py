"""Introduction to modules, layers and models (tf.Module): a Dense module, a sequential module of
them, the variables and submodules TensorFlow finds, and a training loop over them."""
import numpy as np
import tensorflow as tf


class Dense(tf.Module):
    def __init__(self, in_features, out_features, seed, name=None):
        super().__init__(name=name)
        rng = np.random.default_rng(seed)
        self.w = tf.Variable(rng.normal(0, 0.5, (in_features, out_features)).astype(np.float32), name="w")
        self.b = tf.Variable(tf.zeros([out_features]), name="b")

    def __call__(self, x):
        return tf.nn.relu(tf.matmul(x, self.w) + self.b)


class SequentialModule(tf.Module):
    def __init__(self, name=None):
        super().__init__(name=name)
        self.dense_1 = Dense(3, 8, seed=1)
        self.dense_2 = Dense(8, 1, seed=2)

    def __call__(self, x):
        return self.dense_2(self.dense_1(x))


model = SequentialModule(name="the_model")
rng = np.random.default_rng(0)
x = rng.normal(size=(32, 3)).astype(np.float32)
y = np.abs(x.sum(axis=1, keepdims=True)).astype(np.float32)

losses = []
for step in range(30):
    with tf.GradientTape() as tape:
        loss = tf.reduce_mean(tf.square(model(x) - y))
    grads = tape.gradient(loss, model.trainable_variables)
    for v, g in zip(model.trainable_variables, grads):
        v.assign_sub(0.05 * g)
    losses.append(float(loss))

RESULT = {
    "name": model.name,
    "submodules": [m.name for m in model.submodules],
    "variables": [v.name for v in model.variables],
    "trainable": len(model.trainable_variables),
    "losses": losses,
}
TOLERANCE = {"losses": 1e-4}  # 30 float32 steps
