"""A model with tf.cond and tf.while_loop exports a GraphDef TensorBoard's own reader loads, with
the control-flow nodes inside their name scopes."""

from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

from tensorboard.backend.event_processing.event_accumulator import EventAccumulator  # noqa: E402

import engine as tf  # noqa: E402
from engine.summary import SummaryWriter  # noqa: E402


def test_cond_and_while_nodes_open_in_tensorboard_inside_their_scopes(tmp_path):
    with tf.Graph().as_default() as g:
        x = tf.placeholder(tf.float32, [None, 3], name="x")
        with tf.name_scope("model"):
            w = tf.Variable(tf.ones([3, 3]), name="w")
            h = tf.matmul(x, w)
            y = tf.cond(tf.reduce_sum(h) > 0, lambda: h * 2.0, lambda: -h)
            _, z = tf.while_loop(lambda i, z: i < 3, lambda i, z: (i + 1, tf.tanh(z)), (0, y))
        tf.gradients(tf.reduce_sum(z), [w])
    with SummaryWriter(str(tmp_path)) as writer:
        writer.add_graph(g)
    acc = EventAccumulator(str(tmp_path))
    acc.Reload()
    nodes = {n.name: n for n in acc.Graph().node}
    assert nodes["model/cond"].op == "StatelessIf"
    assert nodes["model/while"].op == "StatelessWhile"
    assert "model/MatMul" in nodes["model/cond"].input
    assert nodes["model/while"].input[1] == "model/cond"
    grads = [n for n in nodes.values() if n.op == "WhileGrad"]
    assert grads and grads[0].name.startswith("gradients/model/while_grad/")
    for node in nodes.values():  # every input names a node of the graph
        for name in node.input:
            assert name.lstrip("^").split(":")[0] in nodes, (node.name, name)


def test_cond_and_while_nodes_in_our_graph_dashboard(tmp_path):
    """The same GraphDef through our board: /api/graph lists the If/While nodes under ``model/``
    with their inputs, so the graph page draws them inside the model scope."""
    from tests.board.conftest import board_client

    with tf.Graph().as_default() as g:
        x = tf.placeholder(tf.float32, [None, 3], name="x")
        with tf.name_scope("model"):
            h = tf.matmul(x, tf.Variable(tf.ones([3, 3]), name="w"))
            y = tf.cond(tf.reduce_sum(h) > 0, lambda: h * 2.0, lambda: -h)
            tf.while_loop(lambda i, z: i < 3, lambda i, z: (i + 1, tf.tanh(z)), (0, y))
    with SummaryWriter(str(tmp_path / "run")) as writer:
        writer.add_graph(g)
    with board_client(tmp_path) as client:
        graph = client.get("/api/graph", params={"run": "run"}).json()
    nodes = {n["name"]: n for n in graph["nodes"]}
    assert nodes["model/cond"]["op"] == "StatelessIf"
    assert nodes["model/while"]["op"] == "StatelessWhile"
    assert "model/cond" in nodes["model/while"]["inputs"]
    assert "model/MatMul" in nodes["model/cond"]["inputs"]
