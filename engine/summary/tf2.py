"""TensorFlow 2's summary writers and the generic ``tf.summary.write``.

As in TensorFlow, each thread has one summary state: the default writer (``as_default`` /
``set_as_default``), the default step and the recording condition (``record_if``). Eagerly a
summary is written at once; inside a ``tf.function`` (or a TF1 graph) it becomes a stateful
``WriteSummary`` node that writes each time the graph runs, at the step and under the condition
it reads then (a Variable step such as ``optimizer.iterations`` is read on every call).
"""

from __future__ import annotations

import os
import re
import threading

import numpy as np

from engine.framework.context import explicit_graph
from engine.framework.execute import apply_op
from engine.framework.graph import get_default_graph
from engine.framework.op_registry import register_op
from engine.framework.tensor import Tensor, TensorLike, eager
from tfevents import builders
from tfevents.event_file import EventFileWriter
from tfevents.proto import summary_pb2
from tfevents.tensor_util import make_tensor_proto


class _SummaryState(threading.local):
    def __init__(self):
        self.writer = None
        self.step = None
        self.is_recording = None  # None: record (the default); else a bool, tensor or callable


_state = _SummaryState()
V2_SUMMARY_COLLECTION = "_SUMMARY_V2"  # the graph collection of tf.summary ops (all_v2_summary_ops)


def _bool(value: bool) -> Tensor:
    return eager(np.asarray(bool(value)))


class SummaryWriter:
    """``tf.summary.SummaryWriter``: what every summary writer can do."""

    def set_as_default(self, step=None) -> None:
        """Make this the default writer of this thread from now on (and ``step`` the default step)."""
        self.as_default(step).__enter__()

    def as_default(self, step=None) -> _SummaryContext:
        """``with writer.as_default(step=...):``: summaries inside go to this writer, at ``step`` when
        they give none. On exit the previous writer (and step) come back and this one is flushed."""
        return _SummaryContext(self, step)

    def init(self):
        """A no-op, as TensorFlow's is eagerly (a writer is ready once made)."""

    def flush(self) -> None:
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError


class _SummaryContext:
    # A class, not @contextmanager, so that set_as_default can enter it without ever leaving it.
    def __init__(self, writer, step):
        self._writer, self._step = writer, step
        self._old_writer = self._old_step = None

    def __enter__(self):
        self._old_writer = _state.writer
        _state.writer = self._writer
        if self._step is not None:
            self._old_step, _state.step = _state.step, self._step
        return self._writer

    def __exit__(self, *exc) -> bool:
        _state.writer.flush()
        _state.writer = self._old_writer
        if self._step is not None:
            _state.step = self._old_step
        return False


class SummaryFileWriter(SummaryWriter):
    """The writer ``create_file_writer`` makes: events go to
    ``logdir/events.out.tfevents.<time>.<host>.<pid>.<n><filename_suffix>``."""

    def __init__(self, logdir, max_queue: int = 10, flush_millis: int = 120_000,
                 filename_suffix: str = ".v2"):
        self.logdir = os.fspath(logdir)
        self._file = EventFileWriter(self.logdir, max_queue, flush_millis / 1000.0, filename_suffix)
        self._closed = False

    @property
    def path(self) -> str:
        """The event file being written."""
        return self._file.path

    def _check_open(self) -> None:
        if self._closed:
            raise RuntimeError(f"SummaryWriter {self!r} is already closed")

    def set_as_default(self, step=None) -> None:
        self._check_open()
        super().set_as_default(step)

    def as_default(self, step=None) -> _SummaryContext:
        self._check_open()
        return super().as_default(step)

    def init(self) -> None:
        self._check_open()

    def write_event(self, event) -> None:
        """Append an Event proto (dropped once the writer is closed, as TensorFlow drops it)."""
        if not self._closed:
            self._file.add_event(event)

    def flush(self) -> None:
        if not self._closed:
            self._file.flush()

    def close(self) -> None:
        """Flush and close; closing twice is harmless."""
        if not self._closed:
            self._closed = True
            self._file.close()

    def __repr__(self) -> str:
        return f"<SummaryFileWriter {self.logdir!r}>"


