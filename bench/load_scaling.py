"""How load time and memory grow with the number of scalars and of runs (``bench/load.py
--scaling``): 1M, 5M, 20M scalars in 10 runs, and 1M scalars in 10, 100, 1,000 runs, each read
by a fresh ``Multiplexer`` in this process (one thread). Memory: the store's arrays, and the
growth of the process's resident set over the load, per scalar (target: linear, <= 24 B).
"""

from __future__ import annotations

import gc
import os
import struct
import time

import google_crc32c

from board.ingest.multiplexer import Multiplexer
from tfevents.proto import event_pb2
from tfevents.record import encode_record

WALL0 = 1_700_000_000.0
_MASK = 0xA282EAD8


def _masked(data: bytes) -> int:
    crc = google_crc32c.value(data)
    return (((crc >> 15) | (crc << 17)) + _MASK) & 0xFFFFFFFF


def _varint(n: int) -> bytes:
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        out.append(b | (0x80 if n else 0))
        if not n:
            return bytes(out)


def _record(payload: bytes) -> bytes:
    head = struct.pack("<Q", len(payload))
    return head + struct.pack("<I", _masked(head)) + payload + struct.pack("<I", _masked(payload))


def _scalar(tag: bytes, step: int, value: float) -> bytes:
    """A v1 scalar Event, bytes as protobuf writes them (tfevents/scalarscan.py's layout)."""
    value_msg = b"\x0a" + bytes([len(tag)]) + tag + b"\x15" + struct.pack("<f", value)
    summary = b"\x0a" + bytes([len(value_msg)]) + value_msg
    return (b"\x09" + struct.pack("<d", WALL0 + step * 0.01) + b"\x10" + _varint(step)
            + b"\x2a" + bytes([len(summary)]) + summary)


def write(logdir: str, runs: int, tags: int, steps: int) -> None:
    marker = os.path.join(logdir, ".complete")
    if os.path.exists(marker):
        return
    names = [f"group_{t % 3}/metric_{t}".encode() for t in range(tags)]
    head = encode_record(event_pb2.Event(wall_time=WALL0, file_version="brain.Event:2").SerializeToString())
    for r in range(runs):
        run_dir = os.path.join(logdir, f"run_{r:04d}")
        os.makedirs(run_dir, exist_ok=True)
        with open(os.path.join(run_dir, "events.out.tfevents.1700000000.bench.1.0"), "wb") as f:
            f.write(head)
            for s in range(0, steps, 1000):
                f.write(b"".join(_record(_scalar(n, step, (step * (t + 1)) % 977 / 977.0))
                                 for step in range(s, min(s + 1000, steps)) for t, n in enumerate(names)))
    open(marker, "w").close()


def _rss() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def measure(logdir: str) -> tuple[float, float, int, float, float]:
    """(wall s, CPU s, points, array bytes per point, RSS growth per point)."""
    gc.collect()
    rss0 = _rss()
    t0, c0 = time.perf_counter(), time.process_time()
    mux = Multiplexer({"": logdir})
    mux.reload()
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    gc.collect()
    rss = _rss() - rss0
    points = nbytes = 0
    for loader in mux.runs.values():
        p, b = loader.store.scalar_bytes()
        points, nbytes = points + p, nbytes + b
    del mux
    return wall, cpu, points, nbytes / points, rss / points


CASES = [(10, 10, 10_000), (10, 10, 50_000), (10, 10, 200_000),   # 1M, 5M, 20M scalars
         (100, 10, 1_000), (1000, 10, 100)]                         # 1M in 100 and 1,000 runs


def main(root: str, cases=CASES) -> None:
    print(f"{'runs':>6} {'tags':>5} {'steps':>8} {'scalars':>11} {'wall s':>7} {'CPU s':>6} "
          f"{'CPU us/scalar':>13} {'arrays B':>8} {'RSS B':>6}")
    for runs, tags, steps in cases:
        logdir = os.path.join(root, f"scaling_{runs}x{tags}x{steps}")
        write(logdir, runs, tags, steps)
        wall, cpu, points, arrays, rss = measure(logdir)
        assert points == runs * tags * steps, (points, runs * tags * steps)
        print(f"{runs:6d} {tags:5d} {steps:8d} {points:11,d} {wall:7.2f} {cpu:6.2f} "
              f"{cpu / points * 1e6:13.3f} {arrays:8.1f} {rss:6.1f}", flush=True)
