"""RunMetadata, StepStats and MetaGraphDef keep TensorFlow's field numbers and types (checked
against TensorBoard's copies of TensorFlow's protos), so trace_export and FileWriter output parse
in TensorFlow and TensorBoard."""

import pytest
from tensorboard.compat.proto import config_pb2 as tb_config
from tensorboard.compat.proto import meta_graph_pb2 as tb_meta
from tensorboard.compat.proto import op_def_pb2 as tb_op_def
from tensorboard.compat.proto import step_stats_pb2 as tb_steps

from tfevents.proto import meta_graph_pb2, run_metadata_pb2

PAIRS = [
    (run_metadata_pb2.RunMetadata, tb_config.RunMetadata),
    (run_metadata_pb2.RunMetadata.FunctionGraphs, tb_config.RunMetadata.FunctionGraphs),
    (run_metadata_pb2.StepStats, tb_steps.StepStats),
    (run_metadata_pb2.DeviceStepStats, tb_steps.DeviceStepStats),
    (run_metadata_pb2.NodeExecStats, tb_steps.NodeExecStats),
    (meta_graph_pb2.MetaGraphDef, tb_meta.MetaGraphDef),
    (meta_graph_pb2.MetaGraphDef.MetaInfoDef, tb_meta.MetaGraphDef.MetaInfoDef),
    (meta_graph_pb2.OpList, tb_op_def.OpList),
    (meta_graph_pb2.OpDef, tb_op_def.OpDef),
]


@pytest.mark.parametrize(("ours", "theirs"), PAIRS, ids=[p[0].DESCRIPTOR.full_name for p in PAIRS])
def test_fields_match_tensorflow(ours, theirs):
    for field in ours.DESCRIPTOR.fields:
        peer = theirs.DESCRIPTOR.fields_by_name.get(field.name)
        where = f"{ours.DESCRIPTOR.full_name}.{field.name}"
        assert peer is not None, where
        assert field.number == peer.number and field.type == peer.type, where
        assert field.is_repeated == peer.is_repeated, where


def test_run_metadata_round_trips_through_tensorflows_message():
    ours = run_metadata_pb2.RunMetadata()
    graphs = ours.function_graphs.add()
    graphs.pre_optimization_graph.node.add(name="x", op="_Arg")
    stats = ours.step_stats.dev_stats.add(device="/job:localhost/replica:0/task:0/device:CPU:0")
    stats.node_stats.add(node_name="MatMul", all_start_micros=5, all_end_rel_micros=3)
    stats.thread_names[0] = "main"
    theirs = tb_config.RunMetadata.FromString(ours.SerializeToString())
    assert theirs.function_graphs[0].pre_optimization_graph.node[0].op == "_Arg"
    assert theirs.step_stats.dev_stats[0].node_stats[0].all_end_rel_micros == 3
    assert theirs.SerializeToString(deterministic=True) == ours.SerializeToString(deterministic=True)
