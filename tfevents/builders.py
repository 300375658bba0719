"""Pure functions that build Summary protos: no I/O, no state (as tensorboardX's summary.py).

v1 forms (``simple_value``, ``histo``) are what TensorBoard 1 and PyTorch write; v2 forms are a
``tensor`` plus plugin metadata, as TensorFlow 2's ``tf.summary`` writes.
"""

from __future__ import annotations

import math
import struct
import time
import warnings

import numpy as np
from google.protobuf import struct_pb2

from tfevents import bucketing as hist
from tfevents.proto import event_pb2, histogram_pb2, hparams_pb2, summary_pb2
from tfevents.tensor_util import make_tensor_proto

SCALARS_PLUGIN = "scalars"
HISTOGRAMS_PLUGIN = "histograms"
TEXT_PLUGIN = "text"
HPARAMS_PLUGIN = "hparams"
KERAS_MODEL_PLUGIN = "graph_keras_model"
HPARAMS_EXPERIMENT_TAG = "_hparams_/experiment"
HPARAMS_SESSION_START_TAG = "_hparams_/session_start_info"
HPARAMS_SESSION_END_TAG = "_hparams_/session_end_info"


def plugin_metadata(plugin_name: str, content: bytes = b"", description: str = "",
                    data_class: int = summary_pb2.DATA_CLASS_UNKNOWN) -> summary_pb2.SummaryMetadata:
    """Metadata that tells a reader which dashboard owns a value. The scalar, histogram and text
    plugins' content is their ``PluginData{version: 0}``, which serializes to no bytes."""
    return summary_pb2.SummaryMetadata(
        plugin_data=summary_pb2.SummaryMetadata.PluginData(plugin_name=plugin_name, content=content),
        summary_description=description,
        data_class=data_class,
    )


def event(summary: summary_pb2.Summary | None = None, step: int = 0, wall_time: float | None = None,
          **fields) -> event_pb2.Event:
    """An Event at ``step`` stamped with ``wall_time`` (now by default)."""
    ev = event_pb2.Event(wall_time=time.time() if wall_time is None else wall_time,
                         step=int(step), **fields)
    if summary is not None:
        ev.summary.CopyFrom(summary)
    return ev


def _as_float(value, what: str) -> float:
    try:
        return float(np.asarray(value).reshape(()))
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{what} must be a single number, got {value!r}") from exc


def scalar_v1(tag: str, value) -> summary_pb2.Summary:
    """A ``simple_value`` scalar (float32 on disk), as PyTorch's ``add_scalar`` writes it."""
    return summary_pb2.Summary(
        value=[summary_pb2.Summary.Value(tag=tag, simple_value=_as_float(value, f"scalar {tag!r}"))]
    )


# A v1 scalar's Event is short and its bytes are fixed but for the time, the step and the value,
# so add_scalar writes them directly (the same bytes protobuf would: tests/summary/test_fast_scalar.py)
# rather than building three messages a point.
_WALL_TIME = struct.Struct("<Bd")
_FLOAT = struct.Struct("<f")
_SCALAR_HEADS: dict[str, bytes] = {}
_STEP_FIELDS: dict[int, bytes] = {}  # each tag logged at a step repeats its bytes


def _varint(n: int) -> bytes:
    n &= 0xFFFFFFFFFFFFFFFF  # a negative int64 is ten bytes of two's complement
    out = bytearray()
    while n > 0x7F:
        out.append((n & 0x7F) | 0x80)
        n >>= 7
    out.append(n)
    return bytes(out)


def _scalar_head(tag: str) -> bytes:
    """Event.summary (5) { value (1) { tag (1): tag, simple_value (2): <4 bytes to follow> } }."""
    name = tag.encode("utf-8")
    value = (b"\x0a" + _varint(len(name)) + name if name else b"") + b"\x15"  # proto3 leaves out ""
    value_len = len(value) + 4
    summary = b"\x0a" + _varint(value_len) + value
    head = b"\x2a" + _varint(len(summary) + 4) + summary
    if len(_SCALAR_HEADS) < 65536:
        _SCALAR_HEADS[tag] = head
    return head


def _step_field(step: int) -> bytes:
    """Event.step (2) as bytes; proto3 leaves out 0."""
    field = b"\x10" + _varint(step) if step else b""
    if len(_STEP_FIELDS) >= 1024:  # steps only grow: keep the recent ones
        _STEP_FIELDS.clear()
    _STEP_FIELDS[step] = field
    return field


def scalar_v1_event_bytes(tag: str, value, step: int, wall_time: float) -> bytes | None:
    """The serialized Event of ``scalar_v1(tag, value)`` at ``step`` and ``wall_time``, or None
    where only protobuf gets the bytes right (not a plain number, not finite, beyond float32)."""
    if type(value) is float:
        number = value
    elif isinstance(value, (float, int)):
        try:
            number = float(value)
        except OverflowError:
            return None
    else:
        return None
    if not -3.4e38 < number < 3.4e38:  # NaN fails this too
        return None
    if (type(step) is not int and not isinstance(step, int) or type(wall_time) is not float
            or type(tag) is not str):
        return None
    head = _SCALAR_HEADS.get(tag) or _scalar_head(tag)
    step_field = _STEP_FIELDS.get(step)
    if step_field is None:
        step_field = _step_field(step)
    if wall_time or math.copysign(1.0, wall_time) < 0:  # proto3 leaves out +0.0, not -0.0
        return _WALL_TIME.pack(9, wall_time) + step_field + head + _FLOAT.pack(number)
    return step_field + head + _FLOAT.pack(number)


