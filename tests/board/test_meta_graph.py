"""A TF1 ``FileWriter.add_meta_graph`` event: its GraphDef is the run's op graph when the run has
no ``graph_def`` event, and a ``graph_def`` of its own wins (real TensorBoard's reader, beside)."""

from __future__ import annotations

import pytest

from tests.board.conftest import board_client


@pytest.fixture(scope="module")
def client(graph_logdir):
    with board_client(graph_logdir) as c:
        yield c


def tensorboards_graph(path) -> dict[str, str]:
    """{node: op} of the graph real TensorBoard's event accumulator shows for the run."""
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    acc = EventAccumulator(str(path))
    acc.Reload()
    return {n.name: n.op for n in acc.Graph().node}


def test_meta_graph_is_the_op_graph_as_tensorboard_reads_it(client, graph_logdir):
    tags = client.get("/api/tags").json()["runs"]
    assert tags["tf1_meta_graph"]["graphs"] == [{"kind": "op", "tag": None, "meta_graph": True}]
    assert tags["tf1_session"]["graphs"][0] == {"kind": "op", "tag": None}
    assert not [n for n in client.get("/api/status").json()["not_shown"] if n["kind"] == "meta_graphs"]
    for run, node in (("tf1_meta_graph", "meta/out"), ("tf1_session", "dense/Relu")):
        body = client.get("/api/graph", params={"run": run, "kind": "op"}).json()
        ops = {n["name"]: n["op"] for n in body["nodes"]}
        assert ops == tensorboards_graph(graph_logdir / run), run
        assert ops[node] == "Relu"
    matmul = next(n for n in body["nodes"] if n["name"] == "dense/MatMul")
    assert matmul["inputs"] == ["x", "dense/kernel"]


@pytest.mark.parametrize("order", ["meta_first", "graph_first"])
def test_a_graph_def_wins_over_a_meta_graph_in_either_order(order):
    from board.data.stores import RunStore
    from board.ingest.accumulator import _apply
    from tfevents.decode import Graph

    own, meta = Graph(0, 1.0, b"own"), Graph(5, 2.0, b"meta", from_meta_graph=True)
    store = RunStore()
    for item in (meta, own) if order == "meta_first" else (own, meta):
        _apply(store, item)
    assert store.graph.data == b"own" and not store.graph_from_meta_graph
    _apply(store, Graph(7, 3.0, b"newer"))
    assert store.graph.data == b"newer"
