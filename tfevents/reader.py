"""Reading event files: the Events of one file or of a run directory, in order, resumable.

``EventFileReader`` remembers where it stopped, so calling ``read()`` again later returns only
what the writer appended since. Problems never raise: they are counted and described.
"""

from __future__ import annotations

import os

from google.protobuf.message import DecodeError

from tfevents.files import event_files
from tfevents.proto import event_pb2
from tfevents.record import NOT_AN_EVENT, FileStatus, Frames, read_chunks, take_records


def take_events(status: FileStatus, buf: bytes, frames: Frames, handled=None):
    """Yield ``(index, Event)`` for each record of a chunk that holds an Event, in file order;
    records that do not are skipped and described in ``status`` (see ``take_records``)."""
    for i, data in take_records(status, buf, frames, handled):
        try:
            event = event_pb2.Event.FromString(data)
        except DecodeError:
            status.records -= 1
            status.skip(frames.base + int(frames.starts[i]), NOT_AN_EVENT)
            continue
        if status.file_version is None and event.HasField("file_version"):
            status.file_version = event.file_version
        yield i, event


class EventFileReader:
    """The Events of one file, from where the last ``read()`` stopped."""

    def __init__(self, path: str | os.PathLike, offset: int = 0):
        self.status = FileStatus(path=os.fspath(path), offset=offset)

    def read(self):
        """Yield each new Event; afterwards ``status`` says where reading stopped and why."""
        for buf, frames in read_chunks(self.status):
            for _, event in take_events(self.status, buf, frames):
                yield event


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
