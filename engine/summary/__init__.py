"""Event files: writing them (``SummaryWriter``, ``create_file_writer``) and reading them.

PyTorch style::

    from engine.summary import SummaryWriter
    with SummaryWriter("runs/exp1") as w:
        w.add_scalar("loss", 0.3, global_step=10)

TensorFlow 2 style::

    writer = engine.summary.create_file_writer("runs/exp1")
    with writer.as_default():
        engine.summary.scalar("loss", 0.3, step=10)
"""

from engine.summary.decode import (
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
from engine.summary.event_file import EventFileWriter, WriterClosedError
from engine.summary.reader import EventFileReader, FileStatus, RunReader, event_files, read_events
from engine.summary.record import RecordReader, encode_record, masked_crc32c
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

__all__ = [
    "EventFileReader", "EventFileWriter", "FileStatus", "Graph", "HParams", "Histogram",
    "KerasModel", "Problem", "RecordReader", "RunReader", "Scalar", "SessionStart",
    "SummaryDecoder", "SummaryFileWriter", "SummaryWriter", "Text", "WriterClosedError",
    "create_file_writer", "encode_record", "event_files", "experimental", "flush", "histogram",
    "masked_crc32c", "read_events", "scalar", "text",
]