class _NoopSummaryWriter(SummaryWriter):
    """``create_noop_writer()``: a writer-shaped placeholder that writes nothing, and whose
    ``as_default`` leaves the current default writer in place."""

    def set_as_default(self, step=None) -> None:
        pass

    def as_default(self, step=None) -> _NoopContext:
        return _NoopContext()

    def flush(self) -> None:
        pass

    def close(self) -> None:
        pass


class _NoopContext:
    def __enter__(self):
        return None

    def __exit__(self, *exc) -> bool:
        return False


def create_file_writer(logdir, max_queue=None, flush_millis=None, filename_suffix=None, name=None,
                       experimental_trackable=False, experimental_mesh=None) -> SummaryFileWriter:
    """A summary writer for ``logdir`` (made if missing), as ``tf.summary.create_file_writer``:
    it flushes every ``max_queue`` (10) events and every ``flush_millis`` (120 000) ms."""
    if logdir is None:
        raise ValueError("Argument `logdir` cannot be None")
    for arg, value in (("max_queue", max_queue), ("flush_millis", flush_millis)):
        if isinstance(value, Tensor) and value._graph is not None:
            raise ValueError(f"Invalid graph Tensor argument '{arg}={value}' to create_file_writer()")
    return SummaryFileWriter(
        logdir,
        10 if max_queue is None else int(_numpy(max_queue)),
        120_000 if flush_millis is None else int(_numpy(flush_millis)),
        ".v2" if filename_suffix is None else str(filename_suffix),
    )


def create_noop_writer() -> _NoopSummaryWriter:
    """A summary writer that does nothing (a stand-in where code expects a context manager)."""
    return _NoopSummaryWriter()


def flush(writer=None, name=None) -> None:
    """Flush ``writer`` (default: the current default writer, if any)."""
    if writer is None:
        writer = _state.writer
        if writer is None:
            return
    if not isinstance(writer, SummaryWriter):
        raise ValueError(f"Invalid argument to flush(): {writer!r}")
    writer.flush()


# -- recording condition and step ---------------------------------------------------------------
class record_if:  # noqa: N801  (a context manager named as TensorFlow names it)
    """``with tf.summary.record_if(condition):`` - a bool, a boolean tensor, or a callable giving
    one (called each time a summary asks; inside a ``tf.function`` its tensor is read per call)."""

    def __init__(self, condition):
        self._condition = condition
        self._old = None

    def __enter__(self):
        self._old, _state.is_recording = _state.is_recording, self._condition

    def __exit__(self, *exc) -> bool:
        _state.is_recording = self._old
        return False


def _condition():
    """The recording condition now: True, False or a (symbolic or eager) boolean tensor."""
    cond = _state.is_recording
    if callable(cond):
        cond = cond()
    return True if cond is None else cond


def should_record_summaries() -> Tensor:
    """Whether a summary written now would be recorded: False with no default writer, else the
    ``record_if`` condition (True when none is set)."""
    if _state.writer is None:
        return _bool(False)
    cond = _condition()
    if isinstance(cond, Tensor):
        return cond
    return _bool(bool(_numpy(cond)))


def get_step():
    """The default step of this thread (``set_step`` or ``as_default(step=...)``), or None."""
    return _state.step


def set_step(step) -> None:
    """Set (None: unset) the step summaries use when they are given none. A Variable step is
    read each time a summary is written."""
    _state.step = step


def _numpy(value):
    if isinstance(value, TensorLike):
        value = value._eager_tensor()
    if isinstance(value, Tensor):
        return value.numpy()
    return value


def _symbolic(value) -> bool:
    return isinstance(value, Tensor) and value._graph is not None


def _step_value(step, tag):
    if step is None:
        step = _state.step
    if step is None:
        raise ValueError(
            f"no step for summary {tag!r}: pass step=, use writer.as_default(step=...) or "
            "tf.summary.experimental.set_step(...)"
        )
    return step


def _checked_step(value) -> int:
    array = np.asarray(value)
    if array.size != 1:
        raise ValueError(f"Argument `step` must be a scalar. Received step with shape {array.shape}.")
    return int(array.reshape(()))


# -- writing ---------------------------------------------------------------------------------------
def _write_kernel(step, cond, *arrays, _writer, _build):
    if not bool(np.asarray(cond)):
        return np.asarray(False)
    _writer.write_event(builders.event(_build(*arrays), _checked_step(step)))
    return np.asarray(True)


