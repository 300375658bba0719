"""Load: 50 concurrent clients poll a real ``board`` process, then a real TensorBoard on the same
logdir, for 60 seconds each, while a writer appends to the run they read.

    python bench/concurrent_clients.py [--clients 50] [--seconds 60] [--runs 10] [--tags 10]
                                       [--steps 10000] [--skip-tensorboard]

The logdir holds runs x tags x steps scalars (1,000,000 by default) plus a ``live`` run a writer
appends to (a loss every 2 ms, a histogram every 50 steps) during the first half of each server's
window; the clients keep polling through the second half, when the data no longer grows. Each
client asks, in turn, for the live run's loss and histograms and for a random base run and tag:
the routes each dashboard's own page polls (ours: ``/api/scalars?max_points=1000``,
``/api/histograms``; TensorBoard's: ``/data/plugin/scalars/scalars``, ``.../histograms``).

Prints per server: requests/s, errors (anything but a 200, or a failed connection), latency
percentiles, resident memory every 5 s and its change over the second half (flat: the stores are
bounded), and the ratio of requests/s. Exit status 1 if any request to the board failed.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

import httpx
import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from engine.summary import SummaryWriter  # noqa: E402

ROUTES = {  # kind -> (path, params) per server
    "board": {"scalars": ("/api/scalars", {"max_points": 1000}), "histograms": ("/api/histograms", {})},
    "tensorboard": {"scalars": ("/data/plugin/scalars/scalars", {}),
                    "histograms": ("/data/plugin/histograms/histograms", {})},
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_board(logdir: str) -> tuple[subprocess.Popen, str]:
    proc = subprocess.Popen([sys.executable, "-m", "board.cli", "--logdir", logdir, "--port", "0",
                             "--reload_interval", "1"], stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    for line in proc.stdout:
        match = re.search(r"http://\S+/", line)
        if match:
            threading.Thread(target=proc.stdout.read, daemon=True).start()  # drain
            return proc, match.group(0).rstrip("/")
    raise RuntimeError("board did not start")


def start_tensorboard(logdir: str) -> tuple[subprocess.Popen, str]:
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "tensorboard.main", "--logdir", logdir,
                             "--port", str(port), "--host", "127.0.0.1", "--reload_interval", "1"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return proc, f"http://127.0.0.1:{port}"


def wait_ready(url: str, probe: str, ready) -> None:
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        try:
            response = httpx.get(url + probe, timeout=5)
            if response.status_code == 200 and ready(response.json()):
                return
        except (httpx.HTTPError, ValueError):
            pass
        time.sleep(0.5)
    raise RuntimeError(f"{url} was not ready within 180 s")


def rss_mib(pid: int) -> float:
    """Resident memory of the process and its children (TensorBoard's data server is a child)."""
    total = 0.0
    for p in [pid, *children(pid)]:
        try:
            with open(f"/proc/{p}/status") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1]) / 1024
        except OSError:
            continue
    return total


