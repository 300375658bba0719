"""Summary protos of the plugins PyTorch's ``SummaryWriter`` writes besides scalars and media:
tensors, histograms (PyTorch's binning), text, hparams, PR curves, custom-scalar layouts and
meshes. Pure functions, no I/O; the layouts follow ``torch/utils/tensorboard/summary.py``.
"""

from __future__ import annotations

import json

import numpy as np
from google.protobuf import struct_pb2

from tfevents import media
from tfevents.builders import (
    HPARAMS_EXPERIMENT_TAG,
    HPARAMS_PLUGIN,
    HPARAMS_SESSION_END_TAG,
    HPARAMS_SESSION_START_TAG,
    TEXT_PLUGIN,
    plugin_metadata,
)
from tfevents.proto import (
    custom_scalar_layout_pb2,
    histogram_pb2,
    hparams_pb2,
    plugin_data_pb2,
    summary_pb2,
)
from tfevents.tensor_util import make_tensor_proto

PR_CURVES_PLUGIN = "pr_curves"
CUSTOM_SCALARS_PLUGIN = "custom_scalars"
CUSTOM_SCALARS_TAG = "custom_scalars__config__"
MESH_PLUGIN = "mesh"
TENSOR_PLUGIN = "tensor"
MAX_PR_THRESHOLDS = 127  # PyTorch caps num_thresholds here ("value > 127 breaks protobuf")


def _value(tag: str, **fields) -> summary_pb2.Summary:
    return summary_pb2.Summary(value=[summary_pb2.Summary.Value(tag=tag, **fields)])


def tensor(tag: str, array: np.ndarray) -> summary_pb2.Summary:
    """``add_tensor``: the whole tensor under the ``tensor`` plugin."""
    array = np.asarray(array)
    if array.nbytes >= 1 << 31:
        raise ValueError(f"tensor {tag!r} is {array.nbytes} bytes; a protobuf holds under 2 GB")
    return _value(tag, tensor=make_tensor_proto(array), metadata=plugin_metadata(TENSOR_PLUGIN))


def default_torch_bins() -> list[float]:
    """PyTorch's ``bins="tensorflow"`` edges: -1e20 .. -1e-12, 0, 1e-12 .. 1e20 by factors of 1.1."""
    edges, v = [], 1e-12
    while v < 1e20:
        edges.append(v)
        v *= 1.1
    return [-x for x in reversed(edges)] + [0] + edges


def histogram_proto(values: np.ndarray, bins, max_bins: int | None = None) -> histogram_pb2.HistogramProto:
    """PyTorch's ``make_histogram``: ``np.histogram`` by ``bins``, merged down to ``max_bins``,
    cut to the non-empty support plus one empty bucket on the left (its right edge is the
    support's left edge)."""
    values = np.asarray(values, dtype=np.float64).reshape(-1)
    if values.size == 0:
        raise ValueError("a histogram needs at least one finite value, got none")
    counts, limits = np.histogram(values, bins=bins)
    if max_bins is not None and counts.size > max_bins:
        sub = counts.size // max_bins
        if counts.size % sub:
            counts = np.pad(counts, [[0, sub - counts.size % sub]])
        counts = counts.reshape(-1, sub).sum(axis=-1)
        merged = np.empty(counts.size + 1, limits.dtype)
        merged[:-1] = limits[:-1:sub]
        merged[-1] = limits[-1]
        limits = merged
    cum = np.cumsum(counts > 0)
    start, end = (int(i) for i in np.searchsorted(cum, [0, cum[-1] - 1], side="right"))
    end += 1
    counts = counts[start - 1:end] if start > 0 else np.concatenate([[0], counts[:end]])
    limits = limits[start:end + 1]
    return histogram_pb2.HistogramProto(
        min=values.min(), max=values.max(), num=len(values), sum=values.sum(),
        sum_squares=values.dot(values), bucket_limit=limits.tolist(), bucket=counts.tolist())


def histogram(tag: str, values, bins, max_bins: int | None = None) -> summary_pb2.Summary:
    return _value(tag, histo=histogram_proto(values, bins, max_bins))


def histogram_raw(tag: str, min, max, num, sum, sum_squares, bucket_limits,  # noqa: A002
                  bucket_counts) -> summary_pb2.Summary:
    """A HistogramProto from statistics computed elsewhere."""
    limits, counts = list(np.asarray(bucket_limits).reshape(-1)), list(np.asarray(bucket_counts).reshape(-1))
    if len(limits) != len(counts):
        raise ValueError(f"bucket_limits has {len(limits)} entries but bucket_counts has {len(counts)}; "
                         f"they pair up one to one (each limit is its bucket's right edge)")
    return _value(tag, histo=histogram_pb2.HistogramProto(
        min=float(min), max=float(max), num=float(num), sum=float(sum), sum_squares=float(sum_squares),
        bucket_limit=[float(x) for x in limits], bucket=[float(x) for x in counts]))


