"""``board demo``: train the seed's examples on the bundled digits while the board serves them.

    board demo [--logdir runs] [--epochs 40] [--port 6006] [--host H | --bind_all]

Five trainings run side by side, each in its own process (``board.demo_jobs``), paced to about
half a second an epoch so the curves visibly grow: the seed's TF1 logistic regression in graph
mode, the Keras MLP at three learning rates (too high, about right, too low: the comparison and
the Diagnostics page have something to say) and an LSTM. Each writes scalars, histograms and its
graph under ``<logdir>/demo``; Keras runs have ``train`` and ``validation`` sub-runs, as Keras's
TensorBoard callback writes them.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import threading

from board import server
from board.demo_jobs import JOBS


def start_jobs(logdir: str, epochs: int, seconds_per_epoch: float) -> dict[str, subprocess.Popen]:
    procs = {}
    for name in JOBS:
        procs[name] = subprocess.Popen(
            [sys.executable, "-m", "board.demo_jobs", name, "--logdir", os.path.join(logdir, "demo", name),
             "--epochs", str(epochs), "--seconds_per_epoch", str(seconds_per_epoch)],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1", "OMP_NUM_THREADS": "1"})
    return procs


def relay(name: str, proc: subprocess.Popen, epochs: int) -> None:
    """Print a job's progress now and then (first epoch, every tenth, the last) and any error."""
    tail = []
    for line in proc.stdout:
        line = line.rstrip()
        tail = [*tail[-20:], line]
        if line.startswith("epoch "):
            epoch = int(line.split()[1].split("/")[0])
            if epoch == 1 or epoch % 10 == 0 or epoch == epochs:
                print(f"board demo: {name:24s} {line}", flush=True)
    code = proc.wait()
    if code == 0:
        print(f"board demo: {name:24s} done", flush=True)
    elif code > 0 and code != 130:
        print(f"board demo: {name} stopped with exit status {code}:\n  " + "\n  ".join(tail),
              file=sys.stderr, flush=True)


def main(argv: list[str]) -> int:
    p = argparse.ArgumentParser(prog="board demo", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--logdir", default="runs", help="where the demo runs are written (default runs)")
    p.add_argument("--epochs", type=int, default=40, help="epochs per model (default 40)")
    p.add_argument("--seconds_per_epoch", type=float, default=0.5, help=argparse.SUPPRESS)
    p.add_argument("--port", type=int, default=server.DEFAULT_PORT)
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
    serve_options = server.parse_args(serve_args)
    print(f"board demo: training {len(JOBS)} models side by side into "
          f"{os.path.join(args.logdir, 'demo')}:", flush=True)
    for name, (description, _) in JOBS.items():
        print(f"  {name:24s} {description}", flush=True)
    procs = start_jobs(args.logdir, args.epochs, args.seconds_per_epoch)
    relays = [threading.Thread(target=relay, args=(name, proc, args.epochs), daemon=True)
              for name, proc in procs.items()]
    for thread in relays:
        thread.start()
    try:
        return server.serve(serve_options)
    finally:
        for proc in procs.values():
            if proc.poll() is None:
                proc.terminate()
        for proc in procs.values():
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
