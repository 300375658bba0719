"""A training job stand-in for the live test: writes scalars into a logdir for a few seconds.

``python -m tests.board.live_writer LOGDIR`` writes run ``raw`` as framed records in random-size
chunks (so the server often meets half-written records), run ``sw`` through our SummaryWriter,
and run ``late``, created halfway through. ``expected()`` is what it wrote.
"""

from __future__ import annotations

import os
import random
import sys
import time

from engine.summary import SummaryWriter, encode_record
from tfevents.proto import event_pb2, summary_pb2

RAW_STEPS, SW_STEPS, LATE_STEPS = 3000, 1500, 500
RAW_TAGS = ("loss", "accuracy")


def value(run: str, tag: str, step: int) -> float:
    return step * 0.5 + len(run) + len(tag)


def expected() -> dict[tuple[str, str], int]:
    """{(run, tag): number of points}: steps are 0..n-1 with ``value(run, tag, step)``."""
    return {**{("raw", t): RAW_STEPS for t in RAW_TAGS}, ("sw", "loss"): SW_STEPS,
            ("late", "loss"): LATE_STEPS}


def records_written() -> dict[str, int]:
    """Records per run, counting each file's first (file_version) record."""
    return {"raw": 1 + RAW_STEPS * len(RAW_TAGS), "sw": 1 + SW_STEPS, "late": 1 + LATE_STEPS}


def raw_bytes() -> bytes:
    out = [encode_record(event_pb2.Event(wall_time=1.0, file_version="brain.Event:2").SerializeToString())]
    for step in range(RAW_STEPS):
        for tag in RAW_TAGS:
            event = event_pb2.Event(wall_time=1.0 + step, step=step, summary=summary_pb2.Summary(
                value=[summary_pb2.Summary.Value(tag=tag, simple_value=value("raw", tag, step))]))
            out.append(encode_record(event.SerializeToString()))
    return b"".join(out)


def main(logdir: str, seconds: float = 3.0) -> None:
    rng = random.Random(5)
    data = raw_bytes()
    os.makedirs(os.path.join(logdir, "raw"))
    raw = open(os.path.join(logdir, "raw", "events.out.tfevents.1700000000.live"), "wb")
    sw = SummaryWriter(os.path.join(logdir, "sw"))
    late = None
    chunks = 200
    pos = 0
    for i in range(chunks):
        end = len(data) if i == chunks - 1 else min(len(data), pos + rng.randint(1, 2 * len(data) // chunks))
        raw.write(data[pos:end])
        raw.flush()
        pos = end
        for step in range(i * SW_STEPS // chunks, (i + 1) * SW_STEPS // chunks):
            sw.add_scalar("loss", value("sw", "loss", step), step)
        sw.flush()
        if i == chunks // 2:
            late = SummaryWriter(os.path.join(logdir, "late"))
        if late is not None:
            lo = (i - chunks // 2) * LATE_STEPS // (chunks - chunks // 2)
            hi = (i + 1 - chunks // 2) * LATE_STEPS // (chunks - chunks // 2)
            for step in range(lo, hi):
                late.add_scalar("loss", value("late", "loss", step), step)
            late.flush()
        time.sleep(seconds / chunks)
    raw.close()
    sw.close()
    late.close()
    print("done", flush=True)


if __name__ == "__main__":
    main(sys.argv[1])
