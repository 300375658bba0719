"""Issue 20, "writer": under a full disk the queue grew to 297,758 records in memory and only 8
of 345,758 adds raised. Now every add raises while the disk is full, nothing accepted is lost,
writing resumes when space returns, and what a writer holds in memory is bounded."""

from __future__ import annotations

import errno
import time

from engine.summary import SummaryWriter
from tfevents import event_file
from tfevents.reader import EventFileReader


class _Disk:
    """The writer's file on a disk that can be made full (every write fails with ENOSPC after
    putting a few bytes down) and given room again."""

    def __init__(self, real):
        self.real, self.full, self.attempts = real, False, 0

    def write(self, data):
        self.attempts += 1
        if self.full:
            self.real.write(bytes(data[:5]))
            raise OSError(errno.ENOSPC, "No space left on device")
        return self.real.write(data)

    def __getattr__(self, name):
        return getattr(self.real, name)


def _steps(path) -> tuple[list[int], tuple]:
    reader = EventFileReader(path)
    steps = [e.step for e in reader.read() if e.HasField("summary")]
    st = reader.status
    return steps, (st.skipped, st.stopped, st.pending_bytes)


def test_full_disk_every_add_raises_nothing_accepted_is_lost_and_it_recovers(tmp_path):
    w = SummaryWriter(tmp_path, max_queue=10, flush_secs=3600)
    disk = w._file._file = _Disk(w._file._file)
    for step in range(5):
        w.add_scalar("loss", 1.0, step)
    w.flush()
    disk.full = True
    accepted = list(range(5, 15))  # fills the queue: the thread's write fails
    for step in accepted:
        w.add_scalar("loss", 1.0, step)
    deadline = time.monotonic() + 10
    while disk.attempts < 2 and time.monotonic() < deadline:
        time.sleep(0.01)
    refused = 0
    for step in range(15, 10_015):
        try:
            w.add_scalar("loss", 1.0, step)
        except OSError as exc:
            assert "No space left" in str(exc)
            refused += 1
    assert refused == 10_000  # every add after the failure, not a few
    assert len(w._file._pending) == len(accepted)  # nothing refused was queued
    disk.full = False  # space returns: the writer's retry puts the accepted records down
    deadline = time.monotonic() + 10
    while True:
        try:
            w.add_scalar("loss", 2.0, 20_000)
            break
        except OSError:
            assert time.monotonic() < deadline, "the writer did not recover"
            time.sleep(0.05)
    w.close()
    steps, health = _steps(w.path)
    assert steps == [*range(5), *accepted, 20_000]
    assert health == (0, None, 0)


def test_queue_is_bounded_in_bytes_when_the_disk_is_slow(tmp_path, monkeypatch):
    monkeypatch.setattr(event_file, "MAX_PENDING_BYTES", 4096)
    w = SummaryWriter(tmp_path, max_queue=1_000_000, flush_secs=3600)
    real = w._file._file
    peak = 0

    class Slow:
        def write(self, data):
            nonlocal peak
            time.sleep(0.01)
            return real.write(data)

        def __getattr__(self, name):
            return getattr(real, name)

    w._file._file = Slow()
    for step in range(2000):
        w.add_scalar("loss", 1.0, step)
        peak = max(peak, w._file._pending_bytes)
    w.close()
    assert peak <= 4096 + 200
    assert _steps(w.path) == (list(range(2000)), (0, None, 0))
