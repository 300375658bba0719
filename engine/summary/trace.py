"""``tf.summary.graph`` and the trace API (``trace_on`` / ``trace_export`` / ``trace_off``).

While a trace is on, every ``tf.function`` trace that runs is collected once; ``trace_export``
writes them as TensorFlow does: a ``RunMetadata`` (a string tensor) whose ``function_graphs``
hold each function's graph in runtime form (arguments as ``_Arg`` nodes, results through
``Identity`` into ``_Retval`` nodes), under plugin ``graph_run_metadata_graph``; TensorBoard's
graphs dashboard shows the merged ``pre_optimization_graph``s.

With ``profiler=True`` each op's compute time is measured as well and the RunMetadata carries
``step_stats`` (plugin ``graph_run_metadata``: the graphs dashboard colours nodes by compute
time). TensorFlow's profiler proper (the Profile dashboard's ``.xplane.pb`` files) does not exist
here: a warning says so and nothing is written to ``profiler_outdir``.
"""

from __future__ import annotations

import threading
import warnings

from engine.framework import function as function_lib
from engine.framework.context import explicit_graph
from engine.framework.graph import Graph
from engine.framework.session import DEVICE, _flatten, execute_timed, node_exec_stats
from engine.framework.tensor import Tensor, TensorLike
from engine.summary import tf2
from tfevents import builders
from tfevents.proto import graph_pb2, run_metadata_pb2, summary_pb2
from tfevents.tensor_util import make_tensor_proto

RUN_METADATA_PLUGIN = "graph_run_metadata"
RUN_METADATA_GRAPH_PLUGIN = "graph_run_metadata_graph"


class _Collector:
    def __init__(self, graph: bool, profiler: bool):
        self.graph, self.profiler = graph, profiler
        self.lock = threading.Lock()
        self.graphs: dict[int, graph_pb2.GraphDef] = {}  # id(trace) -> its graph, in first-run order
        self.keep: list = []  # the traces themselves, so their ids stay unique while collected
        self.node_stats: list = []

    def run(self, function, trace, arrays):
        with self.lock:
            if id(trace) not in self.graphs:
                self.keep.append(trace)
                self.graphs[id(trace)] = function_graph_def(trace)
        if not self.profiler:
            return function_lib._execute(trace.plan, arrays)
        values, stats = execute_timed(trace.plan, arrays)
        with self.lock:
            self.node_stats.extend(node_exec_stats(stats))
        return values


_lock = threading.Lock()
_current: _Collector | None = None


def function_graph_def(trace) -> graph_pb2.GraphDef:
    """A traced function's graph as TensorFlow's runtime holds it: placeholders become ``_Arg``
    nodes, each result goes through an ``Identity`` into a ``_Retval`` node."""
    graph_def = trace.graph.as_graph_def()
    names = {node.name for node in graph_def.node}
    args = 0
    for node in graph_def.node:
        node.device = DEVICE
        if node.op == "Placeholder":
            dtype = node.attr["dtype"].type
            node.op = "_Arg"
            for key in ("dtype", "shape"):
                if key in node.attr:
                    del node.attr[key]
            node.attr["T"].type = dtype
            node.attr["index"].i = args
            node.attr["_user_specified_name"].s = node.name.encode()
            args += 1
    leaves, _ = _flatten(trace.structured_outputs)
    outputs = []
    for leaf in leaves:
        if isinstance(leaf, TensorLike):
            leaf = leaf._graph_tensor(trace.graph)
        if isinstance(leaf, Tensor) and leaf._graph is trace.graph:
            outputs.append(leaf)
    for index, tensor in enumerate(outputs):
        identity = _fresh(names, "Identity")
        source = tensor.op.name if tensor.value_index == 0 else f"{tensor.op.name}:{tensor.value_index}"
        dtype = tensor.dtype.as_datatype_enum
        node = graph_def.node.add(name=identity, op="Identity", input=[source], device=DEVICE)
        node.attr["T"].type = dtype
        ret = graph_def.node.add(name=_fresh(names, f"{identity.lower()}_RetVal"), op="_Retval",
                                 input=[identity], device=DEVICE)
        ret.attr["T"].type = dtype
        ret.attr["index"].i = index
    return graph_def


def _fresh(names: set, base: str) -> str:
    name, i = base, 0
    while name in names:
        i += 1
        name = f"{base}_{i}"
    names.add(name)
    return name


