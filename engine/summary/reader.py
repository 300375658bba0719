"""Reading event files: the Events of one file or of a run directory, in order, resumable.

``EventFileReader`` remembers where it stopped, so calling ``read()`` again later returns only
what the writer appended since. Problems never raise: they are counted and described.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from google.protobuf.message import DecodeError

from engine.summary.proto import event_pb2
from engine.summary.record import RecordReader

EVENT_FILE_INFIX = "tfevents"


def is_event_file(name: str) -> bool:
    """TensorBoard's rule: a file whose base name contains ``tfevents``."""
    return EVENT_FILE_INFIX in os.path.basename(name)


def event_files(run_dir: str | os.PathLike) -> list[str]:
    """The event files directly in ``run_dir``, in name (= creation time) order."""
    try:
        names = os.listdir(run_dir)
    except OSError:
        return []
    return [os.path.join(run_dir, n) for n in sorted(names)
            if is_event_file(n) and os.path.isfile(os.path.join(run_dir, n))]


@dataclass
class FileStatus:
    """What reading one event file has met so far."""

    path: str
    offset: int = 0          # resume here
    records: int = 0         # intact records read
    skipped: int = 0         # records dropped: payload CRC failed, or not an Event
    stopped: str | None = None  # why the file cannot be read further, if it cannot
    pending_bytes: int = 0   # an incomplete record at the end (the writer is mid-write)
    file_version: str | None = None
    problems: list[str] = field(default_factory=list)


class EventFileReader:
    """The Events of one file, from where the last ``read()`` stopped."""

    def __init__(self, path: str | os.PathLike, offset: int = 0):
        self.status = FileStatus(path=os.fspath(path), offset=offset)

    def read(self):
        """Yield each new Event; afterwards ``status`` says where reading stopped and why."""
        st = self.status
        if st.stopped is not None:
            return
        records = RecordReader(st.path, st.offset)
        try:
            for data in records:
                st.offset = records.offset
                try:
                    event = event_pb2.Event.FromString(data)
                except DecodeError:
                    st.skipped += 1
                    st.problems.append(f"record at byte {st.offset - len(data) - 16} is not an Event")
                    continue
                st.records += 1
                if event.HasField("file_version") and st.file_version is None:
                    st.file_version = event.file_version
                yield event
        except OSError as exc:
            st.stopped = f"cannot read file: {exc.strerror or exc}"
        finally:
            st.offset = records.offset
            st.pending_bytes = records.pending_bytes
            if records.skipped:
                st.skipped += records.skipped
                st.problems.extend(f"record at byte {o} failed its payload checksum and was skipped"
                                   for o in records.skip_offsets)
                records.skipped = 0
                records.skip_offsets.clear()
            if records.stopped is not None and st.stopped is None:
                st.stopped = records.stopped


def read_events(path: str | os.PathLike):
    """Every readable Event of one file, in order."""
    return EventFileReader(path).read()


class RunReader:
    """The Events of every file in one run directory, files in name order, resumable.

    Each ``read()`` picks up new files and new records in known ones.
    """

    def __init__(self, run_dir: str | os.PathLike):
        self.run_dir = os.fspath(run_dir)
        self.files: dict[str, EventFileReader] = {}

    def read(self):
        for path in event_files(self.run_dir):
            reader = self.files.get(path)
            if reader is None:
                reader = self.files[path] = EventFileReader(path)
            yield from reader.read()

    @property
    def statuses(self) -> list[FileStatus]:
        return [r.status for r in self.files.values()]