def children(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            direct = [int(x) for x in f.read().split()]
    except OSError:
        return []
    return direct + [c for d in direct for c in children(d)]


def writer_loop(logdir: str, run: str, stop: threading.Event, written: list) -> None:
    rng = np.random.default_rng(0)
    with SummaryWriter(os.path.join(logdir, run), flush_secs=0.5) as w:
        step = 0
        while not stop.is_set():
            w.add_scalar("train/loss", float(np.exp(-step / 2000)), step)
            if step % 50 == 0:
                w.add_histogram("dense/kernel", rng.normal(size=2000), step)
            step += 1
            written[0] = step
            time.sleep(0.002)


def client_loop(url: str, server: str, live: str, base: list, stop, latencies: list, errors: list) -> None:
    routes = ROUTES[server]
    rng = random.Random(len(latencies))
    with httpx.Client(base_url=url, timeout=30) as client:
        i = 0
        while not stop.is_set():
            kind = ("scalars", "histograms", "base")[i % 3]
            i += 1
            if kind == "base":
                run, tag = rng.choice(base)
                path, params = routes["scalars"]
            else:
                run, tag = live, "train/loss" if kind == "scalars" else "dense/kernel"
                path, params = routes[kind]
            t0 = time.perf_counter()
            try:
                response = client.get(path, params={"run": run, "tag": tag, **params})
                if response.status_code != 200:
                    errors.append(f"{path}: {response.status_code}")
            except httpx.HTTPError as exc:
                errors.append(f"{path}: {type(exc).__name__}: {exc}")
                continue
            latencies.append(time.perf_counter() - t0)


def measure(server: str, logdir: str, base: list, args) -> dict:
    live = f"live_{server}"
    stop_writer, written = threading.Event(), [0]
    writer = threading.Thread(target=writer_loop, args=(logdir, live, stop_writer, written))
    writer.start()
    time.sleep(2)  # the live run exists before the server starts
    proc, url = start_board(logdir) if server == "board" else start_tensorboard(logdir)
    try:
        if server == "board":
            wait_ready(url, "/api/status", lambda s: s["loading"] is False)
        else:
            wait_ready(url, "/data/plugin/scalars/tags", lambda t: live in t and len(t) > len(base) // 10)
        stop, latencies, errors = threading.Event(), [], []
        clients = [threading.Thread(target=client_loop,
                                    args=(url, server, live, base, stop, latencies, errors))
                   for _ in range(args.clients)]
        started = time.monotonic()
        for c in clients:
            c.start()
        rss, half = [], None
        while (elapsed := time.monotonic() - started) < args.seconds:
            time.sleep(min(5.0, args.seconds - elapsed))
            rss.append(rss_mib(proc.pid))
            if half is None and time.monotonic() - started >= args.seconds / 2:
                stop_writer.set()  # the data stops growing; memory should stay flat from here
                half = len(rss) - 1
        stop.set()
        for c in clients:
            c.join()
    finally:
        stop_writer.set()
        writer.join()
        proc.terminate()
        proc.wait(timeout=30)
    q = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else [float("nan")] * 99
    second_half = rss[half:] if half is not None else rss
    return {"requests": len(latencies), "rate": len(latencies) / args.seconds, "errors": errors,
            "p50": statistics.median(latencies) if latencies else float("nan"), "p99": q[98],
            "max": max(latencies, default=float("nan")), "rss": rss, "written": written[0],
            "flat": second_half[-1] - second_half[0]}


def write_base(logdir: str, runs: int, tags: int, steps: int) -> list:
    base = []
    for r in range(runs):
        with SummaryWriter(os.path.join(logdir, f"base{r}")) as w:
            for s in range(steps):
                for t in range(tags):
                    w.add_scalar(f"loss{t}", 1.0 / (s + 1 + t), s)
        base += [(f"base{r}", f"loss{t}") for t in range(tags)]
    return base


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--tags", type=int, default=10)
    parser.add_argument("--steps", type=int, default=10_000)
    parser.add_argument("--skip-tensorboard", action="store_true")
    args = parser.parse_args()
    results = {}
    with tempfile.TemporaryDirectory() as logdir:
        t0 = time.perf_counter()
        base = write_base(logdir, args.runs, args.tags, args.steps)
        print(f"wrote {args.runs * args.tags * args.steps:,} scalars in {time.perf_counter() - t0:.1f} s",
              flush=True)
        for server in ("board",) if args.skip_tensorboard else ("board", "tensorboard"):
            results[server] = r = measure(server, logdir, base, args)
            print(f"{server}: {args.clients} clients for {args.seconds:.0f} s, a writer appending "
                  f"{r['written']:,} steps in the first half:")
            print(f"  requests {r['requests']:,} ({r['rate']:,.0f}/s), errors {len(r['errors'])}")
            print(f"  latency p50 {r['p50'] * 1e3:.1f} ms, p99 {r['p99'] * 1e3:.1f} ms, "
                  f"max {r['max'] * 1e3:.1f} ms")
            print(f"  memory every 5 s (MiB): {' '.join(f'{m:.0f}' for m in r['rss'])}; "
                  f"second half (no new data) {r['flat']:+.0f} MiB")
            for e in r["errors"][:5]:
                print("  error:", e)
    if "tensorboard" in results:
        ratio = results["board"]["rate"] / max(results["tensorboard"]["rate"], 1e-9)
        print(f"requests/s board / TensorBoard = {ratio:.2f} (target >= 1.0); errors board "
              f"{len(results['board']['errors'])}, TensorBoard {len(results['tensorboard']['errors'])}")
    return 1 if results["board"]["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
