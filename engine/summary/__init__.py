"""Event files: writing them (``SummaryWriter``, ``create_file_writer``) and reading them.

The ``tf.summary`` front over ``tfevents`` (the format itself, which imports no engine): the
writers' APIs live here; the reading names are ``tfevents``'s, re-exported so that
``engine.summary.EventFileReader`` and the rest work as they always have.

PyTorch style::

    from engine.summary import SummaryWriter
    with SummaryWriter("runs/exp1") as w:
        w.add_scalar("loss", 0.3, global_step=10)

TensorFlow 2 style (every name of ``tf.summary``; ``SummaryWriter`` is PyTorch's class here,
TensorFlow's writer base class is ``engine.summary.tf2.SummaryWriter``)::

    writer = engine.summary.create_file_writer("runs/exp1")
    with writer.as_default():
        engine.summary.scalar("loss", 0.3, step=10)
"""

from engine.summary import experimental, tb_summary
from engine.summary.tb_summary import histogram, image, scalar, text
from engine.summary.tf2 import (
    SummaryFileWriter,
    create_file_writer,
    create_noop_writer,
    flush,
    record_if,
    should_record_summaries,
    write,
)
from engine.summary.trace import graph, trace_export, trace_off, trace_on
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

# Importing ``writer`` imports the submodule ``engine.summary.audio`` (SummaryWriter's add_audio),
# which rebinds the package attribute ``audio``: ``tf.summary.audio`` must be the function.
audio = tb_summary.audio

__all__ = [
    "EventFileReader", "EventFileWriter", "FileStatus", "Graph", "HParams", "Histogram",
    "KerasModel", "Problem", "RecordReader", "RunReader", "Scalar", "SessionStart",
    "SummaryDecoder", "SummaryFileWriter", "SummaryWriter", "Text", "WriterClosedError",
    "audio", "create_file_writer", "create_noop_writer", "encode_record", "event_files", "experimental",
    "flush", "graph", "histogram", "image", "masked_crc32c", "read_events", "record_if", "scalar",
    "should_record_summaries", "text", "trace_export", "trace_off", "trace_on", "write",
]