def text(tag: str, value) -> summary_pb2.Summary:
    """``add_text``: tag ``<tag>/text_summary``, a string tensor of shape [1] (a table: its own
    shape) under the ``text`` plugin with ``TextPluginData{version: 0}``."""
    if isinstance(value, bytes):
        value = value.decode("utf-8")
    array = np.asarray([value] if isinstance(value, str) else value, dtype=object).astype(str)
    content = plugin_data_pb2.TextPluginData(version=0).SerializeToString()
    return _value(f"{tag}/text_summary", tensor=make_tensor_proto(array),
                  metadata=plugin_metadata(TEXT_PLUGIN, content))


class HParamValueError(TypeError, ValueError):
    """A hyperparameter of a type the dashboard cannot show (PyTorch raises ValueError)."""


def _hparam(name: str, value, domain) -> tuple[struct_pb2.Value, int, list]:
    """As PyTorch, except a bool stays a bool (PyTorch tests int first, which makes True 1.0)."""
    if isinstance(value, (bool, np.bool_)):
        return (struct_pb2.Value(bool_value=bool(value)), hparams_pb2.DATA_TYPE_BOOL,
                [struct_pb2.Value(bool_value=bool(d)) for d in domain])
    if isinstance(value, (int, float, np.integer, np.floating)):
        return (struct_pb2.Value(number_value=float(value)), hparams_pb2.DATA_TYPE_FLOAT64,
                [struct_pb2.Value(number_value=float(d)) for d in domain])
    if isinstance(value, str):
        return (struct_pb2.Value(string_value=value), hparams_pb2.DATA_TYPE_STRING,
                [struct_pb2.Value(string_value=d) for d in domain])
    array = np.asarray(value) if hasattr(value, "__array__") else None
    if array is not None and array.size >= 1 and array.dtype.kind in "biuf":
        return (struct_pb2.Value(number_value=float(array.reshape(-1)[0])),
                hparams_pb2.DATA_TYPE_FLOAT64, [])
    raise HParamValueError(f"hyperparameter {name!r} must be an int, float, str, bool or tensor, "
                           f"got {value!r}")


def hparams(hparam_dict: dict, metric_dict: dict, domains: dict | None = None) -> list[summary_pb2.Summary]:
    """The experiment, session-start and session-end summaries, as PyTorch's ``hparams``."""
    if not isinstance(hparam_dict, dict) or not isinstance(metric_dict, dict):
        raise TypeError("hparam_dict and metric_dict should be dictionaries, got "
                        f"{type(hparam_dict).__name__} and {type(metric_dict).__name__}")
    domains = domains or {}
    if not isinstance(domains, dict):
        raise TypeError(f"hparam_domain_discrete should be a dictionary, got {type(domains).__name__}")
    for key, values in domains.items():
        if (key not in hparam_dict or not isinstance(values, list)
                or not all(isinstance(d, type(hparam_dict[key])) for d in values)):
            raise TypeError(f"hparam_domain_discrete[{key!r}] should be a list of the same type as "
                            f"hparam_dict[{key!r}]")
    start = hparams_pb2.SessionStartInfo()
    infos = []
    for key, value in hparam_dict.items():
        if value is None:
            continue
        proto_value, data_type, domain = _hparam(key, value, domains.get(key, []))
        start.hparams[key].CopyFrom(proto_value)
        info = hparams_pb2.HParamInfo(name=key, type=data_type)
        if key in domains and domain:
            info.domain_discrete.values.extend(domain)
        infos.append(info)
    experiment = hparams_pb2.Experiment(
        hparam_infos=infos, metric_infos=[hparams_pb2.MetricInfo(name=hparams_pb2.MetricName(tag=k))
                                          for k in metric_dict])
    end = hparams_pb2.SessionEndInfo(status=hparams_pb2.STATUS_SUCCESS)

    def summary(tag, **data):
        content = hparams_pb2.HParamsPluginData(version=0, **data).SerializeToString()
        return _value(tag, metadata=plugin_metadata(HPARAMS_PLUGIN, content))

    return [summary(HPARAMS_EXPERIMENT_TAG, experiment=experiment),
            summary(HPARAMS_SESSION_START_TAG, session_start_info=start),
            summary(HPARAMS_SESSION_END_TAG, session_end_info=end)]


