"""Our Keras against PyTorch and real Keras (Keras 3 and tf_keras 2 on TensorFlow's CPU kernels),
side by side in one run: time per training step and predict throughput, with the ratios (ours /
theirs for times and for throughput).

    python bench/keras_steps.py [--repeat 5] [--steps 20] [--threads 1] [--no-keras] [--only lstm]
                                [--cpu-time]

* MLP 784-256-10, batch 128, SGD(momentum=0.9): one training step (``train_on_batch`` against
  zero_grad/forward/backward/step/``loss.item()``).
* Embedding(10000, 64) -> LSTM(128) -> Dense(1), batch 64, 80 time steps, Adam: one training step;
  the same with GRU(128) (Keras's ``reset_after=True``, which is PyTorch's GRU).
* Conv2D(32, 3x3, relu) -> Conv2D(64, 3x3, relu) -> MaxPooling2D -> Dense(10) on 28x28x1, batch 64,
  Adam: one training step.
* MLP predict throughput over 8192 samples in batches of 128 (``predict`` against ``no_grad``).

Targets (issue 17): every training step within 1.0x of PyTorch's time (the CNN first within 1.5x),
predict at least 1.2x PyTorch's throughput. Real Keras runs the same model, initial weights aside,
through the same ``train_on_batch``/``predict`` calls a user makes (its default compiled
``tf.function`` steps).
Every side runs on ``--threads`` threads (default 1: on a shared machine
a spinning multi-threaded BLAS measures the neighbours, not the code); the median of ``--repeat``
rounds is reported so a busy machine disturbs the comparison less; ``--only lstm`` (repeatable)
runs some cases.
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
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

import numpy as np  # noqa: E402

_CLOCK = time.perf_counter


def _time(fn, steps):
    start = _CLOCK()
    for _ in range(steps):
        fn()
    return (_CLOCK() - start) / steps


def _best(fns: dict, steps, repeat) -> dict:
    """Median time per call of each, rounds alternating so all meet the same machine load."""
    for fn in fns.values():
        fn()  # warm up (and build, and trace)
    times = {name: [] for name in fns}
    for _ in range(repeat):
        for name, fn in fns.items():
            times[name].append(_time(fn, steps))
    return {name: float(np.median(t)) for name, t in times.items()}


def _real_kerases(enabled: bool, threads: int) -> dict:
    """The real Keras generations installed (the test extra's peers), by the name printed."""
    if not enabled:
        return {}
    found = {}
    try:
        import tensorflow as tf

        tf.config.threading.set_intra_op_parallelism_threads(threads)
        tf.config.threading.set_inter_op_parallelism_threads(threads)
    except ImportError:
        return found
    try:
        import keras

        found[f"keras {keras.__version__}"] = keras
    except ImportError:
        pass
    try:
        import tf_keras

        found[f"tf_keras {tf_keras.__version__}"] = tf_keras
    except ImportError:
        pass
    return found


def _mlp(k, softmax=False):
    return k.Sequential([k.Input((784,)), k.layers.Dense(256, activation="relu"),
                         k.layers.Dense(10, activation="softmax" if softmax else None)])


def _rnn(k, cell="LSTM"):
    return k.Sequential([k.Input((80,), dtype="int32"), k.layers.Embedding(10000, 64),
                         getattr(k.layers, cell)(128), k.layers.Dense(1)])


def _cnn(k):
    return k.Sequential([k.Input((28, 28, 1)), k.layers.Conv2D(32, 3, activation="relu"),
                         k.layers.Conv2D(64, 3, activation="relu"), k.layers.MaxPooling2D(),
                         k.layers.Flatten(), k.layers.Dense(10)])


def mlp_step(repeat, steps, kerases):
    import torch

    from engine import keras

    rng = np.random.default_rng(0)
    x = rng.random((128, 784), dtype=np.float32)
    y = rng.integers(0, 10, 128)
    steps_of = {}
    for name, k in [("ours", keras), *kerases.items()]:
        model = _mlp(k)
        model.compile(optimizer=k.optimizers.SGD(0.01, momentum=0.9),
                      loss=k.losses.SparseCategoricalCrossentropy(from_logits=True))
        steps_of[name] = lambda model=model: model.train_on_batch(x, y)

    net = torch.nn.Sequential(torch.nn.Linear(784, 256), torch.nn.ReLU(), torch.nn.Linear(256, 10))
    opt = torch.optim.SGD(net.parameters(), lr=0.01, momentum=0.9)
    xt, yt = torch.from_numpy(x), torch.from_numpy(y)

    def torch_step():
        opt.zero_grad()
        loss = torch.nn.functional.cross_entropy(net(xt), yt)
        loss.backward()
        opt.step()
        return loss.item()

    steps_of["torch"] = torch_step
    return _best(steps_of, steps, repeat)


def rnn_step(repeat, steps, kerases, cell="LSTM"):
    import torch

    from engine import keras

    rng = np.random.default_rng(0)
    x = rng.integers(1, 10000, (64, 80)).astype(np.int32)
    y = rng.integers(0, 2, (64, 1)).astype(np.float32)
    steps_of = {}
    for name, k in [("ours", keras), *kerases.items()]:
        model = _rnn(k, cell)
        model.compile(optimizer="adam", loss=k.losses.BinaryCrossentropy(from_logits=True))
        steps_of[name] = lambda model=model: model.train_on_batch(x, y)

    class Net(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.emb = torch.nn.Embedding(10000, 64)
            self.rnn = getattr(torch.nn, cell)(64, 128, batch_first=True)
            self.out = torch.nn.Linear(128, 1)

        def forward(self, ids):
            _, h = self.rnn(self.emb(ids))
            return self.out((h[0] if cell == "LSTM" else h)[0])

    net = Net()
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)
    xt, yt = torch.from_numpy(x.astype(np.int64)), torch.from_numpy(y)

    def torch_step():
        opt.zero_grad()
        loss = torch.nn.functional.binary_cross_entropy_with_logits(net(xt), yt)
        loss.backward()
        opt.step()
        return loss.item()

    steps_of["torch"] = torch_step
    return _best(steps_of, steps, repeat)


def cnn_step(repeat, steps, kerases):
    import torch

    from engine import keras

    rng = np.random.default_rng(0)
    x = rng.random((64, 28, 28, 1), dtype=np.float32)
    y = rng.integers(0, 10, 64)
    steps_of = {}
    for name, k in [("ours", keras), *kerases.items()]:
        model = _cnn(k)
        model.compile(optimizer="adam", loss=k.losses.SparseCategoricalCrossentropy(from_logits=True))
        steps_of[name] = lambda model=model: model.train_on_batch(x, y)

    nn = torch.nn
    net = nn.Sequential(nn.Conv2d(1, 32, 3), nn.ReLU(), nn.Conv2d(32, 64, 3), nn.ReLU(), nn.MaxPool2d(2),
                        nn.Flatten(), nn.Linear(64 * 12 * 12, 10))
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)
    xt, yt = torch.from_numpy(x.transpose(0, 3, 1, 2).copy()), torch.from_numpy(y)

    def torch_step():
        opt.zero_grad()
        loss = torch.nn.functional.cross_entropy(net(xt), yt)
        loss.backward()
        opt.step()
        return loss.item()

    steps_of["torch"] = torch_step
    return _best(steps_of, steps, repeat)


