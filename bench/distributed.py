"""Distributed training on a local Ray cluster against one process, side by side: training
throughput (samples/s) with 1 and 2 replicas (MirroredStrategy) and 1 and 2 workers
(ParameterServerStrategy, 1 server), and what one Ray round trip adds to a step.

    python bench/distributed.py [--repeat 3] [--steps 30] [--batches 64,256,1024]

The model is the MLP 784-256-10 of ``bench/keras.py`` with SGD(momentum=0.9); each number is
``model.fit`` over ``--steps`` batches of the global batch size. Every configuration is alive at
once (Ray is started with more logical CPUs than the machine has so the idle actors can wait side
by side; only one configuration computes at a time) and the rounds go round-robin, so other
engineers' load on a shared machine falls on all of them alike; the best round is reported.
BLAS runs on one thread everywhere, so two replicas can at best double one process's throughput
and only on a machine with two free cores. The overhead per step is measured twice: an empty actor
call (``ray.get(actor.ping.remote())``), and a 1-replica MirroredStrategy step minus a one-process
step at the smallest batch (the round trip plus shipping the batch and the gradients); an actor
call that sends the gradients' arrays and gets them back shows how much of that is data movement.
"""

from __future__ import annotations

import argparse
import os
import time

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")  # the actors inherit it through Ray's raylet
os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")

import numpy as np  # noqa: E402

import engine as tf  # noqa: E402


def build(strategy=None):
    tf.keras.utils.set_random_seed(0)

    def make():
        model = tf.keras.Sequential([tf.keras.layers.Dense(256, activation="relu", input_shape=(784,)),
                                     tf.keras.layers.Dense(10, activation="softmax")])
        model.compile(optimizer=tf.keras.optimizers.SGD(0.01, momentum=0.9),
                      loss="sparse_categorical_crossentropy")
        return model
    if strategy is None:
        return make()
    with strategy.scope():
        return make()


def time_fit(model, x, y, batch, steps) -> float:
    """Seconds per step of ``fit`` over ``steps`` batches (the epoch end waits for async steps)."""
    n = batch * steps
    start = time.perf_counter()
    model.fit(x[:n], y[:n], batch_size=batch, epochs=1, shuffle=False, verbose=0)
    return (time.perf_counter() - start) / steps


def ping_round_trip(ray, actor, calls=200) -> float:
    ray.get(actor.ping.remote())
    start = time.perf_counter()
    for _ in range(calls):
        ray.get(actor.ping.remote())
    return (time.perf_counter() - start) / calls


def _echo(actor_self, arrays):
    return arrays


def echo_round_trip(ray, actor, arrays, calls=50) -> float:
    """An actor call that sends ``arrays`` and gets them back (what a step ships, without math)."""
    ray.get(actor.__ray_call__.remote(_echo, arrays))
    start = time.perf_counter()
    for _ in range(calls):
        ray.get(actor.__ray_call__.remote(_echo, arrays))
    return (time.perf_counter() - start) / calls


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--steps", type=int, default=30)
    parser.add_argument("--batches", default="64,256,1024")
    parser.add_argument("--num-cpus", type=int, default=8, help="Ray's logical CPUs (not cores)")
    args = parser.parse_args()
    batches = [int(b) for b in args.batches.split(",")]

    import ray

    ray.init(num_cpus=args.num_cpus, include_dashboard=False, log_to_driver=False, configure_logging=False,
             object_store_memory=256 * 1024 * 1024)
    strategies = {
        "mirrored x1": tf.distribute.MirroredStrategy(num_replicas=1),
        "mirrored x2": tf.distribute.MirroredStrategy(num_replicas=2),
        "ps 1 worker": tf.distribute.experimental.ParameterServerStrategy(num_workers=1, num_ps=1),
        "ps 2 workers": tf.distribute.experimental.ParameterServerStrategy(num_workers=2, num_ps=1),
    }
    try:
        models = {"one process": build()}
        models.update({name: build(s) for name, s in strategies.items()})
        rng = np.random.default_rng(0)
        n = max(batches) * args.steps
        x = rng.random((n, 784), dtype=np.float32)
        y = rng.integers(0, 10, n)
        for model in models.values():  # warm up: ship the models, build the slots
            time_fit(model, x, y, batches[0], 2)

        best = {(name, b): float("inf") for name in models for b in batches}
        pings, echoes = [], []
        grads = [w.numpy() for w in models["one process"].trainable_weights]
        for _ in range(args.repeat):
            pings.append(ping_round_trip(ray, strategies["mirrored x1"].actors[0]))
            echoes.append(echo_round_trip(ray, strategies["mirrored x1"].actors[0], grads))
            for b in batches:
                for name, model in models.items():
                    best[name, b] = min(best[name, b], time_fit(model, x, y, b, args.steps))

        print(f"MLP 784-256-10, SGD momentum, fit over {args.steps} steps, best of {args.repeat} rounds; "
              f"{os.cpu_count()} cores, BLAS on 1 thread")
        header = " ".join(f"{name:>14}" for name in models)
        print(f"{'global batch':>12} {header}   x2/x1 (mirrored, ps)")
        for b in batches:
            rates = {name: b / best[name, b] for name in models}
            row = " ".join(f"{rates[name]:>10.0f} s/s" for name in models)
            ratio_m = rates["mirrored x2"] / rates["mirrored x1"]
            ratio_p = rates["ps 2 workers"] / rates["ps 1 worker"]
            print(f"{b:>12} {row}   {ratio_m:.2f}, {ratio_p:.2f}")
        print("samples/s relative to one process:")
        for b in batches:
            base = best["one process", b]
            print(f"{b:>12} " + " ".join(f"{base / best[name, b]:>14.2f}" for name in models))
        small = batches[0]
        overhead = best["mirrored x1", small] - best["one process", small]
        print(f"Ray round trip: empty actor call {min(pings) * 1e3:.2f} ms; a 1-replica mirrored step costs "
              f"{overhead * 1e3:.2f} ms more than a one-process step at batch {small} "
              f"({best['mirrored x1', small] * 1e3:.2f} vs {best['one process', small] * 1e3:.2f} ms); "
              f"sending the model's gradients ({sum(g.nbytes for g in grads) / 1e6:.2f} MB) to an actor "
              f"and back takes {min(echoes) * 1e3:.2f} ms")
    finally:
        for s in strategies.values():
            s.shutdown()
        ray.shutdown()


if __name__ == "__main__":
    main()
