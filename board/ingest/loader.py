"""Loading one run's event files incrementally: each reload reads only what was appended.

Each file keeps a reader that remembers its offset, so a reload costs the new bytes, not the
size of the logdir. A file whose size has not changed is not even opened.

A file is known by its identity (device, inode) and what it looked like when last read (size,
mtime, ctime). One that was replaced under the same name, shrank, or was modified without
growing, is no longer what the run's data came from: the run is read again from the start, and
the change is reported (``changes``).
A file whose reading stopped (a bad length checksum, permission denied) is looked at again when
it changes, and once it reads past where it stopped, the run is read again too.
"""

from __future__ import annotations

import os
import time
from collections import deque
from collections.abc import Callable

from board.data.blobs import BlobStore
from board.data.stores import PR_CURVES_KEPT, RunStore
from board.ingest.accumulator import RunAccumulator
from tfevents import filesystems
from tfevents.fastread import FastFileReader
from tfevents.files import event_files
from tfevents.record import FileStatus, still_stopped

FLUSH_EVERY = 20_000  # events: how often a long read publishes what it has so far
CHANGES_KEPT = 20     # per run: the newest changes shown in /api/status


def _look(st: os.stat_result) -> tuple[int, int, int, int, int]:
    return st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns


def directory_identity(path: str) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_dev, st.st_ino


class RunLoader:
    """The files of one run directory and the store they load into."""

    def __init__(self, name: str, path: str, changes: deque | None = None,
                 samples_per_plugin: dict[str, int] | None = None):
        self.name = name
        self.path = path
        self.samples_per_plugin = samples_per_plugin or {}
        self.identity = directory_identity(path)
        self.changes: deque[dict] = changes if changes is not None else deque(maxlen=CHANGES_KEPT)
        self._start()

    def _start(self) -> None:
        self.store = RunStore(blobs=BlobStore(self.samples_per_plugin),
                              pr_curves_kept=self.samples_per_plugin.get("pr_curves", PR_CURVES_KEPT))
        self.accumulator = RunAccumulator(self.store)
        self.readers: dict[str, FastFileReader] = {}
        self.looks: dict[str, tuple] = {}  # path -> _look() when last read

    def note(self, message: str) -> None:
        self.changes.append({"at": time.time(), "change": message})

    def load(self, should_stop: Callable[[], bool] = lambda: False) -> int:
        """Read what was appended to the run's files since the last call, files in name order.
        Returns the number of Events read. Never raises for a bad or vanished file."""
        looks = self._looks()
        restart = self._restart_reason(looks)
        if restart is not None:
            self.note(restart + "; the run was read again from the start")
            self._start()
        first = not self.readers
        count = 0
        for path, look in looks.items():
            if should_stop():
                break
            reader = self.readers.get(path)
            if reader is None:
                reader = self.readers[path] = FastFileReader(path)
            elif not _has_news(reader.status, look):
                continue
            self.looks[path] = look
            count += reader.read_into(self.accumulator, FLUSH_EVERY, should_stop)
        self.accumulator.flush()
        if first:
            self.accumulator.compact()
        return count

    def _looks(self) -> dict[str, tuple]:
        """{event file: _look()} of the run's files now, in name order; a URL run's from the
        newest listing of its logdir (``tfevents.filesystems``)."""
        if filesystems.is_url(self.path):
            try:
                return filesystems.event_file_looks(self.path)
            except OSError as exc:
                self.note(f"listing the run failed: {exc}")
                return {}
        looks = {}
        for path in event_files(self.path):
            try:
                looks[path] = _look(os.stat(path))
            except OSError:
                continue
        return looks

    def _restart_reason(self, looks: dict[str, tuple]) -> str | None:
        """Why the data loaded so far no longer matches the files, or None."""
        for path, reader in list(self.readers.items()):
            now, then = looks.get(path), self.looks.get(path)
            if now is None or then is None:
                continue
            name = shown_name(path)
            st = reader.status
            if now[:2] != then[:2]:
                return f"{name} was replaced (a new file under the same name)"
            if now[2] < st.offset + st.pending_bytes:
                return f"{name} shrank from {st.offset + st.pending_bytes} to {now[2]} bytes"
            if st.stopped is None and now[2] == then[2] and now[3:] != then[3:]:
                # Appending always changes the size: the same size modified since it was read is
                # a file rewritten in place, or replaced by one that took over its freed inode.
                return f"{name} was rewritten (modified since it was read, at the same size)"
            if st.stopped is not None and now[2:] != then[2:]:
                if still_stopped(st):  # it grew or was touched, but is as bad where it stopped
                    self.looks[path] = now
                    continue
                if not (st.records or st.skipped or st.offset):
                    # Nothing was read from it (permission denied): retry this file alone.
                    self.note(f"{name} can be read again ({st.stopped} before); retried")
                    del self.readers[path]
                    continue
                return f"{name} was repaired where reading had stopped ({st.stopped})"
        return None

    def replaced(self) -> bool:
        """Whether this run's directory is not the one it was read from: every file it was read
        from is gone, or the directory was deleted and made anew (its inode changed)."""
        if self.identity is not None and directory_identity(self.path) not in (None, self.identity):
            return True
        exists = filesystems.listed if filesystems.is_url(self.path) else os.path.exists
        return bool(self.readers) and not any(exists(p) for p in self.readers)

    def statuses(self) -> list[FileStatus]:
        return [r.status for r in self.readers.values()]


def shown_name(path: str) -> str:
    """A file's base name as text any JSON can carry: bytes that are not UTF-8 (kept by Python
    as surrogates) shown as ``\\xff`` escapes."""
    name = os.path.basename(path)
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def _has_news(status: FileStatus, look: tuple) -> bool:
    """Whether the file may hold something not read yet."""
    if status.stopped is not None:
        return False
    return look[2] != status.offset + status.pending_bytes
