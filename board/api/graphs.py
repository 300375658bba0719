"""The model's graphs: the op graph (GraphDef), the Keras model config (conceptual graph), the
function graphs of ``tf.summary.trace_export`` and RunMetadata step stats.

``/api/graph`` serves them all as the same nodes, so the browser draws one node format:
``kind=op`` the GraphDef, ``kind=keras`` the layers of the Keras config, ``kind=function_graph``
the traced functions of a tag, ``kind=run_metadata`` the run's op graph (or the graph the
RunMetadata carries) with each node that ran carrying its compute time and memory.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Annotated, Literal

from fastapi import APIRouter, HTTPException, Query
from google.protobuf.message import DecodeError

from board.api import runmetadata
from board.api.deps import Provider, Run
from board.api.graphjson import graph_json, keras_json
from board.data.provider import WHAT, DataProvider, NotFoundError
from board.jsonutil import JSON, float_name

Kind = Annotated[Literal["op", "keras", "function_graph", "run_metadata"], Query(
    description="op: the newest GraphDef; keras: the layers of the newest Keras model config; "
                "function_graph: a tf.summary.trace_export tag's functions; run_metadata: the op "
                "graph with a tagged RunMetadata's compute time and memory per node")]
Tag = Annotated[str | None, Query(max_length=1000, description="the tag (function_graph, run_metadata)")]

router = APIRouter(prefix="/api", tags=["graphs"], default_response_class=JSON)


@lru_cache(maxsize=8)
def _nodes(data: bytes) -> list[dict]:
    # Keyed by the GraphDef bytes (whose hash Python caches): a graph is parsed once per version.
    return graph_json(data)


@lru_cache(maxsize=8)
def _meta(data: bytes):
    return runmetadata.parse(data)


def _answer(run: str, latest, **body) -> dict:
    return {"run": run, "step": latest.step, "wall_time": float_name(latest.wall_time), **body}


# kind -> (the provider method giving the newest record, its conversion to nodes, the error
# that conversion raises, what the record is)
KINDS = {
    "op": ("graph", _nodes, DecodeError, "GraphDef"),
    "keras": ("keras_model", keras_json, ValueError, "Keras model config"),
}


def _unparsable(run: str, what: str, latest, exc: Exception) -> HTTPException:
    return HTTPException(409, f"run {run!r}: its {what} at step {latest.step} cannot be parsed: {exc}")


def _tagged_impl(provider: DataProvider, run: str, kind: str, tag: str | None) -> dict:
    if tag is None:
        raise HTTPException(422, f"kind={kind} needs a tag: /api/tags lists the run's graphs")
    latest = provider.run_metadata(run, kind, tag)
    try:
        meta = _meta(latest.data)
    except DecodeError as exc:
        raise _unparsable(run, f"RunMetadata {tag!r}", latest, exc) from exc
    stats = runmetadata.node_stats(meta)
    if kind == "function_graph":
        nodes = runmetadata.function_graph_nodes(meta)
    else:
        try:    # TensorBoard draws run metadata on the run's op graph
            op = provider.graph(run)
        except NotFoundError:
            nodes = runmetadata.own_graph_nodes(meta)
        else:
            try:
                nodes = _nodes(op.data)
            except DecodeError as exc:
                raise _unparsable(run, "GraphDef", op, exc) from exc
    if not nodes:
        raise HTTPException(409, f"run {run!r}: its {WHAT[kind]} {tag!r} holds no graph "
                                 "and the run has no op graph to show it on")
    nodes, matched = runmetadata.with_stats(nodes, stats)
    return _answer(run, latest, kind=kind, tag=tag, nodes=nodes,
                   stats={"nodes": len(stats), "matched": matched})


def graph_impl(provider: DataProvider, run: str, kind: str = "op", tag: str | None = None) -> dict:
    if kind in ("function_graph", "run_metadata"):
        return _tagged_impl(provider, run, kind, tag)
    latest_of, convert, error, what = KINDS[kind]
    latest = getattr(provider, latest_of)(run)
    try:
        nodes = convert(latest.data)
    except error as exc:
        raise _unparsable(run, what, latest, exc) from exc
    return _answer(run, latest, kind=kind, tag=None, nodes=nodes)


def keras_model_impl(provider: DataProvider, run: str) -> dict:
    latest = provider.keras_model(run)
    return _answer(run, latest, config=latest.data)


@router.get("/graph")
def graph(provider: Provider, run: Run, kind: Kind = "op", tag: Tag = None):
    return JSON(graph_impl(provider, run, kind, tag))


@router.get("/keras_model")
def keras_model(provider: Provider, run: Run):
    return JSON(keras_model_impl(provider, run))
