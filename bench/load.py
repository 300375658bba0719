"""The board's loader against TensorBoard's EventAccumulator, and the numbers issue 5 targets.

    python bench/load.py [--runs 10] [--tags 10] [--steps 10000] [--logdir DIR] [--repeat 7]
                               [--load-repeat 1] [--skip-tensorboard] [--new_style]
    python bench/load.py --logdir s3://BUCKET/PREFIX ...   (bench/load_remote.py: an S3 logdir)
    python bench/load.py --spawn [--repeat 3] ...   # cold start: board vs the Rust data server
    python bench/load.py --scaling [--logdir DIR]    # load time and memory at 1M..20M, 10..1,000 runs

Writes (or reuses, with --logdir) a logdir of runs x tags x steps scalar events, one scalar per
event as PyTorch writes them (1,000,000 by default), then prints:
  1. a full load by our Multiplexer vs TensorBoard's EventAccumulator (every sample kept), one
     run after the other, and the ratio (target: ours at least 10x faster);
  2. memory per stored scalar: the store's arrays, and everything the load kept allocated
     (tracemalloc; target at most 40 bytes);
  3. a reload after one event is appended to one run (target under 50 ms);
  4. /api/scalars latency over HTTP (uvicorn, a 100,000-point series, max_points=1000;
     target p50 under 20 ms);
  5. the training-health diagnostics: the load with them on (load + every check) and off, a
     repeated request (cached), and a request after one run changed (only it is re-checked).
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import sys
import tempfile
import threading
import time
import tracemalloc

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from board.ingest.multiplexer import Multiplexer  # noqa: E402
from tfevents.proto import event_pb2, summary_pb2  # noqa: E402
from tfevents.record import encode_record  # noqa: E402

WALL0 = 1_700_000_000.0


def file_version_record() -> bytes:
    return encode_record(event_pb2.Event(wall_time=WALL0, file_version="brain.Event:2").SerializeToString())


def scalar_record(tag: str, step: int, value: float, new_style: bool = False) -> bytes:
    """One scalar event: v1 ``simple_value`` (PyTorch's default), or with ``new_style`` a TF2
    scalar tensor with its plugin metadata (``tf.summary.scalar``, PyTorch's ``new_style``)."""
    v = summary_pb2.Summary.Value(tag=tag)
    if new_style:
        v.tensor.dtype = 1
        v.tensor.tensor_shape.SetInParent()
        v.tensor.float_val.append(value)
        v.metadata.plugin_data.plugin_name = "scalars"
        v.metadata.data_class = summary_pb2.DATA_CLASS_SCALAR
    else:
        v.simple_value = value
    event = event_pb2.Event(wall_time=WALL0 + step * 0.01, step=step,
                            summary=summary_pb2.Summary(value=[v]))
    return encode_record(event.SerializeToString())


def write_logdir(logdir: str, runs: int, tags: int, steps: int, new_style: bool = False) -> int:
    """The bench logdir, written once (a marker file says it is complete). Returns events."""
    marker = os.path.join(logdir, f".complete_{runs}x{tags}x{steps}{'_v2' * new_style}")
    if os.path.exists(marker):
        return runs * tags * steps
    t0 = time.perf_counter()
    for r in range(runs):
        run_dir = os.path.join(logdir, f"run_{r:02d}")
        os.makedirs(run_dir, exist_ok=True)
        with open(os.path.join(run_dir, "events.out.tfevents.1700000000.bench.1.0"), "wb") as f:
            f.write(file_version_record())
            names = [f"group_{t % 3}/metric_{t}" for t in range(tags)]
            for step in range(steps):
                f.write(b"".join(scalar_record(names[t], step, (step * (t + 1)) % 977 / 977.0,
                                               new_style) for t in range(tags)))
    open(marker, "w").close()
    print(f"wrote {runs * tags * steps:,} events in {time.perf_counter() - t0:.1f} s to {logdir}")
    return runs * tags * steps


def load_ours(logdir: str) -> tuple[float, float, Multiplexer]:
    """(wall seconds, CPU seconds, the loaded multiplexer)."""
    gc.collect()
    t0, c0 = time.perf_counter(), time.process_time()
    mux = Multiplexer({"": logdir})
    mux.reload()
    return time.perf_counter() - t0, time.process_time() - c0, mux


def load_tensorboard(logdir: str) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of EventAccumulator.Reload on every run, all samples kept."""
    from tensorboard.backend.event_processing import event_accumulator as ea

    gc.collect()
    t0, c0 = time.perf_counter(), time.process_time()
    total = 0
    for name in sorted(os.listdir(logdir)):
        path = os.path.join(logdir, name)
        if not os.path.isdir(path):
            continue
        acc = ea.EventAccumulator(path, size_guidance={ea.SCALARS: 0, ea.TENSORS: 0})
        acc.Reload()
        tags = acc.Tags()
        total += sum(len(acc.Scalars(t)) for t in tags["scalars"])
        total += sum(len(acc.Tensors(t)) for t in tags["tensors"])  # TF2 scalars land here
    elapsed = time.perf_counter() - t0, time.process_time() - c0
    print(f"  (TensorBoard kept {total:,} scalars and scalar tensors)")
    return elapsed


def memory_per_scalar(logdir: str) -> tuple[float, float, int]:
    """(array bytes per point, retained bytes per point by tracemalloc, points)."""
    gc.collect()
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    mux = Multiplexer({"": logdir})
    mux.reload()
    gc.collect()
    retained = tracemalloc.get_traced_memory()[0] - base
    tracemalloc.stop()
    points = nbytes = 0
    for loader in mux.runs.values():
        p, b = loader.store.scalar_bytes()
        points, nbytes = points + p, nbytes + b
    return nbytes / points, retained / points, points


def append_reload(logdir: str, mux: Multiplexer, steps: int, repeat: int) -> list[float]:
    """Times of a reload after one event was appended to one run (then the next one)."""
    run_dir = os.path.join(logdir, sorted(d for d in os.listdir(logdir) if d.startswith("run_"))[0])
    path = os.path.join(run_dir, sorted(os.listdir(run_dir))[0])
    size = os.path.getsize(path)
    times = []
    try:
        for i in range(repeat):
            with open(path, "ab") as f:
                f.write(scalar_record("appended", steps + i, float(i)))
            t0 = time.perf_counter()
            n = mux.reload()
            times.append(time.perf_counter() - t0)
            assert n == 1, f"reload read {n} events, expected 1"
    finally:
        os.truncate(path, size)  # leave the logdir as written, for the next bench run
    return times


def api_latency(points: int, max_points: int, requests: int) -> list[float]:
    import httpx
    import uvicorn

    from board.app import create_app

    with tempfile.TemporaryDirectory() as tmp:
        os.makedirs(os.path.join(tmp, "long"))
        with open(os.path.join(tmp, "long", "events.out.tfevents.1700000000.bench"), "wb") as f:
            f.write(file_version_record())
            f.write(b"".join(scalar_record("loss", s, 1.0 / (s + 1)) for s in range(points)))
        app = create_app(tmp, reload_interval=0)
        config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="on")
        server = uvicorn.Server(config)
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        while not server.started:
            time.sleep(0.01)
        port = server.servers[0].sockets[0].getsockname()[1]
        app.state.multiplexer.wait_loaded(60)
        params = {"run": "long", "tag": "loss", "max_points": max_points}
        times = []
        with httpx.Client(base_url=f"http://127.0.0.1:{port}") as client:
            for i in range(requests + 5):
                t0 = time.perf_counter()
                r = client.get("/api/scalars", params=params)
                elapsed = time.perf_counter() - t0
                r.raise_for_status()
                if i >= 5:  # warm-up
                    times.append(elapsed)
            assert len(r.json()["step"]) <= max_points
        server.should_exit = True
        thread.join(10)
    return times


def diagnostics_cost(logdir: str) -> None:
    """A load, then every check over it (the diagnostics on), a cached request and one after a
    single run changed. The checks run in the request that asks for them, not in the loader."""
    from board.data.provider import DataProvider
    from board.diagnostics.monitor import HealthMonitor

    load, _, mux = load_ours(logdir)
    monitor = HealthMonitor(DataProvider(mux))
    t0 = time.perf_counter()
    monitor.findings()
    checks = time.perf_counter() - t0
    t0 = time.perf_counter()
    monitor.findings()
    cached = time.perf_counter() - t0
    run_dir = os.path.join(logdir, sorted(d for d in os.listdir(logdir) if d.startswith("run_"))[0])
    path = os.path.join(run_dir, sorted(os.listdir(run_dir))[0])
    size = os.path.getsize(path)
    try:
        with open(path, "ab") as f:
            f.write(scalar_record("appended/loss", 10**9, 1.0))
        mux.reload()
        t0 = time.perf_counter()
        monitor.findings()
        changed = time.perf_counter() - t0
    finally:
        os.truncate(path, size)
    print(f"5. diagnostics: load {load:.2f} s without them, {load + checks:.2f} s with every check "
          f"run after it (+{checks / load:.1%}); a repeated request {cached * 1e3:.2f} ms; after one "
          f"run changed {changed * 1e3:.2f} ms")


def spawn(logdir: str, events: int, args) -> None:
    """Each side spawned ``args.repeat`` times, interleaved; medians and their ratios."""
    import load_spawn

    sides = {"board (HTTP)": lambda: load_spawn.ours(logdir, events),
             "Rust data server (gRPC)": lambda: load_spawn.rust(logdir, events, args.steps - 1)}
    if not args.skip_tensorboard:
        sides["tensorboard --load_fast=true (HTTP)"] = lambda: load_spawn.tensorboard(
            logdir, events, args.runs, args.tags)
    times: dict[str, list] = {name: [] for name in sides}
    for i in range(args.repeat):
        for name, run in sides.items():
            times[name].append(run())
            print(f"  round {i + 1}: {name:38s} {times[name][-1]:6.2f} s wall, "
                  f"{load_spawn.LAST_CPU[0]:5.2f} s CPU (process and its children)", flush=True)
    med = {name: statistics.median(t) for name, t in times.items()}
    rust = med["Rust data server (gRPC)"]
    print(f"spawn until all {events:,} points served, median of {args.repeat}:")
    for name, m in med.items():
        print(f"  {name:38s} {m:6.2f} s  = {m / rust:4.1f}x the Rust data server's time")
    print("  (target: board <= 1.0x the Rust data server)")


def main() -> None:
    if any(a.startswith(("--logdir=s3://", "s3://")) for a in sys.argv[1:]):
        from bench.load_remote import main as main_remote  # an s3:// logdir: bench/load_remote.py

        return main_remote()
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--runs", type=int, default=10)
    p.add_argument("--tags", type=int, default=10)
    p.add_argument("--steps", type=int, default=10_000)
    p.add_argument("--logdir", help="where to write the bench logdir (kept; default: a temp dir)")
    p.add_argument("--repeat", type=int, default=7, help="append-and-reload repetitions")
    p.add_argument("--load-repeat", type=int, default=1,
                   help="full loads per reader; the fastest is reported (default 1)")
    p.add_argument("--skip-tensorboard", action="store_true")
    p.add_argument("--new_style", action="store_true",
                   help="write TF2-style tensor scalars instead of v1 simple_value (use a fresh --logdir)")
    p.add_argument("--spawn", action="store_true",
                   help="time from spawn until every point is served: board (HTTP), the Rust data "
                        "server (gRPC), tensorboard --load_fast=true (HTTP) (bench/load_spawn.py)")
    p.add_argument("--scaling", action="store_true", help="the growth table (bench/load_scaling.py)")
    args = p.parse_args()

    tmp = None
    logdir = args.logdir
    if logdir is None:
        tmp = tempfile.TemporaryDirectory()
        logdir = tmp.name
    os.makedirs(logdir, exist_ok=True)
    if args.scaling:
        import load_scaling

        load_scaling.main(logdir)
        return
    events = write_logdir(logdir, args.runs, args.tags, args.steps, args.new_style)
    if args.spawn:
        spawn(logdir, events, args)
        return

    print(f"1. full load of {events:,} {'TF2 tensor' if args.new_style else 'v1'} scalar events "
          f"({args.runs} runs x {args.tags} tags x {args.steps} steps)")
    ours, ours_cpu, mux = min((load_ours(logdir) for _ in range(args.load_repeat)),
                              key=lambda r: r[0])
    loaded = sum(len(s) for r in mux.runs.values() for s in r.store.scalars.values())
    assert loaded == events, f"our loader kept {loaded:,} scalars, expected {events:,}"
    print(f"  ours:        {ours:7.2f} s wall, {ours_cpu:7.2f} s CPU  ({events / ours:,.0f} events/s)")
    if not args.skip_tensorboard:
        tb, tb_cpu = min((load_tensorboard(logdir) for _ in range(args.load_repeat)),
                         key=lambda r: r[0])
        print(f"  TensorBoard: {tb:7.2f} s wall, {tb_cpu:7.2f} s CPU  ({events / tb:,.0f} events/s)")
        print(f"  ratio: ours is {tb / ours:.1f}x faster by wall time, {tb_cpu / ours_cpu:.1f}x by "
              f"CPU time (target >= 10x)")

    arrays, retained, points = memory_per_scalar(logdir)
    print(f"2. memory per stored scalar ({points:,} points): arrays {arrays:.1f} B, "
          f"all retained by the load {retained:.1f} B (target <= 40 B)")

    times = append_reload(logdir, mux, args.steps, args.repeat)
    print(f"3. reload after appending one event: median {statistics.median(times) * 1e3:.2f} ms, "
          f"max {max(times) * 1e3:.2f} ms over {len(times)} (target < 50 ms)")

    lat = api_latency(100_000, 1000, 200)
    q = statistics.quantiles(lat, n=10)
    print(f"4. /api/scalars, 100,000 points, max_points=1000, over HTTP: "
          f"p50 {statistics.median(lat) * 1e3:.2f} ms, p90 {q[-1] * 1e3:.2f} ms "
          f"(target p50 < 20 ms)")
    diagnostics_cost(logdir)
    if tmp is not None:
        tmp.cleanup()


if __name__ == "__main__":
    main()
