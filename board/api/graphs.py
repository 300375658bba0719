"""The model's graphs: the op graph (GraphDef) and the Keras model config (conceptual graph).

``/api/graph`` serves both as the same nodes (``kind=op`` the GraphDef, ``kind=keras`` the
layers of the Keras config), so the browser draws one node format.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Annotated, Literal

from fastapi import APIRouter, HTTPException, Query
from google.protobuf.message import DecodeError

from board.api.deps import Provider, Run
from board.api.graphjson import graph_json, keras_json
from board.data.provider import DataProvider
from board.jsonutil import JSON, float_name

Kind = Annotated[Literal["op", "keras"], Query(
    description="op: the newest GraphDef; keras: the layers of the newest Keras model config")]

router = APIRouter(prefix="/api", tags=["graphs"], default_response_class=JSON)


@lru_cache(maxsize=8)
def _nodes(data: bytes) -> list[dict]:
    # Keyed by the GraphDef bytes (whose hash Python caches): a graph is parsed once per version.
    return graph_json(data)


def _answer(run: str, latest, **body) -> dict:
    return {"run": run, "step": latest.step, "wall_time": float_name(latest.wall_time), **body}


# kind -> (the provider method giving the newest record, its conversion to nodes, the error
# that conversion raises, what the record is)
KINDS = {
    "op": ("graph", _nodes, DecodeError, "GraphDef"),
    "keras": ("keras_model", keras_json, ValueError, "Keras model config"),
}


def graph_impl(provider: DataProvider, run: str, kind: str = "op") -> dict:
    latest_of, convert, error, what = KINDS[kind]
    latest = getattr(provider, latest_of)(run)
    try:
        nodes = convert(latest.data)
    except error as exc:
        raise HTTPException(409, f"run {run!r}: its {what} at step {latest.step} "
                                 f"cannot be parsed: {exc}") from exc
    return _answer(run, latest, nodes=nodes)


def keras_model_impl(provider: DataProvider, run: str) -> dict:
    latest = provider.keras_model(run)
    return _answer(run, latest, config=latest.data)


@router.get("/graph")
def graph(provider: Provider, run: Run, kind: Kind = "op"):
    return JSON(graph_impl(provider, run, kind))


@router.get("/keras_model")
def keras_model(provider: Provider, run: Run):
    return JSON(keras_model_impl(provider, run))
