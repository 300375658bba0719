"""``board demo``: train small Keras models on the bundled digits while the board serves them.

    board demo [--logdir runs] [--epochs 40] [--port 6006] [--host H | --bind_all]

Three runs (``demo/lr_0.3``, ``demo/lr_0.03``, ``demo/lr_0.003``: a healthy one, a slow one and
one that barely learns) are trained one epoch at a time, slowed to about half a second an epoch
so the curves visibly grow; each writes what Keras's TensorBoard callback writes (``train`` and
``validation`` runs, batch and epoch scalars, weight histograms, the graph).
"""

from __future__ import annotations

import argparse
import os
import sys
import threading

LEARNING_RATES = (0.3, 0.03, 0.003)


def train(logdir: str, epochs: int, seconds_per_epoch: float, stop: threading.Event) -> None:
    """Train the demo models into ``logdir/demo`` until done or ``stop`` is set."""
    try:
        _train(logdir, epochs, seconds_per_epoch, stop)
    except Exception as exc:  # the board keeps serving what was written
        print(f"board demo: training stopped: {type(exc).__name__}: {exc}", file=sys.stderr, flush=True)


def _train(logdir: str, epochs: int, seconds_per_epoch: float, stop: threading.Event) -> None:
    from engine import keras
    from engine.datasets import digits

    (x, y), (x_test, y_test) = digits.load_data()
    x = x.reshape(-1, 64).astype("float32") / 16
    x_test = x_test.reshape(-1, 64).astype("float32") / 16

    class Pace(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            if stop.wait(seconds_per_epoch):
                self.model.stop_training = True

    for lr in LEARNING_RATES:
        if stop.is_set():
            return
        model = keras.Sequential([
            keras.layers.Dense(64, activation="relu", input_shape=(64,), name="hidden"),
            keras.layers.Dense(10, activation="softmax", name="output"),
        ])
        model.compile(optimizer=keras.optimizers.SGD(lr), loss="sparse_categorical_crossentropy",
                      metrics=["accuracy"])
        board = keras.callbacks.TensorBoard(os.path.join(logdir, "demo", f"lr_{lr}"),
                                            histogram_freq=1, update_freq=10)
        model.fit(x, y, epochs=epochs, batch_size=32, validation_data=(x_test, y_test),
                  callbacks=[board, Pace()], verbose=0)


def main(argv: list[str]) -> int:
    from board import cli

    p = argparse.ArgumentParser(prog="board demo", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--logdir", default="runs", help="where the demo runs are written (default runs)")
    p.add_argument("--epochs", type=int, default=40, help="epochs per model (default 40)")
    p.add_argument("--seconds_per_epoch", type=float, default=0.5, help=argparse.SUPPRESS)
    p.add_argument("--port", type=int, default=cli.DEFAULT_PORT)
    p.add_argument("--host", default=None)
    p.add_argument("--bind_all", action="store_true")
    p.add_argument("--reload_interval", type=float, default=1.0)
    args = p.parse_args(argv)
    if args.epochs < 1:
        p.error(f"--epochs must be at least 1, got {args.epochs}")
    os.makedirs(args.logdir, exist_ok=True)
    serve_args = ["--logdir", args.logdir, "--port", str(args.port),
                  "--reload_interval", str(args.reload_interval)]
    if args.bind_all:
        serve_args.append("--bind_all")
    elif args.host:
        serve_args += ["--host", args.host]
    stop = threading.Event()
    trainer = threading.Thread(target=train, name="board-demo-training", daemon=True,
                               args=(args.logdir, args.epochs, args.seconds_per_epoch, stop))
    trainer.start()
    print(f"board demo: training {len(LEARNING_RATES)} models into {os.path.join(args.logdir, 'demo')}",
          flush=True)
    try:
        return cli.serve(cli.parse_args(serve_args))
    finally:
        stop.set()
        trainer.join(timeout=10)