register_op("WriteSummary", _write_kernel, num_outputs=1, stateful=True)


def record(tag: str, inputs: list, build, step=None, name=None):
    """Write ``build(*arrays)`` (a Summary proto) for ``inputs`` to the default writer, now when
    eager, or as a ``WriteSummary`` node of the graph being built. ``inputs`` may be callables
    (TensorFlow's lazy tensors), called only when a writer is set and recording is on. Returns
    a boolean tensor: whether the summary was written."""
    writer = _state.writer
    if writer is None or isinstance(writer, _NoopSummaryWriter):
        return _bool(False)
    cond = _condition()
    step = _state.step if step is None else step
    graph = explicit_graph()
    if graph is None and not any(_symbolic(x) for x in (cond, step, *inputs)):
        if not bool(np.asarray(_numpy(cond))):
            return _bool(False)
        step = _checked_step(_numpy(_step_value(step, tag)))
        arrays = [np.asarray(_numpy(x() if callable(x) else x)) for x in inputs]
        writer.write_event(builders.event(build(*arrays), step))
        return _bool(True)
    if isinstance(cond, bool) and not cond:
        return _bool(False)
    step = _step_value(step, tag)
    values = [x() if callable(x) else x for x in inputs]
    out = apply_op("WriteSummary", [step, cond, *values], name=name or "write_summary",
                   output_specs=[((), np.dtype(bool), (np.asarray(True), np.asarray(True)))],
                   _writer=writer, _build=build)
    out.graph.add_to_collection(V2_SUMMARY_COLLECTION, out)
    return out


def _serialized_metadata(metadata) -> bytes:
    if metadata is None:
        return b""
    if hasattr(metadata, "SerializeToString"):
        return metadata.SerializeToString()
    if isinstance(metadata, (bytes, bytearray)):
        return bytes(metadata)
    raise TypeError(f"metadata must be a SummaryMetadata proto or its bytes, got {type(metadata).__name__}")


def write(tag, tensor, step=None, metadata=None, name=None):
    """``tf.summary.write``: ``tensor`` (or a callable giving it) under ``tag`` with ``metadata``
    (a SummaryMetadata or its bytes), the building block of every typed summary."""
    meta = summary_pb2.SummaryMetadata.FromString(_serialized_metadata(metadata))

    def build(array):
        value = summary_pb2.Summary.Value(tag=str(tag), tensor=make_tensor_proto(array))
        if meta.ByteSize():
            value.metadata.CopyFrom(meta)
        return summary_pb2.Summary(value=[value])

    return record(str(tag), [tensor], build, step, name)


def write_raw_pb(tensor, step=None, name=None):
    """Write serialized ``Summary`` protos (a string tensor, any shape) as they are."""

    def build(array):
        summary = summary_pb2.Summary()
        for item in np.asarray(array, dtype=object).reshape(-1):
            summary.MergeFromString(item if isinstance(item, bytes) else str(item).encode())
        return summary

    return record("write_raw_pb", [tensor], build, step, name or "write_raw_pb")


_INVALID_SCOPE_CHARACTERS = re.compile(r"[^-_/.A-Za-z0-9]")


class summary_scope:  # noqa: N801
    """``with summary_scope(name, default_name) as (tag, scope):`` - the tag is ``name`` under the
    enclosing name scopes (not made unique, any characters); in a graph the ops made inside go in
    a name scope of ``name`` (cleaned of characters op names cannot hold)."""

    def __init__(self, name, default_name="summary", values=None):
        self._name = name or default_name
        self._default = default_name
        self._scope = None

    def __enter__(self):
        graph = get_default_graph()
        current = graph.get_name_scope()
        tag = f"{current}/{self._name}" if current else self._name
        clean = _INVALID_SCOPE_CHARACTERS.sub("", self._name) or self._default
        if explicit_graph() is None:
            return tag, f"{current}/{clean}/" if current else f"{clean}/"
        self._scope = graph.name_scope(clean)
        return tag, self._scope.__enter__()

    def __exit__(self, *exc) -> bool:
        if self._scope is not None:
            self._scope.__exit__(*exc)
        return False