def trace_on(graph=True, profiler=False, profiler_outdir=None) -> None:
    """Start collecting the graphs of the ``tf.function``s that run (and, with ``profiler``,
    the compute time of each of their ops) until ``trace_export`` or ``trace_off``."""
    global _current
    if explicit_graph() is not None:
        warnings.warn("Cannot enable trace inside a tf.function.", stacklevel=2)
        return
    with _lock:
        if _current is not None:
            warnings.warn("Trace already enabled", stacklevel=2)
            return
        if profiler:
            where = f" into {profiler_outdir!r}" if profiler_outdir else ""
            warnings.warn(
                "trace_on(profiler=True): this engine has no TensorFlow profiler, so no profile is "
                f"written{where}; trace_export records each op's compute time in the run metadata "
                "instead (shown by the graphs dashboard)", stacklevel=2)
        _current = _Collector(bool(graph) or bool(profiler), bool(profiler))
        function_lib.run_observer = _current.run


def trace_off() -> None:
    """Stop the current trace, dropping what it collected."""
    global _current
    with _lock:
        _current = None
        function_lib.run_observer = None


def run_metadata(collector: _Collector) -> run_metadata_pb2.RunMetadata:
    meta = run_metadata_pb2.RunMetadata()
    for graph_def in collector.graphs.values():
        graphs = meta.function_graphs.add()
        graphs.pre_optimization_graph.CopyFrom(graph_def)
        graphs.post_optimization_graph.CopyFrom(graph_def)
        graphs.partition_graphs.add().CopyFrom(graph_def)
        meta.partition_graphs.add().CopyFrom(graph_def)
    if collector.profiler:
        device = meta.step_stats.dev_stats.add(device=DEVICE)
        device.node_stats.extend(collector.node_stats)
    return meta


def trace_export(name, step=None, profiler_outdir=None):
    """Stop the trace and write what it collected under tag ``name`` at ``step``."""
    if explicit_graph() is not None:
        warnings.warn("Cannot export trace inside a tf.function.", stacklevel=2)
        return None
    with _lock:
        collector = _current
    if collector is None:
        raise ValueError("Must enable trace before export through tf.summary.trace_on.")
    if profiler_outdir:
        warnings.warn("Ignoring `profiler_outdir` passed to trace_export(). Please pass it to "
                      "trace_on() instead.", stacklevel=2)
    try:
        plugin = RUN_METADATA_PLUGIN if collector.profiler else RUN_METADATA_GRAPH_PLUGIN
        data = run_metadata(collector).SerializeToString()
        default = f"{plugin}_summary"
        with tf2.summary_scope(name, default) as (tag, _):
            return tf2.record(tag, [], lambda: _run_metadata_summary(tag, data, plugin), step)
    finally:
        trace_off()


def export_graphs(name, graph_defs, step=None):
    """Write ``graph_defs`` as a trace named ``name`` (what ``trace_export`` writes for a graph-only
    trace), for graphs that ran outside a ``tf.function`` (Keras's eager ``fit``)."""
    collector = _Collector(graph=True, profiler=False)
    for i, graph_def in enumerate(graph_defs):
        collector.graphs[i] = graph_def
    data = run_metadata(collector).SerializeToString()
    with tf2.summary_scope(name, "graph_run_metadata_graph_summary") as (tag, _):
        return tf2.record(tag, [], lambda: _run_metadata_summary(tag, data, RUN_METADATA_GRAPH_PLUGIN), step)


def _run_metadata_summary(tag, data: bytes, plugin: str) -> summary_pb2.Summary:
    return summary_pb2.Summary(value=[summary_pb2.Summary.Value(
        tag=tag, tensor=make_tensor_proto(data),
        metadata=builders.plugin_metadata(plugin, b"1", data_class=summary_pb2.DATA_CLASS_BLOB_SEQUENCE),
    )])


def graph(graph_data):
    """Write a ``tf.Graph`` or a ``GraphDef`` as the run's op graph (step 0); eager only."""
    if explicit_graph() is not None:
        raise ValueError("graph() cannot be invoked inside a graph context.")
    writer = tf2._state.writer
    if writer is None or isinstance(writer, tf2._NoopSummaryWriter):
        return tf2._bool(False)
    if not bool(tf2.should_record_summaries().numpy()):
        return tf2._bool(False)
    if isinstance(graph_data, Graph):
        data = graph_data.as_graph_def(add_shapes=True).SerializeToString()
    elif hasattr(graph_data, "node") and hasattr(graph_data, "SerializeToString"):
        data = graph_data.SerializeToString()
    else:
        raise ValueError("Argument 'graph_data' is not tf.Graph or tf.compat.v1.GraphDef. Received "
                         f"graph_data={graph_data!r} of type {type(graph_data).__name__}.")
    writer.write_event(builders.event(None, 0, graph_def=data))
    return tf2._bool(True)
