"""Our Keras against PyTorch, side by side in one run: time per training step and predict
throughput, with the ratios (ours / PyTorch for times, ours / PyTorch for throughput).

    python bench/keras.py [--repeat 5] [--steps 20]

* MLP 784-256-10, batch 128, SGD(momentum=0.9): one training step (``train_on_batch`` against
  zero_grad/forward/backward/step/``loss.item()``).
* Embedding(10000, 64) -> LSTM(128) -> Dense(1), batch 64, 80 time steps, Adam: one training step.
* MLP predict throughput over 8192 samples in batches of 128 (``predict`` against ``no_grad``).

Targets (issue 4): MLP step within 1.3x of PyTorch, LSTM step within 2x, predict at least 0.8x
PyTorch's throughput. Both sides run on ``--threads`` threads (default 1: on a shared machine
a spinning multi-threaded BLAS measures the neighbours, not the code); the best of ``--repeat``
rounds is reported so a busy machine disturbs the comparison less.
"""

from __future__ import annotations

import argparse
import os
import sys
import time


def _threads_from_argv(argv) -> int:
    for i, a in enumerate(argv):
        if a == "--threads" and i + 1 < len(argv):
            return int(argv[i + 1])
        if a.startswith("--threads="):
            return int(a.split("=", 1)[1])
    return 1


# BLAS reads its thread count when numpy loads, so it is set before that import.
_THREADS = _threads_from_argv(sys.argv[1:])
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, str(_THREADS))

import numpy as np  # noqa: E402


def _time(fn, steps):
    start = time.perf_counter()
    for _ in range(steps):
        fn()
    return (time.perf_counter() - start) / steps


def _best_pair(ours, theirs, steps, repeat):
    """Best time per call of each, rounds alternating so both meet the same machine load."""
    ours(), theirs()  # warm up (and build)
    a, b = [], []
    for _ in range(repeat):
        a.append(_time(ours, steps))
        b.append(_time(theirs, steps))
    return min(a), min(b)


def mlp_step(repeat, steps):
    import torch

    from engine import keras

    rng = np.random.default_rng(0)
    x = rng.random((128, 784), dtype=np.float32)
    y = rng.integers(0, 10, 128)
    model = keras.Sequential([keras.layers.Dense(256, activation="relu", input_shape=(784,)),
                              keras.layers.Dense(10)])
    model.compile(optimizer=keras.optimizers.SGD(0.01, momentum=0.9),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))

    net = torch.nn.Sequential(torch.nn.Linear(784, 256), torch.nn.ReLU(), torch.nn.Linear(256, 10))
    opt = torch.optim.SGD(net.parameters(), lr=0.01, momentum=0.9)
    xt, yt = torch.from_numpy(x), torch.from_numpy(y)

    def torch_step():
        opt.zero_grad()
        loss = torch.nn.functional.cross_entropy(net(xt), yt)
        loss.backward()
        opt.step()
        return loss.item()

    return _best_pair(lambda: model.train_on_batch(x, y), torch_step, steps, repeat)


def lstm_step(repeat, steps):
    import torch

    from engine import keras

    rng = np.random.default_rng(0)
    x = rng.integers(1, 10000, (64, 80))
    y = rng.integers(0, 2, (64, 1)).astype(np.float32)
    model = keras.Sequential([keras.layers.Embedding(10000, 64, input_length=80), keras.layers.LSTM(128),
                              keras.layers.Dense(1)])
    model.compile(optimizer="adam", loss=keras.losses.BinaryCrossentropy(from_logits=True))

    class Net(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.emb = torch.nn.Embedding(10000, 64)
            self.lstm = torch.nn.LSTM(64, 128, batch_first=True)
            self.out = torch.nn.Linear(128, 1)

        def forward(self, ids):
            _, (h, _) = self.lstm(self.emb(ids))
            return self.out(h[0])

    net = Net()
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)
    xt, yt = torch.from_numpy(x), torch.from_numpy(y)

    def torch_step():
        opt.zero_grad()
        loss = torch.nn.functional.binary_cross_entropy_with_logits(net(xt), yt)
        loss.backward()
        opt.step()
        return loss.item()

    return _best_pair(lambda: model.train_on_batch(x, y), torch_step, steps, repeat)


def mlp_predict(repeat, steps):
    import torch

    from engine import keras

    rng = np.random.default_rng(0)
    x = rng.random((8192, 784), dtype=np.float32)
    model = keras.Sequential([keras.layers.Dense(256, activation="relu", input_shape=(784,)),
                              keras.layers.Dense(10, activation="softmax")])

    net = torch.nn.Sequential(torch.nn.Linear(784, 256), torch.nn.ReLU(), torch.nn.Linear(256, 10),
                              torch.nn.Softmax(dim=-1))
    xt = torch.from_numpy(x)

    def torch_predict():
        with torch.no_grad():
            return np.concatenate([net(xt[i:i + 128]).numpy() for i in range(0, len(xt), 128)])

    ours, theirs = _best_pair(lambda: model.predict(x, batch_size=128), torch_predict, max(1, steps // 10),
                              repeat)
    return len(x) / ours, len(x) / theirs


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--threads", type=int, default=1, help="BLAS and torch threads (default 1)")
    args = parser.parse_args(argv)
    import torch

    torch.set_num_threads(args.threads)

    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads; numpy {np.__version__}")
    ours, theirs = mlp_step(args.repeat, args.steps)
    print(f"MLP 784-256-10 train step (batch 128, SGD momentum): ours {ours * 1e3:7.2f} ms   "
          f"torch {theirs * 1e3:7.2f} ms   ratio {ours / theirs:5.2f}x  (target <= 1.3x)")
    ours, theirs = lstm_step(args.repeat, max(2, args.steps // 4))
    print(f"Embedding-LSTM(128)-Dense train step (batch 64, 80 steps, Adam): ours {ours * 1e3:7.2f} ms   "
          f"torch {theirs * 1e3:7.2f} ms   ratio {ours / theirs:5.2f}x  (target <= 2x)")
    ours, theirs = mlp_predict(args.repeat, args.steps)
    print(f"MLP predict throughput (batch 128): ours {ours:9.0f}/s   torch {theirs:9.0f}/s   "
          f"ratio {ours / theirs:5.2f}x  (target >= 0.8x)")


if __name__ == "__main__":
    main()
