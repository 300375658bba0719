"""Load: 50 concurrent clients poll the scalars and histograms routes of a real ``board``
process for 30 seconds while a writer appends to the run they read.

    python bench/concurrent_clients.py [--clients 50] [--seconds 30]

Prints the request count, errors (anything but a 200, or a failed connection), latency
percentiles, and the server's resident memory after warm-up and at the end (it should stay
flat: the stores are bounded per tag and the writer adds only a few thousand points).
Exit status 1 if any request failed.
"""

from __future__ import annotations

import argparse
import os
import re
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


def rss_mib(pid: int) -> float:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def writer_loop(logdir: str, stop: threading.Event, written: list) -> None:
    rng = np.random.default_rng(0)
    with SummaryWriter(os.path.join(logdir, "live"), flush_secs=0.5) as w:
        step = 0
        while not stop.is_set():
            w.add_scalar("train/loss", float(np.exp(-step / 2000)), step)
            if step % 50 == 0:
                w.add_histogram("dense/kernel", rng.normal(size=2000), step)
            step += 1
            written[0] = step
            time.sleep(0.002)


def client_loop(url: str, stop: threading.Event, latencies: list, errors: list) -> None:
    routes = [("/api/scalars", {"run": "live", "tag": "train/loss", "max_points": 500}),
              ("/api/histograms", {"run": "live", "tag": "dense/kernel"}),
              ("/api/scalars", {"run": "base", "tag": "loss", "max_points": 1000})]
    with httpx.Client(base_url=url, timeout=30) as client:
        i = 0
        while not stop.is_set():
            path, params = routes[i % len(routes)]
            i += 1
            t0 = time.perf_counter()
            try:
                response = client.get(path, params=params)
                if response.status_code != 200:
                    errors.append(f"{path}: {response.status_code}")
            except httpx.HTTPError as exc:
                errors.append(f"{path}: {type(exc).__name__}: {exc}")
                continue
            latencies.append(time.perf_counter() - t0)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=30)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as logdir:
        with SummaryWriter(os.path.join(logdir, "base")) as w:
            for s in range(100_000):
                w.add_scalar("loss", 1.0 / (s + 1), s)
        stop_writer = threading.Event()
        written = [0]
        writer = threading.Thread(target=writer_loop, args=(logdir, stop_writer, written))
        writer.start()
        time.sleep(2)  # the live run exists before the board starts
        proc, url = start_board(logdir)
        try:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                try:
                    if httpx.get(url + "/api/status").json()["loading"] is False:
                        break
                except httpx.HTTPError:
                    pass
                time.sleep(0.2)
            stop = threading.Event()
            latencies: list[float] = []
            errors: list[str] = []
            clients = [threading.Thread(target=client_loop, args=(url, stop, latencies, errors))
                       for _ in range(args.clients)]
            for c in clients:
                c.start()
            time.sleep(min(3.0, args.seconds / 4))
            rss = [rss_mib(proc.pid)]
            end = time.monotonic() + max(0.0, args.seconds - 3.0)
            while time.monotonic() < end:
                time.sleep(min(5.0, max(0.0, end - time.monotonic())))
                rss.append(rss_mib(proc.pid))
            stop.set()
            for c in clients:
                c.join()
        finally:
            stop_writer.set()
            writer.join()
            proc.terminate()
            proc.wait(timeout=30)
    q = statistics.quantiles(latencies, n=100)
    print(f"{args.clients} clients for {args.seconds:.0f} s while a writer appended {written[0]:,} steps:")
    print(f"  requests {len(latencies):,} ({len(latencies) / args.seconds:,.0f}/s), errors {len(errors)}")
    print(f"  latency p50 {statistics.median(latencies) * 1e3:.1f} ms, p90 {q[89] * 1e3:.1f} ms, "
          f"p99 {q[98] * 1e3:.1f} ms, max {max(latencies) * 1e3:.1f} ms")
    print(f"  server memory after warm-up {rss[0]:.0f} MiB, at the end {rss[-1]:.0f} MiB "
          f"({rss[-1] - rss[0]:+.0f} MiB); every 5 s: {' '.join(f'{m:.0f}' for m in rss)}")
    for e in errors[:10]:
        print("  error:", e)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
