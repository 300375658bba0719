"""Data parallelism on a local Ray cluster against one process, on a compute-bound model: the MLP
784-2048-2048-10 with SGD(momentum=0.9) at a global batch of 1024, BLAS on one thread in every
process (this one and each Ray worker), so two replicas on two free cores can at best double one
process's throughput.

    python bench/distributed.py [--rounds 5] [--steps 4] [--batch 1024] [--hidden 2048]

Configurations: one process; MirroredStrategy with 1 replica (what Ray costs with nothing to gain)
and with 2. All are alive at once (Ray gets more logical CPUs than there are cores; only one
configuration computes at a time) and the rounds are interleaved, each round in a rotated order,
so load from other users of a shared machine falls on all of them alike; the median and the best
round are reported, with the load average before and after (``uptime``). Ray runs its workers at
niceness 15, which on a machine busy with other work gives the replicas less CPU than the one
process they are compared with; the bench starts them at its own niceness (``--ray-niceness``
leaves Ray's).

Then what one all-reduce costs (each of 2 actors sends a flat float32 buffer of S MB through Ray's
object store, the driver adds them and puts the sum once, both actors read it: ms, and ms per MB),
and where the driver's time goes in a 2-replica step (cProfile).
"""

from __future__ import annotations

import argparse
import cProfile
import ctypes
import glob
import io
import multiprocessing
import os
import pstats
import statistics
import time

THREADS = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
os.environ.update(THREADS)  # before numpy loads BLAS; the workers get them through runtime_env
os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")

import numpy as np  # noqa: E402

import engine as tf  # noqa: E402


def blas_threads():
    """OpenBLAS's thread count in this process (numpy's bundled scipy-openblas), or None."""
    for lib in glob.glob(os.path.join(os.path.dirname(np.__file__) + ".libs", "libscipy_openblas*")):
        for name in ("scipy_openblas_get_num_threads64_", "scipy_openblas_get_num_threads"):
            fn = getattr(ctypes.CDLL(lib), name, None)
            if fn is not None:
                return int(fn())
    return None


def build(hidden, strategy=None):
    def make():
        tf.keras.utils.set_random_seed(0)
        model = tf.keras.Sequential([tf.keras.layers.Dense(hidden, activation="relu", input_shape=(784,)),
                                     tf.keras.layers.Dense(hidden, activation="relu"),
                                     tf.keras.layers.Dense(10, activation="softmax")])
        model.compile(optimizer=tf.keras.optimizers.SGD(0.01, momentum=0.9),
                      loss="sparse_categorical_crossentropy")
        return model
    if strategy is None:
        return make()
    with strategy.scope():
        return make()


def time_fit(model, x, y, batch, steps) -> float:
    """Seconds per step of ``fit`` over ``steps`` batches."""
    start = time.perf_counter()
    model.fit(x[:batch * steps], y[:batch * steps], batch_size=batch, epochs=1, shuffle=False, verbose=0)
    return (time.perf_counter() - start) / steps


def _gemms(hidden, repeat=3) -> float:
    """The model's largest matrix product, ``repeat`` times: plain work for the ceiling below."""
    a, w = np.ones((512, hidden), np.float32), np.ones((hidden, hidden), np.float32)
    start = time.perf_counter()
    for _ in range(repeat):
        a @ w
    return time.perf_counter() - start


def ceiling(pool, hidden) -> float:
    """What two processes can gain on this machine now: the throughput of two plain processes
    doing the same matrix products at once, over one doing them alone (2.0 on two free cores)."""
    start = time.perf_counter()
    pool.map(_gemms, [hidden])
    alone = time.perf_counter() - start
    start = time.perf_counter()
    pool.map(_gemms, [hidden, hidden], chunksize=1)
    return 2 * alone / (time.perf_counter() - start)


