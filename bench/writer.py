"""Write 100,000 scalars (10 tags x 10,000 steps) with ours, PyTorch's and tensorboardX's
SummaryWriter, in one run, and print the times and ratios.

    python bench/writer.py [--steps 10000] [--tags 10] [--repeat 5] [--cpu-time]

Each writer's time covers every add_scalar call plus close(), so all data is on disk; the median
of ``--repeat`` rounds, the writers taking turns in each. Target (issue 17): torch's time at
least 10x ours. The
files are then read back with our reader to check each holds every point.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time

from engine.summary import RunReader, SummaryDecoder
from engine.summary import SummaryWriter as OurWriter


def _writers():
    yield "ours", OurWriter
    try:
        from torch.utils.tensorboard import SummaryWriter as TorchWriter

        yield "torch", TorchWriter
    except ImportError:
        print("torch not installed: skipped")
    try:
        from tensorboardX import SummaryWriter as TbxWriter

        yield "tensorboardX", TbxWriter
    except ImportError:
        print("tensorboardX not installed: skipped")


_CLOCK = time.perf_counter


def _write(cls, logdir: str, tags: list[str], steps: int) -> float:
    start = _CLOCK()
    writer = cls(logdir)
    for step in range(steps):
        for tag in tags:
            writer.add_scalar(tag, step * 0.001, step)
    writer.close()
    return _CLOCK() - start


def _count_points(logdir: str) -> int:
    decoder = SummaryDecoder()
    return sum(len(decoder.decode(e)) for e in RunReader(logdir).read())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=10_000)
    parser.add_argument("--tags", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=5, help="median of N runs per writer")
    parser.add_argument("--cpu-time", action="store_true",
                        help="the process's CPU seconds (every thread's), not the wall clock: steadier "
                             "on a busy machine, where the wall clock times the writers' threads waiting")
    args = parser.parse_args()
    global _CLOCK
    _CLOCK = time.process_time if args.cpu_time else time.perf_counter
    tags = [f"group{i % 3}/tag{i}" for i in range(args.tags)]
    total = args.steps * args.tags
    times: dict[str, list[float]] = {}
    writers = list(_writers())
    root = tempfile.mkdtemp(prefix="bench_writer_")
    try:
        for i in range(args.repeat):  # rounds alternate writers, so all meet the same machine load
            for name, cls in writers:
                logdir = f"{root}/{name}_{i}"
                times.setdefault(name, []).append(_write(cls, logdir, tags, args.steps))
                points = _count_points(logdir)
                assert points == total, f"{name} wrote {points} of {total} points"
    finally:
        shutil.rmtree(root, ignore_errors=True)
    best = {name: statistics.median(t) for name, t in times.items()}
    print(f"{total:,} scalars ({args.tags} tags x {args.steps:,} steps), median of {args.repeat}:")
    for name, seconds in best.items():
        ratio = seconds / best["ours"]
        print(f"  {name:13s} {seconds:7.3f} s  {total / seconds:10,.0f} scalars/s  "
              f"{ratio:5.2f}x the time of ours")


if __name__ == "__main__":
    main()
