"""The classic TF1 beginners' tutorial (softmax regression with placeholders, a Session and
GradientDescentOptimizer), on the bundled digits instead of MNIST."""
import numpy as np
import tensorflow as tf

import corpus

ISOLATE = True

tf1 = tf.compat.v1
tf1.disable_eager_execution()
(x_train, y_train), (x_test, y_test) = corpus.digits()
onehot = np.eye(10, dtype=np.float32)

x = tf1.placeholder(tf.float32, [None, 64])
y_ = tf1.placeholder(tf.float32, [None, 10])
W = tf.Variable(tf.zeros([64, 10]))
b = tf.Variable(tf.zeros([10]))
y = tf.matmul(x, W) + b
cross_entropy = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(labels=y_, logits=y))
train_step = tf1.train.GradientDescentOptimizer(0.5).minimize(cross_entropy)
correct = tf.equal(tf.argmax(y, 1), tf.argmax(y_, 1))
accuracy = tf.reduce_mean(tf.cast(correct, tf.float32))

curve = []
with tf1.Session() as sess:
    sess.run(tf1.global_variables_initializer())
    for i in range(200):
        start = (i * 50) % (len(x_train) - 50)
        sess.run(train_step, {x: x_train[start:start + 50], y_: onehot[y_train[start:start + 50]]})
        if i % 50 == 49:
            curve.append(float(sess.run(accuracy, {x: x_test, y_: onehot[y_test]})))

RESULT = {"accuracy": curve}
TOLERANCE = {"accuracy": 0.01}  # 200 float32 SGD steps: a test digit or two either way
