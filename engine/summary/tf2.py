"""TensorFlow 2's summary API: ``create_file_writer``, ``as_default`` and ``tf.summary.scalar``.

Values go to the innermost default writer of the current thread, written as v2 tensor
summaries with plugin metadata, exactly as ``tf.summary`` writes them.
"""

from __future__ import annotations

import contextlib
import os
import threading

from tfevents import builders
from tfevents.event_file import EventFileWriter

_state = threading.local()


def _stack() -> list:
    if not hasattr(_state, "writers"):
        _state.writers = []
    return _state.writers


class SummaryFileWriter:
    """A writer made by ``create_file_writer``; use it with ``with writer.as_default():``."""

    def __init__(self, logdir, max_queue: int = 10, flush_millis: int = 120_000,
                 filename_suffix: str = ".v2"):
        self.logdir = os.fspath(logdir)
        self._file = EventFileWriter(self.logdir, max_queue, flush_millis / 1000.0, filename_suffix)
        self.step: int | None = None

    @contextlib.contextmanager
    def as_default(self, step: int | None = None):
        """Make this the writer ``engine.summary.scalar`` and friends write to; ``step`` becomes
        their default step inside the block."""
        _stack().append(self)
        previous = self.step
        if step is not None:
            self.step = int(step)
        try:
            yield self
        finally:
            self.step = previous
            _stack().remove(self)
            self.flush()

    def set_as_default(self, step: int | None = None) -> None:
        _stack().append(self)
        if step is not None:
            self.step = int(step)

    def write(self, summary, step) -> None:
        self._file.add_event(builders.event(summary, step))

    def flush(self) -> None:
        self._file.flush()

    def close(self) -> None:
        while self in _stack():
            _stack().remove(self)
        self._file.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def create_file_writer(logdir, max_queue: int = 10, flush_millis: int = 120_000,
                       filename_suffix: str = ".v2", name: str | None = None) -> SummaryFileWriter:
    """A summary writer for ``logdir``, as ``tf.summary.create_file_writer`` makes one."""
    return SummaryFileWriter(logdir, max_queue, flush_millis, filename_suffix)


def _default_writer() -> SummaryFileWriter | None:
    stack = _stack()
    return stack[-1] if stack else None


def _write(summary_fn, name: str, data, step, **kwargs) -> bool:
    writer = _default_writer()
    if writer is None:
        return False  # TensorFlow writes nothing, quietly, when no writer is the default
    if step is None:
        step = writer.step if writer.step is not None else experimental.get_step()
    if step is None:
        raise ValueError(
            f"no step for summary {name!r}: pass step=, use as_default(step=...) or "
            "engine.summary.experimental.set_step(...)"
        )
    writer.write(summary_fn(name, data, **kwargs), int(step))
    return True


def scalar(name: str, data, step: int | None = None, description: str | None = None) -> bool:
    """A float32 scalar under the ``scalars`` plugin."""
    return _write(builders.scalar_v2, name, data, step, description=description or "")


def histogram(name: str, data, step: int | None = None, buckets: int | None = None,
              description: str | None = None) -> bool:
    """A ``[k, 3]`` histogram (30 equal buckets by default) under the ``histograms`` plugin."""
    return _write(builders.histogram_v2, name, data, step,
                  buckets=buckets or 30, description=description or "")


def text(name: str, data, step: int | None = None, description: str | None = None) -> bool:
    """A string tensor under the ``text`` plugin."""
    return _write(builders.text, name, data, step, description=description or "")


def flush(writer: SummaryFileWriter | None = None) -> None:
    writer = writer or _default_writer()
    if writer is not None:
        writer.flush()


class experimental:  # noqa: N801  (mirrors tf.summary.experimental)
    """``set_step``/``get_step``: the step used when a summary call gives none."""

    @staticmethod
    def set_step(step: int | None) -> None:
        _state.step = None if step is None else int(step)

    @staticmethod
    def get_step() -> int | None:
        return getattr(_state, "step", None)
