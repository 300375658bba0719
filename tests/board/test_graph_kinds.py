"""Every graph a run holds, through ``/api/tags`` ``graphs`` and ``/api/graph?kind=&tag=``: the
function graphs of ``tf.summary.trace_export``, a TF1 Session's FULL_TRACE run metadata and
PyTorch's ``add_graph``, all written in the test by the real libraries."""

from __future__ import annotations

import pytest

from tests.board.conftest import board_client
from tests.board.graph_runs import FUNCTION_TAG, TF1_TAG, TORCH_TAG


@pytest.fixture(scope="module")
def client(graph_logdir):
    with board_client(graph_logdir) as c:
        yield c


def graph(client, run, kind, tag=None):
    params = {"run": run, "kind": kind, **({"tag": tag} if tag else {})}
    resp = client.get("/api/graph", params=params)
    assert resp.status_code == 200, resp.text
    return resp.json()


def test_tags_list_every_graph(client):
    tags = client.get("/api/tags").json()["runs"]
    assert tags["tf2_trace"]["graphs"] == [{"kind": "function_graph", "tag": FUNCTION_TAG}]
    assert tags["tf1_session"]["graphs"] == [{"kind": "op", "tag": None},
                                             {"kind": "run_metadata", "tag": TF1_TAG}]
    assert tags["torch"]["graphs"] == [{"kind": "op", "tag": None},
                                       {"kind": "run_metadata", "tag": TORCH_TAG}]
    assert tags["tf1_session"]["run_metadata"] == [TF1_TAG]
    not_shown = client.get("/api/status").json()["not_shown"]
    assert not [n for n in not_shown if n["kind"] == "run_metadata"]   # the graph page shows them


def test_function_graph_of_a_trace(client):
    body = graph(client, "tf2_trace", "function_graph", FUNCTION_TAG)
    # Several functions may be in the trace (tf.ones too, unless an earlier test in the process
    # already made its kernel: TensorFlow collects a function when it is first instantiated), each
    # in its scope graph_N as TensorBoard merges them; one alone has no scope.
    names = [n["name"] for n in body["nodes"]]
    matmul = next(n for n in names if n == "layer/matmul" or n.endswith("/layer/matmul"))
    prefix = matmul[: -len("layer/matmul")]  # "graph_N/", or "" for a single graph
    if prefix:
        assert all(n.startswith("graph_") for n in names)
    ops = {n["name"]: n for n in body["nodes"]}
    assert ops[f"{prefix}layer/matmul"]["op"] == "MatMul"
    assert ops[f"{prefix}layer/matmul"]["inputs"] == [f"{prefix}x", f"{prefix}layer/w"]
    assert ops[f"{prefix}layer/relu"]["inputs"] == [f"{prefix}layer/matmul"]


def test_run_metadata_puts_compute_time_and_memory_on_the_op_graph(client):
    op = graph(client, "tf1_session", "op")
    body = graph(client, "tf1_session", "run_metadata", TF1_TAG)
    assert [n["name"] for n in body["nodes"]] == [n["name"] for n in op["nodes"]]
    stats = {n["name"]: n["stats"] for n in body["nodes"] if "stats" in n}
    # The 32x64 @ 64x256 float32 product allocates its 32x256 output: 32 KiB.
    assert stats["dense/MatMul"]["bytes"] == 32 * 256 * 4
    assert stats["out/MatMul"]["bytes"] == 32 * 8 * 4
    assert stats["dense/MatMul"]["compute_micros"] > 0
    assert "CPU:0" in stats["dense/MatMul"]["devices"][0]
    assert "x" not in stats            # a fed placeholder runs as _arg_x_0_0, which no node is
    assert body["stats"]["matched"] == len(stats) and body["stats"]["nodes"] > len(stats)


def test_torch_add_graph(client):
    body = graph(client, "torch", "run_metadata", TORCH_TAG)
    assert body["stats"] == {"nodes": 0, "matched": 0}
    assert any("Linear[0]" in n["name"] for n in body["nodes"])


@pytest.mark.parametrize(("params", "status", "says"), [
    ({"run": "tf1_session", "kind": "run_metadata"}, 422, "needs a tag"),
    ({"run": "tf1_session", "kind": "run_metadata", "tag": "nope"}, 404, "'nope'"),
    ({"run": "tf2_trace", "kind": "op"}, 404, "no graph"),
    ({"run": "tf2_trace", "kind": "function_graph", "tag": TF1_TAG}, 404, "function graph trace"),
    ({"run": "tf1_session", "kind": "profile"}, 422, ""),
])
def test_bad_requests_say_what_is_wrong(client, params, status, says):
    resp = client.get("/api/graph", params=params)
    assert resp.status_code == status
    assert says in str(resp.json()["detail"])


def test_run_metadata_proto_keeps_tensorflows_field_numbers():
    from tensorflow.core.framework import step_stats_pb2
    from tensorflow.core.protobuf import config_pb2

    from tfevents.proto import run_metadata_pb2 as ours

    pairs = [(ours.RunMetadata, config_pb2.RunMetadata),
             (ours.RunMetadata.FunctionGraphs, config_pb2.RunMetadata.FunctionGraphs),
             (ours.StepStats, step_stats_pb2.StepStats),
             (ours.DeviceStepStats, step_stats_pb2.DeviceStepStats),
             (ours.NodeExecStats, step_stats_pb2.NodeExecStats),
             (ours.AllocatorMemoryUsed, step_stats_pb2.AllocatorMemoryUsed),
             (ours.MemoryStats, step_stats_pb2.MemoryStats)]
    for mine, theirs in pairs:
        want = {f.name: (f.number, f.type) for f in theirs.DESCRIPTOR.fields}
        for f in mine.DESCRIPTOR.fields:
            assert want[f.name] == (f.number, f.type), (mine.DESCRIPTOR.name, f.name)
