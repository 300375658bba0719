"""One training step of the seed's TF1 logistic regression (batch 100), engine vs PyTorch.

    python bench/engine_train_step.py [--width 784] [--repeat 7]

Times a step in graph mode (Session.run of minimize), in eager mode (GradientTape + the same
optimizer), the same eager code under tf.function, and in PyTorch (autograd + torch.optim.SGD),
on the same shapes and the same math (softmax, log, cross-entropy, SGD at 0.5), then prints the
ratios. Also reports the fixed cost of
one eager op call on scalars. Targets: graph mode within 1.5x of PyTorch.
"""

from __future__ import annotations

import argparse
import os
import sys
import timeit

# One thread each for numpy's BLAS and torch: a fair fight on a shared machine. Set before numpy loads.
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import numpy as np  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import engine as tf  # noqa: E402


def data(width, batch=100, seed=0):
    rng = np.random.default_rng(seed)
    # Pixel-like inputs scaled so SGD at 0.5 stays stable on one repeated batch (as on MNIST).
    x = rng.random((batch, width), dtype=np.float32) * np.float32(8.0 / width)
    y = np.eye(10, dtype=np.float32)[rng.integers(0, 10, batch)]
    return x, y


def graph_step(width):
    g = tf.Graph()
    with g.as_default():
        x = tf.placeholder(tf.float32, [None, width])
        W = tf.Variable(tf.zeros([width, 10]))  # noqa: N806 - the seed's names
        b = tf.Variable(tf.zeros([10]))
        y = tf.nn.softmax(tf.matmul(x, W) + b)
        y_ = tf.placeholder(tf.float32, [None, 10])
        cross_entropy = tf.reduce_mean(-tf.reduce_sum(y_ * tf.log(y), reduction_indices=[1]))
        train_step = tf.train.GradientDescentOptimizer(0.5).minimize(cross_entropy)
        sess = tf.Session()
        sess.run(tf.global_variables_initializer())
    xs, ys = data(width)
    feed = {x: xs, y_: ys}
    return lambda: sess.run(train_step, feed_dict=feed)


def eager_step(width, traced=False):
    W = tf.Variable(tf.zeros([width, 10]))  # noqa: N806
    b = tf.Variable(tf.zeros([10]))
    opt = tf.train.GradientDescentOptimizer(0.5)
    xs, ys = data(width)

    def step(xs, ys):
        with tf.GradientTape() as tape:
            y = tf.nn.softmax(tf.matmul(xs, W) + b)
            loss = tf.reduce_mean(-tf.reduce_sum(ys * tf.log(y), axis=1))
        opt.apply_gradients(zip(tape.gradient(loss, [W, b]), [W, b], strict=True))

    run = tf.function(step) if traced else step
    return lambda: run(xs, ys)


def torch_step(width):
    import torch

    torch.set_num_threads(1)
    W = torch.zeros(width, 10, requires_grad=True)  # noqa: N806
    b = torch.zeros(10, requires_grad=True)
    opt = torch.optim.SGD([W, b], lr=0.5)
    xs, ys = (torch.from_numpy(a) for a in data(width))

    def step():
        opt.zero_grad()
        y = torch.softmax(xs @ W + b, dim=1)
        loss = (-(ys * torch.log(y)).sum(dim=1)).mean()
        loss.backward()
        opt.step()

    return step


def best(fn, repeat, number):
    fn()
    return min(timeit.repeat(fn, repeat=repeat, number=number)) / number


def interleaved(fns, repeat, number):
    """Best time per call of each function, timed round-robin so that load from other processes
    on a shared machine falls on all of them alike."""
    for fn in fns:
        fn()
    best_times = [float("inf")] * len(fns)
    for _ in range(repeat):
        for i, fn in enumerate(fns):
            best_times[i] = min(best_times[i], timeit.timeit(fn, number=number) / number)
    return best_times


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--width", type=int, default=784, help="input width (784 MNIST, 64 digits)")
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--number", type=int, default=200)
    args = parser.parse_args()

    steps = [graph_step(args.width), eager_step(args.width), eager_step(args.width, traced=True),
             torch_step(args.width)]
    t_graph, t_eager, t_traced, t_torch = interleaved(steps, args.repeat, args.number)
    print(f"logistic regression step, batch 100, width {args.width}")
    print(f"  engine graph  {t_graph * 1e6:8.1f} us   {t_graph / t_torch:5.2f}x torch")
    print(f"  engine eager  {t_eager * 1e6:8.1f} us   {t_eager / t_torch:5.2f}x torch")
    print(f"  tf.function   {t_traced * 1e6:8.1f} us   {t_traced / t_torch:5.2f}x torch"
          "  (the eager code, traced)")
    print(f"  torch         {t_torch * 1e6:8.1f} us")

    a, b = tf.constant(1.0), tf.constant(2.0)
    na, nb = np.float32(1.0), np.float32(2.0)
    t_op = best(lambda: tf.add(a, b), args.repeat, 20_000)
    t_np = best(lambda: np.add(na, nb), args.repeat, 20_000)
    with tf.GradientTape() as tape:
        tape.watch(a)
        t_taped = best(lambda: tf.add(a, b), args.repeat, 2_000)
    print(f"eager op fixed cost (tf.add of two scalars): {t_op * 1e6:.2f} us "
          f"(numpy's own add {t_np * 1e6:.2f} us; under a recording tape {t_taped * 1e6:.2f} us)")


if __name__ == "__main__":
    main()
