"""The summary-writer API on its own: log a fake training run in both styles.

    python examples/summary_writer.py [--logdir runs/summary_writer_demo]

PyTorch style (``SummaryWriter.add_*``) writes run ``pytorch_style``; TensorFlow 2 style
(``create_file_writer`` + ``as_default``) writes run ``tf2_style``. Point the board (or
TensorBoard) at the logdir to see scalars, histograms, text and hparams.
"""

from __future__ import annotations

import argparse
import os

import numpy as np

import engine
from engine.summary import SummaryWriter


def fake_training(steps: int, lr: float, seed: int = 0):
    """Loss, accuracy and a weight matrix that behave like a model learning at rate ``lr``."""
    rng = np.random.default_rng(seed)
    weights = rng.uniform(-0.1, 0.1, size=(64, 32))
    for step in range(steps):
        progress = 1 - np.exp(-lr * step / 10)
        loss = 2.3 * (1 - progress) + 0.1 + rng.normal(scale=0.05)
        accuracy = 0.1 + 0.85 * progress + rng.normal(scale=0.01)
        weights = weights + lr * rng.normal(scale=0.02, size=weights.shape)
        yield step, loss, accuracy, weights


def main(logdir: str, steps: int = 200) -> None:
    with SummaryWriter(os.path.join(logdir, "pytorch_style")) as writer:
        writer.add_text("notes", "A **fake** run written with `SummaryWriter`.", 0)
        for step, loss, accuracy, weights in fake_training(steps, lr=0.5):
            writer.add_scalar("train/loss", loss, step)
            writer.add_scalar("train/accuracy", accuracy, step)
            if step % 20 == 0:
                writer.add_histogram("dense/kernel", weights, step)
        writer.add_hparams({"lr": 0.5, "optimizer": "sgd"},
                           {"hparam/loss": float(loss), "hparam/accuracy": float(accuracy)})

    writer = engine.summary.create_file_writer(os.path.join(logdir, "tf2_style"))
    with writer.as_default():
        engine.summary.text("notes", "The same, written with `tf.summary`.", step=0)
        for step, loss, accuracy, weights in fake_training(steps, lr=0.2, seed=1):
            engine.summary.scalar("train/loss", loss, step=step)
            engine.summary.scalar("train/accuracy", accuracy, step=step)
            if step % 20 == 0:
                engine.summary.histogram("dense/kernel", weights, step=step)
    writer.close()
    print(f"wrote runs pytorch_style and tf2_style under {logdir}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--logdir", default="runs/summary_writer_demo")
    parser.add_argument("--steps", type=int, default=200)
    args = parser.parse_args()
    main(args.logdir, args.steps)