def mlp_predict(repeat, steps, kerases):
    import torch

    from engine import keras

    rng = np.random.default_rng(0)
    x = rng.random((8192, 784), dtype=np.float32)
    predicts = {}
    for name, k in [("ours", keras), *kerases.items()]:
        model = _mlp(k, softmax=True)
        predicts[name] = lambda model=model: model.predict(x, batch_size=128, verbose=0)

    net = torch.nn.Sequential(torch.nn.Linear(784, 256), torch.nn.ReLU(), torch.nn.Linear(256, 10),
                              torch.nn.Softmax(dim=-1))
    xt = torch.from_numpy(x)

    def torch_predict():
        with torch.no_grad():
            return np.concatenate([net(xt[i:i + 128]).numpy() for i in range(0, len(xt), 128)])

    predicts["torch"] = torch_predict
    times = _best(predicts, max(1, steps // 10), repeat)
    return {name: len(x) / t for name, t in times.items()}


def _report(title, results, unit, target, higher_is_better=False):
    ours = results["ours"]
    print(title)
    for name, value in results.items():
        shown = f"{value:10.0f}/s" if higher_is_better else f"{value * 1e3:8.2f} ms"
        ratio = "" if name == "ours" else f"   ours {ours / value:5.2f}x {name}'s {unit}"
        print(f"  {name:16s} {shown}{ratio}")
    print(f"  target: {target}")


CASES = ("mlp", "lstm", "gru", "cnn", "predict")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--threads", type=int, default=1, help="BLAS, torch and TensorFlow threads")
    parser.add_argument("--no-keras", action="store_true", help="leave real Keras out")
    parser.add_argument("--only", choices=CASES, action="append", help="run only these cases")
    parser.add_argument("--cpu-time", action="store_true",
                        help="time the process's CPU seconds, not the wall clock: steadier on a busy machine "
                             "(use with --threads 1, where a spinning BLAS thread is no cost)")
    args = parser.parse_args(argv)
    global _CLOCK
    _CLOCK = time.process_time if args.cpu_time else time.perf_counter
    only = set(args.only or CASES)
    import torch

    torch.set_num_threads(args.threads)
    kerases = _real_kerases(not args.no_keras, args.threads)
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads; numpy {np.__version__}; "
          f"real Keras: {', '.join(kerases) or 'not installed (pip install -e .[test])'}")
    if "mlp" in only:
        _report("MLP 784-256-10 train step (batch 128, SGD momentum)",
                mlp_step(args.repeat, args.steps, kerases), "time", "ours <= 1.0x torch's time")
    for cell in ("LSTM", "GRU"):
        if cell.lower() not in only:
            continue
        _report(f"Embedding-{cell}(128)-Dense train step (batch 64, 80 steps, Adam)",
                rnn_step(args.repeat, max(2, args.steps // 4), kerases, cell), "time",
                "ours <= 1.0x torch's time")
    if "cnn" in only:
        _report("CNN Conv2D(32)-Conv2D(64)-MaxPool-Dense train step (28x28x1, batch 64, Adam)",
                cnn_step(args.repeat, max(2, args.steps // 4), kerases), "time",
                "ours <= 1.5x torch's time (goal 1.0x)")
    if "predict" in only:
        _report("MLP predict throughput (batch 128)", mlp_predict(args.repeat, args.steps, kerases),
                "throughput", "ours >= 1.2x torch's throughput", higher_is_better=True)


if __name__ == "__main__":
    main()
