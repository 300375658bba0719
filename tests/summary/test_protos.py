"""Our .proto messages keep TensorFlow's field numbers and types: checked field by field against
the descriptors TensorBoard ships, and bytes round-tripped both ways."""

from __future__ import annotations

import pytest
from tensorboard.compat.proto import attr_value_pb2 as tb_attr
from tensorboard.compat.proto import event_pb2 as tb_event
from tensorboard.compat.proto import graph_pb2 as tb_graph
from tensorboard.compat.proto import node_def_pb2 as tb_node
from tensorboard.compat.proto import summary_pb2 as tb_summary
from tensorboard.compat.proto import types_pb2 as tb_types
from tensorboard.compat.proto import versions_pb2 as tb_versions
from tensorboard.plugins.hparams import api_pb2 as tb_api
from tensorboard.plugins.hparams import plugin_data_pb2 as tb_hparams

from tfevents.proto import (
    event_pb2,
    graph_pb2,
    histogram_pb2,
    hparams_pb2,
    summary_pb2,
    types_pb2,
)

PAIRS = [
    (event_pb2.Event, tb_event.Event),
    (event_pb2.SessionLog, tb_event.SessionLog),
    (event_pb2.TaggedRunMetadata, tb_event.TaggedRunMetadata),
    (event_pb2.SourceMetadata, tb_event.SourceMetadata),
    (event_pb2.LogMessage, tb_event.LogMessage),
    (summary_pb2.Summary, tb_summary.Summary),
    (summary_pb2.Summary.Value, tb_summary.Summary.Value),
    (summary_pb2.Summary.Image, tb_summary.Summary.Image),
    (summary_pb2.Summary.Audio, tb_summary.Summary.Audio),
    (summary_pb2.SummaryMetadata, tb_summary.SummaryMetadata),
    (summary_pb2.SummaryMetadata.PluginData, tb_summary.SummaryMetadata.PluginData),
    (histogram_pb2.HistogramProto, tb_summary.HistogramProto),
    (graph_pb2.GraphDef, tb_graph.GraphDef),
    (graph_pb2.NodeDef, tb_node.NodeDef),
    (graph_pb2.VersionDef, tb_versions.VersionDef),
    (graph_pb2.AttrValue, tb_attr.AttrValue),
    (graph_pb2.AttrValue.ListValue, tb_attr.AttrValue.ListValue),
    (graph_pb2.NameAttrList, tb_attr.NameAttrList),
    (hparams_pb2.HParamsPluginData, tb_hparams.HParamsPluginData),
    (hparams_pb2.SessionStartInfo, tb_hparams.SessionStartInfo),
    (hparams_pb2.SessionEndInfo, tb_hparams.SessionEndInfo),
    (hparams_pb2.Experiment, tb_api.Experiment),
    (hparams_pb2.HParamInfo, tb_api.HParamInfo),
    (hparams_pb2.MetricInfo, tb_api.MetricInfo),
    (hparams_pb2.MetricName, tb_api.MetricName),
    (hparams_pb2.Interval, tb_api.Interval),
]
_TENSOR = summary_pb2.Summary.Value.DESCRIPTOR.fields_by_name["tensor"].message_type
_TB_TENSOR = tb_summary.Summary.Value.DESCRIPTOR.fields_by_name["tensor"].message_type
_SHAPE = _TENSOR.fields_by_name["tensor_shape"].message_type
_TB_SHAPE = _TB_TENSOR.fields_by_name["tensor_shape"].message_type


def _check(ours, theirs):
    for field in ours.fields:
        assert field.name in theirs.fields_by_name, f"{ours.full_name}.{field.name} not in TensorFlow's"
        peer = theirs.fields_by_name[field.name]
        where = f"{ours.full_name}.{field.name}"
        assert field.number == peer.number, where
        assert field.type == peer.type, where
        assert field.is_repeated == peer.is_repeated, where


@pytest.mark.parametrize(("ours", "theirs"), PAIRS, ids=[p[0].DESCRIPTOR.full_name for p in PAIRS])
def test_fields_match_tensorflow(ours, theirs):
    _check(ours.DESCRIPTOR, theirs.DESCRIPTOR)


def test_tensor_and_shape_match_tensorflow():
    _check(_TENSOR, _TB_TENSOR)
    _check(_SHAPE, _TB_SHAPE)
    _check(_SHAPE.nested_types_by_name["Dim"], _TB_SHAPE.nested_types_by_name["Dim"])


@pytest.mark.parametrize(("ours", "theirs"), [
    (types_pb2.DataType, tb_types.DataType),
    (hparams_pb2.DataType, tb_api.DataType),
    (hparams_pb2.Status, tb_api.Status),
    (hparams_pb2.DatasetType, tb_api.DatasetType),
    (summary_pb2.DataClass, tb_summary.DataClass),
])
def test_enum_values_match(ours, theirs):
    for name, number in ours.items():
        assert theirs.Value(name) == number, name


def test_event_bytes_round_trip_both_ways(tmp_path):
    from tfevents import builders

    ours = builders.event(builders.histogram_v1("h", [1.0, 2.0, 3.0]), step=7, wall_time=12.5)
    ours.summary.value.add(tag="t").CopyFrom(builders.text("t", "x").value[0])
    data = ours.SerializeToString()
    theirs = tb_event.Event.FromString(data)
    assert theirs.step == 7 and theirs.summary.value[0].histo.num == 3
    assert theirs.summary.value[1].metadata.plugin_data.plugin_name == "text"
    assert theirs.SerializeToString(deterministic=True) == ours.SerializeToString(deterministic=True)
