"""GraphDef export of the seed's TF1 program, and the real TensorBoard reading it back."""

from __future__ import annotations

import collections

import numpy as np
import pytest
from tensorboard.backend.event_processing import event_accumulator

import engine as tf
from engine.summary import SummaryWriter
from tfevents.proto import types_pb2
from tfevents.tensor_util import make_ndarray


def build_seed_program():
    x = tf.placeholder(tf.float32, [None, 64], name="x")
    W = tf.Variable(tf.zeros([64, 10]), name="W")
    b = tf.Variable(tf.zeros([10]), name="b")
    with tf.name_scope("model"):
        y = tf.nn.softmax(tf.matmul(x, W) + b)
    y_ = tf.placeholder(tf.float32, [None, 10], name="labels")
    with tf.name_scope("loss"):
        cross_entropy = tf.reduce_mean(-tf.reduce_sum(y_ * tf.log(y), reduction_indices=[1]))
    train_step = tf.train.GradientDescentOptimizer(0.5).minimize(cross_entropy)
    init = tf.global_variables_initializer()
    return train_step, init


@pytest.fixture
def graph_def():
    with tf.Graph().as_default() as g:
        build_seed_program()
        return g.as_graph_def(), g


def test_node_names_ops_and_inputs_look_like_tensorflow(graph_def):
    gd, _ = graph_def
    nodes = {n.name: n for n in gd.node}
    assert nodes["x"].op == "Placeholder"
    assert nodes["W"].op == "VariableV2"
    assert nodes["W/Assign"].op == "Assign" and list(nodes["W/Assign"].input) == ["W", "zeros"]
    assert nodes["W/read"].op == "Identity"
    assert nodes["model/MatMul"].op == "MatMul" and list(nodes["model/MatMul"].input) == ["x", "W/read"]
    assert nodes["model/Softmax"].op == "Softmax"
    assert nodes["loss/Mean"].op == "Mean"
    assert nodes["GradientDescent"].op == "NoOp"
    assert nodes["GradientDescent/update_W/ApplyGradientDescent"].op == "ApplyGradientDescent"
    assert all(i.startswith("^") for i in nodes["GradientDescent"].input)
    assert sorted(nodes["init"].input) == ["^W/Assign", "^b/Assign"]
    assert any(name.startswith("gradients/model/MatMul_grad/") for name in nodes)
    assert any(name.startswith("gradients/loss/Mean_grad/") for name in nodes)


def test_attrs_carry_dtypes_shapes_and_small_constants(graph_def):
    gd, _ = graph_def
    nodes = {n.name: n for n in gd.node}
    x = nodes["x"]
    assert x.attr["dtype"].type == types_pb2.DT_FLOAT
    assert [d.size for d in x.attr["shape"].shape.dim] == [-1, 64]
    assert [d.size for d in x.attr["_output_shapes"].list.shape[0].dim] == [-1, 64]
    assert nodes["model/MatMul"].attr["T"].type == types_pb2.DT_FLOAT
    assert [d.size for d in nodes["model/MatMul"].attr["_output_shapes"].list.shape[0].dim] == [-1, 10]
    assert nodes["model/MatMul"].attr["transpose_a"].b is False
    lr = nodes["GradientDescent/learning_rate"]
    assert lr.op == "Const" and make_ndarray(lr.attr["value"].tensor) == np.float32(0.5)
    big = nodes["zeros"].attr["value"].tensor
    assert big.dtype == types_pb2.DT_FLOAT and not big.tensor_content  # 640 zeros: shape only
    for node in gd.node:  # private kernel attrs (Variables, slice keys) never leak out
        assert not any(k.startswith("_") and k != "_output_shapes" for k in node.attr)


def test_real_tensorboard_reads_the_graph_back(graph_def, tmp_path):
    gd, g = graph_def
    with SummaryWriter(str(tmp_path)) as writer:
        writer.add_graph(g)
    acc = event_accumulator.EventAccumulator(str(tmp_path))
    acc.Reload()
    read = acc.Graph()
    assert len(read.node) == len(gd.node)
    assert collections.Counter(n.op for n in read.node) == collections.Counter(n.op for n in gd.node)
    assert [n.name for n in read.node] == [n.name for n in gd.node]
