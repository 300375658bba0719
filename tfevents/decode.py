"""From Events to what the dashboards show: scalars, histograms, text, graphs, hparams, images
and audio (``tfevents.blobs``), PR curves and layouts (``tfevents.curves``), meshes
(``tfevents.meshes``).

Both summary generations come out in one shape: a v1 ``simple_value`` and a v2 scalar tensor
are both a ``Scalar``; a v1 HistogramProto and a v2 ``[k, 3]`` tensor are both a ``Histogram``
with ``[k, 3]`` buckets. A v2 value names its plugin only on the first value of a tag, so the
decoder remembers each tag's plugin; use one decoder per run.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from google.protobuf import json_format
from google.protobuf.message import DecodeError

from tfevents import blobs, builders, curves, meshes
from tfevents import bucketing as hist
from tfevents.proto import event_pb2, graph_pb2, hparams_pb2, meta_graph_pb2, summary_pb2
from tfevents.tensor_util import TensorDecodeError, make_ndarray


@dataclass
class Scalar:
    tag: str
    step: int
    wall_time: float
    value: float


@dataclass
class Histogram:
    tag: str
    step: int
    wall_time: float
    min: float
    max: float
    num: float
    sum: float
    sum_squares: float | None
    buckets: np.ndarray  # [k, 3]: left edge, right edge, count


@dataclass
class Text:
    tag: str
    step: int
    wall_time: float
    value: str
    rows: list | None = None  # a 2-D string tensor's cells, row by row (shown as a table)


@dataclass
class Unshown:
    """A value of a kind this board does not draw (embeddings, meta graphs, unknown plugins...):
    counted per run, kind and tag, so the status panel can say what is there instead of dropping
    it silently."""

    tag: str
    step: int
    kind: str


@dataclass
class Graph:
    step: int
    wall_time: float
    graph_def: bytes  # a serialized GraphDef, parsed on demand
    from_meta_graph: bool = False  # the graph_def of a meta_graph_def event


@dataclass
class RunMetadata:
    """A serialized RunMetadata: ``kind`` ``run_metadata`` (step stats: TF1's
    ``tagged_run_metadata`` event or the ``graph_run_metadata`` plugin) or ``function_graph``
    (``tf.summary.trace_export``'s function graphs, plugin ``graph_run_metadata_graph``)."""

    tag: str
    step: int
    wall_time: float
    kind: str
    data: bytes


RUN_METADATA_PLUGINS = {"graph_run_metadata": "run_metadata", "graph_run_metadata_graph": "function_graph"}


@dataclass
class KerasModel:
    tag: str
    step: int
    wall_time: float
    config_json: str


@dataclass
class HParams:
    """One of the hparams plugin's three messages: ``kind`` is ``experiment``,
    ``session_start_info`` or ``session_end_info``, ``data`` its fields as a dict."""

    tag: str
    step: int
    wall_time: float
    kind: str
    data: dict


@dataclass
class SessionStart:
    """A restart marker: data logged at steps >= ``step`` before it is stale."""

    step: int
    wall_time: float


@dataclass
class Problem:
    """A value that could not be decoded; nothing else about the event is lost."""

    tag: str
    step: int
    message: str


@dataclass
class SummaryDecoder:
    """Decodes the Events of one run. Keep one per run: it remembers tags' plugins."""

    plugins: dict = field(default_factory=dict)
    mesh_data: dict = field(default_factory=dict)  # tag -> its MeshPluginData (only the first value has it)

    def decode(self, event: event_pb2.Event) -> list:
        kind = event.WhichOneof("what")
        step, wall_time = int(event.step), float(event.wall_time)
        if kind == "summary":
            out = []
            for value in event.summary.value:
                try:
                    item = self._decode_value(value, step, wall_time)
                except (TensorDecodeError, DecodeError, ValueError, TypeError) as exc:
                    item = Problem(value.tag, step, f"{type(exc).__name__}: {exc}")
                if item is not None:
                    out.append(item)
            return out
        if kind == "graph_def":
            return [Graph(step, wall_time, event.graph_def)]
        if kind == "tagged_run_metadata":
            trm = event.tagged_run_metadata
            return [RunMetadata(trm.tag, step, wall_time, "run_metadata", trm.run_metadata)]
        if kind == "meta_graph_def":
            return [_meta_graph(event.meta_graph_def, step, wall_time)]
        if kind == "session_log" and event.session_log.status == event_pb2.SessionLog.START:
            return [SessionStart(step, wall_time)]
        return []

    def _decode_value(self, value: summary_pb2.Summary.Value, step: int, wall_time: float):
        tag = value.tag
        if value.HasField("metadata") and value.metadata.plugin_data.plugin_name:
            self.plugins[tag] = value.metadata.plugin_data.plugin_name
        which = value.WhichOneof("value")
        if which == "simple_value":
            return Scalar(tag, step, wall_time, float(value.simple_value))
        if which == "image":
            return blobs.image_v1(tag, step, wall_time, value.image)
        if which == "audio":
            return blobs.audio_v1(tag, step, wall_time, value.audio)
        if which == "histo":
            h = value.histo
            buckets = hist.v1_to_buckets(h.bucket_limit, h.bucket, h.min, h.max)
            return Histogram(tag, step, wall_time, h.min, h.max, h.num, h.sum, h.sum_squares, buckets)
        plugin = self.plugins.get(tag)
        if plugin == builders.HPARAMS_PLUGIN:
            return self._hparams(value, tag, step, wall_time)
        if which != "tensor":
            return None
        if plugin == builders.SCALARS_PLUGIN:
            array = make_ndarray(value.tensor)
            if array.size != 1:
                raise ValueError(f"scalar tensor of shape {array.shape}")
            return Scalar(tag, step, wall_time, float(array.reshape(())))
        if plugin == builders.HISTOGRAMS_PLUGIN:
            return _v2_histogram(tag, step, wall_time, make_ndarray(value.tensor))
        if plugin == builders.TEXT_PLUGIN:
            array = make_ndarray(value.tensor)
            return Text(tag, step, wall_time, _text_of(array), _rows_of(array))
        if plugin == builders.KERAS_MODEL_PLUGIN:
            return KerasModel(tag, step, wall_time, _text_of(make_ndarray(value.tensor)))
        if plugin in RUN_METADATA_PLUGINS:
            if len(value.tensor.string_val) != 1:
                raise ValueError(f"{plugin} tensor holds {len(value.tensor.string_val)} strings, expected 1")
            return RunMetadata(tag, step, wall_time, RUN_METADATA_PLUGINS[plugin], value.tensor.string_val[0])
        if plugin == "images":
            return blobs.images_v2(tag, step, wall_time, make_ndarray(value.tensor))
        if plugin == "audio":
            return blobs.audio_v2(tag, step, wall_time, make_ndarray(value.tensor))
        if plugin == "pr_curves":
            return curves.pr_curve(tag, step, wall_time, value.tensor)
        if plugin == "custom_scalars":
            return curves.layout(tag, step, wall_time, value.tensor)
        if plugin == meshes.MESH_PLUGIN:
            if value.HasField("metadata") and value.metadata.plugin_data.content:
                self.mesh_data[tag] = meshes.plugin_data(value.metadata.plugin_data.content)
            return meshes.mesh_part(tag, step, wall_time, value.tensor, self.mesh_data.get(tag))
        return Unshown(tag, step, UNSHOWN_KINDS.get(plugin, plugin or "tensors"))

    @staticmethod
    def _hparams(value, tag: str, step: int, wall_time: float) -> HParams:
        data = hparams_pb2.HParamsPluginData.FromString(value.metadata.plugin_data.content)
        kind = data.WhichOneof("data")
        if kind is None:
            raise ValueError("hparams plugin data holds no experiment or session info")
        fields = json_format.MessageToDict(getattr(data, kind), preserving_proto_field_name=True)
        return HParams(tag, step, wall_time, kind, fields)


# TensorBoard's plugin names -> the kind /api/tags lists them under.
UNSHOWN_KINDS = {"images": "images", "audio": "audio", "pr_curves": "pr_curves",
                 "custom_scalars": "custom_scalars", "mesh": "meshes", "projector": "embeddings"}


def _rows_of(array: np.ndarray) -> list | None:
    """A 2-D (or deeper) string tensor's cells as rows of strings; None for scalars and vectors.
    An empty tensor has no rows, whatever its shape: [1048576, 0] must not make a million lists."""
    if array.size == 0 or array.ndim < 2:
        return None
    def s(item) -> str:
        return item.decode("utf-8", errors="replace") if isinstance(item, bytes) else str(item)
    return [[s(x) for x in row] for row in array.reshape(array.shape[0], -1)]


def _text_of(array: np.ndarray) -> str:
    """A string tensor as one text: a scalar as is, a vector's items joined by newlines (a
    2-D table is shown row by row, cells separated by ' | ')."""
    def s(item) -> str:
        return item.decode("utf-8", errors="replace") if isinstance(item, bytes) else str(item)

    if array.ndim == 0:
        return s(array.item())
    if array.size == 0:
        return ""  # nothing to show, and no newline per empty row
    if array.ndim == 1:
        return "\n".join(s(x) for x in array)
    return "\n".join(" | ".join(s(x) for x in row) for row in array.reshape(array.shape[0], -1))


def _v2_histogram(tag: str, step: int, wall_time: float, rows: np.ndarray) -> Histogram:
    rows = np.asarray(rows, dtype=np.float64)
    if rows.ndim != 2 or (rows.size and rows.shape[1] != 3):
        raise ValueError(f"histogram tensor of shape {rows.shape}, expected [k, 3]")
    rows = rows.reshape(-1, 3)
    counts = rows[:, 2]
    nonempty = rows[counts > 0]
    num = float(counts.sum())
    if nonempty.size:
        lo, hi = float(nonempty[:, 0].min()), float(nonempty[:, 1].max())
        centers = (nonempty[:, 0] + nonempty[:, 1]) / 2
        total = float(np.dot(centers, nonempty[:, 2]))
    else:
        lo = hi = total = 0.0
    return Histogram(tag, step, wall_time, lo, hi, num, total if math.isfinite(total) else 0.0,
                     None, rows)


def graph_def(data: bytes) -> graph_pb2.GraphDef:
    """Parse a serialized GraphDef (raises ``google.protobuf.message.DecodeError``)."""
    return graph_pb2.GraphDef.FromString(data)


def _meta_graph(data: bytes, step: int, wall_time: float):
    """A MetaGraphDef's graph, shown as the run's graph when the run has no GraphDef of its own
    (TensorBoard's event accumulator does the same); a meta graph without one is not shown."""
    try:
        meta = meta_graph_pb2.MetaGraphDef.FromString(data)
    except DecodeError as exc:
        return Problem("meta_graph_def", step, f"DecodeError: {exc}")
    if not meta.HasField("graph_def"):
        return Unshown("meta_graph_def", step, "meta_graphs")
    return Graph(step, wall_time, meta.graph_def.SerializeToString(), from_meta_graph=True)
