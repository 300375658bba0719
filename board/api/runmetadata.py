"""What the graph dashboard reads from a RunMetadata: the function graphs that
``tf.summary.trace_export`` records, and per-node compute time and memory from its step stats.

As TensorBoard's graph view does (``joinStatsInfoToGraph`` in tf-graph-common): a node's compute
time is its ``all_end_rel_micros`` and its memory the sum of its allocators' positive
``total_bytes``, added up over every device and every time the node ran.
"""

from __future__ import annotations

from board.api.graphjson import node_json
from tfevents.proto import graph_pb2, run_metadata_pb2


def parse(data: bytes) -> run_metadata_pb2.RunMetadata:
    """A serialized RunMetadata (raises ``google.protobuf.message.DecodeError``)."""
    return run_metadata_pb2.RunMetadata.FromString(data)


def _prefixed(graph: graph_pb2.GraphDef, prefix: str) -> list[dict]:
    nodes = [node_json(n) for n in graph.node]
    if not prefix:
        return nodes
    for n in nodes:
        n["name"] = f"{prefix}/{n['name']}"
        n["inputs"] = [f"^{prefix}/{i[1:]}" if i.startswith("^") else f"{prefix}/{i}" for i in n["inputs"]]
    return nodes


def merged_nodes(graphs: list[graph_pb2.GraphDef]) -> list[dict]:
    """The nodes of several graphs as one: each in a scope ``graph_1``, ``graph_2``, ... when there
    is more than one (as TensorBoard's ``graph_util.merge_graph_defs``); empty graphs left out."""
    graphs = [g for g in graphs if g.node]
    if len(graphs) == 1:
        return _prefixed(graphs[0], "")
    return [n for i, g in enumerate(graphs) for n in _prefixed(g, f"graph_{i + 1}")]


def function_graph_nodes(meta: run_metadata_pb2.RunMetadata) -> list[dict]:
    """The traced functions' graphs before optimization (what TensorBoard draws for a trace)."""
    return merged_nodes([f.pre_optimization_graph for f in meta.function_graphs])


def own_graph_nodes(meta: run_metadata_pb2.RunMetadata) -> list[dict]:
    """A graph the RunMetadata carries itself (function graphs, else partition graphs)."""
    return function_graph_nodes(meta) or merged_nodes(list(meta.partition_graphs))


def node_stats(meta: run_metadata_pb2.RunMetadata) -> dict[str, dict]:
    """node name -> {"compute_micros", "bytes", "devices"} from the step stats."""
    out: dict[str, dict] = {}
    for dev in meta.step_stats.dev_stats:
        for s in dev.node_stats:
            entry = out.setdefault(s.node_name, {"compute_micros": 0.0, "bytes": 0, "devices": []})
            micros = s.all_end_rel_micros or s.all_end_rel_nanos / 1000
            entry["compute_micros"] += max(0.0, float(micros))
            entry["bytes"] += sum(m.total_bytes for m in s.memory if m.total_bytes > 0)
            if dev.device not in entry["devices"]:
                entry["devices"].append(dev.device)
    return out


def with_stats(nodes: list[dict], stats: dict[str, dict]) -> tuple[list[dict], int]:
    """The nodes, those that ran carrying their ``stats``; and how many of ``stats`` matched."""
    matched = 0
    out = []
    for n in nodes:
        found = stats.get(n["name"])
        if found is not None:
            matched += 1
            n = {**n, "stats": found}
        out.append(n)
    return out, matched
