"""What ``/api/diagnostics`` costs on long curves: a loss (and an accuracy) logged at every step.

    python bench/diagnostics.py [--steps 100000]

Loads a real logdir (``train`` and ``validation`` runs written by our SummaryWriter) and times
``HealthMonitor.findings()`` the first time (every check runs), again with nothing changed (the
cache), and after one more point is appended to the loss (only that tag's checks run again), with
the tracemalloc peak of each; then the pure checks on 60k, 100k and 120k-point curves (the old
code took 6 s and 2.6 GB at 60k, and 9.7 GB at 120k). Exit status 1 if a 100k-step curve costs
100 ms or 50 MB or more (issue 20's bound, listed in SECURITY.md).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import tracemalloc

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from board.data.provider import DataProvider  # noqa: E402
from board.diagnostics import checks  # noqa: E402
from board.diagnostics.monitor import HealthMonitor  # noqa: E402
from board.ingest.multiplexer import Multiplexer  # noqa: E402
from engine.summary import SummaryWriter  # noqa: E402

BUDGET_MS, BUDGET_MB = 100.0, 50.0


def curve(n: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    steps = np.arange(n)
    return steps, 2.0 / (1 + steps / 1000) + rng.normal(0, 0.05, n)


def measured(fn) -> tuple[float, float, object]:
    """(best of 3 milliseconds, tracemalloc peak MB, result) of ``fn()``."""
    best, peak, out = float("inf"), 0.0, None
    for _ in range(3):
        tracemalloc.start()
        started = time.perf_counter()
        out = fn()
        best = min(best, (time.perf_counter() - started) * 1000)
        peak = max(peak, tracemalloc.get_traced_memory()[1] / 1e6)
        tracemalloc.stop()
    return best, peak, out


def write_logdir(root: str, n: int) -> None:
    steps, loss = curve(n)
    for run, scale in (("train", 1.0), ("validation", 1.1)):
        with SummaryWriter(os.path.join(root, run)) as w:
            for s, v in zip(steps.tolist(), (loss * scale).tolist(), strict=True):
                w.add_scalar("epoch_loss", v, s)
                w.add_scalar("epoch_accuracy", 1 - v / 3, s)


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--steps", type=int, default=100_000)
    args = p.parse_args()
    checks.diagnose_run("warm-up", {"loss": curve(100), "accuracy": curve(100)}, {})
    failed = False
    with tempfile.TemporaryDirectory() as root:
        write_logdir(root, args.steps)
        multiplexer = Multiplexer({"": root})
        multiplexer.reload()
        provider = DataProvider(multiplexer)

        def fresh():
            return HealthMonitor(provider).findings()

        ms, mb, found = measured(fresh)
        print(f"{args.steps:,}-step train+validation runs, first findings(): {ms:.1f} ms, "
              f"peak {mb:.1f} MB, {len(found)} finding(s)")
        monitor = HealthMonitor(provider)
        monitor.findings()
        ms_cached, mb_cached, _ = measured(monitor.findings)
        print(f"  nothing changed (cached): {ms_cached:.2f} ms, peak {mb_cached:.2f} MB")
        with SummaryWriter(os.path.join(root, "train")) as w:
            w.add_scalar("epoch_loss", 0.5, args.steps)
        multiplexer.reload()
        tracemalloc.start()
        started = time.perf_counter()
        monitor.findings()
        ms_one = (time.perf_counter() - started) * 1000
        mb_one = tracemalloc.get_traced_memory()[1] / 1e6
        tracemalloc.stop()
        print(f"  one point appended to train/epoch_loss: {ms_one:.1f} ms, peak {mb_one:.1f} MB")
    for n in (60_000, 100_000, 120_000):
        steps, values = curve(n)
        scalars = {"train/loss": (steps, values), "train/accuracy": (steps, 1 - values / 3)}
        ms, mb, _ = measured(lambda scalars=scalars: checks.diagnose_run("r", scalars, {}))
        print(f"checks on a {n:,}-point loss + accuracy: {ms:.1f} ms, peak {mb:.1f} MB")
        if n == 100_000 and (ms >= BUDGET_MS or mb >= BUDGET_MB):
            print(f"  over the budget ({BUDGET_MS:.0f} ms, {BUDGET_MB:.0f} MB)")
            failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
