"""The model's graphs: the op graph (GraphDef) and the Keras model config (conceptual graph)."""

from __future__ import annotations

from functools import lru_cache

from fastapi import APIRouter, HTTPException
from google.protobuf.message import DecodeError

from board.api.deps import Provider, Run
from board.api.graphjson import graph_json
from board.data.provider import DataProvider
from board.jsonutil import JSON, float_name

router = APIRouter(prefix="/api", tags=["graphs"], default_response_class=JSON)


@lru_cache(maxsize=8)
def _nodes(data: bytes) -> list[dict]:
    # Keyed by the GraphDef bytes (whose hash Python caches): a graph is parsed once per version.
    return graph_json(data)


def graph_impl(provider: DataProvider, run: str) -> dict:
    latest = provider.graph(run)
    try:
        nodes = _nodes(latest.data)
    except DecodeError as exc:
        raise HTTPException(409, f"run {run!r}: its GraphDef at step {latest.step} "
                                 f"cannot be parsed: {exc}") from exc
    return {"run": run, "step": latest.step, "wall_time": float_name(latest.wall_time),
            "nodes": nodes}


def keras_model_impl(provider: DataProvider, run: str) -> dict:
    latest = provider.keras_model(run)
    return {"run": run, "step": latest.step, "wall_time": float_name(latest.wall_time),
            "config": latest.data}


@router.get("/graph")
def graph(provider: Provider, run: Run):
    return JSON(graph_impl(provider, run))


@router.get("/keras_model")
def keras_model(provider: Provider, run: Run):
    return JSON(keras_model_impl(provider, run))
