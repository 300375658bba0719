"""Runs holding every kind of graph, written by real TensorFlow and PyTorch (shared by the API
and browser tests of the graph selector)."""

from __future__ import annotations

import pathlib

FUNCTION_TAG = "my_func_trace"
TF1_TAG = "train_step_0"
TORCH_TAG = "step1"        # what PyTorch's add_graph names its (empty) run metadata


def write_tf2_trace(logdir: pathlib.Path) -> None:
    """``tf.summary.trace_export`` of a traced ``tf.function`` (plugin graph_run_metadata_graph)."""
    import tensorflow as tf

    writer = tf.summary.create_file_writer(str(logdir / "tf2_trace"))

    @tf.function
    def my_func(x):
        with tf.name_scope("layer"):
            w = tf.constant([[1.0, 2.0], [3.0, 4.0]], name="w")
            return tf.nn.relu(tf.matmul(x, w, name="matmul"), name="relu")

    tf.summary.trace_on(graph=True, profiler=False)
    my_func(tf.ones((2, 2)))
    with writer.as_default():
        tf.summary.trace_export(name=FUNCTION_TAG, step=0)
    writer.close()


def write_tf1_run_metadata(logdir: pathlib.Path) -> None:
    """A TF1 Session run with FULL_TRACE: its GraphDef and ``FileWriter.add_run_metadata``."""
    import tensorflow as tf

    v1 = tf.compat.v1
    graph = tf.Graph()
    with graph.as_default():
        x = v1.placeholder(tf.float32, [None, 64], name="x")
        with v1.name_scope("dense"):
            w = tf.constant(0.01, tf.float32, [64, 256], name="kernel")
            h = tf.nn.relu(tf.matmul(x, w, name="MatMul"), name="Relu")
        with v1.name_scope("out"):
            y = tf.reduce_sum(tf.matmul(h, tf.ones([256, 8]), name="MatMul"), name="Sum")
        with v1.Session(graph=graph) as sess:
            options = v1.RunOptions(trace_level=v1.RunOptions.FULL_TRACE)
            metadata = v1.RunMetadata()
            sess.run(y, {x: [[1.0] * 64] * 32}, options=options, run_metadata=metadata)
            writer = v1.summary.FileWriter(str(logdir / "tf1_session"), graph)
            writer.add_run_metadata(metadata, TF1_TAG, global_step=0)
            # and the meta graph of another graph: the run's own GraphDef stays its op graph
            writer.add_meta_graph(v1.train.export_meta_graph(graph=_meta_graph_source(tf)))
            writer.close()


def _meta_graph_source(tf):
    graph = tf.Graph()
    with graph.as_default(), tf.compat.v1.name_scope("meta"):
        x = tf.compat.v1.placeholder(tf.float32, [None, 4], name="x")
        tf.nn.relu(tf.matmul(x, tf.ones([4, 2], name="w")), name="out")
    return graph


def write_tf1_meta_graph(logdir: pathlib.Path) -> None:
    """TF1's ``FileWriter.add_meta_graph`` alone: no GraphDef event, the meta graph holds one."""
    import tensorflow as tf

    with tf.Graph().as_default():
        writer = tf.compat.v1.summary.FileWriter(str(logdir / "tf1_meta_graph"))
        writer.add_meta_graph(tf.compat.v1.train.export_meta_graph(graph=_meta_graph_source(tf)))
        writer.close()


def write_torch_graph(logdir: pathlib.Path) -> None:
    """PyTorch's ``add_graph(module, input)``: a GraphDef and a tagged run metadata ``step1``."""
    import torch
    from torch.utils.tensorboard import SummaryWriter

    model = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.ReLU(), torch.nn.Linear(8, 2))
    with SummaryWriter(str(logdir / "torch")) as writer:
        writer.add_graph(model, torch.zeros(1, 4))


def write_all(logdir: pathlib.Path) -> pathlib.Path:
    write_tf2_trace(logdir)
    write_tf1_run_metadata(logdir)
    write_tf1_meta_graph(logdir)
    write_torch_graph(logdir)
    return logdir
