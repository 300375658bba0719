"""Loading one run's event files incrementally: each reload reads only what was appended.

Each file keeps a reader that remembers its offset, so a reload costs the new bytes, not the
size of the logdir. A file whose size has not changed is not even opened.
"""

from __future__ import annotations

import os
from collections.abc import Callable

from board.data.stores import RunStore
from board.ingest.accumulator import RunAccumulator
from tfevents.fastread import FastFileReader
from tfevents.files import event_files
from tfevents.record import FileStatus

FLUSH_EVERY = 20_000  # events: how often a long read publishes what it has so far


class RunLoader:
    """The files of one run directory and the store they load into."""

    def __init__(self, name: str, path: str):
        self.name = name
        self.path = path
        self.store = RunStore()
        self.accumulator = RunAccumulator(self.store)
        self.readers: dict[str, FastFileReader] = {}

    def load(self, should_stop: Callable[[], bool] = lambda: False) -> int:
        """Read what was appended to the run's files since the last call, files in name order.
        Returns the number of Events read. Never raises for a bad or vanished file."""
        count = 0
        for path in event_files(self.path):
            if should_stop():
                break
            reader = self.readers.get(path)
            if reader is None:
                reader = self.readers[path] = FastFileReader(path)
            if not _has_news(reader.status):
                continue
            count += reader.read_into(self.accumulator, FLUSH_EVERY, should_stop)
        self.accumulator.flush()
        return count

    def replaced(self) -> bool:
        """Whether every file this run was read from is gone (the directory was deleted and
        written anew): its data is then stale and the run starts over."""
        return bool(self.readers) and not any(os.path.exists(p) for p in self.readers)

    def statuses(self) -> list[FileStatus]:
        return [r.status for r in self.readers.values()]


def _has_news(status: FileStatus) -> bool:
    """Whether the file may hold something not read yet (or has shrunk, which the reader reports)."""
    if status.stopped is not None:
        return False
    try:
        size = os.stat(status.path).st_size
    except OSError:
        return False
    return size != status.offset + status.pending_bytes
