"""Event files: writing them (``SummaryWriter``, ``create_file_writer``) and reading them.

The ``tf.summary`` front over ``tfevents`` (the format itself, which imports no engine): the
writers' APIs live here; the reading names are ``tfevents``'s, re-exported so that
``engine.summary.EventFileReader`` and the rest work as they always have.

PyTorch style::

    from engine.summary import SummaryWriter
    with SummaryWriter("runs/exp1") as w:
        w.add_scalar("loss", 0.3, global_step=10)

TensorFlow 2 style::

    writer = engine.summary.create_file_writer("runs/exp1")
    with writer.as_default():
        engine.summary.scalar("loss", 0.3, step=10)
"""

from engine.summary.tf2 import (
    SummaryFileWriter,
    create_file_writer,
    experimental,
    flush,
    histogram,
    scalar,
    text,
)
from engine.summary.writer import SummaryWriter
from tfevents.decode import (
    Graph,
    Histogram,
    HParams,
    KerasModel,
    Problem,
    Scalar,
    SessionStart,
    SummaryDecoder,
    Text,
)
from tfevents.event_file import EventFileWriter, WriterClosedError
from tfevents.files import event_files
from tfevents.reader import EventFileReader, RunReader, read_events
from tfevents.record import FileStatus, RecordReader, encode_record, masked_crc32c

__all__ = [
    "EventFileReader", "EventFileWriter", "FileStatus", "Graph", "HParams", "Histogram",
    "KerasModel", "Problem", "RecordReader", "RunReader", "Scalar", "SessionStart",
    "SummaryDecoder", "SummaryFileWriter", "SummaryWriter", "Text", "WriterClosedError",
    "create_file_writer", "encode_record", "event_files", "experimental", "flush", "histogram",
    "masked_crc32c", "read_events", "scalar", "text",
]
