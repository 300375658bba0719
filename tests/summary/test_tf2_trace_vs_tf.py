"""Summaries inside ``tf.function``, ``tf.summary.graph`` and the trace API, against real
TensorFlow 2.21: the same program through both, the files compared with TensorBoard's reader."""

import os
import warnings

import numpy as np
import pytest

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import tensorflow as tf  # noqa: E402 - a test peer, quiet once the variable above is set
from tensorboard.compat.proto import config_pb2  # noqa: E402
from tensorboard.plugins.graph import graph_util  # noqa: E402

import engine  # noqa: E402
from tests.summary.tf_events import accumulator, assert_same_records, records  # noqa: E402

X = np.arange(4, dtype=np.float32).reshape(2, 2) / 4


def _program(t, logdir, profiler_dir):
    writer = t.summary.create_file_writer(str(logdir))
    step = t.Variable(0, dtype=t.int64)

    @t.function
    def train_step(x):
        t.summary.scalar("inside/loss", t.reduce_sum(x), step=step)
        t.summary.histogram("inside/x", x, step=step, buckets=4)
        step.assign_add(1)
        return x * 2.0

    @t.function
    def model(x):
        return t.nn.relu(t.matmul(x, x) + 1.0)

    with writer.as_default():
        train_step(X)
        train_step(X)
        with t.summary.record_if(lambda: t.equal(step % 2, 0)):
            @t.function
            def every_other(x):
                t.summary.scalar("every_other", t.reduce_mean(x), step=step)
                step.assign_add(1)

            for _ in range(4):
                every_other(X)
        t.summary.trace_on(graph=True)
        model(X)
        t.summary.trace_export("model_trace", step=5)
        t.summary.graph(model.get_concrete_function(X).graph)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            t.summary.trace_on(graph=True, profiler=True, profiler_outdir=str(profiler_dir))
        model(X + 1)  # a new trace: TensorFlow collects a function's graph when it is first made
        t.summary.trace_export("profiled", step=6)
    writer.close()


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    out = {}
    for name, t in (("ours", engine), ("tf", tf)):
        logdir = tmp_path_factory.mktemp(name)
        _program(t, logdir, tmp_path_factory.mktemp(name + "_profile"))
        out[name] = (records(logdir), logdir)
    return out


def _run_metadata(record):
    return config_pb2.RunMetadata.FromString(record.value.reshape(-1)[0])


# What TensorFlow 2.21's trace holds for ``model``: relu(matmul(x, x) + 1.0) in runtime form.
MODEL_OPS = ["AddV2", "Const", "Identity", "MatMul", "Relu", "_Arg", "_Retval"]


def _model_graph(record):
    """The function graph of ``model``. Both traces may also hold other graphs: TensorFlow's its
    eager ops', and either graphs of functions other tests in the process run (TensorFlow caught
    a Keras Dense/tanh/softmax one in the full suite, and two with MatMul and Relu under xdist):
    the model's is the first with exactly its ops."""
    graphs = [g.pre_optimization_graph for g in _run_metadata(record).function_graphs]
    found = [g for g in graphs if _op_types(g) == MODEL_OPS]
    assert found, [_op_types(g) for g in graphs]
    return found[0]


def _op_types(graph_def):
    # TensorFlow 2's `+` is AddV2; the engine's op is Add (the same kernel)
    return sorted({"AddV2" if n.op == "Add" else n.op for n in graph_def.node})


def test_same_records(runs):
    assert_same_records(runs["ours"][0], runs["tf"][0])


def test_summaries_inside_a_function_write_on_every_call_at_the_variable_step(runs):
    for name in ("ours", "tf"):
        steps = [(r.tag, r.step) for r in runs[name][0] if r.tag.startswith(("inside", "every"))]
        assert steps == [("inside/loss", 0), ("inside/x", 0), ("inside/loss", 1), ("inside/x", 1),
                         ("every_other", 2), ("every_other", 4)], name


def test_in_function_values_match(runs):
    ours = [r for r in runs["ours"][0] if r.tag.startswith(("inside", "every"))]
    theirs = [r for r in runs["tf"][0] if r.tag.startswith(("inside", "every"))]
    for a, b in zip(ours, theirs, strict=True):
        np.testing.assert_allclose(a.value, b.value, rtol=1e-6)


def test_trace_export_writes_the_function_graph_as_tensorflow(runs):
    (ours,) = [r for r in runs["ours"][0] if r.tag == "model_trace"]
    (theirs,) = [r for r in runs["tf"][0] if r.tag == "model_trace"]
    assert ours.plugin == theirs.plugin == "graph_run_metadata_graph" and ours.content == b"1"
    assert _op_types(_model_graph(ours)) == _op_types(_model_graph(theirs))
    args = [[n.name for n in _model_graph(r).node if n.op == "_Arg"] for r in (ours, theirs)]
    assert args[0] == args[1] == ["x"]  # named after the Python parameter
    arg = next(n for n in _model_graph(ours).node if n.op == "_Arg")
    assert arg.attr["T"].type == 1 and arg.attr["index"].i == 0  # DT_FLOAT, first argument


def test_tensorboard_merges_our_trace_graphs(runs):
    acc = accumulator(runs["ours"][1])
    (event,) = acc.Tensors("model_trace")
    meta = config_pb2.RunMetadata.FromString(event.tensor_proto.string_val[0])
    merged = graph_util.merge_graph_defs([g.pre_optimization_graph for g in meta.function_graphs])
    assert any(n.op == "MatMul" for n in merged.node)


def test_profiled_trace_has_compute_times_of_the_graphs_nodes(runs):
    (ours,) = [r for r in runs["ours"][0] if r.tag == "profiled"]
    assert ours.plugin == "graph_run_metadata"
    meta = _run_metadata(ours)
    nodes = {n.name for g in meta.function_graphs for n in g.pre_optimization_graph.node}
    stats = meta.step_stats.dev_stats[0].node_stats
    assert stats and {s.node_name for s in stats} <= nodes
    assert any(s.node_name == "MatMul" for s in stats)


def test_graph_summary_is_a_graph_def_event(runs):
    for name in ("ours", "tf"):
        (event,) = [r for r in runs[name][0] if r.kind == "graph_def"]
        assert event.step == 0
        graph = tf.compat.v1.GraphDef.FromString(event.value)
        assert {"MatMul", "Relu"} <= {n.op for n in graph.node}, name


def test_trace_misuse(tmp_path):
    for t in (engine, tf):
        with pytest.raises(ValueError, match="Must enable trace"):
            t.summary.trace_export("nothing", step=0)
        with pytest.raises(ValueError, match="graph_data"):
            with t.summary.create_file_writer(str(tmp_path / t.__name__)).as_default():
                t.summary.graph("not a graph")
    with pytest.warns(UserWarning, match="no TensorFlow profiler"):
        engine.summary.trace_on(profiler=True)
    with pytest.warns(UserWarning, match="already enabled"):
        engine.summary.trace_on()
    engine.summary.trace_off()
    engine.summary.trace_off()