def scalar_v2(tag: str, value, description: str = "", dtype=np.float32) -> summary_pb2.Summary:
    """A TF2 scalar: a rank-0 tensor under the ``scalars`` plugin."""
    number = _as_float(value, f"scalar {tag!r}")
    return summary_pb2.Summary(value=[summary_pb2.Summary.Value(
        tag=tag,
        tensor=make_tensor_proto(np.asarray(number, dtype=dtype)),
        metadata=plugin_metadata(SCALARS_PLUGIN, description=description,
                                 data_class=summary_pb2.DATA_CLASS_SCALAR),
    )])


def _histogram_values(tag: str, values) -> np.ndarray:
    array, dropped = hist.finite_values(values)
    if dropped:
        warnings.warn(f"histogram {tag!r}: {dropped} NaN or infinite value(s) left out",
                      RuntimeWarning, stacklevel=4)
    return array


def histogram_v1(tag: str, values, bins="tensorflow") -> summary_pb2.Summary:
    """A HistogramProto summary. ``bins="tensorflow"`` is TensorFlow's exponential bucketing;
    anything else is passed to ``np.histogram`` (a count, a list of edges, or "auto"...)."""
    array = _histogram_values(tag, values)
    if isinstance(bins, str) and bins == "tensorflow":
        fields = hist.v1_histogram(array)
    else:
        fields = hist.explicit_bins_histogram(array, bins)
    return summary_pb2.Summary(
        value=[summary_pb2.Summary.Value(tag=tag, histo=histogram_pb2.HistogramProto(**fields))]
    )


def histogram_v2(tag: str, values, buckets: int = hist.DEFAULT_V2_BUCKET_COUNT,
                 description: str = "") -> summary_pb2.Summary:
    """A TF2 histogram: a float64 ``[k, 3]`` tensor of (left, right, count) rows."""
    rows = hist.v2_buckets(_histogram_values(tag, values), buckets)
    return summary_pb2.Summary(value=[summary_pb2.Summary.Value(
        tag=tag,
        tensor=make_tensor_proto(rows),
        metadata=plugin_metadata(HISTOGRAMS_PLUGIN, description=description,
                                 data_class=summary_pb2.DATA_CLASS_TENSOR),
    )])


def text(tag: str, value, description: str = "") -> summary_pb2.Summary:
    """Markdown text: a string tensor (any shape) under the ``text`` plugin."""
    array = np.asarray(value, dtype=object)
    return summary_pb2.Summary(value=[summary_pb2.Summary.Value(
        tag=tag,
        tensor=make_tensor_proto(array.astype(str)),
        metadata=plugin_metadata(TEXT_PLUGIN, description=description,
                                 data_class=summary_pb2.DATA_CLASS_TENSOR),
    )])


def _hparams_summary(tag: str, data: hparams_pb2.HParamsPluginData) -> summary_pb2.Summary:
    return summary_pb2.Summary(value=[summary_pb2.Summary.Value(
        tag=tag, metadata=plugin_metadata(HPARAMS_PLUGIN, data.SerializeToString()),
    )])


def _hparam_value(name: str, value) -> tuple[struct_pb2.Value, int]:
    if isinstance(value, (bool, np.bool_)):
        return struct_pb2.Value(bool_value=bool(value)), hparams_pb2.DATA_TYPE_BOOL
    if isinstance(value, (int, float, np.integer, np.floating)):
        return struct_pb2.Value(number_value=float(value)), hparams_pb2.DATA_TYPE_FLOAT64
    if isinstance(value, str):
        return struct_pb2.Value(string_value=value), hparams_pb2.DATA_TYPE_STRING
    raise TypeError(f"hyperparameter {name!r} must be a bool, number or string, got {value!r}")


def hparams(hparam_dict: dict, metric_names, domains: dict | None = None,
            start_time: float | None = None) -> list[summary_pb2.Summary]:
    """The hparams plugin's three summaries: the experiment (hyperparameter and metric names),
    the session start (this run's values) and the session end (success)."""
    if not isinstance(hparam_dict, dict):
        raise TypeError(f"hparam_dict must be a dict, got {type(hparam_dict).__name__}")
    domains = domains or {}
    start = hparams_pb2.SessionStartInfo(start_time_secs=start_time or time.time())
    infos = []
    for name, value in hparam_dict.items():
        if value is None:
            continue
        proto_value, data_type = _hparam_value(name, value)
        start.hparams[name].CopyFrom(proto_value)
        info = hparams_pb2.HParamInfo(name=name, type=data_type)
        if name in domains:
            info.domain_discrete.values.extend(_hparam_value(name, v)[0] for v in domains[name])
        infos.append(info)
    experiment = hparams_pb2.Experiment(
        hparam_infos=infos,
        metric_infos=[hparams_pb2.MetricInfo(name=hparams_pb2.MetricName(tag=m)) for m in metric_names],
    )
    end = hparams_pb2.SessionEndInfo(status=hparams_pb2.STATUS_SUCCESS, end_time_secs=time.time())
    return [
        _hparams_summary(HPARAMS_EXPERIMENT_TAG, hparams_pb2.HParamsPluginData(experiment=experiment)),
        _hparams_summary(HPARAMS_SESSION_START_TAG,
                         hparams_pb2.HParamsPluginData(session_start_info=start)),
        _hparams_summary(HPARAMS_SESSION_END_TAG, hparams_pb2.HParamsPluginData(session_end_info=end)),
    ]


def keras_model_config(model_json: str, tag: str = "keras") -> summary_pb2.Summary:
    """Keras's conceptual graph: the model's JSON config under ``graph_keras_model``."""
    return summary_pb2.Summary(value=[summary_pb2.Summary.Value(
        tag=tag,
        tensor=make_tensor_proto(np.asarray(model_json, dtype=object).astype(str)),
        metadata=plugin_metadata(KERAS_MODEL_PLUGIN, b"1"),
    )])
