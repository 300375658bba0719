"""TF1 summaries: ``scalar``/``histogram``/``text`` are graph ops whose value is a serialized
``Summary``; ``merge_all`` gathers them and ``FileWriter.add_summary`` writes the result, as in::

    tf = engine.compat.v1
    tf.summary.scalar("loss", cross_entropy)
    merged = tf.summary.merge_all()
    writer = tf.summary.FileWriter(logdir, sess.graph)
    writer.add_summary(sess.run(merged, feed_dict=feed), step)

In a graph these are ``ScalarSummary``/``HistogramSummary``/``MergeSummary`` nodes, which
TensorBoard's graph view draws as out-annotations. Eagerly they return the bytes at once.
"""

from __future__ import annotations

import numpy as np

from engine.framework.context import explicit_graph
from engine.framework.execute import apply_op
from engine.framework.graph import get_default_graph
from engine.framework.op_registry import register_op
from engine.framework.tensor import Tensor
from engine.summary.writer import SummaryWriter
from tfevents import builders
from tfevents.proto import summary_pb2

SUMMARIES = "summaries"


def _bytes(summary) -> np.ndarray:
    out = np.empty((), dtype=object)
    out[()] = summary.SerializeToString()
    return out


def _merge(*parts):
    merged = summary_pb2.Summary()
    for part in parts:
        merged.MergeFromString(part[()] if isinstance(part, np.ndarray) else part)
    return _bytes(merged)


register_op("ScalarSummary", lambda values, tag: _bytes(builders.scalar_v1(tag, float(values))))
register_op("HistogramSummary", lambda values, tag: _bytes(builders.histogram_v1(tag, values)))
register_op("TextSummary", lambda values, tag: _bytes(builders.text(tag, values[()] if values.ndim == 0
                                                                    else values)))
register_op("MergeSummary", _merge)


def _summary_op(op_type, name, tensor, collections):
    graph = tensor.graph if isinstance(tensor, Tensor) and tensor.graph is not None else explicit_graph()
    if graph is not None:
        # As TF1: the tag is the summary op's own name, made unique in the graph ("mean_1" when
        # an op "Mean" exists: TensorFlow compares names ignoring case).
        tag = graph.unique_name(graph._scope + name)
        out = apply_op(op_type, [tensor], name=tag + "/", tag=tag)
    else:
        scope = get_default_graph().get_name_scope()
        tag = f"{scope}/{name}" if scope else name
        out = apply_op(op_type, [tensor], name=name, tag=tag)
    if out.graph is not None:
        for key in collections or [SUMMARIES]:
            out.graph.add_to_collection(key, out)
    return out


def scalar(name, tensor, collections=None, family=None):
    """A ``Summary`` holding one float (a point on a curve) under tag ``name``."""
    return _summary_op("ScalarSummary", name, tensor, collections)


def histogram(name, values, collections=None, family=None):
    """A ``Summary`` holding a histogram of ``values`` (TF1's bucket layout)."""
    return _summary_op("HistogramSummary", name, values, collections)


def text(name, tensor, collections=None):
    return _summary_op("TextSummary", name, tensor, collections)


def merge(inputs, collections=None, name=None):
    """One serialized ``Summary`` holding every value of ``inputs``."""
    return apply_op("MergeSummary", list(inputs), name=name)


def merge_all(key=SUMMARIES, scope=None, name=None):
    """``merge`` of every summary op made in the default graph (None if there are none)."""
    ops = get_default_graph().get_collection(key)
    if scope:
        ops = [t for t in ops if t.op.name.startswith(scope)]
    return merge(ops, name=name) if ops else None


class FileWriter:
    """TF1's event-file writer: ``FileWriter(logdir, sess.graph)``, ``add_summary(bytes, step)``."""

    def __init__(self, logdir, graph=None, max_queue=10, flush_secs=120, filename_suffix=None, **unused):
        self._writer = SummaryWriter(str(logdir))
        if graph is not None:
            self.add_graph(graph)

    def get_logdir(self) -> str:
        return self._writer.logdir

    def add_summary(self, summary, global_step=None) -> None:
        if isinstance(summary, np.ndarray):
            summary = summary[()]
        if isinstance(summary, (bytes, bytearray)):
            summary = summary_pb2.Summary.FromString(bytes(summary))
        self._writer.add_summary(summary, global_step)

    def add_graph(self, graph, global_step=None) -> None:
        self._writer.add_graph(graph, global_step=global_step)

    def flush(self) -> None:
        self._writer.flush()

    def close(self) -> None:
        self._writer.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


merge_all_summaries = merge_all
