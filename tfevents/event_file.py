"""One event file on disk, appended by a background thread.

Callers hand over serialized Events; a daemon thread frames them and writes them out when
``max_queue`` are pending or ``flush_secs`` have passed, so training never waits on the disk.
Files are named as TensorBoard's own writer names them, and every open writer is flushed and
closed when the interpreter exits.
"""

from __future__ import annotations

import atexit
import itertools
import os
import socket
import threading
import time
import weakref

from tfevents.filesystems import open_append
from tfevents.proto import event_pb2
from tfevents.record import encode_record

FILE_VERSION = "brain.Event:2"
_RETRY_SECS = 1.0
# Bytes of framed records a writer holds before ``add`` waits for the disk: a writer faster than
# its disk, or one whose disk is full, must not grow without bound in memory.
MAX_PENDING_BYTES = 32 << 20
_file_counter = itertools.count()
_open_writers: weakref.WeakSet[EventFileWriter] = weakref.WeakSet()


def event_file_name(filename_suffix: str = "") -> str:
    """``events.out.tfevents.<10-digit seconds>.<host>.<pid>.<6-digit n><suffix>``: the
    zero-padded time makes name order time order, and pid plus a per-process counter keep two
    writers started in the same second apart. The counter is zero-padded too: readers (ours and
    TensorBoard's) take a run's files in name order, and an unpadded ``.10`` sorted before the
    ``.9`` written earlier in the same second."""
    return (f"events.out.tfevents.{int(time.time()):010d}.{socket.gethostname()}."
            f"{os.getpid()}.{next(_file_counter):06d}{filename_suffix}")


class WriterClosedError(RuntimeError):
    """Raised when an event is added to a writer that was closed."""


