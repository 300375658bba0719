"""TF1's tf.data as the 1.x programmer's guide ("Importing data") writes it: a graph, a one-shot
iterator feeding a linear model trained with Session.run until OutOfRangeError, then an
initializable iterator re-run each epoch."""
import numpy as np
import tensorflow as tf

ISOLATE = True  # disable_eager_execution is process-wide

tf.compat.v1.disable_eager_execution()
rng = np.random.default_rng(7)
features = rng.normal(size=(40, 2)).astype(np.float32)
labels = (features @ np.array([[1.5], [-2.0]], np.float32) + 0.5).astype(np.float32)

dataset = tf.data.Dataset.from_tensor_slices((features, labels))
dataset = dataset.map(lambda x, y: (x * 2.0, y)).batch(10).repeat(3)
iterator = tf.compat.v1.data.make_one_shot_iterator(dataset)
next_x, next_y = iterator.get_next()

W = tf.Variable(tf.zeros([2, 1]))
b = tf.Variable(tf.zeros([1]))
prediction = tf.matmul(next_x, W) + b
loss = tf.reduce_mean(tf.square(prediction - next_y))
train_op = tf.compat.v1.train.GradientDescentOptimizer(0.05).minimize(loss)

losses = []
with tf.compat.v1.Session() as sess:
    sess.run(tf.compat.v1.global_variables_initializer())
    while True:
        try:
            _, value = sess.run([train_op, loss])
            losses.append(float(value))
        except tf.errors.OutOfRangeError:
            break
    weights = sess.run(W)

eval_iterator = tf.compat.v1.data.make_initializable_iterator(tf.data.Dataset.range(4).batch(3))
eval_next = eval_iterator.get_next()
epochs = []
with tf.compat.v1.Session() as sess:
    for _ in range(2):
        sess.run(eval_iterator.initializer)
        batches = []
        while True:
            try:
                batches.append(sess.run(eval_next).tolist())
            except tf.errors.OutOfRangeError:
                break
        epochs.append(batches)

RESULT = {"steps": len(losses), "losses": losses, "weights": weights, "epochs": epochs,
          "next_shape": next_x.shape.as_list()}
TOLERANCE = {"losses": 1e-4, "weights": 1e-4}  # 12 compounded float32 SGD steps