def _pr_summary(tag: str, data: np.ndarray, num_thresholds: int) -> summary_pb2.Summary:
    content = plugin_data_pb2.PrCurvePluginData(version=0, num_thresholds=num_thresholds)
    return _value(tag, tensor=make_tensor_proto(np.asarray(data, dtype=np.float32)),
                  metadata=plugin_metadata(PR_CURVES_PLUGIN, content.SerializeToString()))


def pr_curve(tag: str, labels, predictions, num_thresholds: int = 127, weights=None) -> summary_pb2.Summary:
    """The pr_curves plugin's ``[6, num_thresholds]`` float tensor computed from the examples."""
    num_thresholds = min(int(num_thresholds), MAX_PR_THRESHOLDS)
    return _pr_summary(tag, media.pr_curve_data(labels, predictions, num_thresholds, weights),
                       num_thresholds)


def pr_curve_raw(tag: str, tp, fp, tn, fn, precision, recall,
                 num_thresholds: int = 127) -> summary_pb2.Summary:
    """The same tensor from counts computed elsewhere (each a vector of one length)."""
    rows = [np.asarray(r, dtype=np.float64).reshape(-1) for r in (tp, fp, tn, fn, precision, recall)]
    if len({r.size for r in rows}) != 1:
        raise ValueError(f"the six PR-curve rows differ in length: {[r.size for r in rows]}")
    return _pr_summary(tag, np.stack(rows), min(int(num_thresholds), MAX_PR_THRESHOLDS))


def custom_scalars(layout: dict) -> summary_pb2.Summary:
    """The custom_scalars layout: ``{category: {chart: ["Multiline" | "Margin", tags]}}``."""
    categories = []
    for title, charts in layout.items():
        protos = []
        for chart_name, spec in charts.items():
            if not isinstance(spec, (list, tuple)) or len(spec) != 2:
                raise ValueError(f"chart {chart_name!r} must be [kind, tags], got {spec!r}")
            kind, tags = spec
            if kind == "Margin":
                if len(tags) != 3:
                    raise ValueError(f"a Margin chart takes 3 tags (value, lower, upper), got {tags!r}")
                series = custom_scalar_layout_pb2.MarginChartContent.Series(
                    value=tags[0], lower=tags[1], upper=tags[2])
                protos.append(custom_scalar_layout_pb2.Chart(
                    title=chart_name, margin=custom_scalar_layout_pb2.MarginChartContent(series=[series])))
            else:
                protos.append(custom_scalar_layout_pb2.Chart(
                    title=chart_name, multiline=custom_scalar_layout_pb2.MultilineChartContent(tag=tags)))
        categories.append(custom_scalar_layout_pb2.Category(title=title, chart=protos))
    data = custom_scalar_layout_pb2.Layout(category=categories).SerializeToString()
    return _value(CUSTOM_SCALARS_TAG, tensor=make_tensor_proto(np.asarray(data, dtype=object)),
                  metadata=plugin_metadata(CUSTOM_SCALARS_PLUGIN))


def mesh(tag: str, vertices, colors=None, faces=None, config_dict=None, display_name: str = "",
         description: str = "") -> summary_pb2.Summary:
    """One ``<tag>_VERTEX`` / ``_FACE`` / ``_COLOR`` float tensor ``[B, N, 3]`` each, with the mesh
    plugin's metadata (the parts present as a bitmask, three.js config as JSON)."""
    kinds = plugin_data_pb2.MeshPluginData
    parts = [(a, k) for a, k in ((vertices, kinds.VERTEX), (faces, kinds.FACE), (colors, kinds.COLOR))
             if a is not None]
    components = 0
    for _array, kind in parts:
        components |= 1 << kind
    json_config = "{}" if config_dict is None else json.dumps(config_dict, sort_keys=True)
    values = []
    for array, kind in parts:
        data = np.asarray(array, dtype=np.float32)
        if data.ndim != 3:
            raise ValueError(f"mesh {tag!r}: {kinds.ContentType.Name(kind).lower()} must be [B, N, 3], "
                             f"got shape {data.shape}")
        content = kinds(version=0, name=tag, content_type=kind, components=components,
                        shape=list(data.shape), json_config=json_config).SerializeToString()
        metadata = plugin_metadata(MESH_PLUGIN, content, description=description or "")
        metadata.display_name = display_name or ""
        values.append(summary_pb2.Summary.Value(
            tag=f"{tag}_{kinds.ContentType.Name(kind)}", tensor=make_tensor_proto(data), metadata=metadata))
    return summary_pb2.Summary(value=values)
