"""Training checkpoints guide: tf.train.Checkpoint over a model, an optimizer and a step counter,
a CheckpointManager keeping three, and a fresh program that restores the latest and carries on."""
import numpy as np
import tensorflow as tf

import corpus

directory = str(corpus.scratch() / "tf_ckpts")
rng = np.random.default_rng(0)
x = rng.normal(size=(16, 2)).astype(np.float32)
y = (x @ np.array([[1.0], [-2.0]], np.float32)).astype(np.float32)


def program():
    w = tf.Variable(tf.zeros([2, 1]))
    opt_step = tf.Variable(0, dtype=tf.int64)
    ckpt = tf.train.Checkpoint(step=opt_step, w=w)
    manager = tf.train.CheckpointManager(ckpt, directory, max_to_keep=3)
    return w, opt_step, ckpt, manager


def train(w, step, n):
    for _ in range(n):
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(tf.square(tf.matmul(x, w) - y))
        w.assign_sub(0.1 * tape.gradient(loss, w))
        step.assign_add(1)
    return float(loss)


w, step, ckpt, manager = program()
first_restore = manager.latest_checkpoint
saved = []
for _ in range(5):
    train(w, step, 2)
    saved.append(manager.save().rsplit("/", 1)[-1])
kept = [p.rsplit("/", 1)[-1] for p in manager.checkpoints]

w2, step2, ckpt2, manager2 = program()
status = ckpt2.restore(manager2.latest_checkpoint)
status.assert_consumed()
restored = (int(step2.numpy()), w2.numpy().copy())
final_loss = train(w2, step2, 3)

RESULT = {"first_restore": first_restore, "saved": saved, "kept": kept,
          "restored_step": restored[0], "restored_w": restored[1], "final_loss": final_loss,
          "final_step": int(step2.numpy())}
