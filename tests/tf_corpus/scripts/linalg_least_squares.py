"""Linear algebra with tf.linalg and tf.einsum (the tensors and basics guides): least squares by
the normal equations, a determinant, batched einsum contractions, and top_k of the residuals."""
import numpy as np
import tensorflow as tf

rng = np.random.default_rng(4)
A = tf.constant(rng.normal(size=(20, 3)).astype(np.float32))
true_x = tf.constant([[1.0], [-2.0], [0.5]])
b = tf.matmul(A, true_x) + 0.01 * tf.constant(rng.normal(size=(20, 1)).astype(np.float32))

ata = tf.matmul(A, A, transpose_a=True)
x_normal = tf.linalg.solve(ata, tf.matmul(A, b, transpose_a=True))
x_inverse = tf.matmul(tf.linalg.inv(ata), tf.einsum("ij,ik->jk", A, b))
residuals = tf.abs(tf.squeeze(tf.matmul(A, x_normal) - b))
largest = tf.math.top_k(residuals, k=3)

batch = tf.constant(rng.normal(size=(4, 3, 3)).astype(np.float32))
RESULT = {
    "x_normal": x_normal.numpy(),
    "x_inverse": x_inverse.numpy(),
    "det": float(tf.linalg.det(ata)),
    "trace": float(tf.linalg.trace(ata)),
    "top_indices": largest.indices.numpy(),
    "batch_matmul": tf.einsum("bij,bjk->bik", batch, batch).numpy(),
    "outer_trace": tf.einsum("bii->b", batch).numpy(),
    "eye": tf.eye(2, 3).numpy(),
    "std": float(tf.math.reduce_std(residuals)),
}
TOLERANCE = {"det": 1e-3, "x_inverse": 1e-4, "std": 1e-5}  # float32 inverses and products
