"""Event-file bytes and board look-ups shared by the remote-logdir tests and bench/load_remote.py."""

from __future__ import annotations

from board.data.provider import DataProvider
from tfevents.proto import event_pb2, summary_pb2
from tfevents.record import encode_record

FILE_NAME = "events.out.tfevents.1700000000.testhost.1.0"


def scalar_records(tag: str, steps) -> bytes:
    """Framed scalar events, one per step (value = step / 10), after a file_version record when
    ``steps`` starts at 0."""
    out = []
    for step in steps:
        if step == 0:
            out.append(encode_record(event_pb2.Event(wall_time=1.7e9, file_version="brain.Event:2")
                                     .SerializeToString()))
        value = summary_pb2.Summary.Value(tag=tag, simple_value=step / 10)
        event = event_pb2.Event(wall_time=1.7e9 + step, step=step, summary=summary_pb2.Summary(value=[value]))
        out.append(encode_record(event.SerializeToString()))
    return b"".join(out)


def steps_of(mux, run: str, tag: str) -> list[int]:
    try:
        steps, _, _ = DataProvider(mux).scalars(run, tag)
    except Exception:  # noqa: BLE001 - not loaded yet
        return []
    return [int(s) for s in steps]
