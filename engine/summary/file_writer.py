"""TF1's ``tf.compat.v1.summary.FileWriter``: ``add_summary(sess.run(merged), step)`` and the
other event kinds a TF1 program writes (graph, meta graph, session log, run metadata).

As TensorFlow's: a graph given to the constructor is written as a ``graph_def`` and a
``meta_graph_def`` event; a summary value's metadata is written with the first value of its tag
only (readers keep the first); ``add_run_metadata`` refuses a tag twice; ``reopen`` after
``close`` continues in a new file. Unlike TensorFlow's, file names carry the pid and a counter
(``events.out.tfevents.<time>.<host>.<pid>.<n><suffix>``), so a writer reopened within the same
second does not overwrite its previous file.
"""

from __future__ import annotations

import os
import threading
import time
import warnings

from engine.framework.graph import Graph, get_default_graph
from tfevents.event_file import EventFileWriter
from tfevents.proto import event_pb2, graph_pb2, meta_graph_pb2, summary_pb2


def _graph_def(graph) -> graph_pb2.GraphDef:
    if isinstance(graph, Graph) or hasattr(graph, "as_graph_def"):
        return graph.as_graph_def(add_shapes=True)
    if hasattr(graph, "node") and hasattr(graph, "SerializeToString"):
        return graph_pb2.GraphDef.FromString(graph.SerializeToString())
    raise TypeError(f"The passed graph must be an instance of `Graph` or the deprecated `GraphDef`, "
                    f"got {type(graph).__name__}")


def meta_graph_def(graph_def: graph_pb2.GraphDef) -> meta_graph_pb2.MetaGraphDef:
    """The MetaGraphDef TensorFlow's ``create_meta_graph_def`` makes for ``graph_def``: the graph
    and the names of the ops it uses (``tensorflow_version`` stays empty: this is not TensorFlow)."""
    meta = meta_graph_pb2.MetaGraphDef(graph_def=graph_def)
    info = meta.meta_info_def
    info.stripped_op_list.op.extend(
        meta_graph_pb2.OpDef(name=name) for name in sorted({node.op for node in graph_def.node}))
    return meta