def _make_buffer(actor_self, mb):
    actor_self._bench_buffer = np.ones(int(mb * 2**20 // 4), np.float32)
    return True


def _send_buffer(actor_self, update):
    """Return this actor's buffer (the gradients) after reading the last sum (the update)."""
    if update is not None:
        assert update[-1] == 2.0
    return actor_self._bench_buffer


def allreduce_ms(ray, actors, mb, calls=8) -> float:
    """Median ms of one all-reduce of ``mb`` MB over ``actors`` the way MirroredStrategy does it."""
    ray.get([a.__ray_call__.remote(_make_buffer, mb) for a in actors])
    update, times = None, []
    for _ in range(calls + 1):
        start = time.perf_counter()
        parts = ray.get([a.__ray_call__.remote(_send_buffer, update) for a in actors])
        total = parts[0] + parts[1] if len(parts) == 2 else sum(parts)
        update = ray.put(total)
        times.append(time.perf_counter() - start)
    ray.get([a.__ray_call__.remote(_send_buffer, update) for a in actors])
    return statistics.median(times[1:]) * 1e3


def driver_profile(model, x, y, batch, steps) -> str:
    """cProfile of the driver through a 2-replica fit: per-step ms of the parts that matter."""
    prof = cProfile.Profile()
    prof.enable()
    time_fit(model, x, y, batch, steps)
    prof.disable()
    stats = pstats.Stats(prof, stream=io.StringIO())
    wanted = {"get_objects": "waiting for the replicas (ray.get)", "_average": "averaging the gradients",
              "apply_gradients": "the driver's optimizer step", "put": "ray.put of batch and update",
              "_stale": "checking the weights for user changes", "_remember": "copying the weights",
              "_record": "loss and metrics", "unflatten": "unflattening the update"}
    rows, total = [], 0.0
    for (path, _, name), (_, _, _, cum, _) in stats.stats.items():
        if name == "fit" and "training_loops" in path:
            total = cum
        if name in wanted and ("engine" in path or "ray" in path):
            rows.append((cum, f"{wanted[name]:<40} {cum / steps * 1e3:8.1f} ms"))
    lines = [f"{'fit, per step':<40} {total / steps * 1e3:8.1f} ms"]
    lines += [r for _, r in sorted(rows, reverse=True)]
    return "\n".join("  " + line for line in lines)


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f}, {five:.2f}, {fifteen:.2f} on {os.cpu_count()} cores"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--steps", type=int, default=4)
    parser.add_argument("--batch", type=int, default=1024)
    parser.add_argument("--hidden", type=int, default=2048)
    parser.add_argument("--num-cpus", type=int, default=3, help="Ray's logical CPUs (not cores)")
    parser.add_argument("--ray-niceness", dest="same_niceness", action="store_false",
                        help="leave Ray's workers at Ray's niceness (15) instead of this process's")
    args = parser.parse_args()
    print(f"before: {load()}")

    import ray

    # Ray starts its workers at niceness 15: on a machine shared with other work they would get
    # less CPU than this process does, so here they run at this process's niceness
    ray.init(num_cpus=args.num_cpus, include_dashboard=False, log_to_driver=False, configure_logging=False,
             object_store_memory=512 * 1024 * 1024, runtime_env={"env_vars": THREADS},
             _system_config={"worker_niceness": os.nice(0)} if args.same_niceness else None)
    strategies = {"mirrored x1": tf.distribute.MirroredStrategy(num_replicas=1),
                  "mirrored x2": tf.distribute.MirroredStrategy(num_replicas=2)}
    try:
        models = {"one process": build(args.hidden)}
        models.update({name: build(args.hidden, s) for name, s in strategies.items()})
        rng = np.random.default_rng(0)
        x = rng.random((args.batch * args.steps, 784), dtype=np.float32)
        y = rng.integers(0, 10, len(x))
        for model in models.values():  # warm up: ship the models, build the slots
            time_fit(model, x, y, args.batch, 1)
        worker_threads = ray.get([a.__ray_call__.remote(lambda self: (blas_threads(), os.nice(0)))
                                  for a in strategies["mirrored x2"].actors])

        times = {name: [] for name in models}
        names, ceilings = list(models), []
        with multiprocessing.get_context("spawn").Pool(2) as pool:
            pool.map(_gemms, [args.hidden, args.hidden], chunksize=1)  # both processes up and warm
            for r in range(args.rounds):
                ceilings.append(ceiling(pool, args.hidden))
                for name in names[r % len(names):] + names[:r % len(names)]:
                    times[name].append(time_fit(models[name], x, y, args.batch, args.steps))

        params = sum(int(np.prod(w.shape)) for w in models["one process"].trainable_weights)
        print(f"MLP 784-{args.hidden}-{args.hidden}-10 ({params / 1e6:.2f} M parameters, gradients "
              f"{params * 4 / 2**20:.1f} MB), SGD momentum, global batch {args.batch}, {args.steps} steps "
              f"a fit, {args.rounds} interleaved rounds; (BLAS threads, niceness): driver "
              f"{(blas_threads(), os.nice(0))}, workers {worker_threads}")
        base = statistics.median(times["one process"])
        print(f"{'':>12} {'median s/step':>14} {'best s/step':>12} {'samples/s':>10} {'vs one process':>15}")
        for name, ts in times.items():
            med = statistics.median(ts)
            print(f"{name:>12} {med:>14.3f} {min(ts):>12.3f} {args.batch / med:>10.0f} {base / med:>14.2f}x")
        ratios = [a / b for a, b in zip(times["one process"], times["mirrored x2"], strict=True)]
        print(f"mirrored x2 / one process, round by round: {', '.join(f'{v:.2f}' for v in ratios)} "
              f"(median {statistics.median(ratios):.2f}x)")
        print(f"what the machine allowed (2 plain processes vs 1, same matrix products), round by round: "
              f"{', '.join(f'{v:.2f}' for v in ceilings)} (median {statistics.median(ceilings):.2f}x; "
              f"2.00 on two free cores)")

        pair = strategies["mirrored x2"].actors
        costs = {mb: allreduce_ms(ray, pair, mb) for mb in (1, 8, round(params * 4 / 2**20))}
        print("all-reduce over 2 replicas through the object store (median): " + "; ".join(
            f"{mb} MB {ms:.1f} ms ({ms / mb:.2f} ms/MB)" for mb, ms in costs.items()))
        print("where the driver's time goes in a 2-replica step (cProfile, cumulative):")
        print(driver_profile(models["mirrored x2"], x, y, args.batch, args.steps))
    finally:
        for s in strategies.values():
            s.shutdown()
        ray.shutdown()
        print(f"after: {load()}")


if __name__ == "__main__":
    main()