class EventFileWriter:
    """Appends framed records to ``logdir/events.out.tfevents...`` from a background thread."""

    def __init__(self, logdir: str | os.PathLike, max_queue: int = 10, flush_secs: float = 120,
                 filename_suffix: str = ""):
        if max_queue < 1:
            raise ValueError(f"max_queue must be at least 1, got {max_queue}")
        if flush_secs <= 0:
            raise ValueError(f"flush_secs must be positive, got {flush_secs}")
        self.logdir = os.fspath(logdir)
        # Unbuffered: batches are already joined, and a failed write must be undoable. A URL
        # logdir (s3://...) gets a file uploaded whole after each batch (tfevents.filesystems).
        self.path, self._file = open_append(self.logdir, event_file_name(filename_suffix))
        self._max_queue = max_queue
        self._flush_secs = flush_secs
        self._pending: list[bytes] = []
        self._pending_bytes = 0
        self._room_wanted = False
        # The last write's error while it lasts: every add raises until a write succeeds.
        self._failing: BaseException | None = None
        self._lock = threading.Lock()
        self._wake = threading.Condition(self._lock)
        self._flushed = threading.Condition(self._lock)
        self._flush_requests = 0
        self._flushes_done = 0
        self._closed = False
        self._error: BaseException | None = None
        self.add_event(event_pb2.Event(wall_time=time.time(), file_version=FILE_VERSION))
        self._thread = threading.Thread(target=self._run, name=f"EventFileWriter({self.path})",
                                        daemon=True)
        self._thread.start()
        _open_writers.add(self)

    def add_event(self, event: event_pb2.Event) -> None:
        self.add_serialized(event.SerializeToString())

    def add_serialized(self, data: bytes) -> None:
        """Queue one serialized Event."""
        record = encode_record(data)
        with self._lock:
            if not (self._closed or self._failing is not None or self._error is not None
                    or self._pending_bytes + len(record) > MAX_PENDING_BYTES):
                # the common case, kept short: add_scalar comes through here for every point
                self._pending.append(record)
                self._pending_bytes += len(record)
                if len(self._pending) == self._max_queue:
                    self._wake.notify()
                return
            while True:
                if self._closed:
                    raise WriterClosedError(f"event file writer for {self.path} is closed")
                if self._failing is not None:
                    self._error = None
                    raise OSError(f"writing {self.path} failed: {self._failing}; this event was not "
                                  f"accepted ({len(self._pending)} accepted earlier wait for the disk)"
                                  ) from self._failing
                self._raise_pending_error()
                if not self._pending or self._pending_bytes + len(record) <= MAX_PENDING_BYTES:
                    break
                self._room_wanted = True  # the disk is slower than the caller: wait for it
                self._wake.notify()
                self._flushed.wait(timeout=1.0)
            self._pending.append(record)
            self._pending_bytes += len(record)
            if len(self._pending) >= self._max_queue:
                self._wake.notify()

    def flush(self) -> None:
        """Write everything queued so far to the file before returning."""
        with self._lock:
            if self._closed:
                return
            self._flush_requests += 1
            target = self._flush_requests
            self._wake.notify()
            while self._flushes_done < target and self._thread.is_alive():
                self._flushed.wait(timeout=1.0)
            self._raise_pending_error()

    def close(self) -> None:
        """Flush and close the file. Closing twice is harmless."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            self._wake.notify()
        self._thread.join()
        _open_writers.discard(self)
        with self._lock:
            self._raise_pending_error()

    @property
    def closed(self) -> bool:
        return self._closed

    def _raise_pending_error(self) -> None:
        if self._error is not None:
            error, self._error = self._error, None
            raise OSError(f"writing {self.path} failed: {error}") from error

    def _write_batch(self, batch: list[bytes]) -> bool:
        """Append the records, all or nothing: on an error (disk full, file system gone) the
        file is cut back to where the batch began, so no half record is left behind, and the
        error is reported by the next call on the writer."""
        data = memoryview(b"".join(batch))
        start = self._file.tell()
        try:
            written = 0
            while written < len(data):
                written += self._file.write(data[written:])
            with self._lock:
                self._failing = None
            return True
        except OSError as exc:
            with self._lock:
                self._error = self._failing = exc
            try:
                self._file.truncate(start)
                self._file.seek(start)
            except OSError:
                pass
            return False

    def _ready(self, retry_at: float, deadline: float) -> bool:
        """Whether the thread should write now (called under the lock)."""
        now = time.monotonic()
        if self._closed or self._flushes_done != self._flush_requests or now >= deadline:
            return True
        if now < retry_at or not self._pending:
            return False
        return (len(self._pending) >= self._max_queue or self._room_wanted
                or self._failing is not None)

    def _run(self) -> None:
        deadline = time.monotonic() + self._flush_secs
        retry_at = 0.0  # after a failed write, wait a little before trying again
        while True:
            with self._lock:
                while not self._ready(retry_at, deadline):
                    now = time.monotonic()
                    wake_at = retry_at if self._pending and now < retry_at else deadline
                    self._wake.wait(timeout=max(0.0, wake_at - now))
                batch, self._pending = self._pending, []
                self._pending_bytes, self._room_wanted = 0, False
                closing = self._closed
                flush_target = self._flush_requests
            if batch and not self._write_batch(batch):
                retry_at = time.monotonic() + _RETRY_SECS
                with self._lock:
                    if closing:  # the last chance has gone: say how much was lost
                        self._error = OSError(f"{self._error}; {len(batch)} record(s) not written")
                    else:  # keep the records for the next attempt, in order
                        self._pending[:0] = batch
                        self._pending_bytes += sum(len(r) for r in batch)
            if time.monotonic() >= deadline:
                deadline = time.monotonic() + self._flush_secs
            with self._lock:
                self._flushes_done = max(self._flushes_done, flush_target)
                self._flushed.notify_all()
            if closing:
                try:
                    self._file.close()
                except OSError as exc:
                    with self._lock:
                        self._error = exc
                return


@atexit.register
def _close_all_at_exit() -> None:
    for writer in list(_open_writers):
        try:
            writer.close()
        except Exception:  # noqa: BLE001  (nothing useful can be done at interpreter exit)
            pass