class FileWriter:
    """Writes Event protos to an event file in ``logdir``, as TF1's ``FileWriter``."""

    def __init__(self, logdir, graph=None, max_queue=10, flush_secs=120, graph_def=None,
                 filename_suffix=None, session=None):
        self._logdir = os.fspath(logdir)
        self._max_queue, self._flush_secs = int(max_queue), float(flush_secs)
        self._suffix = filename_suffix or ""
        self._file = EventFileWriter(self._logdir, self._max_queue, self._flush_secs, self._suffix)
        self._closed = False
        self._warned_closed = False
        self._seen_summary_tags: set[str] = set()
        self._seen_run_metadata_tags: set[str] = set()
        if graph is not None or graph_def is not None:
            self.add_graph(graph=graph, graph_def=graph_def)
            self.add_meta_graph(meta_graph_def(_graph_def(graph if graph is not None else graph_def)))

    def get_logdir(self) -> str:
        return self._logdir

    @property
    def path(self) -> str:
        """The event file being written."""
        return self._file.path

    def add_event(self, event) -> None:
        """Write an Event proto as it is."""
        if self._closed:
            if not self._warned_closed:
                self._warned_closed = True
                warnings.warn(f"FileWriter for {self._logdir!r} is closed: events are dropped until "
                              "reopen()", stacklevel=3)
            return
        if not isinstance(event, event_pb2.Event):
            event = event_pb2.Event.FromString(event.SerializeToString())
        self._file.add_event(event)

    def _event(self, global_step, **fields) -> event_pb2.Event:
        event = event_pb2.Event(wall_time=time.time(), **fields)
        if global_step is not None:
            event.step = int(global_step)
        return event

    def add_summary(self, summary, global_step=None) -> None:
        """Write a ``Summary`` (a proto, or the bytes a summary op returns)."""
        if hasattr(summary, "numpy"):
            summary = summary.numpy()
        if hasattr(summary, "dtype") and getattr(summary, "ndim", None) == 0:
            summary = summary[()]
        if isinstance(summary, (bytes, bytearray)):
            summary = summary_pb2.Summary.FromString(bytes(summary))
        elif hasattr(summary, "SerializeToString"):  # ours or TensorFlow's; a copy, ours to edit
            summary = summary_pb2.Summary.FromString(summary.SerializeToString())
        else:
            raise TypeError(f"add_summary expects a Summary proto or its bytes, got {type(summary).__name__}")
        for value in summary.value:
            if not value.HasField("metadata"):
                continue
            if value.tag in self._seen_summary_tags:
                value.ClearField("metadata")
                continue
            self._seen_summary_tags.add(value.tag)
        self.add_event(self._event(global_step, summary=summary))

    def add_session_log(self, session_log, global_step=None) -> None:
        """Write a ``SessionLog`` (``START`` after a restart makes readers drop later steps)."""
        log = event_pb2.SessionLog.FromString(session_log.SerializeToString())
        self.add_event(self._event(global_step, session_log=log))

    def add_graph(self, graph, global_step=None, graph_def=None) -> None:
        """Write the op graph (a ``Graph``, or the deprecated ``GraphDef``)."""
        if graph is not None and graph_def is not None:
            raise ValueError("Please pass only graph, or graph_def (deprecated), but not both.")
        graph_def_proto = _graph_def(graph if graph is not None else graph_def)
        self.add_event(self._event(global_step, graph_def=graph_def_proto.SerializeToString()))

    def add_meta_graph(self, meta_graph_def, global_step=None) -> None:
        """Write a ``MetaGraphDef`` (ours or TensorFlow's)."""
        if not (hasattr(meta_graph_def, "graph_def") and hasattr(meta_graph_def, "SerializeToString")):
            raise TypeError(f"meta_graph_def must be type MetaGraphDef, saw type: {type(meta_graph_def)}")
        self.add_event(self._event(global_step, meta_graph_def=meta_graph_def.SerializeToString()))

    def add_run_metadata(self, run_metadata, tag, global_step=None) -> None:
        """Write a ``RunMetadata`` (``sess.run(..., run_metadata=...)``'s, or trace data) under
        ``tag``; each tag once."""
        if tag in self._seen_run_metadata_tags:
            raise ValueError("The provided tag was already used for this event type")
        self._seen_run_metadata_tags.add(tag)
        tagged = event_pb2.TaggedRunMetadata(tag=tag, run_metadata=run_metadata.SerializeToString())
        self.add_event(self._event(global_step, tagged_run_metadata=tagged))

    def flush(self) -> None:
        if not self._closed:
            self._file.flush()

    def close(self) -> None:
        """Flush and close the file; ``reopen`` continues in a new one."""
        if not self._closed:
            self._closed = True
            self._file.close()

    def reopen(self) -> None:
        """After ``close``: open a new event file in the same logdir (does nothing otherwise)."""
        if self._closed:
            self._file = EventFileWriter(self._logdir, self._max_queue, self._flush_secs, self._suffix)
            self._closed = self._warned_closed = False

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class FileWriterCache:
    """One shared ``FileWriter`` per logdir (``FileWriterCache.get(logdir)``), as TF1's."""

    _cache: dict[str, FileWriter] = {}
    _lock = threading.Lock()

    @staticmethod
    def get(logdir) -> FileWriter:
        key = os.fspath(logdir)
        with FileWriterCache._lock:
            writer = FileWriterCache._cache.get(key)
            if writer is None:
                writer = FileWriterCache._cache[key] = FileWriter(key, graph=get_default_graph())
            return writer

    @staticmethod
    def clear() -> None:
        with FileWriterCache._lock:
            for writer in FileWriterCache._cache.values():
                writer.close()
            FileWriterCache._cache.clear()
